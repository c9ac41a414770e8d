/* tests/record/minflt.c — run a program with transparent huge pages off
 * (PR_SET_THP_DISABLE, kept across fork and exec: the simulator has no huge
 * pages, and a host in THP "always" mode would fault its arrays in 2 MiB at
 * a time) and print the minor and major page faults it took (getrusage
 * through wait4) on standard error: "minflt N majflt N". */
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	struct rusage ru;
	if (argc < 2 || prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0))
		return 2;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return 1;
	fprintf(stderr, "minflt %ld majflt %ld\n", ru.ru_minflt, ru.ru_majflt);
	return 0;
}

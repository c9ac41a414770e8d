/* tests/record/minflt.c — run a program and print the minor and major
 * page faults it took (getrusage through wait4) on standard error:
 * "minflt N majflt N". */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int status;
	struct rusage ru;
	if (argc < 2)
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

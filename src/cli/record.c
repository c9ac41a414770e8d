/*
 * cli/record.c — `mmsim record [-o TRACE] [--fetches] -- PROGRAM ARGS...`:
 * run PROGRAM under mmsim's Valgrind tool (tools/valgrind, GPL-2, a program
 * of its own), which writes one raw trace per process, then merge those
 * into one compressed trace, each child's records right after the fork
 * that made it. mmsim and the tool share nothing but the trace format.
 * docs/traces.md.
 */
#include "cli.h"

#include "mmsim_trace.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TOOL_NAME "mmsim-record-amd64-linux"

/* What a merge counted. */
struct merge {
	mmsim_trace_writer *w;
	const char *prefix;          /* the tool's files are PREFIX.PID */
	uint64_t accesses, events;
	int processes, depth;
	char err[700];
};

/* Is dir/TOOL_NAME there? */
static bool has_tool(const char *dir)
{
	char p[PATH_MAX];
	return snprintf(p, sizeof p, "%s/" TOOL_NAME, dir) < (int)sizeof p && !access(p, R_OK | X_OK);
}

/* The directory of the Valgrind tool into dir: $MMSIM_VALGRIND_LIB, or
 * beside this program (the build tree: build/valgrind), or where make
 * install puts it (PREFIX/lib/mmsim/valgrind). 0, or -1 after saying where
 * it looked. */
static int find_tool(char *dir, size_t len)
{
	const char *env = getenv("MMSIM_VALGRIND_LIB");
	char exe[PATH_MAX - 64];
	if (env && *env) {
		snprintf(dir, len, "%s", env);
		if (has_tool(dir))
			return 0;
		fprintf(stderr, "mmsim record: MMSIM_VALGRIND_LIB=%s has no %s\n", env, TOOL_NAME);
		return -1;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0) {
		fprintf(stderr, "mmsim record: cannot find this program's directory (/proc/self/exe)\n");
		return -1;
	}
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	*slash = 0;
	snprintf(dir, len, "%s/valgrind", exe);
	if (has_tool(dir))
		return 0;
	snprintf(dir, len, "%s/../lib/mmsim/valgrind", exe);
	if (has_tool(dir))
		return 0;
	fprintf(stderr, "mmsim record: the Valgrind tool %s is not built (make builds it when valgrind and its "
		"static libraries are installed: make deps); looked in %s/valgrind and %s/../lib/mmsim/valgrind\n",
		TOOL_NAME, exe, exe);
	return -1;
}

/* Run valgrind with the tool on argv (PROGRAM ARGS...): its exit status
 * as a shell gives it (128 + the signal that killed it), -1 when valgrind
 * could not be started. *pid gets its process id (the first process's). */
static int run_valgrind(const char *tooldir, const char *prefix, bool fetches, char **argv, pid_t *pid)
{
	const char *vg = getenv("MMSIM_VALGRIND");
	char out[PATH_MAX + 32];
	int nargs = 0, status;
	while (argv[nargs])
		nargs++;
	char **av = calloc((size_t)nargs + 6, sizeof *av);
	if (!av)
		return fprintf(stderr, "mmsim record: out of memory\n"), -1;
	snprintf(out, sizeof out, "--mmsim-out=%s", prefix);
	int k = 0;
	av[k++] = (char *)(vg && *vg ? vg : "valgrind");
	av[k++] = "-q";
	av[k++] = "--tool=mmsim-record";
	av[k++] = out;
	if (fetches)
		av[k++] = "--mmsim-fetches=yes";
	memcpy(av + k, argv, (size_t)nargs * sizeof *av);
	fflush(NULL);
	*pid = fork();
	if (*pid < 0) {
		free(av);
		return fprintf(stderr, "mmsim record: fork: %s\n", strerror(errno)), -1;
	}
	if (!*pid) {
		setenv("VALGRIND_LIB", tooldir, 1);
		execvp(av[0], av);
		fprintf(stderr, "mmsim record: cannot run %s: %s\n", av[0], strerror(errno));
		_exit(127);
	}
	free(av);
	while (waitpid(*pid, &status, 0) < 0)
		if (errno != EINTR)
			return fprintf(stderr, "mmsim record: waitpid: %s\n", strerror(errno)), -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/* Copy process pid's records into m->w, each forked child's records right
 * after its fork event. 0, or -1 with m->err saying why. */
static int merge_process(struct merge *m, long pid)
{
	char path[PATH_MAX], err[600];
	mmsim_trace *t;
	struct mmsim_trace_record r;
	int rc;

	snprintf(path, sizeof path, "%s.%ld", m->prefix, pid);
	if (mmsim_trace_open(path, &t, err, sizeof err)) {
		if (m->depth > 0 && access(path, F_OK)) {       /* died before its first record */
			fprintf(stderr, "mmsim record: process %ld left no trace (it was killed or exec'd at once)\n", pid);
			return 0;
		}
		snprintf(m->err, sizeof m->err, "%s", err);
		return -1;
	}
	if (m->depth++ > 10000)
		return snprintf(m->err, sizeof m->err, "more than 10000 nested forks"), mmsim_trace_close(t), -1;
	m->processes++;
	while ((rc = mmsim_trace_next(t, &r)) > 0) {
		if (mmsim_trace_write(m->w, &r)) {
			snprintf(m->err, sizeof m->err, "%s", mmsim_trace_writer_error(m->w));
			mmsim_trace_close(t);
			return -1;
		}
		if (r.type == MMSIM_TRACE_ACCESS) {
			m->accesses++;
			continue;
		}
		m->events++;
		if (r.type == MMSIM_TRACE_FORK && merge_process(m, r.clone.child)) {
			mmsim_trace_close(t);
			return -1;
		}
	}
	if (rc < 0) {
		/* A process that exec'd (its new program is not traced) or was
		 * killed stops at its last whole block, without a trailer: its
		 * records so far stand, and it ends there. */
		const char *e = mmsim_trace_error(t);
		if (!strstr(e, "without its trailer")) {
			snprintf(m->err, sizeof m->err, "%s", e);
			mmsim_trace_close(t);
			return -1;
		}
		fprintf(stderr, "mmsim record: process %ld ended without finishing its trace (it exec'd or was "
			"killed): its records up to there are kept\n", pid);
		r = (struct mmsim_trace_record){ .type = MMSIM_TRACE_EXIT, .tid = (uint32_t)pid,
						 .exit = { .code = 0, .group = 1 } };
		if (mmsim_trace_write(m->w, &r)) {
			snprintf(m->err, sizeof m->err, "%s", mmsim_trace_writer_error(m->w));
			mmsim_trace_close(t);
			return -1;
		}
		m->events++;
	}
	mmsim_trace_close(t);
	m->depth--;
	return 0;
}

/* The header of the merged trace: the first process's, with mmsim's tool
 * string, the date and this host's kernel. */
static int create_output(const char *out, const char *first, mmsim_trace_writer **w, char *err, size_t len)
{
	mmsim_trace *t;
	char tool[300], date[32], host[300];
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;
	if (mmsim_trace_open(first, &t, err, len))
		return -1;
	const struct mmsim_trace_info *in = mmsim_trace_info(t);
	snprintf(tool, sizeof tool, "mmsim record %s (%s)", mmsim_version(), in->tool);
	strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	if (uname(&u))
		snprintf(host, sizeof host, "unknown");
	else
		snprintf(host, sizeof host, "%s %s %s", u.sysname, u.release, u.machine);
	struct mmsim_trace_meta meta = {
		.flags = in->flags, .program = in->program, .argv = in->argv, .tool = tool, .date = date,
		.host = host,
		.note = "captured under Valgrind: the loader, the stack and the heap are where Valgrind put them, "
			"not where a native run has them",
	};
	int rc = mmsim_trace_create(out, &meta, w, err, len);
	mmsim_trace_close(t);
	return rc ? -1 : 0;
}

/* Remove the tool's files and their directory. */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];
	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
			    snprintf(p, sizeof p, "%s/%s", dir, e->d_name) < (int)sizeof p)
				unlink(p);
		closedir(d);
	}
	rmdir(dir);
}

/* See cli.h. */
int cli_record(struct cli *cli, int argc, char **argv)
{
	const char *out = NULL;
	bool fetches = false;
	int i;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: %s", cli->usage);
			return 0;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strncmp(argv[i], "-o", 2) && argv[i][2]) {
			out = argv[i] + 2;
		} else if (!strcmp(argv[i], "--fetches")) {
			fetches = true;
		} else {
			fprintf(stderr, "mmsim record: unknown option '%s'\nusage: %s", argv[i], cli->usage);
			return 2;
		}
	}
	if (i >= argc)
		return cli_missing(cli, "program", "mmsim record -o TRACE -- PROGRAM ARGS...");
	if (!out)
		return cli_missing(cli, "trace file", "-o TRACE");

	char tooldir[PATH_MAX], tmp[PATH_MAX - 64], prefix[PATH_MAX], first[PATH_MAX + 32], err[700];
	if (find_tool(tooldir, sizeof tooldir))
		return 1;
	const char *td = getenv("TMPDIR");
	if (snprintf(tmp, sizeof tmp, "%s/mmsim-record.XXXXXX", td && *td ? td : "/tmp") >= (int)sizeof tmp ||
	    !mkdtemp(tmp)) {
		fprintf(stderr, "mmsim record: cannot make a directory %s: %s\n", tmp, strerror(errno));
		return 1;
	}
	snprintf(prefix, sizeof prefix, "%s/p", tmp);
	pid_t pid = 0;
	int status = run_valgrind(tooldir, prefix, fetches, argv + i, &pid);
	snprintf(first, sizeof first, "%s.%ld", prefix, (long)pid);
	if (status < 0 || access(first, F_OK)) {
		if (status >= 0)
			fprintf(stderr, "mmsim record: no trace was written: valgrind exited with status %d before the "
				"program started (its message is above)\n", status);
		remove_dir(tmp);
		return 1;
	}
	struct merge m = { .prefix = prefix };
	if (create_output(out, first, &m.w, err, sizeof err)) {
		fprintf(stderr, "mmsim record: %s\n", err);
		remove_dir(tmp);
		return 1;
	}
	int rc = merge_process(&m, pid);
	int frc = mmsim_trace_finish(m.w, err, sizeof err);
	remove_dir(tmp);
	if (rc || frc) {
		fprintf(stderr, "mmsim record: %s\n", rc ? m.err : err);
		unlink(out);
		return 1;
	}
	fprintf(stderr, "mmsim record: %llu accesses, %llu events, %d process%s written to %s (the program "
		"exited with %d)\n", (unsigned long long)m.accesses, (unsigned long long)m.events, m.processes,
		m.processes == 1 ? "" : "es", out, status);
	return status;
}

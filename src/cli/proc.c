/* cli/proc.c — `mmsim proc`: print /proc files of a freshly booted machine. */
#include "cli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `mmsim proc list`: the paths `mmsim proc` prints, then the other files
 * of the simulated /proc, each with a note: a process's files and the
 * binary ones (those the machine refuses as text) are read by methods. */
static int list_paths(struct cli *cli)
{
	mmsim_machine *m = cli_boot(cli);
	if (!m)
		return 1;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; mmsim_proc_path(i); i++) {
			const char *path = mmsim_proc_path(i);
			bool process = strstr(path, "/<pid>/") != NULL;
			char *text = NULL;
			int err = process ? -ENOENT : mmsim_proc_read(m, path, &text, NULL);
			free(text);
			if (pass == 0 && !err)
				printf("%s\n", path);
			else if (pass == 1 && (process || err == -EINVAL))
				printf("%-26s (%s: %c:%s in a script)\n", path, process ? "per process" : "binary",
				       process ? 'p' : 'm', strrchr(path, '/') + 1);
		}
	int rc = cli_report(cli, m, 0);
	mmsim_machine_free(m);
	return rc;
}

/* `mmsim proc numa`: the nodes as `numactl --hardware` shows them. */
static int numa_hardware(struct cli *cli)
{
	mmsim_machine *m = cli_boot(cli);
	char *text;
	if (!m)
		return 1;
	int rc = 0;
	if (mmsim_numa_hardware(m, &text)) {
		fprintf(stderr, "mmsim proc numa: %s\n", mmsim_last_error(m));
		rc = 1;
	} else {
		fputs(text, stdout);
		free(text);
	}
	rc = cli_report(cli, m, rc);
	mmsim_machine_free(m);
	return rc;
}

/* See cli.h. */
int cli_proc(struct cli *cli, int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "list"))
		return list_paths(cli);
	if (argc == 1 && !strcmp(argv[0], "numa"))
		return numa_hardware(cli);
	if (argc < 1)
		return cli_missing(cli, "path", "mmsim proc list lists them");
	mmsim_machine *m = cli_boot(cli);
	if (!m)
		return 1;
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		char *text;
		if (mmsim_proc_read(m, argv[i], &text, NULL)) {
			fprintf(stderr, "mmsim proc: %s (see `mmsim proc list`)\n", mmsim_last_error(m));
			rc = 1;
			continue;
		}
		fputs(text, stdout);
		free(text);
	}
	rc = cli_report(cli, m, rc);
	mmsim_machine_free(m);
	return rc;
}

/* cli/proc.c — `mmsim proc`: print /proc files of a freshly booted machine. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* See cli.h. */
int cli_proc(struct cli *cli, int argc, char **argv)
{
	if (argc == 1 && !strcmp(argv[0], "list")) {
		for (size_t i = 0; mmsim_proc_path(i); i++)
			printf("%s\n", mmsim_proc_path(i));
		return 0;
	}
	if (argc < 1) {
		fprintf(stderr, "usage: %s", cli->usage);
		return 2;
	}
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

/* cli/presets.c — `mmsim presets [NAME]`: the machines one can start from. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

/* See cli.h. */
int cli_presets(struct cli *cli, int argc, char **argv)
{
	if (argc == 0) {
		for (size_t i = 0; mmsim_preset_name(i); i++)
			printf("%-16s %s\n", mmsim_preset_name(i), mmsim_preset_description(i));
		printf("\n`mmsim presets NAME` shows one in full; `--machine NAME` starts from it.\n");
		return 0;
	}
	int rc = 0;
	for (int i = 0; i < argc; i++) {
		int n = mmsim_preset_describe(argv[i], NULL, 0);
		if (n < 0) {
			fprintf(stderr, "mmsim %s: unknown machine preset '%s' (mmsim presets lists them)\n",
				cli->name, argv[i]);
			rc = 2;
			continue;
		}
		char *buf = malloc((size_t)n + 1);
		if (!buf)
			return 1;
		mmsim_preset_describe(argv[i], buf, (size_t)n + 1);
		printf("%s%s", i ? "\n" : "", buf);
		free(buf);
	}
	return rc;
}

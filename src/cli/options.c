/* cli/options.c — the options every subcommand shares. */
#include "cli.h"
#include "common.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Apply one KEY=VALUE (or, for a command that writes a file, take a
 * value without '=' as the file); 0, or -1 after printing the error. */
static int apply_override(struct cli *cli, const char *kv)
{
	char key[64], err[256];
	const char *eq = strchr(kv, '=');
	if (!eq && (cli->takes & CLI_TAKES_OUTPUT) && *kv) {
		cli->output = kv;
		return 0;
	}
	if (!eq || eq == kv || (size_t)(eq - kv) >= sizeof key) {
		fprintf(stderr, "mmsim %s: -o wants KEY=VALUE, got '%s'\n", cli->name, kv);
		return -1;
	}
	memcpy(key, kv, (size_t)(eq - kv));
	key[eq - kv] = '\0';
	if (mmsim_config_set(cli->config, key, eq + 1, err, sizeof err)) {
		fprintf(stderr, "mmsim %s: -o %s: %s\n", cli->name, kv, err);
		return -1;
	}
	if (cli->noverrides == CLI_MAX_OVERRIDES) {
		fprintf(stderr, "mmsim %s: more than %d -o options\n", cli->name, CLI_MAX_OVERRIDES);
		return -1;
	}
	cli->overrides[cli->noverrides++] = kv;
	return 0;
}

/* Make cli->config from a preset name; -1 after printing the error. */
static int use_preset(struct cli *cli, const char *name)
{
	int err;
	mmsim_config *c = mmsim_config_new(name, &err);
	if (!c) {
		fprintf(stderr, "mmsim %s: unknown machine preset '%s'\n", cli->name, name ? name : "default");
		return -1;
	}
	mmsim_config_free(cli->config);
	cli->config = c;
	cli->preset = name;
	/* -o given before --machine still applies on top of it */
	for (int i = 0; i < cli->noverrides; i++) {
		const char *kv = cli->overrides[i], *eq = strchr(kv, '=');
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
		mmsim_config_set(cli->config, key, eq + 1, NULL, 0);
	}
	return 0;
}

/* See cli.h. */
void cli_help(const struct cli *cli)
{
	printf("usage: %s\noptions:\n%s%s%s", cli->usage, cli->takes & CLI_TAKES_MACHINE ? CLI_MACHINE_OPTIONS : "",
	       cli->takes & CLI_TAKES_JSON ? CLI_JSON_OPTION : "", CLI_HELP_OPTION);
}

/* See cli.h. */
int cli_missing(const struct cli *cli, const char *what, const char *hint)
{
	fprintf(stderr, "mmsim %s: no %s given (%s)\nusage: %s", cli->name, what, hint, cli->usage);
	return 2;
}

/* Is option a (one of the common ones) refused by the command? Prints why. */
static bool refused(const struct cli *cli, const char *a)
{
	static const struct { const char *name; unsigned need; } common[] = {
		{ "--machine", CLI_TAKES_MACHINE }, { "-o", CLI_TAKES_MACHINE }, { "--seed", CLI_TAKES_MACHINE },
		{ "--json", CLI_TAKES_JSON },
	};
	for (size_t i = 0; i < ARRAY_SIZE(common); i++) {
		size_t n = strlen(common[i].name);
		if (strncmp(a, common[i].name, n) || (a[n] && a[n] != '=' && strcmp(common[i].name, "-o")))
			continue;
		if (cli->takes & common[i].need)
			return false;
		fprintf(stderr, "mmsim %s: %s does not apply to %s (see mmsim %s --help)\n", cli->name,
			common[i].name, cli->name, cli->name);
		return true;
	}
	return false;
}

/* --seed N: the seed of the machines (and of the script's math.random). */
static int use_seed(struct cli *cli, const char *n)
{
	char err[256];
	if (mmsim_config_set(cli->config, "seed", n, err, sizeof err)) {
		fprintf(stderr, "mmsim %s: --seed: %s\n", cli->name, err);
		return -1;
	}
	snprintf(cli->seed_override, sizeof cli->seed_override, "seed=%s", n);
	return apply_override(cli, cli->seed_override);
}

/* See cli.h. Options are taken in order, so --machine comes before -o. */
int cli_parse_options(struct cli *cli, int argc, char **argv)
{
	int i, took;
	if (use_preset(cli, NULL))
		return -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			cli_help(cli);
			cli_cleanup(cli);
			return CLI_HELP;
		} else if (refused(cli, a)) {
			goto fail;
		} else if (!strcmp(a, "--machine") && i + 1 < argc) {
			if (use_preset(cli, argv[++i]))
				goto fail;
		} else if (!strncmp(a, "--machine=", 10)) {
			if (use_preset(cli, a + 10))
				goto fail;
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			if (apply_override(cli, argv[++i]))
				goto fail;
		} else if (!strncmp(a, "-o", 2) && a[2]) {
			if (apply_override(cli, a + 2))
				goto fail;
		} else if (!strcmp(a, "--seed") && i + 1 < argc) {
			if (use_seed(cli, argv[++i]))
				goto fail;
		} else if (!strncmp(a, "--seed=", 7)) {
			if (use_seed(cli, a + 7))
				goto fail;
		} else if ((cli->takes & CLI_TAKES_OUTPUT) && !strcmp(a, "--output") && i + 1 < argc) {
			cli->output = argv[++i];
		} else if ((cli->takes & CLI_TAKES_OUTPUT) && !strncmp(a, "--output=", 9)) {
			cli->output = a + 9;
		} else if (!strcmp(a, "--json") && i + 1 < argc) {
			cli->json = argv[++i];
		} else if (!strncmp(a, "--json=", 7)) {
			cli->json = a + 7;
		} else if (cli->option && (cli->next = i + 1 < argc ? argv[i + 1] : NULL, took = cli->option(cli, a))) {
			if (took < 0)
				goto fail;
			i += took - 1;
			continue;
		} else if (!strcmp(a, "--")) {
			i++;
			break;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "mmsim %s: unknown option '%s' (see mmsim %s --help)\n", cli->name, a,
				cli->name);
			goto fail;
		} else {
			break;
		}
	}
	if (!cli_json_check(cli))
		return i;
fail:
	cli_cleanup(cli);
	return -1;
}

/* See cli.h. */
mmsim_machine *cli_boot(struct cli *cli)
{
	char err[256] = "";
	mmsim_machine *m;
	int rc = mmsim_machine_new(cli->config, &m, err, sizeof err);
	if (rc) {
		fprintf(stderr, "mmsim %s: cannot build the machine: %s (%s)\n", cli->name, err,
			mmsim_strerror(rc));
		return NULL;
	}
	return m;
}

/* See cli.h. */
void cli_cleanup(struct cli *cli)
{
	mmsim_config_free(cli->config);
	cli->config = NULL;
}

/* See cli.h. */
int cli_show(mmsim_machine *m, const char *path)
{
	char *text;
	if (mmsim_proc_read(m, path, &text, NULL)) {
		fprintf(stderr, "mmsim: %s\n", mmsim_last_error(m));
		return 1;
	}
	printf("$ cat %s\n%s", path, text);
	free(text);
	return 0;
}

/* See cli.h. */
int cli_report(struct cli *cli, mmsim_machine *m, int rc)
{
	if (cli->json) {
		char preset[32];
		struct cli_json *j = cli_json_new();
		if (!j) {
			fprintf(stderr, "mmsim %s: --json: out of memory\n", cli->name);
			return rc ? rc : 1;
		}
		snprintf(preset, sizeof preset, "%s", cli->preset ? cli->preset : "default");
		cli_json_add(j, m, preset);
		if (cli_json_write(cli, j) && !rc)
			rc = 1;
	}
	return rc;
}

/* cli/json.c — `--json FILE`: the final counters of every machine. */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct cli_json {
	json_t *machines;
};

/* See cli.h. */
struct cli_json *cli_json_new(void)
{
	struct cli_json *j = calloc(1, sizeof *j);
	if (j && !(j->machines = json_array())) {
		free(j);
		return NULL;
	}
	return j;
}

/* See cli.h. */
void cli_json_set_path(json_t *obj, const char *name, uint64_t value)
{
	char part[48];
	for (const char *dot; (dot = strchr(name, '.')); name = dot + 1) {
		snprintf(part, sizeof part, "%.*s", (int)(dot - name), name);
		json_t *sub = json_object_get(obj, part);
		if (!json_is_object(sub)) {
			sub = json_object();
			json_object_set_new(obj, part, sub);
		}
		obj = sub;
	}
	json_object_set_new(obj, name, json_integer((json_int_t)value));
}

/* The machine's configuration, every key: a number when the value is an
 * integer (as m:get gives it), its text otherwise ("64M", "lru"). */
static json_t *config_object(mmsim_machine *m)
{
	json_t *c = json_object();
	char buf[128], *end;
	for (size_t i = 0; mmsim_config_key(i); i++) {
		if (mmsim_machine_config_get(m, mmsim_config_key(i), buf, sizeof buf))
			continue;
		errno = 0;
		long long v = strtoll(buf, &end, 10);
		bool number = *buf && !*end && !errno;
		json_object_set_new(c, mmsim_config_key(i), number ? json_integer(v) : json_string(buf));
	}
	return c;
}

/* See cli.h. */
void cli_json_add(struct cli_json *j, mmsim_machine *m, const char *preset)
{
	if (!j)
		return;
	size_t n = mmsim_machine_stats(m, NULL, 0);
	struct mmsim_stat *s = calloc(n ? n : 1, sizeof *s);
	json_t *stats = json_object(), *entry = json_object();
	if (!s || !stats || !entry) {
		free(s);
		json_decref(stats);
		json_decref(entry);
		return;
	}
	mmsim_machine_stats(m, s, n);
	for (size_t i = 0; i < n; i++)
		cli_json_set_path(stats, s[i].name, s[i].value);
	free(s);
	json_object_set_new(entry, "preset", json_string(preset));
	json_object_set_new(entry, "config", config_object(m));
	json_object_set_new(entry, "stats", stats);
	json_array_append_new(j->machines, entry);
}

/* See cli.h. */
int cli_json_dump(const struct cli *cli, json_t *root)
{
	const size_t flags = JSON_INDENT(2) | JSON_SORT_KEYS;
	int err;
	if (!strcmp(cli->json, "-")) {
		fflush(stdout);
		err = json_dumpf(root, stdout, flags) || putchar('\n') == EOF || fflush(stdout);
	} else {
		err = json_dump_file(root, cli->json, flags);
	}
	if (err)
		fprintf(stderr, "mmsim %s: --json: cannot write %s: %s\n", cli->name,
			strcmp(cli->json, "-") ? cli->json : "to standard output", strerror(errno));
	return err ? 1 : 0;
}

/* See cli.h. */
int cli_json_check(const struct cli *cli)
{
	struct stat st;
	char dir[4096];
	if (!cli->json || !strcmp(cli->json, "-"))
		return 0;
	if (!stat(cli->json, &st)) {
		if (S_ISDIR(st.st_mode))
			errno = EISDIR;
		else if (!access(cli->json, W_OK))
			return 0;
	} else if (errno == ENOENT) {            /* then its directory must take it */
		const char *slash = strrchr(cli->json, '/');
		snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - cli->json) + (slash == cli->json) : 1,
			 slash ? cli->json : ".");
		if (!stat(dir, &st) && !S_ISDIR(st.st_mode))
			errno = ENOTDIR;
		else if (!access(dir, W_OK | X_OK))
			return 0;
	}
	fprintf(stderr, "mmsim %s: --json: cannot write %s: %s\n", cli->name, cli->json, strerror(errno));
	return -1;
}

/* See cli.h. */
int cli_json_write(struct cli *cli, struct cli_json *j)
{
	int rc = 0;
	if (!j)
		return 0;
	if (cli->json) {
		json_t *root = json_object();
		json_object_set_new(root, "mmsim", json_string(mmsim_version()));
		json_object_set(root, "machines", j->machines);
		rc = cli_json_dump(cli, root);
		json_decref(root);
	}
	json_decref(j->machines);
	free(j);
	return rc;
}

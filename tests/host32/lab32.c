/*
 * tests/host32/lab32.c — the browser lab's engine (web/src/lab.c: the
 * simulator, the pictures, the module and Lua 5.4 from web/lua) as a
 * command, built for 32-bit x86 by mk/host32.mk: a host whose pointers
 * and longs are 4 bytes, as in WebAssembly, where a test can run it.
 * tests/host32/run.sh compares what it prints with the native mmsim's.
 *
 * usage: mmsim-lab32 [--explain] [--machine PRESET] SCRIPT
 * Runs SCRIPT as the lab's Run does (narrated with --explain, as
 * `mmsim explain`); exit 1 with the error on standard error if it fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab.h"

/* The whole of path, NUL-terminated (malloc'd), or NULL with a message. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return NULL;
	}
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	for (size_t n; buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0;) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(buf, cap *= 2);
			if (!more)
				free(buf);
			buf = more;
		}
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "%s: cannot read it\n", path);
		free(buf);
		buf = NULL;
	} else {
		buf[len] = '\0';
	}
	fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	int explain = 0, i = 1;
	const char *preset = "";
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--explain"))
			explain = 1;
		else if (!strcmp(argv[i], "--machine") && i + 1 < argc)
			preset = argv[++i];
		else
			break;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: mmsim-lab32 [--explain] [--machine PRESET] SCRIPT\n");
		return 2;
	}
	char *script = slurp(argv[i]);
	if (!script)
		return 1;
	if (lab_reset(explain, preset, "")) {
		fprintf(stderr, "mmsim-lab32: %s\n", lab_result());
		free(script);
		return 1;
	}
	int rc = lab_exec(script, "=script");
	fflush(stdout);
	if (rc)
		fprintf(stderr, "mmsim-lab32: %s\n", lab_result());
	free(script);
	return rc ? 1 : 0;
}

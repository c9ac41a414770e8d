/*
 * tests/fuzz-trace/corpus.c — without libFuzzer: run a fuzz target over
 * files (its corpus), each once. usage: fuzz-trace-TARGET FILE...
 * Exit 0 when none crashed (a crash ends the run, as under libFuzzer).
 */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			fprintf(stderr, "%s: cannot open %s\n", argv[0], argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, n = 0, got;
		uint8_t *buf = malloc(cap);
		while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
			if ((n += got) == cap)
				buf = realloc(buf, cap *= 2);
		fclose(f);
		if (!buf)
			return 1;
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	printf("%s: %d inputs, none crashed\n", argv[0], argc - 1);
	return 0;
}

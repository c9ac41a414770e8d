/* bench/bench.c — registry, timing, table and JSON output for `make bench`. */
#include "bench.h"

#include <dlfcn.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BENCH   64
#define MAX_FIGURES 256

static struct { const char *name; bench_fn fn; } benches[MAX_BENCH];
static int nbenches;
static struct { char name[64]; double value; char unit[16]; } figures[MAX_FIGURES];
static int nfigures;
static volatile uint64_t sink;

/* See bench.h. */
void bench_register(const char *name, bench_fn fn)
{
	if (nbenches < MAX_BENCH)
		{ benches[nbenches].name = name; benches[nbenches++].fn = fn; }
}

/* See bench.h. */
void bench_figure(const char *name, double value, const char *unit)
{
	if (nfigures == MAX_FIGURES)
		return;
	snprintf(figures[nfigures].name, sizeof figures[0].name, "%s", name);
	snprintf(figures[nfigures].unit, sizeof figures[0].unit, "%s", unit);
	figures[nfigures].value = value;
	nfigures++;
	printf("  %-36s %16.3f  %s\n", name, value, unit);
	fflush(stdout);
}

/* See bench.h. */
void bench_ratio(const char *name, double num, double den)
{
	bench_figure(name, den != 0 ? num / den : 0, "ratio");
}

/* See bench.h. */
uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* See bench.h. */
void bench_sink(uint64_t v)
{
	sink += v;
}

/* Load malloc/free from a shared allocator library for a same-run baseline. */
static void load_alloc(struct bench_ctx *ctx, const char *name, const char *path)
{
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h || ctx->nallocs == 4) {
		fprintf(stderr, "bench: cannot load %s (%s): skipped\n", path, dlerror());
		return;
	}
	struct bench_alloc *a = &ctx->allocs[ctx->nallocs];
	a->name = name;
	*(void **)&a->malloc_fn = dlsym(h, "malloc");
	*(void **)&a->free_fn = dlsym(h, "free");
	if (a->malloc_fn && a->free_fn)
		ctx->nallocs++;
}

static int write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return -1;
	}
	fputs("{\n", f);
	for (int i = 0; i < nfigures; i++)
		fprintf(f, "  \"%s\": %.6g%s\n", figures[i].name, figures[i].value,
			i + 1 < nfigures ? "," : "");
	fputs("}\n", f);
	return fclose(f);
}

static void usage(void)
{
	fputs("usage: mmsim-bench [--quick] [--json FILE] [--only PATTERN]\n"
	      "                   [--with-jemalloc SO] [--with-mimalloc SO]\n", stderr);
}

int main(int argc, char **argv)
{
	struct bench_ctx ctx = { 0 };
	const char *json = NULL, *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			ctx.quick = true;
		else if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strncmp(argv[i], "--with-", 7) && i + 1 < argc) {
			load_alloc(&ctx, argv[i] + 7, argv[i + 1]);
			i++;
		} else {
			usage();
			return 2;
		}
	}
	printf("mmsim bench%s: figures are per second unless a unit says otherwise\n",
	       ctx.quick ? " (quick)" : "");
	for (int i = 0; i < nbenches; i++) {
		if (only && fnmatch(only, benches[i].name, 0))   /* "mmu_walk", "mm_*" */
			continue;
		printf("[%s]\n", benches[i].name);
		benches[i].fn(&ctx);
	}
	if (json && write_json(json))
		return 1;
	if (json)
		printf("wrote %s (%d figures)\n", json, nfigures);
	return 0;
}

/*
 * cli/replay.c — `mmsim replay TRACE` (a trace on a simulated machine, and
 * the report: text, --json, an --interval CSV series or --plot line chart;
 * a progress bar on a terminal) and `mmsim import FORMAT INPUT TRACE`.
 * docs/traces.md.
 */
#include "cli.h"

#include "mmsim_trace.h"
#include "common.h"
#include "draw/draw.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* cli->flags of replay. */
#define REPLAY_NO_CHECK    1
#define REPLAY_NO_PROGRESS 2
#define REPLAY_ONE_CORE    4

/* The values of replay's own options (one command runs per process). */
static struct {
	uint64_t interval;
	const char *csv;
	const char *plot;              /* --plot FILE: the series as an SVG line chart */
	int top;
} opt = { .top = 10 };

/* A positive integer option value; -1 after printing why not. */
static int count_value(struct cli *cli, const char *name, const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n = v ? strtoull(v, &end, 10) : 0;
	if (!v || !*v || *end || !n || *v == '-') {
		fprintf(stderr, "mmsim %s: %s wants a positive integer, got '%s'\n", cli->name, name, v ? v : "");
		return -1;
	}
	*out = n;
	return 0;
}

/* See cli.h. */
int cli_replay_option(struct cli *cli, const char *arg)
{
	uint64_t n;
	if (!strcmp(arg, "--no-check"))
		cli->flags |= REPLAY_NO_CHECK;
	else if (!strcmp(arg, "--no-progress"))
		cli->flags |= REPLAY_NO_PROGRESS;
	else if (!strcmp(arg, "--interval"))
		return count_value(cli, arg, cli->next, &opt.interval) ? -1 : 2;
	else if (!strcmp(arg, "--top")) {
		if (count_value(cli, arg, cli->next, &n) || n > 100000)
			return n > 100000 ? fprintf(stderr, "mmsim replay: --top: at most 100000\n"), -1 : -1;
		opt.top = (int)n;
		return 2;
	} else if (!strcmp(arg, "--csv")) {
		if (!cli->next)
			return fprintf(stderr, "mmsim replay: --csv wants a file name\n"), -1;
		opt.csv = cli->next;
		return 2;
	} else if (!strcmp(arg, "--plot")) {
		if (!cli->next || !*cli->next)
			return fprintf(stderr, "mmsim replay: --plot wants a file name (FILE.svg)\n"), -1;
		opt.plot = cli->next;
		return 2;
	} else if (!strcmp(arg, "--placement")) {
		if (!cli->next || (strcmp(cli->next, "rr") && strcmp(cli->next, "one")))
			return fprintf(stderr, "mmsim replay: --placement wants rr or one, got '%s'\n",
				       cli->next ? cli->next : ""), -1;
		if (!strcmp(cli->next, "one"))
			cli->flags |= REPLAY_ONE_CORE;
		return 2;
	} else
		return 0;
	return 1;
}

/* The progress bar on standard error (a terminal): done, rate, ETA. */
struct progress {
	uint64_t start_ns, last_ns;
	bool shown;
};

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void show_progress(void *ctx, uint64_t done, uint64_t total, uint64_t accesses)
{
	struct progress *p = ctx;
	uint64_t now = now_ns();
	if (p->shown && now - p->last_ns < 200000000u && (!total || done < total))   /* at once, five times
										       * a second, at the end */
		return;
	p->last_ns = now;
	p->shown = true;
	double secs = (double)(now - p->start_ns) / 1e9, rate = secs > 0 ? (double)accesses / secs : 0;
	char bar[31] = "";
	if (total) {
		int filled = (int)(30.0 * (double)done / (double)total);
		for (int i = 0; i < 30; i++)
			bar[i] = i < filled ? '#' : '.';
		bar[30] = 0;
		double eta = done ? secs * (double)(total - done) / (double)done : 0;
		fprintf(stderr, "\r[%s] %5.1f%%  %llu accesses  %.1f M/s  ETA %.0f s   ", bar,
			100.0 * (double)done / (double)total, (unsigned long long)accesses, rate / 1e6, eta);
	} else {
		fprintf(stderr, "\r%llu accesses  %.1f M/s   ", (unsigned long long)accesses, rate / 1e6);
	}
	fflush(stderr);
}

/* The context the replay's callbacks share. */
struct replay_ctx {
	FILE *csv;                   /* the CSV series, or NULL */
	struct mmsim_replay_sample *samples;   /* kept for --plot (keep) */
	size_t nsamples, cap;
	bool keep, nomem;
	struct progress progress;
	bool bar;
};

/* A point of the series: a CSV line (a header came first), and kept for
 * the plot. */
static void on_sample(void *ctx, const struct mmsim_replay_sample *s)
{
	struct replay_ctx *c = ctx;
	if (c->csv)
		fprintf(c->csv, "%llu,%llu,%llu,%llu,%llu,%llu\n", (unsigned long long)s->accesses,
			(unsigned long long)s->l1_misses, (unsigned long long)s->walks,
			(unsigned long long)s->walk_refs, (unsigned long long)s->faults,
			(unsigned long long)s->cycles);
	if (!c->keep || c->nomem)
		return;
	if (c->nsamples == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		struct mmsim_replay_sample *v = realloc(c->samples, cap * sizeof *v);
		if (!v) {
			c->nomem = true;
			return;
		}
		c->samples = v;
		c->cap = cap;
	}
	c->samples[c->nsamples++] = *s;
}

/* The plot's series: L1 TLB misses, page walks and page faults per 1000
 * accesses over each interval, at the accesses replayed so far. */
enum { PLOT_L1, PLOT_WALKS, PLOT_FAULTS, NR_PLOT };

static uint64_t plot_counter(const struct mmsim_replay_sample *s, int which)
{
	return which == PLOT_L1 ? s->l1_misses : which == PLOT_WALKS ? s->walks : s->faults;
}

/* Write the kept series to path as an SVG line chart. 0, or 1 after saying
 * why not. */
static int write_plot(const char *path, const char *trace, const struct replay_ctx *c)
{
	static const char *const names[NR_PLOT] = { "L1 TLB misses", "page walks", "page faults" };
	double *x = calloc(c->nsamples + 1, sizeof *x), *y[NR_PLOT];
	size_t n = 0;
	int status = 1;
	for (int i = 0; i < NR_PLOT; i++)
		y[i] = calloc(c->nsamples + 1, sizeof *y[i]);
	if (c->nomem || !x || !y[PLOT_L1] || !y[PLOT_WALKS] || !y[PLOT_FAULTS]) {
		fprintf(stderr, "mmsim replay: --plot %s: out of memory\n", path);
		goto out;
	}
	struct mmsim_replay_sample prev = { 0 };
	for (size_t i = 0; i < c->nsamples; i++) {
		const struct mmsim_replay_sample *s = &c->samples[i];
		if (s->accesses <= prev.accesses)
			continue;            /* the end's sample, when it fell on an interval */
		double d = (double)(s->accesses - prev.accesses);
		x[n] = (double)s->accesses;
		for (int k = 0; k < NR_PLOT; k++)
			y[k][n] = 1000.0 * (double)(plot_counter(s, k) - plot_counter(&prev, k)) / d;
		n++;
		prev = *s;
	}
	if (!n) {
		fprintf(stderr, "mmsim replay: --plot %s: the trace has no accesses to plot\n", path);
		goto out;
	}
	struct draw_series series[NR_PLOT];
	for (int k = 0; k < NR_PLOT; k++)
		series[k] = (struct draw_series){ .name = names[k], .y = y[k], .n = n };
	char title[512], err[256], *svg = NULL;
	size_t len = 0;
	snprintf(title, sizeof title, "mmsim replay %s: per 1000 accesses, every %llu", trace,
		 (unsigned long long)opt.interval);
	struct draw_opts o = { .format = DRAW_SVG, .title = title, .series = series, .nseries = NR_PLOT, .x = x,
			       .xlabel = "accesses replayed", .ylabel = "per 1000 accesses" };
	if (draw(NULL, "plot", &o, &svg, &len, err, sizeof err)) {
		fprintf(stderr, "mmsim replay: --plot %s: %s\n", path, err);
		goto out;
	}
	FILE *f = fopen(path, "w");
	if (!f || fwrite(svg, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "mmsim replay: --plot %s: cannot write it\n", path);
		if (f)
			fclose(f);
	} else {
		status = 0;
	}
	free(svg);
out:
	free(x);
	for (int k = 0; k < NR_PLOT; k++)
		free(y[k]);
	return status;
}

static void on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t accesses)
{
	struct replay_ctx *c = ctx;
	if (c->bar)
		show_progress(&c->progress, done, total, accesses);
}

/* The report as JSON: the trace's header, the machine, the counters, the
 * mappings and pages. */
static json_t *report_json(const struct cli *cli, mmsim_machine *m, const struct mmsim_trace_info *info,
			   const struct mmsim_replay_report *r)
{
	json_t *root = json_object(), *trace = json_object(), *argv = json_array(), *stats = json_object();
	json_t *vmas = json_array(), *pages = json_array(), *machine = json_object();
	for (int i = 0; i < info->argc; i++)
		json_array_append_new(argv, json_string(info->argv[i]));
	json_object_set_new(trace, "program", json_string(info->program));
	json_object_set_new(trace, "argv", argv);
	json_object_set_new(trace, "tool", json_string(info->tool));
	json_object_set_new(trace, "date", json_string(info->date));
	json_object_set_new(trace, "host", json_string(info->host));
	json_object_set_new(trace, "flat", json_boolean(r->flat));
	json_object_set_new(machine, "preset", json_string(cli->preset ? cli->preset : "default"));
	char buf[64];
	static const char *const keys[] = { "ram", "cores", "paging" };
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!mmsim_machine_config_get(m, keys[i], buf, sizeof buf))
			json_object_set_new(machine, keys[i], json_string(buf));
	for (size_t i = 0; i < r->nstats; i++)
		cli_json_set_path(stats, r->stats[i].name, r->stats[i].value);
	for (size_t i = 0; i < r->nvmas; i++) {
		const struct mmsim_replay_vma *v = &r->vmas[i];
		json_array_append_new(vmas, json_pack("{s:i, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "pid", v->pid,
						      "name", v->name, "start", (json_int_t)v->start, "end",
						      (json_int_t)v->end, "accesses", (json_int_t)v->accesses,
						      "l1_misses", (json_int_t)v->l1_misses, "walks",
						      (json_int_t)v->walks, "faults", (json_int_t)v->faults,
						      "huge_accesses", (json_int_t)v->huge_accesses));
	}
	for (size_t i = 0; i < r->npages; i++) {
		const struct mmsim_replay_page *g = &r->pages[i];
		json_array_append_new(pages, json_pack("{s:i, s:I, s:s, s:I, s:I, s:I}", "pid", g->pid, "addr",
						       (json_int_t)g->addr, "mapping", g->vma, "l1_misses",
						       (json_int_t)g->l1_misses, "walks", (json_int_t)g->walks,
						       "faults", (json_int_t)g->faults));
	}
	json_object_set_new(root, "mmsim", json_string(mmsim_version()));
	json_object_set_new(root, "trace", trace);
	json_object_set_new(root, "machine", machine);
	json_object_set_new(root, "stats", stats);
	json_object_set_new(root, "mappings", vmas);
	json_object_set_new(root, "pages", pages);
	json_object_set_new(root, "first_mismatch", json_string(r->first_mismatch));
	return root;
}

/* The lines above the report: what was replayed on what. */
static void print_heading(const struct cli *cli, mmsim_machine *m, const char *path, const struct mmsim_trace_info *info)
{
	char ram[32] = "", cores[16] = "", paging[8] = "";
	mmsim_machine_config_get(m, "ram", ram, sizeof ram);
	mmsim_machine_config_get(m, "cores", cores, sizeof cores);
	mmsim_machine_config_get(m, "paging", paging, sizeof paging);
	printf("trace %s:", path);
	if (*info->program) {
		printf(" %s", info->program);
		for (int i = 1; i < info->argc; i++)
			printf(" %s", info->argv[i]);
	}
	printf("\n  captured by %s%s%s%s%s\n", *info->tool ? info->tool : "an unnamed tool", *info->date ? " on " : "",
	       info->date, *info->host ? ", " : "", info->host);
	printf("machine: %s (%s RAM, %s cores, %s-level paging)\n", cli->preset ? cli->preset : "default", ram, cores,
	       paging);
}

/* See cli.h. */
int cli_replay(struct cli *cli, int argc, char **argv)
{
	if (argc < 1)
		return cli_missing(cli, "trace", "a file mmsim record or mmsim import wrote");
	if (argc > 1) {
		fprintf(stderr, "mmsim replay: one trace at a time (got '%s' after it)\n", argv[1]);
		return 2;
	}
	const char *path = argv[0];
	char err[700];
	mmsim_trace *t;
	int rc = mmsim_trace_open(path, &t, err, sizeof err);    /* a bad file is said before booting */
	if (rc) {
		fprintf(stderr, "mmsim replay: %s\n", err);
		return 1;
	}
	struct replay_ctx ctx = { .bar = !(cli->flags & REPLAY_NO_PROGRESS) && isatty(STDERR_FILENO) };
	struct mmsim_replay_options o = { .placement = cli->flags & REPLAY_ONE_CORE ? 1 : 0,
					  .no_check = !!(cli->flags & REPLAY_NO_CHECK), .top_pages = opt.top,
					  .progress = on_progress, .ctx = &ctx };
	if (opt.plot && !opt.interval) {
		fprintf(stderr, "mmsim replay: --plot needs --interval N (the accesses between the chart's points)\n");
		mmsim_trace_close(t);
		return 2;
	}
	/* The CSV goes to --csv FILE, or to standard output instead of the
	 * text report when neither --csv nor --plot says where the series go. */
	bool csv_out = opt.interval && !opt.csv && !opt.plot;
	if (opt.interval) {
		ctx.csv = opt.csv ? fopen(opt.csv, "w") : csv_out ? stdout : NULL;
		if (opt.csv && !ctx.csv) {
			fprintf(stderr, "mmsim replay: --csv %s: cannot write it\n", opt.csv);
			mmsim_trace_close(t);
			return 1;
		}
		if (ctx.csv)
			fprintf(ctx.csv, "accesses,l1_misses,walks,walk_refs,faults,cycles\n");
		ctx.keep = opt.plot != NULL;
		o.interval = opt.interval;
		o.sample = on_sample;
	}
	mmsim_machine *m = cli_boot(cli);
	if (!m) {
		mmsim_trace_close(t);
		return 1;
	}
	ctx.progress.start_ns = ctx.progress.last_ns = now_ns();
	struct mmsim_replay_report *r;
	rc = mmsim_replay(m, path, &o, &r, err, sizeof err);
	if (ctx.progress.shown)
		fprintf(stderr, "\r%80s\r", "");
	if (ctx.csv && ctx.csv != stdout && fclose(ctx.csv)) {
		fprintf(stderr, "mmsim replay: --csv %s: write error\n", opt.csv);
		rc = rc ? rc : -1;
	}
	if (rc) {
		if (*err)
			fprintf(stderr, "mmsim replay: %s\n", err);
		free(ctx.samples);
		mmsim_machine_free(m);
		mmsim_trace_close(t);
		return 1;
	}
	int status = opt.plot ? write_plot(opt.plot, path, &ctx) : 0;
	free(ctx.samples);
	if (!csv_out) {
		char *text = mmsim_replay_report_text(r);
		print_heading(cli, m, path, mmsim_trace_info(t));
		fputs(text ? text : "(no memory for the report)\n", stdout);
		free(text);
	}
	if (cli->json) {
		json_t *root = report_json(cli, m, mmsim_trace_info(t), r);
		status = (root ? cli_json_dump(cli, root) : 1) | status;
		json_decref(root);
	}
	if (r->mismatches) {
		fprintf(stderr, "mmsim replay: %llu system call result%s from the capture; the first: %s\n",
			(unsigned long long)r->mismatches, r->mismatches == 1 ? " differs" : "s differ", r->first_mismatch);
		status = 1;
	}
	mmsim_replay_report_free(r);
	mmsim_machine_free(m);
	mmsim_trace_close(t);
	return status;
}

/* See cli.h. */
int cli_import(struct cli *cli, int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "mmsim import: %s (FORMAT INPUT TRACE)\nusage: %s", argc < 3 ? "too few arguments"
			: "too many arguments", cli->usage);
		return 2;
	}
	if (strcmp(argv[0], "lackey") && strcmp(argv[0], "champsim")) {
		fprintf(stderr, "mmsim import: format '%s': expected lackey or champsim\n", argv[0]);
		return 2;
	}
	char err[700];
	uint64_t records;
	int rc = mmsim_trace_import(argv[0], argv[1], argv[2], &records, err, sizeof err);
	if (rc) {
		fprintf(stderr, "mmsim import: %s\n", err);
		return 1;
	}
	fprintf(stderr, "mmsim import: %llu records written to %s\n", (unsigned long long)records, argv[2]);
	return 0;
}

/* A program built against an installed libmmsim-trace: writes a trace of
 * a thousand stores, reads it back, replays it on a machine. */
#include <mmsim_trace.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	char err[700];
	const char *path = argc > 1 ? argv[1] : "consumer.mmt";
	mmsim_trace_writer *w;
	if (mmsim_trace_create(path, NULL, &w, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	for (int i = 0; i < 1000; i++) {
		struct mmsim_ref r = { .addr = 0x10000000 + 64 * (uint64_t)i, .size = 8, .kind = MMSIM_WRITE, .tid = 1 };
		if (mmsim_trace_write_accesses(w, &r, 1))
			return 1;
	}
	if (mmsim_trace_finish(w, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	mmsim_trace *t;
	struct mmsim_trace_record rec;
	int n = 0;
	if (mmsim_trace_open(path, &t, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	while (mmsim_trace_next(t, &rec) == 1)
		n++;
	mmsim_trace_close(t);
	mmsim_config *c = mmsim_config_new("teaching", NULL);
	mmsim_machine *m;
	struct mmsim_replay_report *r;
	if (!c || mmsim_machine_new(c, &m, err, sizeof err) || mmsim_replay(m, path, NULL, &r, err, sizeof err))
		return fprintf(stderr, "%s\n", err), 1;
	printf("records %d, replayed %llu, faults %llu\n", n, (unsigned long long)r->accesses,
	       (unsigned long long)mmsim_replay_stat(r, "pf.total"));
	mmsim_replay_report_free(r);
	mmsim_machine_free(m);
	mmsim_config_free(c);
	remove(path);
	return 0;
}

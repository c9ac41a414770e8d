/*
 * trace/replay.h — what the replay (replay.c) and its report (report.c)
 * share: the rows a replay gathers while it runs.
 */
#ifndef MMSIM_TRACE_REPLAY_H
#define MMSIM_TRACE_REPLAY_H

#include <stdint.h>

#include "mmsim_trace.h"

/* What the accesses to one mapping (a process's VMAs of one name) needed:
 * hist[o] counts the accesses of outcome o (MMSIM_REF_*). */
struct replay_row {
	int proc;                    /* the replay's process index */
	char name[128];
	uint64_t start, end;         /* the union of the ranges seen */
	uint64_t hist[8];
};

/* The l1 misses, walks and faults a histogram of outcomes counts. */
static inline uint64_t hist_l1_misses(const uint64_t *h)
{
	uint64_t n = 0;
	for (int o = 0; o < 8; o++)
		n += (o & 3) ? h[o] : 0;
	return n;
}
static inline uint64_t hist_walks(const uint64_t *h)
{
	return h[MMSIM_REF_WALK] + h[MMSIM_REF_WALK | MMSIM_REF_FAULTED];
}
static inline uint64_t hist_faults(const uint64_t *h)
{
	uint64_t n = 0;
	for (int o = MMSIM_REF_FAULTED; o < 8; o++)
		n += h[o];
	return n;
}
static inline uint64_t hist_total(const uint64_t *h)
{
	uint64_t n = 0;
	for (int o = 0; o < 8; o++)
		n += h[o];
	return n;
}

#endif

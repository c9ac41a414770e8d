/*
 * trace/replay.h — what the replay (replay.c) and its report (report.c)
 * share: the rows a replay gathers while it runs.
 */
#ifndef MMSIM_TRACE_REPLAY_H
#define MMSIM_TRACE_REPLAY_H

#include <stdint.h>

#include "mmsim_trace.h"

/* Outcomes (MMSIM_REF_*: 3 bits of depth and fault, and MMSIM_REF_HUGE). */
#define NR_OUTCOMES 16

/* What the accesses to one mapping (a process's VMAs of one name) needed:
 * hist[o] counts the accesses of outcome o (MMSIM_REF_*). */
struct replay_row {
	int proc;                    /* the replay's process index */
	char name[128];
	uint64_t start, end;         /* the union of the ranges seen */
	uint64_t hist[NR_OUTCOMES];
};

/* The accesses, L1 misses, walks and faults a histogram of outcomes
 * counts, of those whose MMSIM_REF_HUGE bit is huge (0 or MMSIM_REF_HUGE),
 * or of all (huge -1). */
static inline uint64_t hist_sum(const uint64_t *h, unsigned need, int huge)
{
	uint64_t n = 0;
	for (unsigned o = 0; o < NR_OUTCOMES; o++)
		if ((huge < 0 || (o & MMSIM_REF_HUGE) == (unsigned)huge) && (!need || (o & need)))
			n += h[o];
	return n;
}
static inline uint64_t hist_l1_misses(const uint64_t *h)
{
	return hist_sum(h, MMSIM_REF_L2_HIT | MMSIM_REF_WALK, -1);
}
static inline uint64_t hist_walks(const uint64_t *h)
{
	return hist_sum(h, MMSIM_REF_WALK, -1);
}
static inline uint64_t hist_faults(const uint64_t *h)
{
	return hist_sum(h, MMSIM_REF_FAULTED, -1);
}
static inline uint64_t hist_total(const uint64_t *h)
{
	return hist_sum(h, 0, -1);
}

#endif

/* The store buffer and x86-TSO (hw/storebuf.h, mmsim_interleave): the
 * classic litmus tests, run in every interleaving of two threads' steps
 * with each thread's buffer draining at every possible point, against the
 * outcome sets x86-TSO allows (Sewell et al., CACM 2010; Intel SDM vol. 3
 * §9.2.3: "Loads may be reordered with older stores to different
 * locations", the only reordering). */
#include "api_helpers.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

/* A two-thread program: up to 4 steps a thread (addr: 0 is x, 1 is y). */
struct prog {
	int n[2];
	struct { enum mmsim_step_op op; int var; uint64_t value; } s[2][4];
};

struct rig {
	mmsim_machine *m;
	int pid[2];
	uint64_t var[2];        /* x and y, on two lines of one page */
};

/* A machine with caches (teaching's, or sb.entries as given) and a
 * process with a thread on each core. */
static void rig_init(struct rig *r, const char *sb_entries)
{
	int err;
	char eb[200];
	mmsim_config *c = mmsim_config_new("teaching", &err);
	cr_assert_eq(mmsim_config_set(c, "caches", "1", eb, sizeof eb), 0, "%s", eb);
	cr_assert_eq(mmsim_config_set(c, "sb.entries", sb_entries, eb, sizeof eb), 0, "%s", eb);
	cr_assert_eq(mmsim_machine_new(c, &r->m, eb, sizeof eb), 0, "%s", eb);
	mmsim_config_free(c);
	r->pid[0] = mmsim_spawn(r->m, "litmus", 0);
	r->pid[1] = mmsim_thread(r->m, r->pid[0], 1);
	cr_assert_gt(r->pid[1], 0);
	int64_t a = mmsim_mmap(r->m, r->pid[0], 0, 4096, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS | MMSIM_MAP_POPULATE, -1, 0);
	cr_assert_gt(a, 0);
	r->var[0] = (uint64_t)a;
	r->var[1] = (uint64_t)a + 64;
}

/* The number of stores thread t of p makes: it gets as many drains. */
static int stores_of(const struct prog *p, int t)
{
	int k = 0;
	for (int i = 0; i < p->n[t]; i++)
		k += p->s[t][i].op == MMSIM_STEP_STORE;
	return k;
}

/* Run one schedule: order[k] is the thread of the k-th event; bit j of
 * drains[t] says thread t's j-th event is a DRAIN (else its next step).
 * Returns the loads' values, thread 0's first, packed two bits each
 * (values are 0 or 1). */
static unsigned run_schedule(struct rig *r, const struct prog *p, const int *order, int events,
			     const unsigned drains[2])
{
	struct mmsim_step steps[16];
	int next[2] = { 0, 0 }, ev[2] = { 0, 0 }, n = 0;
	uint64_t zero = 0;
	for (int v = 0; v < 2; v++)
		cr_assert_eq(mmsim_access(r->m, r->pid[0], r->var[v], &zero, 8, MMSIM_WRITE, NULL), 0);
	for (int k = 0; k < events; k++) {
		int t = order[k];
		struct mmsim_step *st = &steps[n++];
		if ((drains[t] >> ev[t]++) & 1) {
			*st = (struct mmsim_step){ .pid = r->pid[t], .op = MMSIM_STEP_DRAIN };
			continue;
		}
		int i = next[t]++;
		*st = (struct mmsim_step){ .pid = r->pid[t], .op = p->s[t][i].op, .addr = r->var[p->s[t][i].var],
					   .len = 8, .value = p->s[t][i].value };
	}
	cr_assert_eq(mmsim_interleave(r->m, steps, (size_t)n, NULL), 0, "%s", mmsim_last_error(r->m));
	unsigned out = 0;
	for (int t = 0; t < 2; t++)
		for (int k = 0; k < n; k++)
			if (steps[k].op == MMSIM_STEP_LOAD && steps[k].pid == r->pid[t])
				out = out << 2 | (unsigned)steps[k].value;
	return out;
}

/* Every outcome of p: all merges of the two threads' event lists, each
 * thread's list its steps with one drain per store at every placement
 * (a drain of an empty buffer does nothing; what is left drains at the
 * end). A bit per outcome. */
static uint64_t outcomes(struct rig *r, const struct prog *p)
{
	uint64_t seen = 0;
	int k0 = stores_of(p, 0), k1 = stores_of(p, 1);
	int len[2] = { p->n[0] + k0, p->n[1] + k1 }, total = len[0] + len[1];
	int order[16];
	for (unsigned d0 = 0; d0 < 1u << len[0]; d0++)
		for (unsigned d1 = 0; d1 < 1u << len[1]; d1++) {
			if (__builtin_popcount(d0) != k0 || __builtin_popcount(d1) != k1)
				continue;
			for (unsigned mask = 0; mask < 1u << total; mask++) {
				if (__builtin_popcount(mask) != len[1])
					continue;
				for (int k = 0; k < total; k++)
					order[k] = (mask >> k) & 1;
				unsigned drains[2] = { d0, d1 };
				seen |= 1ULL << run_schedule(r, p, order, total, drains);
			}
		}
	return seen;
}

/* The outcome (a, b) of two loads, as run_schedule packs it. */
#define O(a, b) (1ULL << ((a) << 2 | (b)))

#define ST(v, x) { MMSIM_STEP_STORE, v, x }
#define LD(v) { MMSIM_STEP_LOAD, v, 0 }
#define MF { MMSIM_STEP_MFENCE, 0, 0 }

/* SB: each thread stores its flag, then reads the other's. Under TSO both
 * may read 0 (each load passes its own buffered store); an MFENCE between
 * forbids it, as does a machine without store buffers. */
static void store_buffering(void)
{
	static const struct prog sb = { { 2, 2 }, { { ST(0, 1), LD(1) }, { ST(1, 1), LD(0) } } };
	static const struct prog sb_fenced = { { 3, 3 }, { { ST(0, 1), MF, LD(1) }, { ST(1, 1), MF, LD(0) } } };
	struct rig r;
	rig_init(&r, "4");
	cr_assert_eq(outcomes(&r, &sb), O(0, 0) | O(0, 1) | O(1, 0) | O(1, 1), "SB: (0,0) is allowed");
	cr_assert_eq(outcomes(&r, &sb_fenced), O(0, 1) | O(1, 0) | O(1, 1), "SB+mfence: never (0,0)");
	mmsim_machine_free(r.m);
	rig_init(&r, "0");
	cr_assert_eq(outcomes(&r, &sb), O(0, 1) | O(1, 0) | O(1, 1), "no store buffer: sequential consistency");
	mmsim_machine_free(r.m);
}

/* MP: thread 0 writes data then flag; thread 1 reads flag then data. TSO
 * keeps stores in order (the buffer drains FIFO) and loads in order, so
 * flag 1 with data 0 never happens. Also a thread reads its own store
 * before it drains (forwarding). */
static void message_passing_and_forwarding(void)
{
	static const struct prog mp = { { 2, 2 }, { { ST(0, 1), ST(1, 1) }, { LD(1), LD(0) } } };
	static const struct prog own = { { 2, 1 }, { { ST(0, 1), LD(0) }, { LD(0) } } };
	struct rig r;
	rig_init(&r, "4");
	cr_assert_eq(outcomes(&r, &mp), O(0, 0) | O(0, 1) | O(1, 1), "MP: never flag 1 with data 0");
	/* thread 0 always sees its own 1; thread 1 sees 0 or 1 */
	cr_assert_eq(outcomes(&r, &own), (1ULL << (1 << 2 | 0)) | (1ULL << (1 << 2 | 1)));
	mmsim_machine_free(r.m);
}

/* A full buffer drains its oldest store to make room; a bad step is
 * refused before anything runs. */
static void a_full_buffer_drains_and_bad_steps_are_refused(void)
{
	struct rig r;
	rig_init(&r, "1");
	struct mmsim_step s[] = {
		{ .pid = r.pid[0], .op = MMSIM_STEP_STORE, .addr = r.var[0], .len = 8, .value = 1 },
		{ .pid = r.pid[0], .op = MMSIM_STEP_STORE, .addr = r.var[1], .len = 8, .value = 1 },
		{ .pid = r.pid[1], .op = MMSIM_STEP_LOAD, .addr = r.var[0], .len = 8 },
		{ .pid = r.pid[1], .op = MMSIM_STEP_LOAD, .addr = r.var[1], .len = 8 },
	};
	cr_assert_eq(mmsim_interleave(r.m, s, 4, NULL), 0);
	cr_assert_eq(s[2].value, 1, "the second store pushed the first out of a one-entry buffer");
	cr_assert_eq(s[3].value, 0, "the second is still buffered");
	s[3].len = 3;
	cr_assert_eq(mmsim_interleave(r.m, s, 4, NULL), -EINVAL);
	cr_assert(strstr(mmsim_last_error(r.m), "step 4: a load of 3 bytes"), "%s", mmsim_last_error(r.m));
	s[3].len = 8;
	s[0].pid = 999;
	cr_assert_eq(mmsim_interleave(r.m, s, 4, NULL), -ESRCH);
	mmsim_machine_free(r.m);
}

Test(storebuf, store_buffering)
{
	store_buffering();
}

Test(storebuf, message_passing)
{
	message_passing_and_forwarding();
}

Test(storebuf, full_and_errors)
{
	a_full_buffer_drains_and_bad_steps_are_refused();
}

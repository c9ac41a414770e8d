/*
 * The swap integrity test: several processes on a machine with four times
 * less RAM than their working set make random writes, reads, forks, exits,
 * mprotects, munmaps, madvise(DONTNEED, PAGEOUT, COLD, FREE) and mlocks,
 * and every read must return the bytes a reference model says: the bytes
 * last written, through swap-out, swap-in, readahead, fork and
 * copy-on-write of swapped pages, shared memory swapped through its object.
 * The consistency checker (swap slot counts against their PTEs, shmem
 * entries and swap cache included) runs throughout; at the end every page
 * is read back once more, the processes exit, and every frame and every
 * slot must be free again.
 *
 * The second test runs the same with the processes spread over memory
 * cgroups (limits below their share of RAM, one with memory.high only),
 * so that most reclaim is each cgroup's own: the checker then also checks
 * every cgroup's LRU lists and memory.current against its charged pages,
 * and at the end every charge (memory and swap) is gone.
 *
 * MMSIM_SWAP_SOAK_OPS (the environment) sets the number of operations:
 * `make soak` runs 10^8; the default, 10^6 (2 x 10^5 under ASan, for
 * `make check`), keeps `make test` to seconds.
 */
#include "proc_helpers.h"

#include "kernel/debug_vm.h"
#include "kernel/memcontrol.h"
#include "kernel/mm.h"
#include "kernel/swap.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW   0x10000000ULL      /* each process's private pages */
#define SHWIN    0x30000000ULL      /* the shared object, mapped by all */
#define NP       3000               /* private pages per process */
#define SHP      256                /* shared pages */
#define PG       4096ULL
#define MAXPROC  5
#define LOCKMAX  48                 /* locked pages per process, at most */
#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_OPS 200000           /* make check: ASan makes each far slower */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DEFAULT_OPS 200000
#endif
#endif
#ifndef DEFAULT_OPS
#define DEFAULT_OPS 1000000
#endif

/* A page's bytes in the model, shared by forked processes until written. */
struct buf {
	int ref;
	uint8_t data[PG];
};

struct mpage {
	bool mapped, writable, locked;
	bool lazy;                  /* MADV_FREE'd: may read as zeros */
	struct buf *b;              /* NULL: zeros */
};

struct mproc {
	struct task_struct *task;
	struct mpage pages[NP];
};

static struct mproc procs[MAXPROC];
static int nprocs;
static struct buf *shm[SHP];
static struct tk *t;
static uint64_t seed_state;
static uint8_t scratch[PG], expect[PG];
static uint64_t nr_reads, nr_lazy_zero;
static uint64_t op_count;

static uint64_t rnd(void)
{
	uint64_t z = (seed_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void put_buf(struct buf *b)
{
	if (b && --b->ref == 0)
		free(b);
}

/* A private copy of *bp to write into (copy-on-write in the model). */
static struct buf *own_buf(struct buf **bp)
{
	struct buf *b = *bp;
	if (b && b->ref == 1)
		return b;
	struct buf *n = malloc(sizeof *n);
	cr_assert_not_null(n);
	n->ref = 1;
	if (b)
		memcpy(n->data, b->data, PG);
	else
		memset(n->data, 0, PG);
	put_buf(b);
	*bp = n;
	return n;
}

static void drop_page(struct mpage *mp)
{
	put_buf(mp->b);
	memset(mp, 0, sizeof *mp);
}

/* Read page va of p and compare with what the model holds (or zeros for a
 * lazily freed page, which the kernel may have dropped). Returns true when
 * it read zeros where the model had data. */
static bool read_check(struct task_struct *p, uint64_t va, const struct buf *b, bool lazy)
{
	int rc = tp_read(t, p, va, scratch, PG);
	if (rc) {
		char log[8192];
		kernel_log_read(&t->k, log, sizeof log);
		cr_assert_fail("read of %#llx by pid %d: %d, signal %d code %d\n%s", (unsigned long long)va, p->pid, rc,
			       p->fatal.si_signo, p->fatal.si_code, log);
	}
	nr_reads++;
	if (b ? !memcmp(scratch, b->data, PG) : !memcmp(scratch, expect, PG))
		return false;
	int diff = 0, first = -1;
	for (int i = 0; i < (int)PG; i++)
		if (scratch[i] != (b ? b->data[i] : 0) && diff++ == 0)
			first = i;
	cr_assert(lazy && !memcmp(scratch, expect, PG), "pid %d: page %#llx differs from the model in %d bytes from "
		  "offset %d, after operation %llu", p->pid, (unsigned long long)va, diff, first,
		  (unsigned long long)op_count);
	return true;
}

static void op_read(struct mproc *mp)
{
	uint64_t pg = rnd() % NP;
	struct mpage *m = &mp->pages[pg];
	if (!m->mapped)
		return;
	if (read_check(mp->task, WINDOW + pg * PG, m->b, m->lazy)) {
		put_buf(m->b);             /* dropped by reclaim: zeros from now on */
		m->b = NULL;
		m->lazy = false;
		nr_lazy_zero++;
	}
}

/* Write len bytes of noise at *off of the page into the simulator and
 * data; the bytes stay in scratch. Returns len. */
static uint64_t write_bytes(struct task_struct *p, uint64_t va, uint8_t *data, uint64_t *off)
{
	uint64_t len = rnd() % 4 ? 1 + rnd() % 64 : PG;
	*off = rnd() % PG;
	if (*off + len > PG)
		len = PG - *off;
	for (uint64_t i = 0; i < len; i++)
		scratch[i] = (uint8_t)rnd();
	cr_assert_eq(tp_write(t, p, va + *off, scratch, len), 0);
	memcpy(data + *off, scratch, len);
	return len;
}

/* A write of [off, off + len) to a lazily freed page landed on its old
 * bytes or, if reclaim dropped the page first, on zeros: read it back to
 * learn which. */
static void resolve_lazy_write(struct mpage *m, struct task_struct *p, uint64_t va, uint64_t off, uint64_t len)
{
	uint8_t written[PG];
	memcpy(written, m->b->data + off, len);
	cr_assert_eq(tp_read(t, p, va, scratch, PG), 0);
	if (memcmp(scratch, m->b->data, PG)) {
		memset(m->b->data, 0, PG);
		memcpy(m->b->data + off, written, len);
		cr_assert(!memcmp(scratch, m->b->data, PG), "pid %d: lazily freed page %#llx after a write", p->pid,
			  (unsigned long long)va);
		nr_lazy_zero++;
	}
	m->lazy = false;
}

/* Write some bytes of page pg of mp, if it may be written. */
static void write_page(struct mproc *mp, uint64_t pg)
{
	uint64_t off;
	struct mpage *m = &mp->pages[pg];
	if (!m->mapped || !m->writable)
		return;
	struct buf *b = own_buf(&m->b);
	uint64_t len = write_bytes(mp->task, WINDOW + pg * PG, b->data, &off);
	if (m->lazy)
		resolve_lazy_write(m, mp->task, WINDOW + pg * PG, off, len);
}

static void op_write(struct mproc *mp)
{
	write_page(mp, rnd() % NP);
}

static void op_shared(struct mproc *mp)
{
	uint64_t pg = rnd() % SHP;
	if (rnd() % 2) {
		read_check(mp->task, SHWIN + pg * PG, shm[pg], false);
		return;
	}
	uint64_t off;
	struct buf *b = own_buf(&shm[pg]);
	write_bytes(mp->task, SHWIN + pg * PG, b->data, &off);
}

static void op_fork(struct mproc *mp)
{
	int err;
	if (nprocs == MAXPROC)
		return;
	struct task_struct *c = copy_process(&t->k, mp->task, (int)(rnd() % 2), &err);
	if (!c) {
		char log[4096];
		kernel_log_read(&t->k, log, sizeof log);
		cr_assert_fail("fork: %d\n%s", err, log);
	}
	struct mproc *n = &procs[nprocs++];
	n->task = c;
	for (int i = 0; i < NP; i++) {
		n->pages[i] = mp->pages[i];
		n->pages[i].locked = false;        /* locks are not inherited */
		if (n->pages[i].b)
			n->pages[i].b->ref++;
	}
}

/* Every page write-faulted by process i from pg0 on, step pages apart:
 * the working set stays four times the RAM. */
static void write_pages(int i, int pg0, int step_pages)
{
	for (int pg = pg0; pg < NP; pg += step_pages)
		write_page(&procs[i], (uint64_t)pg);
}

/* fork, then the child writes half its pages: the other half stays shared
 * copy-on-write with the parent, through swap. */
static void op_fork_and_write(struct mproc *mp)
{
	int n = nprocs;
	op_fork(mp);
	if (nprocs > n)
		write_pages(nprocs - 1, (int)(rnd() % 2), 2);
}

static void op_exit(int i)
{
	if (nprocs <= 1)
		return;
	do_group_exit(&t->k, procs[i].task, 0);
	for (int p = 0; p < NP; p++)
		drop_page(&procs[i].pages[p]);
	procs[i] = procs[--nprocs];
}

/* [first, first + n) of the window: up to 8 pages, so that the
 * operations that zero pages keep the working set near 4x the RAM. */
static void pick_range(uint64_t *first, uint64_t *n)
{
	*first = rnd() % NP;
	*n = 1 + rnd() % 8;
	if (*first + *n > NP)
		*n = NP - *first;
}

static bool range_mapped(struct mproc *mp, uint64_t first, uint64_t n, bool unlocked)
{
	for (uint64_t p = first; p < first + n; p++)
		if (!mp->pages[p].mapped || (unlocked && mp->pages[p].locked))
			return false;
	return true;
}

static void op_mprotect(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	if (!range_mapped(mp, first, n, false))
		return;
	bool w = rnd() % 2;
	cr_assert_eq(do_mprotect_pkey(&t->k, mp->task, WINDOW + first * PG, n * PG,
				      PROT_READ | (w ? PROT_WRITE : 0)), 0);
	for (uint64_t p = first; p < first + n; p++)
		mp->pages[p].writable = w;
}

/* munmap a range and map it again: zeros, writable, unlocked (the
 * other operations skip a range with a hole, so none is left). */
static void op_remap(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	cr_assert_eq(do_munmap(&t->k, mp->task, WINDOW + first * PG, n * PG), 0);
	for (uint64_t p = first; p < first + n; p++)
		drop_page(&mp->pages[p]);
	long r = sys_mmap(&t->k, mp->task, WINDOW + first * PG, n * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	cr_assert_eq(r, (long)(WINDOW + first * PG), "mmap: %ld", r);
	for (uint64_t p = first; p < first + n; p++)
		mp->pages[p] = (struct mpage){ .mapped = true, .writable = true };
}

/* Every process whose page pg shares b (forked, not written since): a
 * MADV_FREE may drop the page under all of them. */
static void mark_lazy(struct buf *b, uint64_t pg)
{
	for (int i = 0; i < nprocs; i++)
		if (procs[i].pages[pg].b == b)
			procs[i].pages[pg].lazy = true;
}

static void op_madvise(struct mproc *mp)
{
	static const int advice[] = { MADV_DONTNEED, MADV_PAGEOUT, MADV_COLD, MADV_FREE, MADV_PAGEOUT, MADV_COLD };
	uint64_t first, n;
	int b = advice[rnd() % 6];
	pick_range(&first, &n);
	if (!range_mapped(mp, first, n, true))
		return;
	cr_assert_eq(do_madvise(&t->k, mp->task, WINDOW + first * PG, n * PG, b), 0, "madvise %d", b);
	for (uint64_t p = first; p < first + n; p++) {
		struct mpage *m = &mp->pages[p];
		if (b == MADV_DONTNEED) {
			put_buf(m->b);
			m->b = NULL;
			m->lazy = false;
		} else if (b == MADV_FREE && m->b) {
			mark_lazy(m->b, p);
		}
	}
}

static int locked_pages(const struct mproc *mp)
{
	int n = 0;
	for (int p = 0; p < NP; p++)
		n += mp->pages[p].locked;
	return n;
}

static void op_mlock(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	if (!range_mapped(mp, first, n, false))
		return;
	bool lock = rnd() % 2 && locked_pages(mp) + (int)n <= LOCKMAX;
	if (lock)
		cr_assert_eq(do_mlock(&t->k, mp->task, WINDOW + first * PG, n * PG, 0), 0);
	else
		cr_assert_eq(sys_munlock(&t->k, mp->task, WINDOW + first * PG, n * PG), 0);
	for (uint64_t p = first; p < first + n; p++)
		mp->pages[p].locked = lock;
}

/* One random operation. */
static void step(void)
{
	int i = (int)(rnd() % (uint64_t)nprocs);
	struct mproc *mp = &procs[i];
	unsigned r = (unsigned)(rnd() % 1000);
	if (r < 460)
		op_read(mp);
	else if (r < 870)
		op_write(mp);
	else if (r < 940)
		op_shared(mp);
	else if (r < 960)
		op_mprotect(mp);
	else if (r < 963)
		op_remap(mp);
	else if (r < 990)
		op_madvise(mp);
	else if (r < 998)
		op_mlock(mp);
	else if (rnd() % 16 == 0) {                  /* a process lives ~10^5 operations */
		op_exit(i);
		op_fork_and_write(&procs[rnd() % (uint64_t)nprocs]);
	}
}

/* Read every page of every process against the model. */
static void check_all(void)
{
	for (int i = 0; i < nprocs; i++) {
		for (int p = 0; p < NP; p++) {
			struct mpage *m = &procs[i].pages[p];
			if (m->mapped && read_check(procs[i].task, WINDOW + p * PG, m->b, m->lazy)) {
				put_buf(m->b);
				m->b = NULL;
				m->lazy = false;
			}
		}
		for (int p = 0; p < SHP; p++)
			read_check(procs[i].task, SHWIN + p * PG, shm[p], false);
	}
}

static uint64_t nr_ops(void)
{
	const char *env = getenv("MMSIM_SWAP_SOAK_OPS");
	return env && *env ? strtoull(env, NULL, 10) : DEFAULT_OPS;
}

/* The cgroups of the second test: process i + 1 goes to cgroup_of[i]. */
static const char *const cgroup_of[MAXPROC - 1] = { "a", "b", "b/c", "a" };

/* Make them: a at most 5 MiB, b 8 MiB, its child c kept to 2 MiB by
 * memory.high. */
static void setup_cgroups(void)
{
	int err = 0;
	struct mem_cgroup *a = mem_cgroup_create(&t->k, "a", &err), *b = mem_cgroup_create(&t->k, "b", &err);
	struct mem_cgroup *c = mem_cgroup_create(&t->k, "b/c", &err);
	cr_assert(a && b && c, "%d", err);
	mem_cgroup_write(&t->k, a, MEMCG_FILE_MAX, (5 << 20) / PG);
	mem_cgroup_write(&t->k, b, MEMCG_FILE_MAX, (8 << 20) / PG);
	mem_cgroup_write(&t->k, c, MEMCG_FILE_HIGH, (2 << 20) / PG);
	for (int i = 1; i < nprocs; i++)
		mem_cgroup_attach(&t->k, procs[i].task, mem_cgroup_lookup(&t->k, cgroup_of[i - 1]));
}

static void setup(bool cgroups)
{
	char why[128];
	t = tk_boot(16 << 20, 2);
	cr_assert_geq(sys_swapon(&t->k, 256 << 20, -1, NULL, why, sizeof why), 0, "%s", why);
	t->k.sysctl.overcommit_memory = 1;
	struct task_struct *p = tp_spawn(t, "swapper", 0);
	long a = sys_mmap(&t->k, p, WINDOW, NP * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
			  -1, 0);
	cr_assert_eq(a, (long)WINDOW);
	nprocs = 1;
	procs[0].task = p;
	for (int i = 0; i < NP; i++)
		procs[0].pages[i] = (struct mpage){ .mapped = true, .writable = true };
	long r = sys_mmap(&t->k, p, SHWIN, SHP * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	cr_assert_eq(r, (long)SHWIN);
	while (nprocs < MAXPROC)
		op_fork(&procs[0]);
	if (cgroups)
		setup_cgroups();
	for (int i = 0; i < nprocs; i++)              /* every page its own: 4x the RAM */
		write_pages(i, 0, 1);
}

/* ops random operations (in cgroups or not), then the checks. */
static void run(uint64_t ops, bool cgroups)
{
	setup(cgroups);
	for (uint64_t n = 0; n < ops; n++) {
		op_count = n;
		step();
		if (n % (ops / 50 + 1) == 0)
			tk_assert_consistent(t);
	}
	check_all();
	tk_assert_consistent(t);
	cr_assert_gt(t->k.vm_events[PSWPOUT], ops / 4, "pages went to swap (%llu)",
		     (unsigned long long)t->k.vm_events[PSWPOUT]);
	cr_assert_gt(t->k.vm_events[PSWPIN], ops / 4, "and came back");
	cr_assert_gt(t->k.vm_events[PGMAJFAULT], ops / 4, "through major faults");
	cr_assert_gt(t->k.vm_events[SWAP_RA_HIT], 0, "some read ahead");
	if (!cgroups) {
		cr_assert_gt(t->k.vm_events[PGSTEAL_KSWAPD], 0, "kswapd reclaimed");
		cr_assert_gt(t->k.vm_events[PGSTEAL_DIRECT], 0, "and so did direct reclaim");
	} else {
		for (int i = 0; i < MAXPROC - 1; i++) {
			struct mem_cgroup *memcg = mem_cgroup_lookup(&t->k, cgroup_of[i]);
			cr_assert_gt(memcg_events(&t->k, memcg, PGSTEAL_DIRECT), 0, "%s reclaimed its own pages", memcg->name);
			cr_assert_leq(memcg->memory.usage, memcg->memory.max, "%s within memory.max", memcg->name);
		}
		cr_assert_gt(memcg_memory_events(&t->k, mem_cgroup_lookup(&t->k, "b/c"), MEMCG_HIGH), 0,
			     "b/c went over memory.high");
	}
	cr_assert_eq(t->k.vm_events[OOM_KILL], 0, "the swap was enough: nobody was killed");
	cr_log_info("swap_random: %llu operations, %llu pages read, %llu pswpout, %llu pswpin, %llu lazily freed "
		    "pages found dropped", (unsigned long long)ops, (unsigned long long)nr_reads,
		    (unsigned long long)t->k.vm_events[PSWPOUT], (unsigned long long)t->k.vm_events[PSWPIN],
		    (unsigned long long)nr_lazy_zero);
	while (nprocs) {
		do_group_exit(&t->k, procs[0].task, 0);
		for (int p = 0; p < NP; p++)
			drop_page(&procs[0].pages[p]);
		procs[0] = procs[--nprocs];
	}
	for (int p = 0; p < SHP; p++) {
		put_buf(shm[p]);
		shm[p] = NULL;
	}
	struct vm_check_report rep;
	cr_assert_eq(debug_vm_check(&t->k, &rep), 0);
	cr_assert_eq(get_nr_swap_pages(&t->k), total_swap_pages(&t->k), "every slot is free");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_SWAPCACHE), 0, "the swap cache is empty");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_ANON_MAPPED), 0, "no anonymous page is left");
	if (cgroups)
		drain_all_stock(&t->k, root_mem_cgroup(&t->k));   /* the pages the CPUs charged ahead */
	for (int i = 0; cgroups && i < MAXPROC - 1; i++) {
		struct mem_cgroup *memcg = mem_cgroup_lookup(&t->k, cgroup_of[i]);
		cr_assert_eq(memcg->memory.usage, 0, "%s: no charge left", memcg->name);
		cr_assert_eq(memcg->swap.usage, 0, "%s: no swap charge left", memcg->name);
	}
	tk_free(t);
}

Test(swap_random, every_byte_survives_swap_under_four_times_overcommit, .timeout = 3600)
{
	seed_state = 12;
	run(nr_ops(), false);
}

Test(swap_random, every_byte_survives_in_memory_cgroups, .timeout = 3600)
{
	seed_state = 13;
	nprocs = 0;
	run(nr_ops() / 4, true);
}

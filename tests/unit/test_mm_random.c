/*
 * A randomized differential test of the whole memory manager: random mmap,
 * munmap, mprotect, madvise, mremap, fork, exit, core changes, reads and
 * writes by several processes on two cores, checked against a reference
 * model that knows, per process, each virtual page's permission and bytes
 * (private pages their own; shared pages those of a shared object). Every
 * read's bytes, every return value and every fatal signal must agree; the
 * consistency checker runs throughout; at the end every frame is back.
 * Pages also migrate in the middle of it all (the model does not change:
 * the bytes must follow), one at a time, by compaction of all memory, and
 * with another random operation run while the page's PTEs are migration
 * entries.
 */
#include "proc_helpers.h"

#include "kernel/compaction.h"
#include "kernel/memory.h"
#include "kernel/migrate.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/mm.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"
#include "kernel/swap.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define WINDOW   0x10000000ULL      /* every mapping of the test lives here */
#define NPAGES   96
#define PG       4096ULL
#define MAXPROC  6
#define MAXOBJ   (MAXPROC * NPAGES + 1)  /* more than can be mapped at once */
#define OPS      60000

struct mpage {
	bool mapped;
	int prot;              /* PROT_* */
	int obj;               /* shared object, or -1 for private */
	uint64_t index;        /* page in the shared object */
	uint8_t *data;         /* private bytes (NULL: zeros) */
};

struct mproc {
	struct task_struct *task;      /* the thread-group leader */
	struct task_struct *thread;    /* a second thread, or NULL */
	struct mpage pages[NPAGES];
};

static uint8_t *objects[MAXOBJ][8];  /* shared objects: up to 8 pages each */
static struct mproc procs[MAXPROC];
static int nprocs;
static int ncpus = 2;           /* the machine's cores (run_on) */
static uint64_t seed_state;
static struct tk *t;

static uint64_t rnd(void)
{
	uint64_t z = (seed_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* The model's bytes of a page, allocated on first need. */
static uint8_t *page_bytes(struct mpage *mp)
{
	if (mp->obj >= 0) {
		uint8_t **slot = &objects[mp->obj][mp->index];
		if (!*slot)
			*slot = calloc(1, PG);
		return *slot;
	}
	if (!mp->data)
		mp->data = calloc(1, PG);
	return mp->data;
}

static void drop_page(struct mpage *mp)
{
	free(mp->data);
	memset(mp, 0, sizeof *mp);
	mp->obj = -1;
}

static void remove_proc(int i)
{
	for (int p = 0; p < NPAGES; p++)
		drop_page(&procs[i].pages[p]);
	procs[i] = procs[--nprocs];
}

/* A shared object no page maps any more, its bytes cleared: a new one. */
static int new_object(void)
{
	bool used[MAXOBJ] = { false };
	for (int i = 0; i < nprocs; i++)
		for (int p = 0; p < NPAGES; p++)
			if (procs[i].pages[p].mapped && procs[i].pages[p].obj >= 0)
				used[procs[i].pages[p].obj] = true;
	int obj = 0;
	while (used[obj])
		obj++;
	cr_assert_lt(obj, MAXOBJ);
	for (int pg = 0; pg < 8; pg++) {
		free(objects[obj][pg]);
		objects[obj][pg] = NULL;
	}
	return obj;
}

static void op_mmap(struct mproc *mp)
{
	uint64_t first = rnd() % NPAGES, n = 1 + rnd() % 8;
	if (first + n > NPAGES)
		n = NPAGES - first;
	int prot = (int)(rnd() % 8) & (PROT_READ | PROT_WRITE | PROT_EXEC);
	bool shared = rnd() % 3 == 0, noreplace = rnd() % 4 == 0;
	bool busy = false;
	for (uint64_t p = first; p < first + n; p++)
		busy |= mp->pages[p].mapped;
	unsigned long flags = (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS |
			      (noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED);
	long r = sys_mmap(&t->k, mp->task, WINDOW + first * PG, n * PG, (unsigned long)prot, flags, -1, 0);
	if (noreplace && busy) {
		cr_assert_eq(r, -EEXIST);
		return;
	}
	cr_assert_eq(r, (long)(WINDOW + first * PG), "mmap: %ld", r);
	int obj = shared ? new_object() : -1;
	for (uint64_t p = first; p < first + n; p++) {
		drop_page(&mp->pages[p]);
		mp->pages[p] = (struct mpage){ true, prot, obj, p - first, NULL };
	}
}

/* Pick [first, first + n) inside the window. */
static void pick_range(uint64_t *first, uint64_t *n)
{
	*first = rnd() % NPAGES;
	*n = 1 + rnd() % 12;
	if (*first + *n > NPAGES)
		*n = NPAGES - *first;
}

static void op_munmap(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	cr_assert_eq(do_munmap(&t->k, mp->task, WINDOW + first * PG, n * PG), 0);
	for (uint64_t p = first; p < first + n; p++)
		drop_page(&mp->pages[p]);
}

/* mprotect applies page by page from the start until a hole (ENOMEM). */
static void op_mprotect(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	int prot = (int)(rnd() % 8) & (PROT_READ | PROT_WRITE | PROT_EXEC);
	long want = 0;
	for (uint64_t p = first; p < first + n; p++)
		if (!mp->pages[p].mapped)
			want = -ENOMEM;
	cr_assert_eq(do_mprotect_pkey(&t->k, mp->task, WINDOW + first * PG, n * PG, (unsigned long)prot), want);
	for (uint64_t p = first; p < first + n && mp->pages[p].mapped; p++)
		mp->pages[p].prot = prot;
}

/* MADV_DONTNEED: private pages read as zeros again; shared keep their data. */
static void op_dontneed(struct mproc *mp)
{
	uint64_t first, n;
	pick_range(&first, &n);
	bool hole = false;
	for (uint64_t p = first; p < first + n; p++)
		hole |= !mp->pages[p].mapped;
	long r = do_madvise(&t->k, mp->task, WINDOW + first * PG, n * PG, MADV_DONTNEED);
	cr_assert_eq(r, hole ? -ENOMEM : 0);
	for (uint64_t p = first; p < first + n; p++)
		if (mp->pages[p].mapped && mp->pages[p].obj < 0) {
			free(mp->pages[p].data);
			mp->pages[p].data = NULL;
		}
}

/* After a failed mremap: the pages of [first, first + n) that the call may
 * have unmapped before it failed (MREMAP_FIXED's target, a shrink's tail)
 * are either as the model has them or gone; the model follows. */
static void resync_unmapped(struct mproc *mp, uint64_t first, uint64_t n)
{
	for (uint64_t p = first; p < first + n && p < NPAGES; p++)
		if (!vma_lookup(mp->task->mm, WINDOW + p * PG))
			drop_page(&mp->pages[p]);
}

/* The bytes of a moved page at va, read through the MMU, against the model's
 * page mp. */
static void check_moved_page(struct task_struct *task, uint64_t va, struct mpage *mp)
{
	static uint8_t buf[PG];
	cr_assert_eq(task_access(&t->k, task, va, buf, PG, HW_READ), 0, "moved page at %#lx", (unsigned long)va);
	cr_assert_eq(memcmp(buf, page_bytes(mp), PG), 0, "moved page at %#lx", (unsigned long)va);
}

/*
 * mremap of [first, first + n) to m pages: in place (no flags), anywhere
 * (MREMAP_MAYMOVE: the new place is outside the window; its bytes are
 * checked, then it is unmapped), to a page of the window (MREMAP_FIXED), or
 * leaving the old range (MREMAP_DONTUNMAP). Only private memory grows (a
 * shared object does not), and a fixed move does not shrink (Linux charges
 * the shrunk pages again: Committed_AS would not come back to 0). The
 * kernel decides whether the range is one VMA; the model checks what a
 * success did, and that a failure changed nothing but what MREMAP_FIXED or
 * a shrink unmaps first.
 */
static void op_mremap(struct mproc *mp)
{
	uint64_t first, n, m = 1 + rnd() % 12, target = rnd() % NPAGES;
	pick_range(&first, &n);
	unsigned long flags = 0;
	uint64_t kind = rnd() % 10;
	if (kind >= 3)
		flags |= MREMAP_MAYMOVE;
	if (kind >= 5)
		flags |= MREMAP_FIXED;
	if (kind >= 8 || kind == 4) {
		flags |= MREMAP_DONTUNMAP;
		m = n;
	}
	if ((flags & MREMAP_FIXED) && m < n)
		m = n;
	if (first + m > NPAGES)
		m = NPAGES - first;                    /* growing in place stays in the window */
	if (target + m > NPAGES)
		target = NPAGES - m;
	bool shared = false;
	for (uint64_t p = first; p < first + n; p++)
		shared |= mp->pages[p].mapped && mp->pages[p].obj >= 0;
	if (shared && m > n)
		m = n;
	uint64_t addr = WINDOW + first * PG, new_addr = WINDOW + target * PG;
	struct task_struct *task = mp->task;
	long r = do_mremap(&t->k, task, addr, n * PG, m * PG, flags, new_addr);
	if (r < 0) {
		if (flags & MREMAP_FIXED)
			resync_unmapped(mp, target, m);
		if (m < n)
			resync_unmapped(mp, first + m, n - m);
		return;
	}
	struct mpage old[12];
	memcpy(old, &mp->pages[first], n * sizeof old[0]);
	bool move_only = (flags & MREMAP_FIXED) && m == n;
	if ((uint64_t)r == addr) {             /* in place */
		cr_assert_eq(flags & (MREMAP_FIXED | MREMAP_DONTUNMAP), 0);
		for (uint64_t p = first + m; p < first + n; p++)
			drop_page(&mp->pages[p]);
		for (uint64_t p = first + n; p < first + m; p++) {
			cr_assert(!mp->pages[p].mapped, "grew over page %lu", (unsigned long)p);
			mp->pages[p] = (struct mpage){ true, old[n - 1].prot, -1, 0, NULL };
		}
		return;
	}
	if (!move_only)
		for (uint64_t i = 0; i < n; i++)
			cr_assert(old[i].mapped && old[i].prot == old[0].prot, "moved a range with a hole");
	/* the old range: unmapped, or (DONTUNMAP) mapped with private pages empty */
	for (uint64_t i = 0; i < n; i++) {
		struct mpage *op = &mp->pages[first + i];
		if (!(flags & MREMAP_DONTUNMAP)) {
			memset(op, 0, sizeof *op);
			op->obj = -1;
		} else if (op->obj < 0) {
			op->data = NULL;
		} else if (op->data) {
			op->data = malloc(PG);
			memcpy(op->data, old[i].data, PG);
		}
	}
	if (r < (long)WINDOW || r >= (long)(WINDOW + NPAGES * PG)) {
		cr_assert_eq(flags & MREMAP_FIXED, 0);
		for (uint64_t i = 0; i < m; i++) {
			struct mpage z = { true, old[0].prot, -1, 0, NULL };
			struct mpage *src = i < n ? &old[i] : &z;
			if (src->prot & PROT_READ)
				check_moved_page(task, (uint64_t)r + i * PG, src);
			free(src->data);               /* page_bytes may have made z's */
		}
		cr_assert_eq(do_munmap(&t->k, task, (uint64_t)r, m * PG), 0);
		return;
	}
	if (flags & MREMAP_FIXED)
		cr_assert_eq(r, (long)new_addr);
	target = ((uint64_t)r - WINDOW) / PG;      /* MREMAP_DONTUNMAP's hint, if it was free */
	for (uint64_t i = 0; i < m; i++) {
		struct mpage *np = &mp->pages[target + i];
		if (i < n && !old[i].mapped)
			continue;                      /* a gap between VMAs: the target stays */
		cr_assert((flags & MREMAP_FIXED) || !np->mapped, "placed over page %lu", (unsigned long)(target + i));
		drop_page(np);
		*np = i < n ? old[i] : (struct mpage){ true, old[0].prot, -1, 0, NULL };
	}
}

/* An access of len bytes at page first + off; the model's verdict for the
 * first page that may not be touched (0 when all may). */
static int access_verdict(struct mproc *mp, uint64_t first, uint64_t off, uint64_t len, bool write,
			  uint64_t *bad_addr)
{
	for (uint64_t a = off; a < off + len; a = (a & ~(PG - 1)) + PG) {
		uint64_t p = first + a / PG;
		if (p >= NPAGES || !mp->pages[p].mapped) {
			*bad_addr = WINDOW + first * PG + a;
			return SEGV_MAPERR;
		}
		int prot = mp->pages[p].prot;
		if (write ? !(prot & PROT_WRITE) : !prot) {
			*bad_addr = WINDOW + first * PG + a;
			return SEGV_ACCERR;
		}
	}
	return 0;
}

/* The process died of a fault in task: check the signal, forget it. */
static void check_death(int i, struct task_struct *task, int code, uint64_t addr)
{
	cr_assert_eq(task->fatal.si_signo, SIGSEGV);
	cr_assert_eq(task->fatal.si_code, code, "si_code %d, model %d", task->fatal.si_code, code);
	cr_assert_eq(task->fatal.si_addr, addr, "si_addr %#lx, model %#lx",
		     (unsigned long)task->fatal.si_addr, (unsigned long)addr);
	do_group_exit(&t->k, task, 128 + SIGSEGV);
	remove_proc(i);
}

/* One of the process's threads, at random. */
static struct task_struct *some_task(struct mproc *mp)
{
	return mp->thread && rnd() % 2 ? mp->thread : mp->task;
}

/* Mostly an access the model allows (inside a run of permitted pages), now
 * and then anywhere (which usually kills the process). */
static void pick_access(struct mproc *mp, bool write, uint64_t *first, uint64_t *off, uint64_t *len)
{
	*first = rnd() % NPAGES;
	*off = rnd() % PG;
	*len = 1 + rnd() % (write ? 6000 : 9000);
	if (rnd() % 100 < 4)
		return;
	for (uint64_t tries = 0; tries < NPAGES; tries++, *first = (*first + 1) % NPAGES) {
		uint64_t run = 0;
		while (*first + run < NPAGES && mp->pages[*first + run].mapped &&
		       (write ? mp->pages[*first + run].prot & PROT_WRITE : mp->pages[*first + run].prot))
			run++;
		if (!run)
			continue;
		uint64_t room = run * PG - *off;
		if (*len > room)
			*len = 1 + rnd() % room;
		return;
	}
}

static void op_access(int i, bool write)
{
	struct mproc *mp = &procs[i];
	uint64_t first, off, len, bad = 0;
	pick_access(mp, write, &first, &off, &len);
	int verdict = access_verdict(mp, first, off, len, write, &bad);
	uint8_t buf[9000];
	uint64_t va = WINDOW + first * PG + off;
	if (write)
		for (uint64_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd();
	struct task_struct *task = some_task(mp);
	int rc = task_access(&t->k, task, va, buf, len, write ? HW_WRITE : HW_READ);
	if (verdict) {
		cr_assert_eq(rc, -EFAULT, "access at %#lx should fault", (unsigned long)va);
		/* The pages before the bad one were written, as by a user memcpy;
		 * shared ones keep the bytes after the process dies. */
		for (uint64_t j = 0; write && va + j < bad; j++)
			page_bytes(&mp->pages[first + (off + j) / PG])[(off + j) % PG] = buf[j];
		check_death(i, task, verdict, bad);
		return;
	}
	cr_assert_eq(rc, 0, "access at %#lx faulted: signal %d code %d", (unsigned long)va,
		     task->fatal.si_signo, task->fatal.si_code);
	for (uint64_t j = 0; j < len; j++) {
		uint64_t a = off + j;
		uint8_t *pb = page_bytes(&mp->pages[first + a / PG]);
		if (write)
			pb[a % PG] = buf[j];
		else
			cr_assert_eq(buf[j], pb[a % PG], "byte at %#lx: %#x, model %#x",
				     (unsigned long)(va + j), buf[j], pb[a % PG]);
	}
}

static void op_fork(int i)
{
	if (nprocs == MAXPROC)
		return;
	int err;
	struct task_struct *c = copy_process(&t->k, procs[i].task, (int)(rnd() % ncpus), &err);
	cr_assert_not_null(c);
	struct mproc *m = &procs[nprocs++];
	m->task = c;
	m->thread = NULL;
	for (int p = 0; p < NPAGES; p++) {
		m->pages[p] = procs[i].pages[p];
		if (m->pages[p].data) {
			m->pages[p].data = malloc(PG);
			memcpy(m->pages[p].data, procs[i].pages[p].data, PG);
		}
	}
}

/* Migrate the page at a random address of mp, if one is mapped there. */
static void op_migrate(struct mproc *mp)
{
	uint64_t pfn;
	int err = migrate_page_at(&t->k, mp->task->mm, WINDOW + rnd() % NPAGES * PG, &pfn);
	cr_assert(err == 0 || err == -EFAULT || err == -EBUSY, "migrate_page_at: %d", err);
}

static void one_op(void);
static bool nested;                   /* one_op inside an interrupted migration */

/* Start migrating the page at a random address of mp, run one other
 * random operation while its PTEs are migration entries (an access to it
 * waits; a fork, munmap, mprotect, mremap or exit meets the entries),
 * then finish. */
static void op_migrate_interrupted(struct mproc *mp)
{
	int err;
	pte_t *pte = pte_walk(&t->k, mp->task->mm, WINDOW + rnd() % NPAGES * PG, false, &err);
	struct page *src = pte && pte_present(*pte) ? vm_normal_page(&t->k, *pte) : NULL;
	struct page_list l;
	struct migrate_pending pend;

	page_list_init(&l);
	if (!src || !isolate_folio_to_list(&t->k, src, &l))
		return;
	page_list_del(&t->k, &l, src);
	/* on a machine of nodes, to any node: the page and its counters move there */
	struct page *dst = alloc_migration_target(&t->k, src, ncpus > 2 ? 1 + rnd() % (uint64_t)ncpus : 0);
	cr_assert_not_null(dst);
	if (migrate_folio_unmap(&t->k, src, dst, NULL, 0, MIGRATE_SYNC, MR_COMPACTION, &pend)) {
		put_page(&t->k, dst);
	} else {
		if (rnd() % 4 == 0)
			tk_assert_consistent(t);  /* the checker meets the migration entries */
		nested = true;
		one_op();
		nested = false;
		if (!migrate_folio_move(&t->k, &pend))
			return;
	}
	page_list_add(&t->k, &l, src);
	putback_movable_pages(&t->k, &l);
}

static void one_op(void)
{
	int i = (int)(rnd() % (uint64_t)nprocs);
	struct mproc *mp = &procs[i];
	uint64_t r = rnd() % 100;

	if (!nested && rnd() % 2000 == 0) {
		compact_nodes(&t->k);         /* echo 1 > /proc/sys/vm/compact_memory */
		return;
	}

	struct task_struct *task = some_task(mp);
	t->k.this_cpu = task->cpu;
	if (r < 12)
		op_mmap(mp);
	else if (r < 18)
		op_munmap(mp);
	else if (r < 26)
		op_mprotect(mp);
	else if (r < 30)
		op_dontneed(mp);
	else if (r < 33)
		op_fork(i);
	else if (r < 34 && !mp->thread) {
		int err;
		mp->thread = task_create_thread(&t->k, mp->task, (int)(rnd() % ncpus), &err);
		cr_assert_not_null(mp->thread);
	}
	else if (r < 35 && nprocs > 1) {
		do_group_exit(&t->k, mp->task, 0);
		remove_proc(i);
	} else if (r < 40)
		cr_assert_eq(task_set_cpu(&t->k, task, (int)(rnd() % ncpus)), 0);
	else if (r < 43)
		op_mremap(mp);
	else if (r < 45)
		op_migrate(mp);
	else if (r < 47 && !nested)
		op_migrate_interrupted(mp);
	else
		op_access(i, r < 70);
}

/* The page-cache pages of files besides the programs' (which reclaim may
 * have dropped while the test ran). */
static uint64_t test_file_pages(void)
{
	uint64_t n = global_node_page_state_pages(&t->k, NR_FILE_PAGES);
	for (int i = 0; i < t->k.nr_images; i++)
		n -= t->k.images[i]->f_inode->i_data.nrpages;
	return n;
}

/* Run the random operations on machine cfg (NULL: 256 MiB, two cores, one
 * node) with cores CPUs. Every node's counters must come back, not only
 * their sums: a page that changes node (migration) takes its mapping's
 * counts along. */
static void run_on(uint64_t seed, const struct hw_config *cfg, int cores)
{
	ncpus = cores;
	t = cfg ? tk_boot_hw(cfg) : tk_boot(256 << 20, 2);
	seed_state = seed;
	static const enum node_stat_item back[] = { NR_ANON_MAPPED, NR_FILE_MAPPED, NR_FILE_PAGES,
						    NR_SHMEM, NR_PAGETABLE, NR_UNEVICTABLE };
	uint64_t before[6], node_before[MAX_NUMNODES][6];
	do_group_exit(&t->k, tp_spawn(t, "random", 0), 0);   /* the program's file stays on the disk */
	for (int s = 0; s < 6; s++) {
		before[s] = back[s] == NR_FILE_PAGES ? test_file_pages() : global_node_page_state_pages(&t->k, back[s]);
		for_each_online_node(&t->k, nid)
			node_before[nid][s] = node_page_state_pages(t->k.node_data[nid], back[s]);
	}
	nprocs = 0;
	for (int op = 1; op <= OPS; op++) {
		if (!nprocs) {
			procs[0] = (struct mproc){ .task = tp_spawn(t, "random", (int)(rnd() % ncpus)) };
			for (int p = 0; p < NPAGES; p++)
				procs[0].pages[p].obj = -1;
			nprocs = 1;
		}
		one_op();
		if (op % 1000 == 0)
			tk_assert_consistent(t);
	}
	cr_assert_gt(t->k.vm_events[PGMIGRATE_SUCCESS], 50, "pages migrated in the middle of it all: %llu",
		     (unsigned long long)t->k.vm_events[PGMIGRATE_SUCCESS]);
	cr_assert_gt(t->k.vm_events[COMPACTMIGRATE_SCANNED], 0, "and compaction ran");
	while (nprocs) {
		do_group_exit(&t->k, procs[0].task, 0);
		remove_proc(0);
	}
	tk_assert_consistent(t);
	cr_assert_eq(t->k.vm_committed_as, 0, "every commit charge was returned");
	for (int s = 0; s < 6; s++)
	{
		cr_assert_eq(back[s] == NR_FILE_PAGES ? test_file_pages() : global_node_page_state_pages(&t->k, back[s]),
			     before[s], "%s is back",
			     node_stat_names[back[s]]);
		for_each_online_node(&t->k, nid)           /* file pages: the programs' may be dropped */
			cr_assert(back[s] == NR_FILE_PAGES ||
				  node_page_state_pages(t->k.node_data[nid], back[s]) == node_before[nid][s],
				     "node %d's %s is back", nid, node_stat_names[back[s]]);
	}
	for (int o = 0; o < MAXOBJ; o++)
		for (int p = 0; p < 8; p++) {
			free(objects[o][p]);
			objects[o][p] = NULL;
		}
	tk_free(t);
}

static void run(uint64_t seed)
{
	run_on(seed, NULL, 2);
}

/* The same on four NUMA nodes of 64 MiB, a core each: first touch on
 * every node, fallback when one fills, migrations across nodes. */
Test(mm_random, processes_on_four_nodes_against_a_model, .timeout = 120)
{
	struct hw_config c = tk_hw_config(256 << 20, 4, 4, "default");
	cr_assert_eq(hw_config_set(&c, "nodes", "4", NULL, 0), 0);
	run_on(99, &c, 4);
}

Test(mm_random, processes_against_a_model_seed_1, .timeout = 120)
{
	run(2024);
}

Test(mm_random, processes_against_a_model_seed_2, .timeout = 120)
{
	run(7);
}

Test(mm_random, processes_against_a_model_seed_3, .timeout = 120)
{
	run(99991);
}

/* ---- files: a second model (issue 14) --------------------------------------------
 * Random pwrite, pread, ftruncate, fsync, POSIX_FADV_DONTNEED, mmap (shared
 * and private), accesses through the mappings, fork, exit and unlink, by
 * several processes, on files of tmpfs and of the disk filesystem, against
 * a model of each file's bytes and of each private mapping's copied pages.
 * Every read, through pread or a mapping, equals the model; at the end,
 * with every process gone and every file unlinked, every page-cache page
 * and disk block is free. */

#define FPAGES  12                  /* pages a file may have */
#define FFILES  4                   /* names: two on tmpfs, two on the disk */
#define FPROCS  4
#define FMAPS   3                   /* mappings a process may have */
#define FOPS    20000

struct fobj {                       /* a file (inode), alive while referenced */
	uint8_t bytes[FPAGES * PG];
	uint64_t size;
	int refs;                   /* names + descriptors + mappings */
};

struct fmap {
	bool used, shared;
	uint64_t va;
	int obj;
	uint8_t *copy[FPAGES];      /* private: a copied page's bytes */
};

struct fproc {
	struct task_struct *task;
	int fd[FFILES];             /* per name: a descriptor, or -1 */
	int fdobj[FFILES];          /* the object it opened */
	struct fmap maps[FMAPS];
};

static struct fobj fobjs[64];
static int fname_obj[FFILES];       /* the object a name links, or -1 */
static struct fproc fprocs[FPROCS];
static int nfprocs;

static const char *fname(int n)
{
	static const char *const names[FFILES] = { "/dev/shm/r0", "/tmp/r1", "/r2", "/r3" };
	return names[n];
}

static void fobj_put(int o)
{
	cr_assert_gt(fobjs[o].refs, 0);
	fobjs[o].refs--;
}

static int fobj_new(void)
{
	for (int o = 0; o < 64; o++)
		if (!fobjs[o].refs) {
			memset(&fobjs[o], 0, sizeof fobjs[o]);
			return o;
		}
	cr_assert_fail("out of file objects");
	return -1;
}

/* Open name n in process i if it is not open there (creating it). */
static void fop_open(struct fproc *fp, int n)
{
	if (fp->fd[n] >= 0)
		return;
	int fd = do_sys_open(&t->k, fp->task, fname(n), O_RDWR | O_CREAT, 0600);
	cr_assert_geq(fd, 0, "open %s: %d", fname(n), fd);
	if (fname_obj[n] < 0) {
		fname_obj[n] = fobj_new();
		fobjs[fname_obj[n]].refs = 1;      /* the name */
	}
	fp->fd[n] = fd;
	fp->fdobj[n] = fname_obj[n];
	fobjs[fp->fdobj[n]].refs++;
}

static void fop_pwrite(struct fproc *fp, int n)
{
	struct fobj *o = &fobjs[fp->fdobj[n]];
	uint64_t pos = rnd() % (FPAGES * PG - 1), len = 1 + rnd() % (FPAGES * PG - pos);
	if (len > 3 * PG)
		len = 1 + rnd() % (3 * PG);
	uint8_t buf[3 * PG];
	for (uint64_t j = 0; j < len; j++)
		buf[j] = (uint8_t)rnd();
	cr_assert_eq(ksys_pwrite64(&t->k, fp->task, fp->fd[n], buf, len, (int64_t)pos), (int64_t)len);
	memcpy(o->bytes + pos, buf, len);
	if (pos + len > o->size)
		o->size = pos + len;
}

static void fop_pread(struct fproc *fp, int n)
{
	struct fobj *o = &fobjs[fp->fdobj[n]];
	uint64_t pos = rnd() % (FPAGES * PG), len = 1 + rnd() % (2 * PG);
	uint8_t buf[2 * PG];
	int64_t want = pos >= o->size ? 0 : (int64_t)(o->size - pos < len ? o->size - pos : len);
	cr_assert_eq(ksys_pread64(&t->k, fp->task, fp->fd[n], buf, len, (int64_t)pos), want);
	cr_assert(!memcmp(buf, o->bytes + pos, (size_t)want), "pread of %s at %llu differs from the model",
		  fname(n), (unsigned long long)pos);
}

/* Truncate: the bytes past the new end go (zeros if it grows back); the
 * pages past it leave every mapping, private copies too. */
static void fop_truncate(struct fproc *fp, int n)
{
	int obj = fp->fdobj[n];
	struct fobj *o = &fobjs[obj];
	uint64_t size = rnd() % (FPAGES * PG + 1);
	cr_assert_eq(do_sys_ftruncate(&t->k, fp->task, fp->fd[n], (int64_t)size), 0);
	if (size < o->size)
		memset(o->bytes + size, 0, o->size - size);
	o->size = size;
	for (int i = 0; i < nfprocs; i++)
		for (int m = 0; m < FMAPS; m++) {
			struct fmap *mp = &fprocs[i].maps[m];
			if (!mp->used || mp->obj != obj)
				continue;
			for (uint64_t p = (size + PG - 1) / PG; p < FPAGES; p++) {
				free(mp->copy[p]);
				mp->copy[p] = NULL;
			}
		}
}

static void fop_mmap(struct fproc *fp, int n)
{
	for (int m = 0; m < FMAPS; m++) {
		struct fmap *mp = &fp->maps[m];
		if (mp->used)
			continue;
		mp->shared = rnd() % 2;
		long va = sys_mmap(&t->k, fp->task, 0, FPAGES * PG, PROT_READ | PROT_WRITE,
				   mp->shared ? MAP_SHARED : MAP_PRIVATE, fp->fd[n], 0);
		cr_assert_geq(va, 0);
		mp->used = true;
		mp->va = (uint64_t)va;
		mp->obj = fp->fdobj[n];
		fobjs[mp->obj].refs++;
		return;
	}
}

static void fmap_drop(struct fmap *mp)
{
	for (int p = 0; p < FPAGES; p++)
		free(mp->copy[p]);
	fobj_put(mp->obj);
	memset(mp, 0, sizeof *mp);
}

/* An access inside the file's size through mapping m: its bytes are the
 * model's (a private copy's once written). */
static void fop_access(struct fproc *fp, int m, bool write)
{
	struct fmap *mp = &fp->maps[m];
	struct fobj *o = &fobjs[mp->obj];
	if (!o->size)
		return;
	uint64_t off = rnd() % o->size, len = 1 + rnd() % 64;
	if (off / PG != (off + len - 1) / PG || off + len > o->size)
		len = 1;
	uint64_t p = off / PG;
	uint8_t buf[64];
	if (write)
		for (uint64_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd();
	int rc = task_access(&t->k, fp->task, mp->va + off, buf, len, write ? HW_WRITE : HW_READ);
	cr_assert_eq(rc, 0, "access at page %llu of a mapping of a %llu-byte file", (unsigned long long)p,
		     (unsigned long long)o->size);
	uint8_t *model = mp->copy[p] ? mp->copy[p] + off % PG : o->bytes + off;
	if (write && !mp->shared && !mp->copy[p]) {
		mp->copy[p] = malloc(PG);
		memcpy(mp->copy[p], o->bytes + p * PG, PG);
		model = mp->copy[p] + off % PG;
	}
	if (write)
		memcpy(model, buf, len);
	else
		cr_assert(!memcmp(buf, model, len), "a read through a %s mapping differs from the model",
			  mp->shared ? "shared" : "private");
}

static void fop_fork(int i)
{
	if (nfprocs == FPROCS)
		return;
	int err;
	struct task_struct *c = copy_process(&t->k, fprocs[i].task, (int)(rnd() % 2), &err);
	cr_assert_not_null(c);
	struct fproc *cp = &fprocs[nfprocs++];
	*cp = fprocs[i];
	cp->task = c;
	for (int n = 0; n < FFILES; n++)
		if (cp->fd[n] >= 0)
			fobjs[cp->fdobj[n]].refs++;
	for (int m = 0; m < FMAPS; m++) {
		struct fmap *mp = &cp->maps[m];
		if (!mp->used)
			continue;
		fobjs[mp->obj].refs++;
		for (int p = 0; p < FPAGES; p++)
			if (mp->copy[p]) {
				uint8_t *c2 = malloc(PG);
				memcpy(c2, mp->copy[p], PG);
				mp->copy[p] = c2;
			}
	}
}

static void fproc_exit(int i)
{
	struct fproc *fp = &fprocs[i];
	do_group_exit(&t->k, fp->task, 0);
	for (int n = 0; n < FFILES; n++)
		if (fp->fd[n] >= 0)
			fobj_put(fp->fdobj[n]);
	for (int m = 0; m < FMAPS; m++)
		if (fp->maps[m].used)
			fmap_drop(&fp->maps[m]);
	fprocs[i] = fprocs[--nfprocs];
}

static void fone_op(void)
{
	int i = (int)(rnd() % (uint64_t)nfprocs), n = (int)(rnd() % FFILES);
	struct fproc *fp = &fprocs[i];
	uint64_t r = rnd() % 100;
	t->k.this_cpu = fp->task->cpu;
	fop_open(fp, n);
	if (r < 15)
		fop_pwrite(fp, n);
	else if (r < 30)
		fop_pread(fp, n);
	else if (r < 34)
		fop_truncate(fp, n);
	else if (r < 37)
		cr_assert_eq(do_fsync(&t->k, fp->task, fp->fd[n], rnd() % 2), 0);
	else if (r < 40)
		cr_assert_eq(ksys_fadvise64_64(&t->k, fp->task, fp->fd[n], 0, 0, 4), 0);
	else if (r < 45)
		fop_mmap(fp, n);
	else if (r < 48) {
		int m = (int)(rnd() % FMAPS);
		if (fp->maps[m].used) {
			cr_assert_eq(do_munmap(&t->k, fp->task, fp->maps[m].va, FPAGES * PG), 0);
			fmap_drop(&fp->maps[m]);
		}
	} else if (r < 50 && fname_obj[n] >= 0) {
		cr_assert_eq(do_unlinkat(&t->k, fp->task, fname(n)), 0);
		fobj_put(fname_obj[n]);                 /* the file lives on while referenced */
		fname_obj[n] = -1;
		if (fp->fd[n] >= 0) {
			cr_assert_eq(close_fd(&t->k, fp->task, fp->fd[n]), 0);
			fobj_put(fp->fdobj[n]);
			fp->fd[n] = -1;
		}
	} else if (r < 52)
		fop_fork(i);
	else if (r < 53 && nfprocs > 1)
		fproc_exit(i);
	else if (r < 55)
		try_to_free_pages(&t->k, GFP_KERNEL, 0);
	else {
		int m = (int)(rnd() % FMAPS);
		if (fp->maps[m].used)
			fop_access(fp, m, r < 75);
	}
}

static void frun(uint64_t seed)
{
	t = tk_boot(256 << 20, 2);
	seed_state = seed;
	do_group_exit(&t->k, tp_spawn(t, "files", 0), 0);    /* the programs' files stay on the disk */
	do_group_exit(&t->k, tp_spawn(t, "unlink", 0), 0);
	uint64_t pages = test_file_pages(), blocks = t->k.disk.free_blocks;
	for (int n = 0; n < FFILES; n++)
		fname_obj[n] = -1;
	memset(fobjs, 0, sizeof fobjs);
	nfprocs = 0;
	for (int op = 1; op <= FOPS; op++) {
		if (!nfprocs) {
			fprocs[0] = (struct fproc){ .task = tp_spawn(t, "files", (int)(rnd() % 2)) };
			for (int n = 0; n < FFILES; n++)
				fprocs[0].fd[n] = -1;
			nfprocs = 1;
		}
		fone_op();
		if (op % 1000 == 0)
			tk_assert_consistent(t);
	}
	while (nfprocs)
		fproc_exit(0);
	for (int n = 0; n < FFILES; n++)
		if (fname_obj[n] >= 0) {
			struct task_struct *s = tp_spawn(t, "unlink", 0);
			cr_assert_eq(do_unlinkat(&t->k, s, fname(n)), 0);
			do_group_exit(&t->k, s, 0);
		}
	tk_assert_consistent(t);
	cr_assert_eq(test_file_pages(), pages, "every page-cache page is freed");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 0);
	cr_assert_eq(t->k.disk.free_blocks, blocks, "every disk block is free");
	tk_free(t);
}

Test(mm_random, files_against_a_model_seed_1, .timeout = 120)
{
	frun(14);
}

Test(mm_random, files_against_a_model_seed_2, .timeout = 120)
{
	frun(2026);
}

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
#include "kernel/mm.h"
#include "kernel/page_list.h"
#include "kernel/slab.h"
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
	struct task_struct *c = copy_process(&t->k, procs[i].task, (int)(rnd() % 2), &err);
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
	struct page *dst = alloc_migration_target(&t->k, src, 0);
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
		mp->thread = task_create_thread(&t->k, mp->task, (int)(rnd() % 2), &err);
		cr_assert_not_null(mp->thread);
	}
	else if (r < 35 && nprocs > 1) {
		do_group_exit(&t->k, mp->task, 0);
		remove_proc(i);
	} else if (r < 40)
		cr_assert_eq(task_set_cpu(&t->k, task, (int)(rnd() % 2)), 0);
	else if (r < 43)
		op_mremap(mp);
	else if (r < 45)
		op_migrate(mp);
	else if (r < 47 && !nested)
		op_migrate_interrupted(mp);
	else
		op_access(i, r < 70);
}

static void run(uint64_t seed)
{
	t = tk_boot(256 << 20, 2);
	seed_state = seed;
	static const enum node_stat_item back[] = { NR_ANON_MAPPED, NR_FILE_MAPPED, NR_FILE_PAGES,
						    NR_SHMEM, NR_PAGETABLE, NR_UNEVICTABLE };
	uint64_t before[6];
	for (int s = 0; s < 6; s++)
		before[s] = global_node_page_state_pages(&t->k, back[s]);
	nprocs = 0;
	for (int op = 1; op <= OPS; op++) {
		if (!nprocs) {
			procs[0] = (struct mproc){ .task = tp_spawn(t, "random", (int)(rnd() % 2)) };
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
		cr_assert_eq(global_node_page_state_pages(&t->k, back[s]), before[s], "%s is back",
			     node_stat_names[back[s]]);
	for (int o = 0; o < MAXOBJ; o++)
		for (int p = 0; p < 8; p++) {
			free(objects[o][p]);
			objects[o][p] = NULL;
		}
	tk_free(t);
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

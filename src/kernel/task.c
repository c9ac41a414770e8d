/*
 * kernel/task.c — processes and threads: creation with a program image,
 * fork, exit, and scheduling onto cores (Linux: kernel/fork.c,
 * kernel/exit.c, fs/binfmt_elf.c, fs/exec.c, arch/x86/entry/vdso/).
 *
 * A new process looks like a small PIE program started with setarch -R:
 * its image at 0x555555554000 (ELF header, text, read-only data, RELRO,
 * data), the heap starting right after, the vDSO below mmap_base, and a
 * 132 KiB stack ending at the top of user space whose top page holds argc,
 * argv, envp and the auxiliary vector.
 */
#include "kernel/sched.h"

#include "kernel/fork.h"
#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memcontrol.h"
#include "kernel/mempolicy.h"
#include "kernel/memory.h"
#include "kernel/mman.h"
#include "kernel/mm.h"
#include "kernel/slab.h"
#include "kernel/task.h"
#include "kernel/tlbflush.h"
#include "kernel/trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ELF_ET_DYN_BASE 0x555555554000ULL     /* (TASK_SIZE / 3 * 2) & PAGE_MASK */
#define STACK_TOP       DEFAULT_MAP_WINDOW
#define INIT_STACK_SIZE (33 * PAGE_SIZE)      /* 128 KiB expansion + the argument page */
#define RLIM_STACK      (8ULL << 20)
#define RLIM_MEMLOCK    (8ULL << 20)
#define IMAGE_SIZE      (0x3000 + 0x80)

/* The image's bytes: an ELF header, the rest zero. */
static const uint8_t image_header[64] = {
	0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0x3e, 0, 1, 0, 0, 0,            /* ET_DYN, x86-64, version 1 */
};

/* See sched.h. */
struct task_struct *find_task_by_pid(struct kernel *k, int pid)
{
	for (struct task_struct *t = k->tasks; t; t = t->next_task)
		if (t->pid == pid)
			return t;
	return NULL;
}

/* See sched.h. */
struct task_struct *cpu_curr(struct kernel *k, int cpu)
{
	return k->curr[cpu];
}

/* Make next the task running on its core and load its page tables, its
 * LDT and its segment registers (Linux: context_switch, in
 * kernel/sched/core.c: switch_mm with switch_ldt, then __switch_to). */
static void context_switch(struct kernel *k, struct task_struct *next)
{
	struct task_struct *prev = k->curr[next->cpu];
	trace_kernel(k, next->cpu, "CPU %d now runs pid %d (%s)", next->cpu, next->pid, next->comm);
	k->curr[next->cpu] = next;
	switch_mm(k, next->cpu, next->mm);
	switch_ldt(k, next->cpu, prev ? prev->mm : NULL, next->mm);
	__switch_to(k, prev, next);
}

/* See sched.h. */
void schedule_task(struct kernel *k, struct task_struct *t)
{
	if (k->curr[t->cpu] != t)
		context_switch(k, t);
}

/* A new task_struct with the next pid, linked last; NULL without memory. */
static struct task_struct *alloc_task(struct kernel *k, const char *comm, int cpu)
{
	struct task_struct *t = kmem_cache_alloc(k, k->mm_caches.task_struct, GFP_KERNEL | __GFP_ZERO);
	if (!t)
		return NULL;
	t->pid = ++k->last_pid;
	t->tgid = t->pid;
	t->group_leader = t;
	snprintf(t->comm, sizeof t->comm, "%s", comm);
	t->cpu = cpu;
	t->state = TASK_RUNNING;
	t->rlimit_stack = RLIM_STACK;
	t->rlimit_memlock = RLIM_MEMLOCK;
	t->signal = &t->signal_storage;
	struct task_struct **p = &k->tasks;
	while (*p)
		p = &(*p)->next_task;
	*p = t;
	return t;
}

/* Unlink and free a task. */
static void free_task(struct kernel *k, struct task_struct *t)
{
	for (struct task_struct **p = &k->tasks; *p; p = &(*p)->next_task)
		if (*p == t) {
			*p = t->next_task;
			break;
		}
	if (t->files)                         /* exit_files, after exit_mm */
		put_files_struct(k, t->files);
	mpol_exit(k, t);
	kmem_cache_free(k, k->mm_caches.task_struct, t);
}

/* The image file of program name, shared by every process running it: a
 * file /usr/bin/NAME of the disk filesystem (inode 1048576 + n, as the n-th
 * program run), installed on first use; its pages come into the page cache
 * from the device as the processes fault on them (Linux: open_exec). */
static struct file *image_file(struct kernel *k, const char *name)
{
	char path[64];
	snprintf(path, sizeof path, "/usr/bin/%s", name);
	for (int i = 0; i < k->nr_images; i++)
		if (!strcmp(file_inode(k->images[i])->i_name, path)) {
			get_file(k->images[i]);
			return k->images[i];
		}
	if (k->nr_images == MAX_IMAGES)
		return NULL;
	struct inode *inode = ext4_install_file(k, path, 1048576 + (uint64_t)k->nr_images, 0755, image_header,
						sizeof image_header, IMAGE_SIZE);
	struct file *f = inode ? alloc_file(k, inode, FMODE_READ, O_RDONLY) : NULL;
	if (f) {
		file_ra_state_init(&f->f_ra, inode);
		k->images[k->nr_images++] = f;
		get_file(f);                  /* the table's reference */
		trace_kernel(k, k->this_cpu, "%s: inode %llu on %02x:%02x, %llu bytes on the disk", path,
			     (unsigned long long)inode->i_ino, inode->i_sb->major, inode->i_sb->minor,
			     (unsigned long long)inode->i_size);
	}
	return f;
}

/* Map [start, start + len) with flags, from file at pgoff (or anonymous), or
 * as a named special mapping. 0 or -ENOMEM. */
static int map_fixed(struct kernel *k, struct mm_struct *mm, uint64_t start, uint64_t len,
		     uint64_t flags, struct file *file, uint64_t pgoff, const char *name)
{
	struct vm_area_struct *vma = vm_area_alloc(k, mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_end = start + len;
	vma->vm_flags = flags | vm_softdirty(k);
	vma->vm_pgoff = file ? pgoff : start >> PAGE_SHIFT;
	vma->vm_name = name;
	if (file) {
		vma->vm_file = file;
		get_file(file);
	}
	vma_link(mm, vma);
	vm_stat_account(mm, vma->vm_flags, (int64_t)(len >> PAGE_SHIFT));
	if (flags & VM_ACCOUNT)
		k->vm_committed_as += len >> PAGE_SHIFT;
	return 0;
}

#define RO   (VM_READ | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define RX   (RO | VM_EXEC)
#define RW   (RO | VM_WRITE | VM_ACCOUNT)

/* The program image (what load_elf_binary maps for a small PIE). */
static int map_image(struct kernel *k, struct mm_struct *mm, const char *name)
{
	struct file *f = image_file(k, name);
	/* arch_mmap_rnd: 28 bits of pages above ELF_ET_DYN_BASE. */
	const uint64_t b = ELF_ET_DYN_BASE +
			   (k->sysctl.randomize_va_space ? (get_random_u64(k) & ((1ULL << 28) - 1)) << PAGE_SHIFT : 0);
	int err;

	if (!f)
		return -ENOMEM;
	err = map_fixed(k, mm, b, PAGE_SIZE, RO, f, 0, NULL);
	err = err ? err : map_fixed(k, mm, b + 0x1000, PAGE_SIZE, RX, f, 1, NULL);
	err = err ? err : map_fixed(k, mm, b + 0x2000, PAGE_SIZE, RO, f, 2, NULL);
	err = err ? err : map_fixed(k, mm, b + 0x3000, PAGE_SIZE, RO | VM_ACCOUNT, f, 2, NULL);
	err = err ? err : map_fixed(k, mm, b + 0x4000, PAGE_SIZE, RW, f, 3, NULL);
	fput(k, f);
	mm->start_code = b + 0x1000;
	mm->end_code = b + 0x2000;
	mm->start_data = b + 0x3000;
	mm->end_data = b + 0x5000;
	mm->start_brk = mm->brk = b + 0x5000;
	if (k->sysctl.randomize_va_space > 1) {   /* arch_randomize_brk: within 1 GiB */
		mm->brk_randomized = true;
		mm->start_brk = mm->brk += (get_random_u64(k) % ((1ULL << 30) >> PAGE_SHIFT)) << PAGE_SHIFT;
	}
	return err;
}

/* The vDSO and its data pages, just below mmap_base (Linux: map_vdso). */
static int map_vdso(struct kernel *k, struct mm_struct *mm)
{
	const uint64_t vvar = VM_READ | VM_MAYREAD | VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
	const uint64_t vdso = VM_READ | VM_EXEC | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_DONTEXPAND;
	uint64_t top = mm->mmap_base;
	int err = map_fixed(k, mm, top - 8 * PAGE_SIZE, 4 * PAGE_SIZE, vvar, NULL, 0, "[vvar]");
	err = err ? err : map_fixed(k, mm, top - 4 * PAGE_SIZE, 2 * PAGE_SIZE, vvar, NULL, 0, "[vvar_vclock]");
	return err ? err : map_fixed(k, mm, top - 2 * PAGE_SIZE, 2 * PAGE_SIZE, vdso, NULL, 0, "[vdso]");
}

/* The stack VMA and its top page: argc, argv, envp, auxv, the program name
 * (Linux: setup_arg_pages and create_elf_tables). */
static int setup_stack(struct kernel *k, struct task_struct *t)
{
	struct mm_struct *mm = t->mm;
	uint64_t top = STACK_TOP;
	if (k->sysctl.randomize_va_space)   /* randomize_stack_top: STACK_RND_MASK pages */
		top -= (get_random_u64(k) & 0x3fffffULL) << PAGE_SHIFT;
	int err = map_fixed(k, mm, top - INIT_STACK_SIZE, INIT_STACK_SIZE, VM_STACK_FLAGS, NULL, 0, NULL);
	if (err)
		return err;
	struct vm_area_struct *vma = vma_lookup(mm, top - 1);
	if (handle_mm_fault(k, vma, top - PAGE_SIZE, FAULT_FLAG_WRITE, NULL))
		return -ENOMEM;
	pte_t *pte = pte_walk(k, mm, top - PAGE_SIZE, false, &err);
	uint8_t *page = phys_to_virt(k, pte_pfn(*pte) << PAGE_SHIFT);
	size_t nlen = strlen(t->comm) + 1;
	uint64_t name_va = top - 16 - nlen;
	memcpy(page + offset_in_page(name_va), t->comm, nlen);
	uint64_t frame[] = { 1, name_va, 0, 0, 6 /* AT_PAGESZ */, PAGE_SIZE, 0 /* AT_NULL */, 0 };
	uint64_t sp = (name_va - sizeof frame) & ~15ULL;
	memcpy(page + offset_in_page(sp), frame, sizeof frame);
	mm->start_stack = sp;
	mm->arg_start = mm->arg_end = name_va;
	mm->arg_end += nlen;
	mm->env_start = mm->env_end = mm->arg_end;
	return 0;
}

/* Fill t's new mm with program name, in Linux's order: the layout, the
 * stack, the image and its brk, the vDSO (Linux: load_elf_binary, which
 * calls setup_new_exec, setup_arg_pages, elf_load, arch_setup_additional_pages
 * and create_elf_tables). 0 or -ENOMEM. */
static int load_elf_binary(struct kernel *k, struct task_struct *t, const char *name)
{
	int err;

	arch_pick_mmap_layout(k, t->mm, t);
	/* the stack, the image and its brk, the vDSO; the OOM killer may have
	 * chosen the new task while it faulted them in */
	if ((err = setup_stack(k, t)) || (err = map_image(k, t->mm, name)) || (err = map_vdso(k, t->mm)) ||
	    (fatal_signal_pending(t) && (err = -ENOMEM)))
		return err;
	trace_kernel(k, t->cpu, "pid %d (%s): image at %#llx, stack pointer %#llx", t->pid, t->comm,
		     (unsigned long long)(t->mm->start_code - 0x1000), (unsigned long long)t->mm->start_stack);
	return 0;
}

/* See task.h. */
struct task_struct *task_create_process(struct kernel *k, const char *name, int cpu, int *err)
{
	struct task_struct *t = alloc_task(k, name, cpu);

	*err = -ENOMEM;
	if (!t)
		return NULL;
	if (!(t->files = files_init(k)) || !(t->mm = mm_alloc(k))) {
		free_task(k, t);
		return NULL;
	}
	struct task_struct *caller = k->current;
	mem_cgroup_fork(k, t, caller);        /* the creator's cgroup */
	start_thread(t);
	k->current = t;                       /* exec runs in the new task */
	if ((*err = load_elf_binary(k, t, name))) {
		k->current = caller;
		mem_cgroup_exit(k, t);
		mmput(k, t->mm);
		free_task(k, t);
		return NULL;
	}
	k->current = caller;
	return t;
}

/* See task.h. */
struct task_struct *task_create_thread(struct kernel *k, struct task_struct *leader, int cpu, int *err)
{
	struct task_struct *caller = k->current;
	k->current = leader;                  /* clone runs in the caller */
	struct task_struct *t = alloc_task(k, leader->comm, cpu);
	k->current = caller;
	*err = t ? 0 : -ENOMEM;
	if (!t)
		return NULL;
	t->tgid = leader->tgid;
	copy_thread(k, t, leader);
	t->group_leader = leader->group_leader;
	t->parent = leader->parent;
	t->mm = leader->mm;
	t->mm->mm_users++;
	t->files = leader->files;             /* CLONE_FILES */
	t->files->count++;
	t->signal = leader->group_leader->signal;      /* CLONE_THREAD shares it */
	t->rlimit_stack = leader->rlimit_stack;
	t->rlimit_memlock = leader->rlimit_memlock;
	t->cap_sys_rawio = leader->cap_sys_rawio;
	t->cap_ipc_lock = leader->cap_ipc_lock;
	t->memcg_id = leader->memcg_id;
	mpol_fork(k, t, leader);              /* a full table (65535 policies): the default */
	return t;
}

/* See task.h. */
struct task_struct *copy_process(struct kernel *k, struct task_struct *parent, int cpu, int *err)
{
	int saved = k->this_cpu;
	struct task_struct *caller = k->current;
	k->this_cpu = parent->cpu;             /* fork runs in the parent, on its core */
	k->current = parent;
	struct mm_struct *mm = dup_mm(k, parent->mm);
	struct task_struct *t = mm ? alloc_task(k, parent->comm, cpu) : NULL;
	if (t && !(t->files = dup_fd(k, parent->files))) {
		free_task(k, t);
		t = NULL;
	}
	k->this_cpu = saved;
	k->current = caller;
	*err = -ENOMEM;
	if (t && fatal_signal_pending(parent)) {   /* copy_process gives up: -EINTR */
		free_task(k, t);
		t = NULL;
		*err = -EINTR;
	}
	if (!t) {
		if (mm)
			mmput(k, mm);
		return NULL;
	}
	t->mm = mm;
	copy_thread(k, t, parent);
	t->parent = parent->group_leader;
	t->signal->oom_score_adj = parent->signal->oom_score_adj;          /* copy_signal */
	t->signal->oom_score_adj_min = parent->signal->oom_score_adj_min;
	t->rlimit_stack = parent->rlimit_stack;
	t->rlimit_memlock = parent->rlimit_memlock;
	t->cap_sys_rawio = parent->cap_sys_rawio;
	t->cap_ipc_lock = parent->cap_ipc_lock;
	mem_cgroup_fork(k, t, parent);
	mpol_fork(k, t, parent);              /* a full table (65535 policies): the default */
	*err = 0;
	trace_kernel(k, parent->cpu, "pid %d forked pid %d", parent->pid, t->pid);
	return t;
}

/* One task leaves its core and its mm, and is freed (Linux: do_exit's
 * exit_mm, the scheduler picking the idle task, then release_task; no
 * single Linux function does all three). */
static void exit_task(struct kernel *k, struct task_struct *t)
{
	if (k->current == t)
		k->current = NULL;
	if (k->curr[t->cpu] == t) {
		k->curr[t->cpu] = NULL;
		enter_lazy_tlb(k, t->cpu);
	}
	if (t->mm) {
		mmput(k, t->mm);
		t->mm = NULL;
	}
	mem_cgroup_exit(k, t);
	t->state = TASK_DEAD;
	free_task(k, t);
}

/* Give the children of the exiting process tgid to pid 1 when it lives on,
 * else to the init outside the machine, whose pid they then report as their
 * parent's, 1 (Linux: forget_original_parent, which picks the child reaper:
 * init). */
static void forget_original_parent(struct kernel *k, int tgid)
{
	struct task_struct *reaper = find_task_by_pid(k, 1);
	if (reaper && reaper->tgid == tgid)
		reaper = NULL;
	for (struct task_struct *p = k->tasks; p; p = p->next_task)
		if (p->parent && p->parent->tgid == tgid) {
			p->parent = reaper;
			p->orphan = !reaper;
		}
}

/* See task.h. */
void do_group_exit(struct kernel *k, struct task_struct *t, int code)
{
	int tgid = t->tgid;
	forget_original_parent(k, tgid);
	trace_kernel(k, t->cpu, "pid %d exits with %d%s", tgid, code,
		     t->fatal.si_signo ? " (killed by a signal)" : "");
	for (struct task_struct *p = k->tasks, *next; p; p = next) {
		next = p->next_task;
		if (p->tgid == tgid && p != t)
			exit_task(k, p);
	}
	exit_task(k, t);
}

/* See task.h. */
int task_set_cpu(struct kernel *k, struct task_struct *t, int cpu)
{
	if (cpu < 0 || cpu >= k->nr_cpus)
		return -EINVAL;
	if (k->curr[t->cpu] == t) {
		__switch_to(k, t, NULL);      /* its registers are saved as it leaves */
		k->curr[t->cpu] = NULL;
		enter_lazy_tlb(k, t->cpu);
	}
	t->cpu = cpu;
	schedule_task(k, t);
	return 0;
}

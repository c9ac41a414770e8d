/*
 * kernel/objsize.h — how much of the simulated kernel's memory each of its
 * objects takes.
 *
 * The kernel keeps its objects (mm_struct, VMAs, task_struct, files...) in
 * simulated RAM, in slabs. An object takes the size its structure has in
 * the simulated x86-64 kernel (8-byte pointers and longs), whatever the
 * host's pointer size: a 32-bit host or WebAssembly, whose structures are
 * smaller, still carves the same slabs from the same frames, so the frame
 * numbers a script sees, the narration and /proc/slabinfo are the same on
 * every host (tests/host32 builds the simulator for 32-bit x86 and compares).
 *
 * The host's structure must fit in its size: KOBJ_FITS, next to each cache's
 * creation, checks that at compile time. A structure that outgrows its size
 * is a compile error saying which size to raise here; raising one moves the
 * simulated kernel's frame numbers, and golden outputs with them.
 */
#ifndef MMSIM_KERNEL_OBJSIZE_H
#define MMSIM_KERNEL_OBJSIZE_H

/* A pointer or a long of the simulated kernel. */
#define KPTR_SIZE               8u

/* The slab caches' object sizes (the structures' sizes on x86-64). */
#define MM_STRUCT_SIZE          344u
#define VM_AREA_STRUCT_SIZE     160u
#define TASK_STRUCT_SIZE        296u
#define FILE_SIZE               64u
#define INODE_SIZE              176u
#define FILES_STRUCT_SIZE       144u
#define RADIX_TREE_NODE_SIZE    520u
#define ANON_VMA_SIZE           40u
#define ANON_VMA_CHAIN_SIZE     64u
#define KMEM_CACHE_SIZE         240u
#define KMEM_CACHE_NODE_SIZE    32u
#define LDT_STRUCT_SIZE         24u

/* A file-scope check that the host's type fits in the size the simulated
 * kernel gives it. */
#define KOBJ_FITS(type, size) \
	_Static_assert(sizeof(type) <= (size), \
		       #type " is larger than " #size ", its size in the simulated kernel: raise it in kernel/objsize.h")

#endif

/*
 * host/protocol.h — the messages between mmsim and its host helper: one
 * SOCK_SEQPACKET channel per real task, a fixed-size request (and for a
 * write, the bytes after it) answered by a fixed-size reply (and for a read,
 * the bytes after it). Shared by both sides; plain C, no library.
 */
#ifndef MMSIM_HOST_PROTOCOL_H
#define MMSIM_HOST_PROTOCOL_H

#include <stdint.h>

/* The most bytes one request or reply carries; longer reads and writes are
 * split into requests of this size. */
#define HOST_CHUNK 65536

/* The helper's channel is this descriptor when it starts; the helper then
 * moves it, and every channel it receives, to HOST_HIGH_FD or above, and
 * opens /dev/null as 0, 1 and 2, so that the script's files get the
 * descriptors a simulated process gives them (3 first). */
#define HOST_CHANNEL_FD 3
#define HOST_HIGH_FD 900

enum host_op {
	HOST_OP_MMAP = 1,      /* arg: addr, len, prot, flags, fd, offset */
	HOST_OP_MUNMAP,        /* addr, len */
	HOST_OP_MPROTECT,      /* addr, len, prot */
	HOST_OP_MREMAP,        /* old, old_len, new_len, flags, new_addr */
	HOST_OP_BRK,           /* addr */
	HOST_OP_MADVISE,       /* addr, len, advice */
	HOST_OP_MLOCK2,        /* addr, len, flags */
	HOST_OP_MUNLOCK,       /* addr, len */
	HOST_OP_MLOCKALL,      /* flags */
	HOST_OP_MUNLOCKALL,
	HOST_OP_SET_VMA_NAME,  /* addr, len, has_name; the name (with its NUL) follows */
	HOST_OP_READ,          /* addr, len <= HOST_CHUNK, insn: the bytes come back */
	HOST_OP_FETCH,         /* the same, as instruction fetches */
	HOST_OP_WRITE,         /* addr, len, insn; the bytes follow */
	HOST_OP_TOUCH,         /* addr, len, kind (0 read, 1 write, 2 fetch) */
	HOST_OP_FORK,          /* core (-1: the parent's); the child's channel rides along */
	HOST_OP_THREAD,        /* core; the thread's channel rides along */
	HOST_OP_EXIT,          /* code */
	HOST_OP_RUN_ON,        /* core */
	HOST_OP_STATS,         /* whole process (1) or this thread (0) */
	HOST_OP_OOM_SCORE_ADJ, /* value: written to /proc/self/oom_score_adj */
	HOST_OP_OPEN,          /* flags, mode; the path (with its NUL) follows */
	HOST_OP_CLOSE,         /* fd */
	HOST_OP_DUP,           /* fd */
	HOST_OP_PREAD,         /* fd, len <= HOST_CHUNK, offset: the bytes read come back */
	HOST_OP_PWRITE,        /* fd, offset; the bytes follow */
	HOST_OP_FTRUNCATE,     /* fd, length */
	HOST_OP_UNLINK,        /* the path (with its NUL) follows */
	HOST_OP_FSTAT,         /* fd: the kernel's struct stat comes back */
	HOST_OP_MEMFD_CREATE,  /* flags; the name (with its NUL) follows */
	HOST_OP_FSYNC,         /* fd */
	HOST_OP_FDATASYNC,     /* fd */
	HOST_OP_FADVISE,       /* fd, offset, len, advice */
	HOST_OP_MSYNC,         /* addr, len, flags */
	HOST_OP_MINCORE,       /* addr, len (up to HOST_CHUNK pages): a byte a page comes back */
	HOST_OP_SET_MEMPOLICY, /* mode, maxnode, has_mask; the mask's words follow */
	HOST_OP_GET_MEMPOLICY, /* maxnode, addr, flags, want_policy, mask words (0: no mask): the
				* policy (8 bytes) and the mask's words come back */
	HOST_NR_OPS
};

/* The bytes of x86-64's struct stat, which HOST_OP_FSTAT sends back. */
#define HOST_STAT_SIZE 144

/* arg[2] of HOST_OP_READ and HOST_OP_WRITE: 1 when the access is one
 * instruction (1, 2, 4 or 8 bytes, mmsim_access's contract), a single MOV
 * that moves no byte when it faults; 0 for a copy loop. */
#define HOST_ARG_INSN 2

struct host_req {
	uint32_t op;
	uint32_t len;          /* bytes after the request */
	uint64_t arg[6];
	int32_t fd;            /* the helper's number of a descriptor passed along, or -1 */
	int32_t pad;
};

enum host_reply_kind {
	HOST_DONE = 1,         /* ret holds the system call's raw result */
	HOST_FAULT,            /* a fatal signal: the task's process is dead */
	HOST_READY,            /* the helper started: pid */
};

struct host_reply {
	uint32_t kind;
	uint32_t len;          /* bytes after the reply */
	int64_t ret;           /* a result, or a negative errno */
	uint64_t minflt, majflt;   /* faults of this operation (HOST_OP_STATS: the totals) */
	int32_t signo, code, trapno;
	uint32_t error_code;
	uint64_t addr;         /* si_addr */
	int32_t pid;           /* HOST_READY */
	int32_t pad;
};

#endif

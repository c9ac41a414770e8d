/* api/names.c — names for the numbers the API returns: errno values,
 * signals and their codes, /proc/kpageflags bits, and the version. */
#include "api/api.h"
#include "common.h"

#include <errno.h>
#include <stdio.h>

/* Linux's x86-64 signal numbers and si_codes (the values of struct
 * mmsim_fault, whatever the platform mmsim runs on). */
enum { SIG_BUS = 7, SIG_KILL = 9, SIG_SEGV = 11 };
enum { SEGV_MAP_ERR = 1, SEGV_ACC_ERR = 2, SEGV_PKU_ERR = 4, BUS_ADR_ERR = 2, SI_KERNEL_CODE = 0x80 };

/* See mmsim.h. */
const char *mmsim_version(void)
{
	return MMSIM_VERSION;
}

/* See mmsim.h. */
const char *mmsim_strerror(int err)
{
	static const struct { int e; const char *name; } names[] = {
		{ 0, "OK" }, { EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
		{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ECHILD, "ECHILD" }, { E2BIG, "E2BIG" }, { ETIMEDOUT, "ETIMEDOUT" },
		{ EISDIR, "EISDIR" }, { ENOTDIR, "ENOTDIR" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { ETXTBSY, "ETXTBSY" },
	};
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == err)
			return names[i].name;
	return "E?";
}

/* See mmsim.h. */
const char *mmsim_signal_name(int signo)
{
	switch (signo) {
	case 0: return "none";
	case SIG_BUS: return "SIGBUS";
	case SIG_KILL: return "SIGKILL";
	case SIG_SEGV: return "SIGSEGV";
	}
	return "SIG?";
}

/* See mmsim.h. */
const char *mmsim_sigcode_name(int signo, int code)
{
	if (code == SI_KERNEL_CODE)
		return "SI_KERNEL";
	if (signo == SIG_SEGV)
		switch (code) {
		case SEGV_MAP_ERR: return "SEGV_MAPERR";
		case SEGV_ACC_ERR: return "SEGV_ACCERR";
		case SEGV_PKU_ERR: return "SEGV_PKUERR";
		}
	if (signo == SIG_BUS && code == BUS_ADR_ERR)
		return "BUS_ADRERR";
	return "?";
}

/* See mmsim.h. The names of include/uapi/linux/kernel-page-flags.h by bit
 * number, then from bit 32 the kernel-internal ones of
 * include/linux/kernel-page-flags.h. */
int mmsim_kpageflags_format(uint64_t flags, char *buf, size_t len)
{
	static const char *const names[64] = {
		"LOCKED", "ERROR", "REFERENCED", "UPTODATE", "DIRTY", "LRU", "ACTIVE", "SLAB",
		"WRITEBACK", "RECLAIM", "BUDDY", "MMAP", "ANON", "SWAPCACHE", "SWAPBACKED",
		"COMPOUND_HEAD", "COMPOUND_TAIL", "HUGE", "UNEVICTABLE", "HWPOISON", "NOPAGE", "KSM",
		"THP", "OFFLINE", "ZERO_PAGE", "IDLE", "PGTABLE",
		[32] = "RESERVED", "MLOCKED", "OWNER_2", "PRIVATE", "PRIVATE_2", "OWNER_PRIVATE", "ARCH",
	};
	int n = 0;
	if (len)
		buf[0] = 0;
	for (int b = 0; b < 64; b++) {
		if (!(flags >> b & 1))
			continue;
		size_t at = (size_t)n < len ? (size_t)n : len;
		n += names[b] ? snprintf(buf + at, len - at, "%s%s", n ? "|" : "", names[b])
			      : snprintf(buf + at, len - at, "%sBIT%d", n ? "|" : "", b);
	}
	return n;
}

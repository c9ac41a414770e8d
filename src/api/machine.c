/* api/machine.c — machines: build, boot, views, the log and the checker. */
#include "api/api.h"
#include "common.h"
#include "host/host.h"

#include "kernel/debug_vm.h"
#include "kernel/page_alloc_internal.h"
#include "procfs/procfs.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	};
	if (err < 0)
		err = -err;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == err)
			return names[i].name;
	return "E?";
}

/* See api.h. */
int api_fail(mmsim_machine *m, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->last_error, sizeof m->last_error, fmt, ap);
	va_end(ap);
	return err;
}

/* See mmsim.h. */
int mmsim_machine_new(const mmsim_config *c, mmsim_machine **out, char *eb, size_t el)
{
	mmsim_machine *m = calloc(1, sizeof *m);
	char why[256] = "";
	int err;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->config = *c;
	if ((err = hw_config_validate(&c->hw, why, sizeof why))) {
		api_errbuf(eb, el, "%s", why);
		free(m);
		return err;
	}
	if ((err = ram_init(&m->ram, c->hw.ram_bytes))) {
		api_errbuf(eb, el, err == -EINVAL ? "ram: size out of range" : "ram: the host refused the mapping");
		free(m);
		return err;
	}
	if ((err = hw_machine_init(&m->hw, &c->hw, &m->ram))) {
		api_errbuf(eb, el, "cannot build the cores: %s", mmsim_strerror(err));
		goto fail_ram;
	}
	struct kernel_config kcfg = c->kernel;
	kcfg.seed = c->seed;
	if ((err = kernel_init(&m->kernel, &m->hw, &kcfg))) {
		api_errbuf(eb, el, "kernel boot failed: %s", mmsim_strerror(err));
		hw_machine_destroy(&m->hw);
		goto fail_ram;
	}
	*out = m;
	return 0;
fail_ram:
	ram_destroy(&m->ram);
	free(m);
	return err;
}

/* See mmsim.h. */
void mmsim_machine_free(mmsim_machine *m)
{
	if (!m)
		return;
	if (m->host) {
		host_free(m->host);
		free(m);
		return;
	}
	for (int i = 0; i < m->nr_caches; i++)
		free(m->caches[i]);
	free(m->caches);
	kernel_destroy(&m->kernel);
	hw_machine_destroy(&m->hw);
	ram_destroy(&m->ram);
	free(m);
}

/* See mmsim.h. */
const char *mmsim_last_error(const mmsim_machine *m)
{
	return m->last_error;
}

/* See mmsim.h. */
int mmsim_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len)
{
	if (m->host)
		return host_proc_read(m->host, path, text, len);
	struct seq_buf s = { 0 };
	int err = procfs_read(&m->kernel, path, &s);

	*text = NULL;
	if (len)
		*len = 0;
	if (err) {
		seq_release(&s);
		return api_fail(m, err, err == -EINVAL ? "%s: a binary file, not readable as text"
							 : "%s: no such file in the simulated /proc", path);
	}
	if (!s.buf) {
		s.buf = calloc(1, 1);
		if (!s.buf)
			return -ENOMEM;
	}
	*text = s.buf;
	if (len)
		*len = s.len;
	return 0;
}

/* See mmsim.h. */
const char *mmsim_proc_path(size_t i)
{
	return procfs_path_at(i);
}

/* See mmsim.h. */
size_t mmsim_dmesg(const mmsim_machine *m, char *buf, size_t size)
{
	if (m->host)
		return size ? (buf[0] = 0) : 0;   /* no simulated kernel log */
	return (size_t)kernel_log_read(&m->kernel, buf, size);
}

/* See mmsim.h. */
uint64_t mmsim_check(mmsim_machine *m)
{
	if (m->host)
		return 0;                          /* nothing simulated to check */
	return debug_vm_check(&m->kernel, NULL);
}

/* See mmsim.h. */
int mmsim_vmstat(mmsim_machine *m, const char *name, uint64_t *value)
{
	if (m->host)
		return host_vmstat(m->host, name, value);
	char *text, *line;
	size_t n = strlen(name);
	int err = mmsim_proc_read(m, "/proc/vmstat", &text, NULL);
	if (err)
		return err;
	err = -ENOENT;
	for (line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == ' ') {
			*value = strtoull(line + n + 1, NULL, 10);
			err = 0;
			break;
		}
	free(text);
	return err ? api_fail(m, err, "%s: no such vmstat counter", name) : 0;
}

/* See mmsim.h. */
int64_t mmsim_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len,
			 int flags)
{
	if (m->host)
		return host_proc_pread(m->host, path, offset, buf, len, flags);
	struct procfs_cred cred = { .cap_sys_admin = !(flags & MMSIM_PROC_UNPRIVILEGED) };
	int64_t n = procfs_pread(&m->kernel, path, offset, buf, len, &cred);
	if (n < 0)
		return api_fail(m, (int)n, "%s: %s at offset %llu, %zu bytes", path, mmsim_strerror((int)n),
				(unsigned long long)offset, len);
	return n;
}

/* See mmsim.h. */
int mmsim_kpageflags_format(uint64_t flags, char *buf, size_t len)
{
	static const char *const names[64] = {
		[KPF_LOCKED] = "LOCKED", [KPF_ERROR] = "ERROR", [KPF_REFERENCED] = "REFERENCED",
		[KPF_UPTODATE] = "UPTODATE", [KPF_DIRTY] = "DIRTY", [KPF_LRU] = "LRU", [KPF_ACTIVE] = "ACTIVE",
		[KPF_SLAB] = "SLAB", [KPF_WRITEBACK] = "WRITEBACK", [KPF_RECLAIM] = "RECLAIM",
		[KPF_BUDDY] = "BUDDY", [KPF_MMAP] = "MMAP", [KPF_ANON] = "ANON", [KPF_SWAPCACHE] = "SWAPCACHE",
		[KPF_SWAPBACKED] = "SWAPBACKED", [KPF_COMPOUND_HEAD] = "COMPOUND_HEAD",
		[KPF_COMPOUND_TAIL] = "COMPOUND_TAIL", [KPF_HUGE] = "HUGE", [KPF_UNEVICTABLE] = "UNEVICTABLE",
		[KPF_HWPOISON] = "HWPOISON", [KPF_NOPAGE] = "NOPAGE", [KPF_KSM] = "KSM", [KPF_THP] = "THP",
		[KPF_OFFLINE] = "OFFLINE", [KPF_ZERO_PAGE] = "ZERO_PAGE", [KPF_IDLE] = "IDLE",
		[KPF_PGTABLE] = "PGTABLE", [KPF_RESERVED] = "RESERVED", [KPF_MLOCKED] = "MLOCKED",
		[KPF_OWNER_2] = "OWNER_2", [KPF_PRIVATE] = "PRIVATE", [KPF_PRIVATE_2] = "PRIVATE_2",
		[KPF_OWNER_PRIVATE] = "OWNER_PRIVATE", [KPF_ARCH] = "ARCH",
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

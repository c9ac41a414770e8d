/* api/machine.c — a machine of any backend: its views, counters, knobs,
 * log and checker, each handed to the backend (api/backend.h). */
#include "api/api.h"

#include <errno.h>
#include <string.h>

/* See mmsim.h. */
void mmsim_machine_free(mmsim_machine *m)
{
	if (m)
		m->ops->free(m);
}

/* See mmsim.h. */
const char *mmsim_last_error(const mmsim_machine *m)
{
	return m->last_error;
}

/* See mmsim.h. */
const char *mmsim_machine_backend(const mmsim_machine *m)
{
	return m->ops->name;
}

/* See mmsim.h. */
int mmsim_machine_is_host(const mmsim_machine *m)
{
	return !strcmp(m->ops->name, "host");
}

/* See mmsim.h. */
int mmsim_machine_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len)
{
	return m->ops->config_get ? m->ops->config_get(m, key, buf, len) : -ENOENT;
}

/* See mmsim.h. */
int mmsim_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len)
{
	*text = NULL;
	if (len)
		*len = 0;
	if (!API_SERVES(m, proc_read))
		return -EOPNOTSUPP;
	return (int)api_result(m, "proc_read", m->ops->proc_read(m, path, text, len));
}

/* See mmsim.h. */
int64_t mmsim_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len,
			 int flags)
{
	if (!API_SERVES(m, proc_pread))
		return -EOPNOTSUPP;
	int64_t n = m->ops->proc_pread(m, path, offset, buf, len, flags);
	if (n < 0 && !m->failed)
		backend_fail(m, (int)n, "%s: %s at offset %llu, %zu bytes", path, mmsim_strerror((int)n),
			     (unsigned long long)offset, len);
	return n;
}

/* See mmsim.h. The arguments are checked here, once for every backend. */
int64_t mmsim_pagemap_scan(mmsim_machine *m, int pid, uint64_t start, uint64_t end,
			   struct mmsim_page_run *runs, size_t max, uint64_t *walk_end)
{
	*walk_end = start;
	if (!API_SERVES(m, pagemap_scan))
		return -EOPNOTSUPP;
	if ((start | end) & 0xfff || start > end || !max)
		return backend_fail(m, -EINVAL, "pagemap_scan: [%#llx, %#llx) with room for %zu runs: the "
				    "bounds must be page-aligned and in order, and max at least 1",
				    (unsigned long long)start, (unsigned long long)end, max);
	return api_result(m, "pagemap_scan", m->ops->pagemap_scan(m, pid, start, end, runs, max, walk_end));
}

/* See mmsim.h. */
int mmsim_vmstat(mmsim_machine *m, const char *name, uint64_t *value)
{
	if (!API_SERVES(m, vmstat))
		return -EOPNOTSUPP;
	return (int)api_result(m, "vmstat", m->ops->vmstat(m, name, value));
}

/* See mmsim.h. A backend without a kernel log has an empty one. */
size_t mmsim_dmesg(const mmsim_machine *m, char *buf, size_t size)
{
	if (m->ops->dmesg)
		return m->ops->dmesg(m, buf, size);
	if (size)
		buf[0] = 0;
	return 0;
}

/* See mmsim.h. A backend without a checker has nothing simulated to check. */
uint64_t mmsim_check(mmsim_machine *m)
{
	return m->ops->check ? m->ops->check(m) : 0;
}

/* See mmsim.h. */
int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value)
{
	if (!API_SERVES(m, sysctl_set))
		return -EOPNOTSUPP;
	return (int)api_result(m, "sysctl_set", m->ops->sysctl_set(m, name, value));
}

/* See mmsim.h. */
int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len)
{
	if (!API_SERVES(m, sysctl_get))
		return -EOPNOTSUPP;
	return (int)api_result(m, "sysctl_get", m->ops->sysctl_get(m, name, buf, len));
}

/* See mmsim.h. */
int mmsim_swapon(mmsim_machine *m, const struct mmsim_swap_device *dev)
{
	if (!API_SERVES(m, swapon))
		return -EOPNOTSUPP;
	return (int)api_result(m, "swapon", m->ops->swapon(m, dev));
}

/* See mmsim.h. */
int mmsim_swapoff(mmsim_machine *m, int type)
{
	if (!API_SERVES(m, swapoff))
		return -EOPNOTSUPP;
	return (int)api_result(m, "swapoff", m->ops->swapoff(m, type));
}

/* See mmsim.h. */
int mmsim_cgroup(mmsim_machine *m, const struct mmsim_cgroup *cg)
{
	if (!API_SERVES(m, cgroup))
		return -EOPNOTSUPP;
	return (int)api_result(m, "cgroup", m->ops->cgroup(m, cg));
}

/* See mmsim.h. */
int mmsim_cgroup_attach(mmsim_machine *m, int pid, const char *name)
{
	if (!API_SERVES(m, cgroup_attach))
		return -EOPNOTSUPP;
	return (int)api_result(m, "cgroup_attach", m->ops->cgroup_attach(m, pid, name));
}

/* See mmsim.h. A backend without counters has none. */
size_t mmsim_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max)
{
	return m->ops->machine_stats ? m->ops->machine_stats(m, out, max) : 0;
}

/* See mmsim.h. Turning narration off always succeeds. */
int mmsim_explain(mmsim_machine *m, mmsim_explain_fn fn, void *ctx)
{
	if (!fn && !m->ops->explain)
		return 0;
	if (!API_SERVES(m, explain))
		return -EOPNOTSUPP;
	return (int)api_result(m, "explain", m->ops->explain(m, fn, ctx));
}

/* See mmsim.h. */
int mmsim_page_info(mmsim_machine *m, uint64_t pfn, struct mmsim_page_info *info)
{
	if (!API_SERVES(m, page_info))
		return -EOPNOTSUPP;
	return (int)api_result(m, "page_info", m->ops->page_info(m, pfn, info));
}

/* See mmsim.h. */
int mmsim_sleep(mmsim_machine *m, uint64_t ms)
{
	if (!API_SERVES(m, sleep))
		return -EOPNOTSUPP;
	return (int)api_result(m, "sleep", m->ops->sleep(m, ms));
}

/* See mmsim.h. */
int mmsim_file(mmsim_machine *m, const char *path, const void *data, uint64_t len)
{
	if (!API_SERVES(m, file))
		return -EOPNOTSUPP;
	return (int)api_result(m, "file", m->ops->file(m, path, data, len));
}

/* See mmsim.h. */
int64_t mmsim_files(mmsim_machine *m, struct mmsim_file_info *out, size_t max)
{
	if (!API_SERVES(m, files))
		return -EOPNOTSUPP;
	return api_result(m, "files", m->ops->files(m, out, max));
}

/* See mmsim.h. */
int mmsim_mount(mmsim_machine *m, const char *fs, const char *at)
{
	if (!API_SERVES(m, mount))
		return -EOPNOTSUPP;
	return (int)api_result(m, "mount", m->ops->mount(m, fs, at));
}

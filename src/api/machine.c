/* api/machine.c — machines: build, boot, views, the log and the checker. */
#include "api/api.h"

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
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
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
	if ((err = kernel_init(&m->kernel, &m->hw, &c->kernel))) {
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
	return (size_t)kernel_log_read(&m->kernel, buf, size);
}

/* See mmsim.h. */
uint64_t mmsim_check(mmsim_machine *m)
{
	return debug_vm_check(&m->kernel, NULL);
}

/* See mmsim.h. */
int mmsim_vmstat(mmsim_machine *m, const char *name, uint64_t *value)
{
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

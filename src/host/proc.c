/*
 * host/proc.c — the views of a host machine: the real /proc and /sys of
 * this machine, and what is read from them (vmstat counters, sysctls,
 * physical addresses from pagemap).
 */
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PM_PFN_MASK ((1ULL << 55) - 1)

/* Is path one of the binary files (read with pread, not as text)? */
static int binary_file(const char *path)
{
	size_t n = strlen(path);
	return !strncmp(path, "/proc/kpage", 11) || (n >= 8 && !strcmp(path + n - 8, "/pagemap"));
}

/* Only /proc and /sys are views: path, with every symbolic link and ".."
 * resolved (/proc/self/root/etc/passwd is /etc/passwd), must be in them.
 * 0 and *real (malloc'd: the file to open, so that a link cannot change in
 * between), or -ENOENT recorded. */
static int view_path(struct host_machine *h, const char *path, char **real)
{
	*real = NULL;
	if (strncmp(path, "/proc/", 6) && strncmp(path, "/sys/", 5))
		return host_fail(h, -ENOENT, "%s: the host backend serves /proc and /sys only", path);
	if (!(*real = realpath(path, NULL)))
		return host_fail(h, -ENOENT, "%s: %s on the host", path, strerror(errno));
	if (strncmp(*real, "/proc/", 6) && strncmp(*real, "/sys/", 5)) {
		host_fail(h, -ENOENT, "%s: that is %s, and the host backend serves /proc and /sys only",
			  path, *real);
		free(*real);
		*real = NULL;
		return -ENOENT;
	}
	return 0;
}

/* See host.h. */
int host_proc_read(mmsim_machine *m, const char *path, char **text, size_t *len)
{
	struct host_machine *h = host_machine(m);
	char *real;
	int err;
	if ((err = view_path(h, path, &real)))
		return err;
	if (binary_file(real))
		err = host_fail(h, -EINVAL, "%s: a binary file, not readable as text", path);
	else if ((err = host_read_file(real, text, len)))
		host_fail(h, err, "%s: %s on the host", path, strerror(-err));
	free(real);
	return err;
}

/* See host.h. Unprivileged reads of pagemap hide the frame numbers and
 * swap fields as Linux does without CAP_SYS_ADMIN; /proc/kpage* refuse. */
int64_t host_proc_pread(mmsim_machine *m, const char *path, uint64_t offset, void *buf, size_t len,
			int flags)
{
	struct host_machine *h = host_machine(m);
	char *real;
	int err;
	if ((err = view_path(h, path, &real)))
		return err;
	bool binary = binary_file(real), kpage = !strncmp(real, "/proc/kpage", 11);
	int fd = kpage && (flags & MMSIM_PROC_UNPRIVILEGED) ? -1 : open(real, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : 0;
	free(real);
	if (kpage && (flags & MMSIM_PROC_UNPRIVILEGED))
		return host_fail(h, -EACCES, "%s: EACCES at offset %" PRIu64 ", %zu bytes", path, offset, len);
	if (fd < 0)
		return host_fail(h, err, "%s: %s", path, strerror(-err));
	ssize_t n = pread(fd, buf, len, (off_t)offset);
	err = n < 0 ? -errno : 0;
	close(fd);
	if (err)
		return err;
	if ((flags & MMSIM_PROC_UNPRIVILEGED) && binary)
		for (ssize_t i = 0; i + 8 <= n; i += 8) {
			uint64_t e;
			memcpy(&e, (char *)buf + i, 8);
			e &= ~PM_PFN_MASK;
			memcpy((char *)buf + i, &e, 8);
		}
	return n;
}

/* See host.h. */
int host_virt_to_phys(mmsim_machine *m, int pid, uint64_t va, uint64_t *pa)
{
	struct host_machine *h = host_machine(m);
	char path[64];
	uint64_t e = 0;
	if (!host_task(h, pid))
		return -ESRCH;
	snprintf(path, sizeof path, "/proc/%d/pagemap", pid);
	int64_t n = host_proc_pread(m, path, (va >> 12) * 8, &e, 8, 0);
	if (n < 0)
		return (int)n;
	if (n != 8 || !(e >> 63) || (e >> 62 & 1))
		return host_fail(h, -ENOENT, "%#llx is not mapped in pid %d", (unsigned long long)va, pid);
	if (!(e & PM_PFN_MASK))
		return host_fail(h, -EACCES, "pid %d: the frame of %#llx is hidden (PFNs need CAP_SYS_ADMIN)",
				 pid, (unsigned long long)va);
	*pa = (e & PM_PFN_MASK) << 12 | (va & 0xfff);
	return 0;
}

/* See host.h. */
int host_vmstat(mmsim_machine *m, const char *name, uint64_t *value)
{
	struct host_machine *h = host_machine(m);
	char *text;
	size_t n = strlen(name);
	int err = host_read_file("/proc/vmstat", &text, NULL);
	if (err)
		return host_fail(h, err, "/proc/vmstat: %s", strerror(-err));
	err = -ENOENT;
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
		if (!strncmp(line, name, n) && line[n] == ' ') {
			*value = strtoull(line + n + 1, NULL, 10);
			err = 0;
			break;
		}
	free(text);
	return err ? host_fail(h, err, "%s: no such vmstat counter", name) : 0;
}

/* See host.h. The kernel's event counters, as "vm.<name>" (the simulator's
 * names); the MMU's counters do not exist on the host. */
size_t host_machine_stats(mmsim_machine *m, struct mmsim_stat *out, size_t max)
{
	struct host_machine *h = host_machine(m);
	char *text;
	size_t n = 0;
	(void)h;
	if (host_read_file("/proc/vmstat", &text, NULL))
		return 0;
	for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char name[48];
		unsigned long long v;
		if (sscanf(line, "%44s %llu", name, &v) != 2)
			continue;
		if (n < max) {
			snprintf(out[n].name, sizeof out[n].name, "vm.%.44s", name);
			out[n].value = v;
		}
		n++;
	}
	free(text);
	return n;
}

/* See host.h. */
int host_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len)
{
	struct host_machine *h = host_machine(m);
	char path[128], *text;
	int n = snprintf(path, sizeof path, "/proc/sys/%s", name);
	if (n >= (int)sizeof path || strstr(name, ".."))
		return host_fail(h, -ENOENT, "%s: no such sysctl", name);
	for (char *p = path + 10; *p; p++)
		if (*p == '.')
			*p = '/';
	if (host_read_file(path, &text, NULL))
		return host_fail(h, -ENOENT, "%s: no such sysctl", name);
	text[strcspn(text, "\n")] = 0;
	snprintf(buf, len, "%s", text);
	free(text);
	return 0;
}

/* See host.h. The settings a simulated machine would be configured with.
 * The handle is const to the caller; a failure still records its message,
 * the only state of the machine a read may change. */
int host_config_get(const mmsim_machine *m, const char *key, char *buf, size_t len)
{
	struct host_machine *h = host_machine((mmsim_machine *)m);
	struct mmsim_host_settings s;
	char why[128];
	if (!strcmp(key, "aslr")) {
		snprintf(buf, len, "%d", h->aslr);
		return 0;
	}
	if (!strcmp(key, "cores")) {
		snprintf(buf, len, "%d", h->cpus);
		return 0;
	}
	if (strcmp(key, "ram") && strcmp(key, "paging") && strcmp(key, "zero_page") && strcmp(key, "thp"))
		return host_fail(h, -ENOENT, "%s: not a setting of the host backend", key);
	if (mmsim_host_probe(&s, why, sizeof why))
		return host_fail(h, -EIO, "%s", why);
	if (!strcmp(key, "ram"))
		snprintf(buf, len, "%" PRIu64, s.ram_bytes);
	else if (!strcmp(key, "thp"))
		snprintf(buf, len, "%s", s.thp);
	else
		snprintf(buf, len, "%d", !strcmp(key, "paging") ? s.paging : s.zero_page);
	return 0;
}

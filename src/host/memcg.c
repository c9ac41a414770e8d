/*
 * host/memcg.c — the host machine's memory limit (mmsim.host{memory_max=}):
 * its processes run in a memory cgroup of their own, made when the machine
 * is and removed when it is freed. cgroup v2 when its memory controller is
 * mounted (memory.max), else v1's (memory.limit_in_bytes; swap stays
 * unlimited, as v2's memory.swap.max "max"). Needs root.
 */
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Does the cgroup v2 hierarchy mounted at dir have the memory controller? */
static bool v2_has_memory(const char *dir)
{
	char path[128], *text;
	snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
	if (host_read_file(path, &text, NULL))
		return false;
	bool yes = strstr(text, "memory") != NULL;
	free(text);
	return yes;
}

/* See host.h. */
int host_memcg_version(char *base, size_t len)
{
	static const char *const v2[] = { "/sys/fs/cgroup", "/sys/fs/cgroup/unified" };
	for (size_t i = 0; i < 2; i++)
		if (v2_has_memory(v2[i])) {
			snprintf(base, len, "%s", v2[i]);
			return 2;
		}
	if (!access("/sys/fs/cgroup/memory/memory.limit_in_bytes", W_OK)) {
		snprintf(base, len, "/sys/fs/cgroup/memory");
		return 1;
	}
	return 0;
}

/* Write text to dir/file. 0 or -errno. */
static int write_file(const char *dir, const char *file, const char *text)
{
	char path[sizeof ((struct host_machine *)0)->memcg_dir + 32];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, strlen(text));
	int err = n == (ssize_t)strlen(text) ? 0 : -errno;
	close(fd);
	return err;
}

/* See host.h. */
int host_memcg_create(struct host_machine *h, uint64_t bytes, char *why, size_t whylen)
{
	static unsigned serial;
	char base[64], value[32];
	int version = host_memcg_version(base, sizeof base);
	if (!version) {
		snprintf(why, whylen, "memory_max: no memory cgroup controller this process may use (root and a "
			 "cgroup v2 memory controller, or v1's /sys/fs/cgroup/memory, are needed)");
		return -EOPNOTSUPP;
	}
	snprintf(h->memcg_dir, sizeof h->memcg_dir, "%s/mmsim-%d-%u", base, (int)getpid(), serial++);
	if (mkdir(h->memcg_dir, 0755)) {
		int err = -errno;
		snprintf(why, whylen, "memory_max: mkdir %s: %s", h->memcg_dir, strerror(errno));
		h->memcg_dir[0] = 0;
		return err;
	}
	snprintf(value, sizeof value, "%llu", (unsigned long long)bytes);
	int err = write_file(h->memcg_dir, version == 2 ? "memory.max" : "memory.limit_in_bytes", value);
	if (err) {
		snprintf(why, whylen, "memory_max: writing %s's limit: %s", h->memcg_dir, strerror(-err));
		host_memcg_remove(h);
		return err;
	}
	h->memcg_version = version;
	return 0;
}

/* See host.h. Async-signal-safe: the child of fork calls it. */
int host_memcg_join(const struct host_machine *h)
{
	return h->memcg_dir[0] ? write_file(h->memcg_dir, "cgroup.procs", "0") : 0;
}

/* See host.h. */
void host_memcg_remove(struct host_machine *h)
{
	if (!h->memcg_dir[0])
		return;
	for (int i = 0; i < 100 && rmdir(h->memcg_dir) && errno == EBUSY; i++)
		usleep(10000);                  /* the last exits are still being torn down */
	h->memcg_dir[0] = 0;
}

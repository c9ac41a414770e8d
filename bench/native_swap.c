/*
 * bench/native_swap.c — see native.h: a major fault of the real kernel.
 *
 * It changes this machine for about a second, and puts it back: a swap file
 * in /var/tmp is swapped on (swapon(2)), a child memory cgroup of this
 * process's own limits a child process to ram bytes, and the child writes
 * its working set, pages it out (MADV_PAGEOUT) and reads pages at random,
 * each read a fault that reads the page from the swap file. Afterwards the
 * cgroup is removed and the file swapped off and deleted, whatever
 * happened; a file left by a run that was killed is swapped off and deleted
 * first. Without root, a memory cgroup or a filesystem swapon accepts, the
 * figure is skipped with the reason.
 */
#include "native.h"

#include "bench.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096ULL
#define SWAPFILE "/var/tmp/mmsim-bench.swap"

static void why_printf(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* The directory of this process's memory cgroup and whether it is cgroup
 * v2 (memory.max) rather than v1 (memory.limit_in_bytes). false if none. */
static bool own_memcg(char *dir, size_t len, bool *v2)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[512], v2path[512] = "";
	bool found = false;
	while (f && !found && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		char *ctl = strchr(line, ':'), *path = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!path)
			continue;
		*path++ = 0;
		if (!strcmp(ctl + 1, "memory")) {
			snprintf(dir, len, "/sys/fs/cgroup/memory%s", path);
			*v2 = false;
			found = true;
		} else if (!strcmp(line, "0") && !ctl[1]) {
			snprintf(v2path, sizeof v2path, "%s", path);
		}
	}
	if (f)
		fclose(f);
	if (!found && v2path[0]) {
		snprintf(dir, len, "/sys/fs/cgroup%s", v2path);
		*v2 = true;
		found = true;
	}
	return found;
}

static bool write_file(const char *dir, const char *name, const char *text)
{
	char path[768];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	int fd = open(path, O_WRONLY);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	if (fd >= 0)
		close(fd);
	return ok;
}

/* A swap file of bytes at SWAPFILE with mkswap's version-1 header. */
static bool make_swapfile(uint64_t bytes, char *why, size_t whylen)
{
	int fd = open(SWAPFILE, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		why_printf(why, whylen, "cannot create %s: %s", SWAPFILE, strerror(errno));
		return false;
	}
	unsigned char header[PG] = { 0 };
	uint32_t info[3] = { 1, (uint32_t)(bytes / PG - 1), 0 };   /* version, last_page, nr_badpages */
	memcpy(header + 1024, info, sizeof info);
	memcpy(header + PG - 10, "SWAPSPACE2", 10);
	int err = posix_fallocate(fd, 0, (off_t)bytes);
	bool ok = !err && pwrite(fd, header, sizeof header, 0) == (ssize_t)sizeof header && !fsync(fd);
	if (!ok)
		why_printf(why, whylen, "cannot write %s: %s", SWAPFILE, strerror(err ? err : errno));
	close(fd);
	return ok;
}

/* The child: in the cgroup, write len bytes, page them out, read n pages
 * at random; ns per major fault and the faults into out. */
static void child(const char *cg, uint64_t len, uint64_t n, int out)
{
	char pid[32];
	double res[2] = { -1, 0 };
	snprintf(pid, sizeof pid, "%d", getpid());
	uint8_t *p = write_file(cg, "cgroup.procs", pid)
			     ? mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
			     : MAP_FAILED;
	if (p != MAP_FAILED && !madvise(p, len, MADV_NOHUGEPAGE)) {
		for (uint64_t off = 0; off < len; off += PG)
			p[off] = (uint8_t)(off / PG) | 1;
		if (!madvise(p, len, MADV_PAGEOUT)) {
			struct rusage r0, r1;
			uint64_t x = 88172645463325252ULL, sum = 0;
			getrusage(RUSAGE_SELF, &r0);
			uint64_t t0 = bench_now_ns();
			for (uint64_t i = 0; i < n; i++) {
				x ^= x << 13, x ^= x >> 7, x ^= x << 17;
				sum += ((volatile uint8_t *)p)[(x % (len / PG)) * PG];
			}
			uint64_t dt = bench_now_ns() - t0;
			getrusage(RUSAGE_SELF, &r1);
			bench_sink(sum);
			res[1] = (double)(r1.ru_majflt - r0.ru_majflt);
			res[0] = res[1] ? (double)dt / res[1] : -1;
		}
	}
	if (write(out, res, sizeof res) != (ssize_t)sizeof res)
		_exit(1);
	_exit(0);
}

/* See native.h. */
double native_majfault_ns(uint64_t ram, uint64_t len, uint64_t n, char *why, size_t whylen)
{
	char cg[600], dir[512];
	bool v2;
	double res[2] = { -1, 0 };
	if (geteuid()) {
		why_printf(why, whylen, "it needs root (swapon and a memory cgroup)");
		return -1;
	}
	if (!own_memcg(dir, sizeof dir, &v2)) {
		why_printf(why, whylen, "no memory cgroup in /proc/self/cgroup");
		return -1;
	}
	swapoff(SWAPFILE);                               /* left by a run that was killed */
	unlink(SWAPFILE);
	if (!make_swapfile(len + len / 4, why, whylen)) {
		unlink(SWAPFILE);
		return -1;
	}
	if (swapon(SWAPFILE, 0)) {
		why_printf(why, whylen, "swapon %s: %s", SWAPFILE, strerror(errno));
		unlink(SWAPFILE);
		return -1;
	}
	snprintf(cg, sizeof cg, "%s/mmsim-bench-%d", dir, getpid());
	char limit[32];
	snprintf(limit, sizeof limit, "%llu", (unsigned long long)ram);
	int fds[2] = { -1, -1 };
	if (mkdir(cg, 0755)) {
		why_printf(why, whylen, "cannot make a memory cgroup in %s: %s", dir, strerror(errno));
	} else if (!write_file(cg, v2 ? "memory.max" : "memory.limit_in_bytes", limit)) {
		why_printf(why, whylen, "cannot limit the cgroup %s to %s bytes", cg, limit);
	} else if (!pipe(fds)) {
		fflush(NULL);
		pid_t pid = fork();
		if (pid == 0)
			child(cg, len, n, fds[1]);
		close(fds[1]);
		if (pid < 0 || read(fds[0], res, sizeof res) != (ssize_t)sizeof res || res[0] < 0)
			why_printf(why, whylen, "the child in the cgroup did not fault on swap");
		if (pid > 0)
			waitpid(pid, NULL, 0);
		close(fds[0]);
	}
	if (rmdir(cg) && errno != ENOENT)
		fprintf(stderr, "bench: cannot remove the cgroup %s: %s\n", cg, strerror(errno));
	if (swapoff(SWAPFILE))
		fprintf(stderr, "bench: WARNING: swapoff %s failed (%s): run swapoff %s\n", SWAPFILE, strerror(errno),
			SWAPFILE);
	else
		unlink(SWAPFILE);
	return res[0];
}

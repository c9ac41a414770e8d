/*
 * host/file.c — the file system calls of a host task, carried out by its
 * helper, in a directory of this run's own: the script's /dev/shm/NAME is
 * DIR/shm/NAME and /tmp/NAME is DIR/tmp/NAME, where DIR is a fresh
 * /dev/shm/mmsim-XXXXXX (tmpfs, as the simulator's /dev/shm and /tmp are),
 * made at the first file call and removed with everything in it when the
 * machine is freed. /dev/null is the real one; other paths under /dev are
 * looked up under DIR/none, which does not exist (ENOENT, as the simulator
 * has no other devices). Any other absolute path is a file of the
 * simulated disk filesystem mounted at "/": "/NAME" is DISK/NAME, where
 * DISK is a fresh /var/tmp/mmsim-XXXXXX (HOST_DISK_DIR, on this machine's
 * disk), made at its first use and removed likewise. Results and errno
 * are the real kernel's.
 */
#include "host/host.h"
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Make the run's directory if it is not there yet. 0 or -errno recorded. */
static int files_dir(struct host_machine *h)
{
	char sub[sizeof h->files_dir + 8];
	if (h->files_dir[0])
		return 0;
	snprintf(h->files_dir, sizeof h->files_dir, "/dev/shm/mmsim-XXXXXX");
	if (!mkdtemp(h->files_dir)) {
		int err = -errno;
		h->files_dir[0] = 0;
		return host_fail(h, err, "files: cannot make a directory in /dev/shm: %s", strerror(-err));
	}
	snprintf(sub, sizeof sub, "%s/shm", h->files_dir);
	int a = mkdir(sub, 0700);
	snprintf(sub, sizeof sub, "%s/tmp", h->files_dir);
	if (a || mkdir(sub, 0700)) {
		int err = -errno;
		host_files_remove(h);
		return host_fail(h, err, "files: mkdir %s: %s", sub, strerror(-err));
	}
	return 0;
}

/* Empty and remove directory path (one level: the mounts are flat). */
static void remove_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[4200];
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof p, "%s/%s", path, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	rmdir(path);
}

/* Make the run's directory on the disk if it is not there yet. 0 or
 * -errno recorded. */
static int disk_dir(struct host_machine *h)
{
	if (h->disk_dir[0])
		return 0;
	snprintf(h->disk_dir, sizeof h->disk_dir, "%s/mmsim-XXXXXX", HOST_DISK_DIR);
	if (!mkdtemp(h->disk_dir)) {
		int err = -errno;
		h->disk_dir[0] = 0;
		return host_fail(h, err, "files: cannot make a directory in %s: %s", HOST_DISK_DIR, strerror(-err));
	}
	return 0;
}

/* See host.h. */
void host_files_remove(struct host_machine *h)
{
	char sub[sizeof h->files_dir + 8];
	if (h->disk_dir[0]) {
		remove_dir(h->disk_dir);
		h->disk_dir[0] = 0;
	}
	if (!h->files_dir[0])
		return;
	snprintf(sub, sizeof sub, "%s/shm", h->files_dir);
	remove_dir(sub);
	snprintf(sub, sizeof sub, "%s/tmp", h->files_dir);
	remove_dir(sub);
	rmdir(h->files_dir);
	h->files_dir[0] = 0;
}

/* The path the helper opens for the script's path (see the top), in a
 * malloc'd string; NULL with -errno recorded. */
static char *real_path(struct host_machine *h, const char *path)
{
	static const struct { const char *mount, *sub; } mounts[] = { { "/dev/shm", "/shm" }, { "/tmp", "/tmp" } };
	char *out = NULL;
	if (files_dir(h))
		return NULL;
	if (!strcmp(path, "/dev/null") || !*path)
		return strdup(path);
	for (size_t i = 0; i < ARRAY_SIZE(mounts); i++) {
		size_t n = strlen(mounts[i].mount);
		if (!strncmp(path, mounts[i].mount, n) && (path[n] == '/' || !path[n])) {
			if (asprintf(&out, "%s%s%s", h->files_dir, mounts[i].sub, path + n) < 0)
				out = NULL;
			return out;
		}
	}
	if (path[0] == '/' && strcmp(path, "/dev") && strncmp(path, "/dev/", 5)) {
		if (disk_dir(h))
			return NULL;
		if (asprintf(&out, "%s%s", h->disk_dir, path) < 0)
			out = NULL;
		return out;
	}
	if (asprintf(&out, "%s/none%s%s", h->files_dir, path[0] == '/' ? "" : "/", path) < 0)
		out = NULL;
	return out;
}

/* Request op of task pid (host_request), refusing a payload longer than
 * a request carries. */
static int64_t file_call(mmsim_machine *m, int pid, enum host_op op, const uint64_t args[6], const void *payload,
			 size_t plen, void *data, size_t cap)
{
	if (plen > HOST_CHUNK)
		return host_fail(host_machine(m), -ENAMETOOLONG, "the path is longer than a request carries");
	return host_request(m, pid, op, args, payload, plen, data, cap);
}

/* A call whose argument is a path. */
static int path_call(mmsim_machine *m, int pid, enum host_op op, const char *path, const uint64_t args[6])
{
	if (!path)
		return -EFAULT;
	if (!host_task(host_machine(m), pid))
		return -ESRCH;
	char *real = real_path(host_machine(m), path);
	if (!real)
		return host_machine(m)->files_dir[0] ? -ENOMEM : -EIO;
	int64_t r = file_call(m, pid, op, args, real, strlen(real) + 1, NULL, 0);
	free(real);
	return (int)r;
}

/* See host.h. */
int host_open(mmsim_machine *m, int pid, const char *path, unsigned flags, unsigned mode)
{
	return path_call(m, pid, HOST_OP_OPEN, path, (uint64_t[6]){ flags, mode });
}

/* See host.h. */
int host_unlink(mmsim_machine *m, int pid, const char *path)
{
	return path_call(m, pid, HOST_OP_UNLINK, path, (uint64_t[6]){ 0 });
}

/* See host.h. */
int host_close(mmsim_machine *m, int pid, int fd)
{
	return (int)file_call(m, pid, HOST_OP_CLOSE, (uint64_t[6]){ (uint64_t)fd }, NULL, 0, NULL, 0);
}

/* See host.h. */
int host_dup(mmsim_machine *m, int pid, int fd)
{
	return (int)file_call(m, pid, HOST_OP_DUP, (uint64_t[6]){ (uint64_t)fd }, NULL, 0, NULL, 0);
}

/* pread (op HOST_OP_PREAD, into rbuf) or pwrite (HOST_OP_PWRITE, from
 * wbuf) of len bytes at offset, in requests of HOST_CHUNK bytes; a short
 * one ends it. The bytes moved, or the first request's errno. */
static int64_t chunked(mmsim_machine *m, int pid, int fd, enum host_op op, void *rbuf, const void *wbuf, uint64_t len,
		       int64_t offset)
{
	uint64_t done = 0;
	do {
		uint64_t n = len - done < HOST_CHUNK ? len - done : HOST_CHUNK, at = (uint64_t)offset + done;
		int64_t r = op == HOST_OP_PREAD
			? file_call(m, pid, op, (uint64_t[6]){ (uint64_t)fd, n, at }, NULL, 0, (uint8_t *)rbuf + done, n)
			: file_call(m, pid, op, (uint64_t[6]){ (uint64_t)fd, at }, (const uint8_t *)wbuf + done, n, NULL, 0);
		if (r < 0)
			return done ? (int64_t)done : r;
		done += (uint64_t)r;
		if ((uint64_t)r < n)
			break;
	} while (done < len);
	return (int64_t)done;
}

/* See host.h. */
int64_t host_pread(mmsim_machine *m, int pid, int fd, void *buf, uint64_t len, int64_t offset)
{
	return chunked(m, pid, fd, HOST_OP_PREAD, buf, NULL, len, offset);
}

/* See host.h. */
int64_t host_pwrite(mmsim_machine *m, int pid, int fd, const void *buf, uint64_t len, int64_t offset)
{
	return chunked(m, pid, fd, HOST_OP_PWRITE, NULL, buf, len, offset);
}

/* See host.h. */
int host_ftruncate(mmsim_machine *m, int pid, int fd, int64_t length)
{
	return (int)file_call(m, pid, HOST_OP_FTRUNCATE, (uint64_t[6]){ (uint64_t)fd, (uint64_t)length }, NULL, 0,
			      NULL, 0);
}

/* See host.h. */
int host_fstat(mmsim_machine *m, int pid, int fd, struct mmsim_file_stat *st)
{
	struct stat s;
	_Static_assert(sizeof s == HOST_STAT_SIZE, "the helper sends x86-64's struct stat");
	int64_t r = file_call(m, pid, HOST_OP_FSTAT, (uint64_t[6]){ (uint64_t)fd }, NULL, 0, &s, sizeof s);
	if (r == 0)
		*st = (struct mmsim_file_stat){ major(s.st_dev), minor(s.st_dev), s.st_ino, s.st_mode,
						(unsigned)s.st_nlink, (uint64_t)s.st_size, (uint64_t)s.st_blocks,
						(unsigned)s.st_blksize, major(s.st_rdev), minor(s.st_rdev) };
	return (int)r;
}

/* See host.h. */
int host_memfd_create(mmsim_machine *m, int pid, const char *name, unsigned flags)
{
	if (!name)
		return -EFAULT;
	return (int)file_call(m, pid, HOST_OP_MEMFD_CREATE, (uint64_t[6]){ flags }, name, strlen(name) + 1, NULL, 0);
}

/* See host.h. */
int host_fsync(mmsim_machine *m, int pid, int fd, int datasync)
{
	return (int)file_call(m, pid, datasync ? HOST_OP_FDATASYNC : HOST_OP_FSYNC, (uint64_t[6]){ (uint64_t)fd },
			      NULL, 0, NULL, 0);
}

/* See host.h. */
int host_fadvise(mmsim_machine *m, int pid, int fd, int64_t offset, int64_t len, int advice)
{
	return (int)file_call(m, pid, HOST_OP_FADVISE,
			      (uint64_t[6]){ (uint64_t)fd, (uint64_t)offset, (uint64_t)len, (uint64_t)advice }, NULL, 0,
			      NULL, 0);
}

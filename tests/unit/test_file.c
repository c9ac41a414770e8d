/* Files on tmpfs: descriptors, open/close/pread/pwrite/ftruncate/unlink/dup/
 * fstat/memfd_create with Linux's errnos, and mappings of files through the
 * page cache (kernel/open.c, fdtable.c, file.c, mmap.c). */
#include "proc_helpers.h"

#include "kernel/fs.h"
#include "kernel/kernel.h"
#include "kernel/memory.h"
#include "kernel/mm.h"
#include "kernel/swap.h"
#include "kernel/sysctl.h"
#include "kernel/vmstat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MB (1ULL << 20)
#define PG 4096ULL

static struct tk *t;
static struct task_struct *p;

static void setup(void)
{
	t = tk_boot(256 * MB, 2);
	p = tp_spawn(t, "files", 0);
}

static void teardown(void)
{
	tk_assert_consistent(t);
	tk_free(t);
}

TestSuite(file, .init = setup, .fini = teardown);

static int xopen(const char *path, unsigned flags)
{
	int fd = do_sys_open(&t->k, p, path, flags, 0644);
	cr_assert_geq(fd, 0, "open %s: %d", path, fd);
	return fd;
}

static uint64_t file_pages(void)
{
	return global_node_page_state_pages(&t->k, NR_FILE_PAGES);
}

static long fmmap(int fd, uint64_t len, unsigned long prot, unsigned long flags, uint64_t off)
{
	return sys_mmap(&t->k, p, 0, len, prot, flags, fd, off);
}

Test(file, descriptors_start_at_3_and_reuse_the_lowest)
{
	cr_assert_eq(files_count(p->files), 3, "0, 1 and 2 are open on /dev/null");
	int a = xopen("/dev/shm/a", O_RDWR | O_CREAT);
	int b = xopen("/dev/shm/b", O_RDWR | O_CREAT);
	cr_assert_eq(a, 3);
	cr_assert_eq(b, 4);
	cr_assert_eq(close_fd(&t->k, p, a), 0);
	cr_assert_eq(close_fd(&t->k, p, a), -EBADF, "closed twice");
	cr_assert_eq(ksys_dup(&t->k, p, b), 3, "dup takes the lowest free");
	cr_assert_eq(ksys_dup(&t->k, p, 99), -EBADF);
	cr_assert_eq(close_fd(&t->k, p, -1), -EBADF);
}

Test(file, open_errnos_as_linux)
{
	char longname[300];
	memset(longname, 'x', sizeof longname);
	strcpy(longname, "/dev/shm/");
	memset(longname + 9, 'n', 256);
	longname[9 + 256] = 0;
	cr_assert_eq(do_sys_open(&t->k, p, "/dev/shm/none", O_RDONLY, 0), -ENOENT);
	cr_assert_eq(do_sys_open(&t->k, p, "", O_RDONLY, 0), -ENOENT);
	cr_assert_eq(do_sys_open(&t->k, p, "/nowhere/f", O_RDWR | O_CREAT, 0600), -ENOENT);
	cr_assert_eq(do_sys_open(&t->k, p, "/dev/shm/dir/f", O_RDWR | O_CREAT, 0600), -ENOENT);
	cr_assert_eq(do_sys_open(&t->k, p, longname, O_RDWR | O_CREAT, 0600), -ENAMETOOLONG);
	cr_assert_eq(do_sys_open(&t->k, p, "/dev/shm", O_RDWR, 0), -EISDIR);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp/", O_CREAT | O_RDWR, 0600), -EISDIR);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp", O_CREAT | O_EXCL | O_RDWR, 0600), -EEXIST);
	int dir = xopen("/dev/shm", O_RDONLY | O_DIRECTORY);
	char c;
	struct kstat st;
	cr_assert_eq(ksys_pread64(&t->k, p, dir, &c, 1, 0), -EISDIR, "a directory reads EISDIR");
	cr_assert_eq(sys_mmap(&t->k, p, 0, PG, PROT_READ, MAP_SHARED, dir, 0), -ENODEV);
	cr_assert_eq(vfs_fstat(&t->k, p, dir, &st), 0);
	cr_assert_eq(st.mode, S_IFDIR | 01777);
	cr_assert_eq(st.ino, 1, "the mount's root");
	cr_assert_eq(st.size, 40, "tmpfs: 20 bytes a name, with . and ..");
	cr_assert_eq(close_fd(&t->k, p, dir), 0);
	xopen("/tmp/x", O_CREAT | O_RDWR);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp/x", O_CREAT | O_EXCL | O_RDWR, 0600), -EEXIST);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp/x", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp", O_TMPFILE | O_RDONLY, 0600), -EINVAL);
	int n = 4;
	while (do_sys_open(&t->k, p, "/tmp/x", O_RDONLY, 0) >= 0)
		n++;
	cr_assert_eq(n, RLIMIT_NOFILE_CUR, "descriptors 0..1023");
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp/x", O_RDONLY, 0), -EMFILE);
	cr_assert_eq(do_sys_open(&t->k, p, "/tmp/none", O_RDONLY, 0), -EMFILE, "EMFILE before ENOENT");
	cr_assert_eq(sys_memfd_create(&t->k, p, "m", 0), -EMFILE);
}

Test(file, pwrite_then_pread_and_holes_read_zeros_without_pages)
{
	int fd = xopen("/dev/shm/data", O_RDWR | O_CREAT);
	uint64_t before = file_pages();
	char buf[64] = { 0 };
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "hello", 5, 3 * PG + 10), 5);
	cr_assert_eq(file_pages(), before + 1, "one page written, the hole stays a hole");
	struct kstat st;
	cr_assert_eq(vfs_fstat(&t->k, p, fd, &st), 0);
	cr_assert_eq(st.size, 3 * PG + 15);
	cr_assert_eq(st.blocks, 8, "one page allocated");
	cr_assert_eq(st.dev_major, 0);
	cr_assert_eq(st.dev_minor, 0x19);
	cr_assert_eq(st.nlink, 1);
	cr_assert_eq(st.mode, S_IFREG | 0644);
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, sizeof buf, 3 * PG + 8), 7);
	cr_assert_eq(memcmp(buf, "\0\0hello", 7), 0);
	memset(buf, 1, sizeof buf);
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 16, PG), 16);
	cr_assert_eq(buf[0] | buf[15], 0, "a hole reads zeros");
	cr_assert_eq(file_pages(), before + 1, "without allocating");
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 16, 4 * PG), 0, "past the end");
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 16, -1), -EINVAL);
	cr_assert_eq(ksys_pread64(&t->k, p, 77, buf, 16, 0), -EBADF);
	cr_assert_eq(ksys_pread64(&t->k, p, 77, buf, 16, -1), -EINVAL, "pos is checked first");
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, buf, 1, INT64_MAX), -EINVAL, "pos + count overflows");
	int ro = xopen("/dev/shm/data", O_RDONLY), wo = xopen("/dev/shm/data", O_WRONLY);
	cr_assert_eq(ksys_pwrite64(&t->k, p, ro, buf, 1, 0), -EBADF);
	cr_assert_eq(ksys_pread64(&t->k, p, wo, buf, 1, 0), -EBADF);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, ro, 0), -EINVAL, "not open for writing");
	cr_assert_eq(do_sys_ftruncate(&t->k, p, wo, -1), -EINVAL);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, 99, 0), -EBADF);
	int none = xopen("/dev/shm/data", 3);
	cr_assert_eq(ksys_pread64(&t->k, p, none, buf, 1, 0), -EBADF, "access mode 3: neither");
	cr_assert_eq(ksys_pread64(&t->k, p, 0, buf, 1, 0), 0, "/dev/null reads nothing");
	cr_assert_eq(ksys_pwrite64(&t->k, p, 1, buf, 9, 0), 9, "and takes everything");
}

Test(file, append_writes_at_the_end_and_trunc_empties)
{
	int fd = xopen("/tmp/log", O_RDWR | O_CREAT);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "abc", 3, 0), 3);
	int ap = xopen("/tmp/log", O_WRONLY | O_APPEND);
	cr_assert_eq(ksys_pwrite64(&t->k, p, ap, "de", 2, 0), 2, "pwrite with O_APPEND appends, as Linux");
	char buf[8] = { 0 };
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 8, 0), 5);
	cr_assert_str_eq(buf, "abcde");
	uint64_t before = file_pages();
	xopen("/tmp/log", O_RDONLY | O_TRUNC);
	struct kstat st;
	vfs_fstat(&t->k, p, fd, &st);
	cr_assert_eq(st.size, 0, "O_TRUNC empties the file (even read-only, as Linux)");
	cr_assert_eq(file_pages(), before - 1);
}

Test(file, shared_mapping_and_pwrite_see_each_other)
{
	int fd = xopen("/dev/shm/shared", O_RDWR | O_CREAT);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 4 * PG), 0);
	long a = fmmap(fd, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	cr_assert_geq(a, 0);
	cr_assert_eq(tp_write(t, p, (uint64_t)a + PG, "mapped", 6), 0);
	char buf[8] = { 0 };
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 6, PG), 6);
	cr_assert_str_eq(buf, "mapped");
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "pwrite", 6, 2 * PG), 6);
	cr_assert_eq(tp_read(t, p, (uint64_t)a + 2 * PG, buf, 6), 0);
	cr_assert_str_eq(buf, "pwrite");
	char *maps = tk_proc(t, "/proc/1/maps");
	cr_assert(strstr(maps, "rw-s 00000000 00:19 2") && strstr(maps, "/dev/shm/shared\n"), "%s", maps);
	free(maps);
}

Test(file, private_mapping_copies_on_write_and_leaves_the_file)
{
	int fd = xopen("/dev/shm/priv", O_RDWR | O_CREAT);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "file", 4, 0), 4);
	long a = fmmap(fd, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert_geq(a, 0);
	char buf[8] = { 0 };
	cr_assert_eq(tp_read(t, p, (uint64_t)a, buf, 4), 0);
	cr_assert_str_eq(buf, "file");
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "FILE", 4, 0), 4);
	cr_assert_eq(tp_read(t, p, (uint64_t)a, buf, 4), 0);
	cr_assert_str_eq(buf, "FILE", "a private mapping sees writes until it copies");
	cr_assert_eq(tp_write(t, p, (uint64_t)a, "copy", 4), 0);
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 4, 0), 4);
	cr_assert_str_eq(buf, "FILE", "the copy is the process's own");
	struct page *pg = vm_normal_page(&t->k, tp_pte(t, p, (uint64_t)a));
	cr_assert(PageAnon(pg), "a copied file page is anonymous");
}

Test(file, mmap_errnos_against_the_open_mode)
{
	int ro = xopen("/dev/shm/m", O_RDWR | O_CREAT);
	close_fd(&t->k, p, ro);
	ro = xopen("/dev/shm/m", O_RDONLY);
	int wo = xopen("/dev/shm/m", O_WRONLY);
	cr_assert_eq(fmmap(ro, PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0), -EACCES);
	cr_assert_geq(fmmap(ro, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0), 0, "a private copy may be written");
	long s = fmmap(ro, PG, PROT_READ, MAP_SHARED, 0);
	cr_assert_geq(s, 0);
	struct vm_area_struct *v = vma_lookup(p->mm, (uint64_t)s);
	cr_assert((v->vm_flags & VM_MAYSHARE) && !(v->vm_flags & (VM_SHARED | VM_MAYWRITE)),
		  "read-only shared: maps says s, mprotect cannot add write");
	cr_assert_eq(fmmap(wo, PG, PROT_WRITE, MAP_SHARED, 0), -EACCES, "every mapping reads");
	cr_assert_eq(fmmap(42, PG, PROT_READ, MAP_SHARED, 0), -EBADF);
	cr_assert_eq(fmmap(0, PG, PROT_READ, MAP_SHARED, 0), -ENODEV, "/dev/null cannot be mapped");
	cr_assert_eq(fmmap(ro, PG, PROT_READ, MAP_SHARED | MAP_GROWSDOWN, 0), -EINVAL);
	cr_assert_eq(fmmap(ro, PG, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, 0), -EOPNOTSUPP);
	cr_assert_eq(fmmap(ro, PG, PROT_READ, MAP_SHARED | MAP_HUGETLB, 0), -EINVAL);
	cr_assert_eq(fmmap(ro, PG, PROT_READ, MAP_SHARED, 100), -EINVAL, "unaligned offset");
}

Test(file, truncate_unmaps_past_the_end_and_zeroes_the_tail)
{
	int fd = xopen("/dev/shm/t", O_RDWR | O_CREAT);
	char page[PG];
	memset(page, 'z', sizeof page);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(ksys_pwrite64(&t->k, p, fd, page, PG, i * (int64_t)PG), (int64_t)PG);
	long a = fmmap(fd, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	long b = fmmap(fd, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	tp_touch(t, p, (uint64_t)a, 3 * PG, false);
	tp_touch(t, p, (uint64_t)b + 2 * PG, PG, true);           /* a private copy of page 2 */
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, PG + 100), 0);
	cr_assert_eq(tp_pte(t, p, (uint64_t)a + 2 * PG), 0, "unmapped from the shared mapping");
	cr_assert_eq(tp_pte(t, p, (uint64_t)b + 2 * PG), 0, "and the private copy too");
	char c = 1;
	cr_assert_eq(tp_read(t, p, (uint64_t)a + PG + 100, &c, 1), 0);
	cr_assert_eq(c, 0, "the straddling page is zero past the end");
	cr_assert_eq(tp_read(t, p, (uint64_t)a + PG + 99, &c, 1), 0);
	cr_assert_eq(c, 'z');
	cr_assert_eq(tp_read(t, p, (uint64_t)a + 2 * PG, &c, 1), -EFAULT);
	cr_assert_eq(p->fatal.si_signo, SIGBUS, "past the end is SIGBUS");
}

Test(file, unlinked_file_lives_while_mapped_then_frees_its_pages)
{
	uint64_t base = file_pages();
	int fd = xopen("/dev/shm/gone", O_RDWR | O_CREAT);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 2 * PG), 0);
	long a = fmmap(fd, 2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	tp_touch(t, p, (uint64_t)a, 2 * PG, true);
	cr_assert_eq(close_fd(&t->k, p, fd), 0);
	cr_assert_eq(do_unlinkat(&t->k, p, "/dev/shm/gone"), 0);
	cr_assert_eq(do_unlinkat(&t->k, p, "/dev/shm/gone"), -ENOENT);
	cr_assert_eq(do_sys_open(&t->k, p, "/dev/shm/gone", O_RDONLY, 0), -ENOENT);
	char *maps = tk_proc(t, "/proc/1/maps");
	cr_assert(strstr(maps, "/dev/shm/gone (deleted)\n"), "%s", maps);
	free(maps);
	cr_assert_eq(file_pages(), base + 2);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, 2 * PG), 0);
	cr_assert_eq(file_pages(), base, "the last reference freed the page cache");
	cr_assert_eq(do_unlinkat(&t->k, p, "/dev/shm"), -EISDIR);
	cr_assert_eq(do_unlinkat(&t->k, p, "/dev/null"), -EPERM);
}

Test(file, fork_shares_open_files_and_exit_closes_them)
{
	uint64_t base = file_pages();
	int fd = xopen("/tmp/f", O_RDWR | O_CREAT);
	cr_assert_eq(do_unlinkat(&t->k, p, "/tmp/f"), 0);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "x", 1, 0), 1);
	int err;
	struct task_struct *c = copy_process(&t->k, p, 1, &err);
	cr_assert_not_null(c);
	cr_assert_eq(fget(c->files, fd), fget(p->files, fd), "the child has the same open file");
	cr_assert_eq(close_fd(&t->k, p, fd), 0);
	char b = 0;
	cr_assert_eq(ksys_pread64(&t->k, c, fd, &b, 1, 0), 1);
	cr_assert_eq(b, 'x');
	cr_assert_eq(file_pages(), base + 1);
	do_group_exit(&t->k, c, 0);
	cr_assert_eq(file_pages(), base, "exit closed the last descriptor");
}

Test(file, memfd_is_an_unlinked_tmpfs_file_charged_per_page)
{
	uint64_t committed = t->k.vm_committed_as;
	int fd = sys_memfd_create(&t->k, p, "buf", MFD_CLOEXEC);
	cr_assert_eq(fd, 3);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, "ab", 2, 5 * PG), 2);
	cr_assert_eq(t->k.vm_committed_as, committed + 1, "tmpfs charges each page it allocates");
	long a = fmmap(fd, 6 * PG, PROT_READ, MAP_SHARED, 0);
	cr_assert_geq(a, 0);
	char *maps = tk_proc(t, "/proc/1/maps");
	cr_assert(strstr(maps, "r--s 00000000 00:01 ") && strstr(maps, "/memfd:buf (deleted)\n"), "%s", maps);
	free(maps);
	char name[260];
	memset(name, 'n', sizeof name);
	name[250] = 0;
	cr_assert_eq(sys_memfd_create(&t->k, p, name, 0), -EINVAL, "250 bytes is one too many");
	name[249] = 0;
	cr_assert_geq(sys_memfd_create(&t->k, p, name, 0), 0);
	cr_assert_eq(sys_memfd_create(&t->k, p, "x", 0x100), -EINVAL);
	cr_assert_eq(sys_memfd_create(&t->k, p, "x", MFD_EXEC | MFD_NOEXEC_SEAL), -EINVAL);
	cr_assert_eq(sys_memfd_create(&t->k, p, NULL, 0), -EFAULT);
	do_munmap(&t->k, p, (uint64_t)a, 6 * PG);
	close_fd(&t->k, p, fd);
	cr_assert_eq(t->k.vm_committed_as, committed, "freed with the file");
}

/* ---- the disk filesystem (ext4.c, readahead.c, page_writeback.c) -------------------- */

/* A file "/name" of npages pages of byte c, written back and dropped from
 * the page cache: cold. Its descriptor. */
static int cold_disk_file(const char *name, uint64_t npages, char c)
{
	int fd = xopen(name, O_RDWR | O_CREAT);
	char page[PG];
	memset(page, c, sizeof page);
	for (uint64_t i = 0; i < npages; i++)
		cr_assert_eq(ksys_pwrite64(&t->k, p, fd, page, PG, (int64_t)(i * PG)), (int64_t)PG);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), npages, "delayed: every page dirty");
	cr_assert_eq(do_fsync(&t->k, p, fd, false), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 0, "fsync wrote them");
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */), 0);
	return fd;
}

Test(file, disk_file_lives_on_the_device_and_reads_back_cold)
{
	uint64_t base = file_pages(), reads = t->k.disk.reads, pgpgin = t->k.vm_events[PGPGIN];
	int fd = cold_disk_file("/data", 8, 'd');
	struct kstat st;
	cr_assert_eq(vfs_fstat(&t->k, p, fd, &st), 0);
	cr_assert(st.dev_major == 8 && st.dev_minor == 1 && st.ino == 12, "ext4's first inode, 08:01: %u:%u %llu",
		  st.dev_major, st.dev_minor, (unsigned long long)st.ino);
	cr_assert_eq(file_pages(), base, "DONTNEED dropped the clean pages");
	cr_assert_eq(t->k.disk.writes, 1, "8 consecutive blocks: one request");
	char buf[PG];
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 100, 3 * PG), 100);
	cr_assert_eq(buf[0], 'd');
	cr_assert_eq(file_pages(), base + 1, "a read in the middle, nothing cached before it: just its page");
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 100, 0), 100);
	cr_assert_eq(file_pages(), base + 4, "a read at 0: the initial window, 4 times the page asked for");
	cr_assert_eq(t->k.disk.reads, reads + 2, "one request each (page 3 was cached)");
	cr_assert_eq(t->k.vm_events[PGPGIN], pgpgin + 16, "pgpgin counts KiB");
	cr_assert_eq(do_fsync(&t->k, p, 0, false), -EINVAL, "/dev/null has no fsync");
	cr_assert_eq(do_fsync(&t->k, p, 42, false), -EBADF);
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, -1, 0), -EINVAL);
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 6), -EINVAL);
	char *maps;
	long a = fmmap(fd, 8 * PG, PROT_READ, MAP_PRIVATE, 0);
	cr_assert_geq(a, 0);
	tp_touch(t, p, (uint64_t)a, PG, false);
	maps = tk_proc(t, "/proc/1/maps");
	cr_assert(strstr(maps, "r--p 00000000 08:01 12") && strstr(maps, " /data\n"), "%s", maps);
	free(maps);
}

Test(file, cold_fault_reads_around_and_counts_major)
{
	int fd = cold_disk_file("/ra", 512, 'r');
	long a = fmmap(fd, 512 * PG, PROT_READ, MAP_PRIVATE, 0);
	cr_assert_eq(a & (long)(2 * MB - 1), 0, "a 2 MiB disk file is mapped 2 MiB-aligned");
	unsigned ra = t->k.disk.ra_pages;
	cr_assert_eq(ra, 32, "read_ahead_kb 128 by default");
	uint64_t maj = p->maj_flt, min = p->min_flt, base = file_pages();
	tp_touch(t, p, (uint64_t)a + 100 * PG, 1, false);
	cr_assert_eq(p->maj_flt, maj + 1, "nothing cached: a major fault");
	cr_assert_eq(file_pages(), base + ra, "read-around: ra_pages centred on the page");
	for (uint64_t i = 100 - ra / 2; i < 100 + ra / 2; i++)
		cr_assert_not_null(radix_tree_lookup(&file_inode(fget(p->files, fd))->i_data.i_pages, i), "page %llu",
				   (unsigned long long)i);
	cr_assert(pte_present(tp_pte(t, p, (uint64_t)a + 96 * PG)) && pte_present(tp_pte(t, p, (uint64_t)a + 111 * PG)),
		  "the retried fault mapped its fault-around window");
	struct page *marked = radix_tree_lookup(&file_inode(fget(p->files, fd))->i_data.i_pages, 100 + ra / 2 - ra / 4);
	cr_assert(page_test(marked, PG_readahead), "the window's last quarter starts at the marker");
	tp_touch(t, p, (uint64_t)a + 112 * PG, 1, false);
	cr_assert_eq(p->min_flt, min + 1, "cached: a minor fault");
	tp_touch(t, p, (uint64_t)a + (100 + ra / 2 - ra / 4) * PG, 1, false);
	cr_assert(!page_test(marked, PG_readahead), "reaching the marker started the next window");
	cr_assert_eq(file_pages(), base + 2 * ra, "the next window, as large (ra_pages)");
	cr_assert_eq(p->maj_flt, maj + 1);
}

Test(file, shared_disk_mapping_write_faults_and_dirties_until_written_back)
{
	int fd = cold_disk_file("/mkwrite", 4, 'w');
	long a = fmmap(fd, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	tp_touch(t, p, (uint64_t)a, 4 * PG, false);
	cr_assert(!pte_write(tp_pte(t, p, (uint64_t)a)), "mapped read-only: the first write must fault");
	uint64_t min = p->min_flt;
	cr_assert_eq(tp_write(t, p, (uint64_t)a + PG, "new", 3), 0);
	cr_assert_eq(p->min_flt, min + 1, "page_mkwrite: a fault");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 1);
	cr_assert_eq(do_fsync(&t->k, p, fd, true), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 0);
	pte_t pte = tp_pte(t, p, (uint64_t)a + PG);
	cr_assert(!pte_write(pte) && !pte_dirty(pte), "writeback write-protected and cleaned the PTE");
	cr_assert_eq(tp_write(t, p, (uint64_t)a + PG, "again", 5), 0);
	cr_assert_eq(p->min_flt, min + 2, "the next write faults again");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 1, "and dirties it again");
	cr_assert_eq(do_fsync(&t->k, p, fd, false), 0);
	cr_assert_eq(do_munmap(&t->k, p, (uint64_t)a, 4 * PG), 0);
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 4), 0);
	char buf[8] = { 0 };
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 5, PG), 5);
	cr_assert_str_eq(buf, "again", "what the mapping wrote came back from the device");
}

Test(file, reclaim_drops_clean_file_pages_without_io)
{
	int fd = cold_disk_file("/reclaim", 64, 'c');
	char buf[PG];
	for (int i = 0; i < 64; i++)
		cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, PG, i * (int64_t)PG), (int64_t)PG);
	uint64_t cached = file_pages(), writes = t->k.disk.writes;
	cr_assert_geq(cached, 64);
	cr_assert_geq(global_node_page_state_pages(&t->k, NR_INACTIVE_FILE), 64, "page-cache pages on the file LRU");
	for (int i = 0; i < 50 && file_pages() == cached; i++)
		try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert_lt(file_pages(), cached, "reclaim dropped file pages");
	cr_assert_eq(t->k.disk.writes, writes, "clean: without writing");
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, PG, 0), (int64_t)PG);
	cr_assert_eq(buf[PG - 1], 'c', "and they read back from the device");
}

Test(file, truncate_and_unlink_free_the_disk_blocks)
{
	uint64_t free0 = t->k.disk.free_blocks;
	int fd = cold_disk_file("/blocks", 16, 'b');
	cr_assert_eq(t->k.disk.free_blocks, free0 - 16);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 4 * PG), 0);
	cr_assert_eq(t->k.disk.free_blocks, free0 - 4);
	cr_assert_eq(close_fd(&t->k, p, fd), 0);
	cr_assert_eq(do_unlinkat(&t->k, p, "/blocks"), 0);
	cr_assert_eq(t->k.disk.free_blocks, free0, "the inode's blocks went with it");
}

/* ---- dirty pages and the flusher (page_writeback.c) ---------------------------- */

static uint64_t nr_dirty(void)
{
	return global_node_page_state_pages(&t->k, NR_FILE_DIRTY);
}

/* Write npages pages of c at page offset first of fd. */
static void write_pages(int fd, uint64_t first, uint64_t npages, char c)
{
	char page[PG];
	memset(page, c, sizeof page);
	for (uint64_t i = 0; i < npages; i++)
		cr_assert_eq(ksys_pwrite64(&t->k, p, fd, page, PG, (int64_t)((first + i) * PG)), (int64_t)PG);
}

Test(file, dirty_and_written_counters)
{
	uint64_t dirtied = global_node_page_state_pages(&t->k, NR_DIRTIED);
	uint64_t written = global_node_page_state_pages(&t->k, NR_WRITTEN);
	int fd = xopen("/counted", O_RDWR | O_CREAT);
	write_pages(fd, 0, 16, 'c');
	write_pages(fd, 0, 16, 'd');
	cr_assert_eq(nr_dirty(), 16, "a dirty page written again stays one dirty page");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_DIRTIED), dirtied + 16);
	cr_assert_eq(do_fsync(&t->k, p, fd, false), 0);
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_WRITTEN), written + 16);
	cr_assert_eq(nr_dirty(), 0);
	cr_assert_null(t->k.wb.b_dirty, "a clean inode leaves the flusher's list");
	int shm = xopen("/dev/shm/notcounted", O_RDWR | O_CREAT);
	write_pages(shm, 0, 4, 's');
	cr_assert_eq(nr_dirty(), 0, "tmpfs pages are not counted as Dirty (shmem does no writeback)");
	char *mi = tk_proc(t, "/proc/meminfo");
	cr_assert_not_null(strstr(mi, "\nDirty:                 0 kB\n"), "%s", mi);
	free(mi);
}

Test(file, periodic_writeback_writes_pages_dirty_for_dirty_expire)
{
	int fd = xopen("/old", O_RDWR | O_CREAT);
	write_pages(fd, 0, 8, 'o');
	cr_assert_eq(t->k.wb.b_dirty, file_inode(fget(p->files, fd)), "the inode is on the dirty list");
	t->k.sleep_ns += 10ULL * 1000000000;               /* 10 s: the timer fires, nothing is old */
	cr_assert(wb_due(&t->k));
	wb_workfn(&t->k);
	cr_assert_eq(nr_dirty(), 8, "dirty for 10 s: not yet (dirty_expire_centisecs 3000)");
	cr_assert_not(wb_due(&t->k), "the next pass is dirty_writeback_centisecs later");
	t->k.sleep_ns += 25ULL * 1000000000;               /* 35 s after the write */
	cr_assert(wb_due(&t->k));
	wb_workfn(&t->k);
	cr_assert_eq(nr_dirty(), 0, "older than 30 s: written back");
	cr_assert_eq(sysctl_write(&t->k, "vm.dirty_writeback_centisecs", "0", NULL, 0), 0);
	write_pages(fd, 0, 1, 'n');
	t->k.sleep_ns += 3600ULL * 1000000000;
	cr_assert_not(wb_due(&t->k), "dirty_writeback_centisecs 0: no periodic writeback");
}

Test(file, background_writeback_and_throttling)
{
	uint64_t bg, thresh;
	cr_assert_eq(sysctl_write(&t->k, "vm.dirty_background_ratio", "1", NULL, 0), 0);
	cr_assert_eq(sysctl_write(&t->k, "vm.dirty_ratio", "3", NULL, 0), 0);
	global_dirty_limits(&t->k, &bg, &thresh);
	cr_assert(bg > 100 && thresh > bg, "%llu %llu", (unsigned long long)bg, (unsigned long long)thresh);
	int fd = xopen("/bulk", O_RDWR | O_CREAT);
	write_pages(fd, 0, bg, 'b');
	cr_assert_eq(t->k.wb.pending, 0, "at the background threshold: nothing yet");
	write_pages(fd, bg, 1, 'b');
	cr_assert(t->k.wb.pending & WB_REASON_BACKGROUND, "over it: the flusher is woken");
	cr_assert_eq(nr_dirty(), bg + 1, "it runs later (at the return to user mode)");
	uint64_t throttled = t->k.wb.throttled;
	write_pages(fd, bg + 1, (bg + thresh) / 2 - bg, 'b');
	cr_assert_eq(t->k.wb.throttled, throttled + 1, "over the freerun ceiling the writer waits");
	cr_assert_leq(nr_dirty(), bg, "while the flusher writes below the background threshold");
	char *vm = tk_proc(t, "/proc/vmstat");
	char want[64];
	snprintf(want, sizeof want, "\nnr_dirty_background_threshold %llu\n", (unsigned long long)bg);
	cr_assert_not_null(strstr(vm, want), "vmstat shows the kernel's threshold: %s", want);
	free(vm);
}

Test(file, reclaim_wakes_the_flusher_for_dirty_file_pages)
{
	int fd = xopen("/dirty", O_RDWR | O_CREAT);
	write_pages(fd, 0, 64, 'd');
	for (int i = 0; i < 50 && !(t->k.wb.pending & WB_REASON_ALL); i++)
		try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert(t->k.wb.pending & WB_REASON_ALL, "reclaim met dirty file pages: it wakes the flusher");
	cr_assert_gt(nr_dirty(), 0, "and does not write them itself");
	wb_workfn(&t->k);
	cr_assert_eq(nr_dirty(), 0, "the flusher wrote everything");
	uint64_t cached = file_pages();
	for (int i = 0; i < 50 && file_pages() == cached; i++)
		try_to_free_pages(&t->k, GFP_KERNEL, 0);
	cr_assert_lt(file_pages(), cached, "clean now, reclaim drops them");
}

Test(file, truncate_zeroes_the_tail_of_a_cold_disk_page)
{
	int fd = cold_disk_file("/tail", 2, 't');      /* on the disk, not cached */
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, PG + 100), 0);
	cr_assert_eq(do_sys_ftruncate(&t->k, p, fd, 2 * PG), 0);
	char buf[8] = { 1, 1, 1, 1, 1, 1, 1, 1 };
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 8, PG + 96), 8);
	cr_assert(buf[3] == 't' && buf[4] == 0 && buf[7] == 0, "the bytes past the old end read as zeros");
	cr_assert_eq(do_fsync(&t->k, p, fd, false), 0);
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 4), 0);
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 8, PG + 96), 8);
	cr_assert(buf[3] == 't' && buf[4] == 0, "on the disk too");
}

Test(file, the_machine_makes_files_and_mounts_tmpfs)
{
	uint64_t base = file_pages(), free_blocks = t->k.disk.free_blocks, writes = t->k.disk.writes;
	char data[PG + 100];
	memset(data, 'm', sizeof data);
	cr_assert_eq(vfs_make_file(&t->k, "/made", data, sizeof data), 0);
	cr_assert_eq(file_pages(), base + 2, "its two pages are cached");
	cr_assert_eq(t->k.disk.free_blocks, free_blocks - 2, "and have their blocks");
	cr_assert_eq(t->k.disk.writes, writes, "installed, not written through the block layer");
	cr_assert_eq(global_node_page_state_pages(&t->k, NR_FILE_DIRTY), 0, "clean");
	cr_assert_eq(vfs_make_file(&t->k, "/made", data, 1), -EEXIST);
	cr_assert_eq(vfs_make_file(&t->k, "/a/b", data, 1), -ENOENT);
	cr_assert_eq(vfs_make_file(&t->k, "/tmp", data, 1), -EISDIR);
	cr_assert_eq(vfs_make_file(&t->k, "/made2/", data, 1), -EISDIR);
	cr_assert_eq(vfs_make_file(&t->k, "/dev/x", data, 1), -EPERM);
	cr_assert_eq(vfs_make_file(&t->k, "/tmp/sparse", NULL, 5 * PG), 0);
	cr_assert_eq(file_pages(), base + 2, "holes take no pages");
	int fd = xopen("/made", O_RDONLY);
	struct kstat st;
	cr_assert_eq(vfs_fstat(&t->k, p, fd, &st), 0);
	cr_assert(st.ino == 12 && st.size == sizeof data, "ext4's first inode: %llu %llu", (unsigned long long)st.ino,
		  (unsigned long long)st.size);
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */), 0);
	char buf[8] = "";
	cr_assert_eq(ksys_pread64(&t->k, p, fd, buf, 2, PG + 98), 2, "the last bytes, from the device");
	cr_assert(!memcmp(buf, "mm", 2));
	int other = do_sys_open(&t->k, p, "/other", O_RDWR | O_CREAT, 0644);
	cr_assert_eq(vfs_fstat(&t->k, p, other, &st), 0);
	cr_assert_eq(st.ino, 13, "the next inode (the program's is 1048576)");

	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt"), 0);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt"), -EBUSY);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/made"), -ENOTDIR);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/"), -EINVAL);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "mnt"), -EINVAL);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/x/"), -EINVAL);
	int m = xopen("/mnt/f", O_RDWR | O_CREAT);
	cr_assert_eq(vfs_fstat(&t->k, p, m, &st), 0);
	cr_assert(st.dev_major == 0 && st.dev_minor == 0x1b && st.ino == 2, "00:1b, the first inode of a tmpfs");
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt2"), 0);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt3"), 0);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt4"), 0);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt5"), 0);
	cr_assert_eq(vfs_mount_tmpfs(&t->k, "/mnt6"), -ENOSPC, "twelve mounts");
}

Test(file, madv_remove_punches_a_hole_in_a_disk_file)
{
	uint64_t free_blocks = t->k.disk.free_blocks;
	int fd = xopen("/punch", O_RDWR | O_CREAT);
	char buf[8 * PG];
	memset(buf, 'x', sizeof buf);
	cr_assert_eq(ksys_pwrite64(&t->k, p, fd, buf, sizeof buf, 0), (int64_t)sizeof buf);
	cr_assert_eq(do_fsync(&t->k, p, fd, false), 0);
	cr_assert_eq(t->k.disk.free_blocks, free_blocks - 8);
	long s = fmmap(fd, 8 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	long q = fmmap(fd, 8 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	cr_assert(s >= 0 && q >= 0);
	cr_assert_eq(tp_write(t, p, (uint64_t)q + PG, "P", 1), 0, "a private copy of page 1");
	cr_assert_eq(do_madvise(&t->k, p, (uint64_t)q, PG, MADV_REMOVE), -EACCES, "private");
	cr_assert_eq(do_madvise(&t->k, p, (uint64_t)s + PG, 3 * PG, MADV_REMOVE), 0);
	cr_assert_eq(t->k.disk.free_blocks, free_blocks - 5, "the hole's three blocks are free");
	cr_assert_eq(ksys_fadvise64_64(&t->k, p, fd, 0, 0, 4 /* POSIX_FADV_DONTNEED */), 0);
	char got[4] = "";
	cr_assert_eq(ksys_pread64(&t->k, p, fd, got, 1, 2 * PG), 1);
	cr_assert_eq(got[0], 0, "a hole reads zeros, from the disk too");
	cr_assert_eq(ksys_pread64(&t->k, p, fd, got, 1, 4 * PG), 1);
	cr_assert_eq(got[0], 'x', "past the hole the data stays");
	cr_assert_eq(tp_read(t, p, (uint64_t)q + PG, got, 1), 0);
	cr_assert_eq(got[0], 'P', "the private copy stays");
	cr_assert_eq(tp_read(t, p, (uint64_t)s + PG, got, 1), 0);
	cr_assert_eq(got[0], 0);
}

/* bench/native_file.c — see native_file.h. */
#include "native_file.h"

#include "bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#define PG 4096ULL

/* A new file of len bytes written in dir (unlinked at once: the descriptor
 * keeps it), its pages in the page cache; exits the run when it cannot. */
static int cached_file(const char *dir, uint64_t len)
{
	char path[64];
	snprintf(path, sizeof path, "%s/mmsim-bench-XXXXXX", dir);
	int fd = mkstemp(path);
	static uint8_t buf[1 << 20];
	memset(buf, 'x', sizeof buf);
	if (fd < 0 || unlink(path)) {
		perror("bench: mkstemp");
		exit(1);
	}
	for (uint64_t off = 0; off < len; off += sizeof buf)
		if (pwrite(fd, buf, sizeof buf, (off_t)off) != (ssize_t)sizeof buf) {
			perror("bench: pwrite");
			exit(1);
		}
	return fd;
}

/* This process's minor faults so far. */
static uint64_t minflt(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (uint64_t)ru.ru_minflt;
}

/* See native_file.h. */
double native_file_fault_ns(uint64_t len)
{
	int fd = cached_file("/dev/shm", len);
	uint8_t *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(1);
	}
	uint64_t sum = 0, f0 = minflt(), t0 = bench_now_ns();
	for (uint64_t off = 0; off < len; off += PG)
		sum += ((volatile uint8_t *)p)[off];
	uint64_t ns = bench_now_ns() - t0, faults = minflt() - f0;
	bench_sink(sum);
	munmap(p, len);
	close(fd);
	return (double)ns / (double)(faults ? faults : 1);
}

/* See native_file.h. */
double native_page_cache_read_mb_s(uint64_t len, uint64_t chunk, int passes)
{
	int fd = cached_file(access("/var/tmp", W_OK) ? "/tmp" : "/var/tmp", len);
	uint8_t *buf = malloc(chunk);
	uint64_t sum = 0, t0 = bench_now_ns();
	for (int r = 0; buf && r < passes; r++)
		for (uint64_t off = 0; off < len; off += chunk) {
			if (pread(fd, buf, chunk, (off_t)off) != (ssize_t)chunk) {
				perror("bench: pread");
				exit(1);
			}
			sum += buf[off % chunk];
		}
	double s = (double)(bench_now_ns() - t0) / 1e9;
	bench_sink(sum);
	free(buf);
	close(fd);
	return (double)len * passes / 1e6 / s;
}

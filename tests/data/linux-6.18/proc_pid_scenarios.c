/*
 * proc_pid_scenarios.c — the scenarios of tests/unit/test_procfs_pid.c run
 * on a real Linux machine, printing what its /proc shows: the smaps block
 * of the mapping at 0x7e0000000000, the flag bits of its pagemap entries
 * and the kpageflags and kpagecount of its pages.
 *
 *   cc -o /tmp/scenarios proc_pid_scenarios.c
 *   for s in anon3 fork mlock shared ro thp; do sudo /tmp/scenarios $s; done
 *
 * Run as root (pagemap frame numbers and /proc/kpage* need CAP_SYS_ADMIN).
 * proc_pid_scenarios.txt is its output on the machine of README.md.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define AT 0x7e0000000000UL
#define PG 4096UL

/* Print the smaps block of the mapping holding a. */
static void block(const char *who, unsigned long a)
{
	char line[512];
	int on = 0;
	FILE *f = fopen("/proc/self/smaps", "r");
	printf("== %s\n", who);
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		if (!strstr(line, " kB") && strncmp(line, "VmFlags", 7) && strncmp(line, "THPeligible", 11) &&
		    sscanf(line, "%lx-%lx ", &s, &e) == 2)
			on = s <= a && a < e;
		if (on)
			fputs(line, stdout);
	}
	fclose(f);
}

static uint64_t read_u64(const char *file, uint64_t index)
{
	uint64_t v = 0;
	int fd = open(file, O_RDONLY);
	if (pread(fd, &v, 8, index * 8) != 8)
		v = ~0ULL;
	close(fd);
	return v;
}

/* Print the pagemap flags (bits 55-63) of n pages from a, and the
 * kpageflags and kpagecount of the first. */
static void frames(const char *who, unsigned long a, int n)
{
	printf("pagemap %s:", who);
	for (int i = 0; i < n; i++)
		printf(" %016llx", (unsigned long long)(read_u64("/proc/self/pagemap", a / PG + i) >> 55 << 55));
	uint64_t pfn = read_u64("/proc/self/pagemap", a / PG) & ((1ULL << 55) - 1);
	printf("\nkpageflags %#llx kpagecount %llu\n", (unsigned long long)read_u64("/proc/kpageflags", pfn),
	       (unsigned long long)read_u64("/proc/kpagecount", pfn));
}

static char *map(size_t len, int prot, int flags)
{
	char *p = mmap((void *)AT, len, prot, flags | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";
	setvbuf(stdout, NULL, _IONBF, 0);
	if (!strcmp(s, "anon3")) {                  /* three pages, one written */
		char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		p[0] = 1;
		block("anon3", AT);
		frames("anon3", AT, 3);
	} else if (!strcmp(s, "fork")) {            /* three of four written, fork, child writes one */
		char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		p[0] = p[PG] = p[2 * PG] = 1;
		pid_t c = fork();
		if (!c) {
			block("child", AT);
			frames("child", AT, 4);
			p[0] = 2;
			block("child-after-write", AT);
			frames("child-after-write", AT, 4);
			_exit(0);
		}
		waitpid(c, NULL, 0);
		block("parent-after", AT);
		frames("parent-after", AT, 4);
	} else if (!strcmp(s, "mlock")) {           /* one of four written, two locked */
		char *p = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		p[0] = 1;
		mlock(p, 2 * PG);
		block("mlock", AT);
		block("rest", AT + 2 * PG);
		frames("mlock", AT, 2);
	} else if (!strcmp(s, "shared")) {          /* shared: parent writes one, child reads two */
		char *p = map(3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED);
		p[0] = 1;
		frames("shared", AT, 3);
		pid_t c = fork();
		if (!c) {
			volatile char x = p[0];
			x = p[PG];
			(void)x;
			block("shared-child", AT);
			frames("shared-child", AT, 3);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	} else if (!strcmp(s, "ro")) {              /* a read fault (pvm_no_zero_page=1 here) */
		char *p = map(2 * PG, PROT_READ, MAP_PRIVATE);
		volatile char x = p[0];
		(void)x;
		block("ro", AT);
	} else if (!strcmp(s, "thp")) {             /* MADV_HUGEPAGE on 4 MiB */
		map(4 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE);
		madvise((void *)AT, 4 << 20, MADV_HUGEPAGE);
		block("thp", AT);
	} else {
		fprintf(stderr, "usage: %s anon3|fork|mlock|shared|ro|thp\n", argv[0]);
		return 2;
	}
	return 0;
}

/* A program with its own kmalloc, printk, find_vma and alloc_pages, the
 * names mmsim's kernel uses inside: it must link against the installed
 * library (static or shared) and run, and the library must keep calling its
 * own functions, not these. Spawns a process, maps a page, writes and reads
 * it back, and prints "spawned pid N: <bytes>" and the call counts. */
#include <mmsim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int calls;  /* calls of the four functions below */

void *kmalloc(size_t size, unsigned flags);
int printk(const char *fmt, ...);
void *find_vma(void *mm, unsigned long addr);
void *alloc_pages(unsigned gfp, unsigned order);

/* The program's own versions: count the call; mmsim never reaches them. */
void *kmalloc(size_t size, unsigned flags) { calls++; (void)flags; return malloc(size); }
int printk(const char *fmt, ...) { calls++; return (int)strlen(fmt); }
void *find_vma(void *mm, unsigned long addr) { calls++; (void)addr; return mm; }
void *alloc_pages(unsigned gfp, unsigned order) { calls++; (void)gfp; return malloc(4096u << order); }

int main(void)
{
	int err, pid;
	char buf[8] = "";
	mmsim_config *c = mmsim_config_new("teaching", &err);
	mmsim_machine *m;
	if (!c || mmsim_machine_new(c, &m, NULL, 0))
		return 1;
	pid = mmsim_spawn(m, "collide", 0);
	int64_t a = mmsim_mmap(m, pid, 0, 4096, MMSIM_PROT_READ | MMSIM_PROT_WRITE,
			       MMSIM_MAP_PRIVATE | MMSIM_MAP_ANONYMOUS, -1, 0);
	if (pid <= 0 || a < 0 || mmsim_access(m, pid, (uint64_t)a, "own", 4, MMSIM_WRITE, NULL) ||
	    mmsim_access(m, pid, (uint64_t)a, buf, 4, MMSIM_READ, NULL))
		return 2;
	printf("spawned pid %d: %s\n", pid, buf);
	printf("library calls of the program's functions: %d\n", calls);
	free(kmalloc(16, 0));
	printk("x");
	find_vma(NULL, 0);
	free(alloc_pages(0, 0));
	printf("the program's own calls: %d\n", calls);
	mmsim_machine_free(m);
	mmsim_config_free(c);
	return 0;
}

/*
 * examples/traces/chase.c — the same memory, walked two ways: `chase seq`
 * follows 64-byte nodes in address order (a sequential scan: each page's
 * 64 nodes one after the other, one TLB miss per page), `chase rand`
 * follows them in a random cycle (a pointer chase: nearly every step lands
 * on another page, and 32 MiB of pages is more than the TLBs hold).
 * `make demo-trace` records both with `mmsim record` and replays them on
 * two machines (compare.lua).
 *
 * usage: chase seq|rand [MIB]   (MIB: the nodes' size, default 32)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	uint64_t pad[7];                  /* 64 bytes: a cache line */
};

int main(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "seq") && strcmp(argv[1], "rand"))) {
		fprintf(stderr, "usage: chase seq|rand [MIB]\n");
		return 2;
	}
	size_t mib = argc > 2 ? (size_t)atoi(argv[2]) : 32, n = (mib << 20) / sizeof(struct node);
	struct node *v = malloc(n * sizeof *v);
	size_t *order = malloc(n * sizeof *order);
	if (!n || !v || !order)
		return 1;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	if (!strcmp(argv[1], "rand")) {           /* Sattolo's shuffle: one cycle through all */
		uint64_t x = 88172645463325252ull;
		for (size_t i = n - 1; i > 0; i--) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			size_t j = x % i, t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
	}
	for (size_t i = 0; i < n; i++)
		v[order[i]].next = &v[order[(i + 1) % n]];
	free(order);
	struct node *p = &v[0];
	for (size_t i = 0; i < 2 * n; i++)        /* twice round */
		p = p->next;
	printf("%s over %zu MiB: ended at node %zu\n", argv[1], mib, (size_t)(p - v));
	free(v);
	return 0;
}

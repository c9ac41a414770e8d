/*
 * bench/prog/record_prog.c — the memory-bound program of make bench's capture
 * figures (bench_trace.c: record_slowdown_vs_native and
 * lackey_slowdown_vs_native): fills an array of 2^k 8-byte words, then
 * reads it 4 times with a large odd stride. usage: record_prog K
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int k = argc > 1 ? atoi(argv[1]) : 20;
	size_t n = (size_t)1 << (k < 10 ? 10 : k > 30 ? 30 : k);
	uint64_t *a = malloc(n * sizeof *a), s = 0;
	if (!a)
		return 1;
	for (size_t i = 0; i < n; i++)
		a[i] = i * 2654435761u;
	for (int r = 0; r < 4; r++)
		for (size_t i = 0; i < n; i++)
			s += a[(i * 4099) & (n - 1)];
	printf("%llu\n", (unsigned long long)s);
	free(a);
	return 0;
}

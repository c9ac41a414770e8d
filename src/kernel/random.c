/* src/kernel/random.c — the kernel's random numbers: a splitmix64 stream from
 * the machine's seed, so a run is reproducible (Linux: get_random_u64). */
#include "kernel/kernel.h"

/* See kernel.h. */
uint64_t get_random_u64(struct kernel *k)
{
	uint64_t z = (k->rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * api/api.h — what the public API's files share: the machine and config
 * structures behind the opaque handles of mmsim.h.
 */
#ifndef MMSIM_API_API_H
#define MMSIM_API_API_H

#include "mmsim.h"

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"

struct mmsim_config {
	struct hw_config hw;           /* from the preset, then -o overrides */
	struct kernel_config kernel;
	uint64_t seed;
	char preset[32];
};

/* A slab cache created through the API, with its constructor's pattern. */
struct api_cache {
	struct kmem_cache *s;          /* NULL once destroyed */
	size_t object_size;
	size_t pattern_len;
	char pattern[];                /* the constructor's fill, if any */
};

struct mmsim_machine {
	struct mmsim_config config;
	struct ram ram;
	struct hw_machine hw;
	struct kernel kernel;
	struct api_cache **caches;     /* handle h is caches[h - 1] */
	int nr_caches;
	char last_error[256];
};

/* Record a failure message on m and return err (a negative errno). */
int api_fail(mmsim_machine *m, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Format into errbuf when it is not NULL. */
void api_errbuf(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

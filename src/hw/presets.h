/*
 * hw/presets.h — named machines: TLB geometry and latencies of real cores
 * (with the public sources they come from) and a tiny teaching machine.
 * docs/presets.md lists them.
 */
#ifndef MMSIM_HW_PRESETS_H
#define MMSIM_HW_PRESETS_H

#include <stddef.h>

#include "hw/config.h"

struct hw_preset {
	const char *name;
	const char *description;    /* one line */
	const char *sources;        /* citations, one per line */
	struct hw_config config;
};

/* The preset called name, or NULL. */
const struct hw_preset *hw_preset_find(const char *name);

/* The i-th preset, NULL past the last; 0 is "default". */
const struct hw_preset *hw_preset_at(size_t i);

/* Render p as text: a heading, its sources, then every key = value
 * (ram, cores and paging first). Returns what snprintf returns: the length
 * the whole text needs, which may exceed len. */
int hw_preset_describe(const struct hw_preset *p, char *buf, size_t len);

#endif

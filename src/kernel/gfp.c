/* kernel/gfp.c — GFP masks to and from text ("GFP_KERNEL|__GFP_ZERO"). */
#include "kernel/page_alloc_internal.h"

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Composite masks first, then the single bits in bit order, as Linux 6.15+
 * prints a mask (%pGg, include/trace/events/mmflags.h). */
static const struct { const char *name; gfp_t mask; } gfp_names[] = {
	{ "GFP_HIGHUSER_MOVABLE", GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", GFP_HIGHUSER },
	{ "GFP_USER", GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", GFP_KERNEL_ACCOUNT },
	{ "GFP_KERNEL", GFP_KERNEL },
	{ "GFP_NOFS", GFP_NOFS },
	{ "GFP_ATOMIC", GFP_ATOMIC },
	{ "GFP_NOIO", GFP_NOIO },
	{ "GFP_NOWAIT", GFP_NOWAIT },
	{ "GFP_DMA", GFP_DMA },
	{ "GFP_DMA32", GFP_DMA32 },
	{ "__GFP_RECLAIM", __GFP_RECLAIM },
	/* then every bit, in bit order */
	{ "__GFP_DMA", __GFP_DMA },
	{ "__GFP_HIGHMEM", __GFP_HIGHMEM },
	{ "__GFP_DMA32", __GFP_DMA32 },
	{ "__GFP_MOVABLE", __GFP_MOVABLE },
	{ "__GFP_RECLAIMABLE", __GFP_RECLAIMABLE },
	{ "__GFP_HIGH", __GFP_HIGH },
	{ "__GFP_IO", __GFP_IO },
	{ "__GFP_FS", __GFP_FS },
	{ "__GFP_ZERO", __GFP_ZERO },
	{ "__GFP_DIRECT_RECLAIM", __GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __GFP_KSWAPD_RECLAIM },
	{ "__GFP_WRITE", __GFP_WRITE },
	{ "__GFP_NOWARN", __GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __GFP_NOFAIL },
	{ "__GFP_NORETRY", __GFP_NORETRY },
	{ "__GFP_MEMALLOC", __GFP_MEMALLOC },
	{ "__GFP_COMP", __GFP_COMP },
	{ "__GFP_NOMEMALLOC", __GFP_NOMEMALLOC },
	{ "__GFP_HARDWALL", __GFP_HARDWALL },
	{ "__GFP_THISNODE", __GFP_THISNODE },
	{ "__GFP_ACCOUNT", __GFP_ACCOUNT },
	{ "__GFP_ZEROTAGS", __GFP_ZEROTAGS },
	{ "__GFP_SKIP_ZERO", __GFP_SKIP_ZERO },
	{ "__GFP_SKIP_KASAN", __GFP_SKIP_KASAN },
};
#define NR_GFP_NAMES ARRAY_SIZE(gfp_names)

/* See page_alloc_internal.h. */
const char *gfp_format(gfp_t gfp, char *buf, unsigned size)
{
	unsigned n = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < NR_GFP_NAMES && gfp; i++) {
		if ((gfp & gfp_names[i].mask) != gfp_names[i].mask)
			continue;
		n += (unsigned)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "|" : "",
					gfp_names[i].name);
		gfp &= ~gfp_names[i].mask;
	}
	if (gfp)
		n += (unsigned)snprintf(buf + n, n < size ? size - n : 0, "%s%#x", n ? "|" : "", gfp);
	if (!n)
		snprintf(buf, size, "0");
	return buf;
}

/* Look up one name or number; -EINVAL when it is neither. */
static int gfp_parse_word(const char *w, size_t len, gfp_t *out)
{
	char word[64], *end;
	if (!len || len >= sizeof word)
		return -EINVAL;
	memcpy(word, w, len);
	word[len] = '\0';
	for (unsigned i = 0; i < NR_GFP_NAMES; i++)
		if (!strcmp(word, gfp_names[i].name)) {
			*out = gfp_names[i].mask;
			return 0;
		}
	unsigned long v = strtoul(word, &end, 0);
	if (*end || v > __GFP_BITS_MASK)
		return -EINVAL;
	*out = (gfp_t)v;
	return 0;
}

/* See page_alloc_internal.h. */
int gfp_parse(const char *s, gfp_t *out)
{
	gfp_t gfp = 0;
	while (*s) {
		size_t len = strcspn(s, "|");
		while (len && s[0] == ' ') {
			s++;
			len--;
		}
		size_t wl = len;
		while (wl && s[wl - 1] == ' ')
			wl--;
		gfp_t one;
		if (gfp_parse_word(s, wl, &one))
			return -EINVAL;
		gfp |= one;
		s += len;
		if (*s == '|')
			s++;
	}
	*out = gfp;
	return 0;
}

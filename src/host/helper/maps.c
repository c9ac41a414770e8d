/*
 * host/helper/maps.c — /proc/self/maps read with a caller's fixed buffer
 * (no allocation, so reading it faults nothing), and the few byte
 * functions a compiler may call.
 */
#include "host/helper/helper.h"

/* See helper.h. */
void *memset(void *d, int c, size_t n)
{
	volatile uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

/* See helper.h. */
void *memcpy(void *d, const void *s, size_t n)
{
	volatile uint8_t *p = d;
	const volatile uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

/* See helper.h. */
size_t strnlen_(const char *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* Parse hex digits at *p, advancing it. */
static uint64_t hex(const char **p, const char *end)
{
	uint64_t v = 0;
	for (; *p < end; (*p)++) {
		char ch = **p;
		int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
		if (d < 0)
			break;
		v = v << 4 | (uint64_t)d;
	}
	return v;
}

/* One maps line [p, end) into *v. False when it does not parse. */
static bool parse_line(const char *p, const char *end, struct maps_vma *v)
{
	v->start = hex(&p, end);
	if (p >= end || *p++ != '-')
		return false;
	v->end = hex(&p, end);
	if (end - p < 5 || *p++ != ' ')
		return false;
	for (int i = 0; i < 4; i++)
		v->perms[i] = *p++;
	v->perms[4] = 0;
	v->special = false;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '[' && q[1] == 'v')   /* [vvar], [vvar_vclock], [vdso], [vsyscall] */
			v->special = true;
	return true;
}

/* See helper.h. Lines longer than the buffer are skipped. */
int maps_each(char *buf, size_t size, bool (*fn)(const struct maps_vma *v, void *ctx), void *ctx)
{
	long fd = sys4(__NR_openat, K_AT_FDCWD, "/proc/self/maps", K_O_RDONLY | K_O_CLOEXEC, 0);
	size_t have = 0;
	bool skipping = false, go = true;
	if (fd < 0)
		return (int)fd;
	while (go) {
		long n = sys3(__NR_read, fd, buf + have, size - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		size_t start = 0;
		for (size_t i = 0; i < have && go; i++) {
			if (buf[i] != '\n')
				continue;
			struct maps_vma v;
			if (!skipping && parse_line(buf + start, buf + i, &v))
				go = fn(&v, ctx);
			skipping = false;
			start = i + 1;
		}
		if (start == 0 && have == size) {   /* a line longer than the buffer */
			skipping = true;
			have = 0;
		} else {
			for (size_t i = start; i < have; i++)
				buf[i - start] = buf[i];
			have -= start;
		}
	}
	sys1(__NR_close, fd);
	return 0;
}

struct find_ctx {
	uint64_t addr;
	struct maps_vma *out;
	bool found;
};

static bool find_one(const struct maps_vma *v, void *ctx)
{
	struct find_ctx *f = ctx;
	if (f->addr >= v->start && f->addr < v->end) {
		*f->out = *v;
		f->found = true;
		return false;
	}
	return f->addr >= v->end;               /* maps is sorted: stop once past */
}

/* See helper.h. */
bool maps_find(char *buf, size_t size, uint64_t addr, struct maps_vma *v)
{
	struct find_ctx f = { addr, v, false };
	maps_each(buf, size, find_one, &f);
	return f.found;
}

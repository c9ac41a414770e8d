/* procfs/seq.c — the growable text buffer behind every view. */
#include "procfs/seq.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make room for need more bytes plus a NUL; 0 or -1 (overflow set). */
static int seq_reserve(struct seq_buf *m, size_t need)
{
	if (m->overflow)
		return -1;
	if (m->len + need + 1 <= m->cap)
		return 0;
	size_t cap = m->cap ? m->cap : 4096;
	while (cap < m->len + need + 1)
		cap *= 2;
	char *b = realloc(m->buf, cap);
	if (!b) {
		m->overflow = 1;
		return -1;
	}
	m->buf = b;
	m->cap = cap;
	return 0;
}

/* See seq.h. */
void seq_printf(struct seq_buf *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || seq_reserve(m, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(m->buf + m->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	m->len += (size_t)n;
}

/* See seq.h. */
void seq_puts(struct seq_buf *m, const char *s)
{
	size_t n = strlen(s);
	if (seq_reserve(m, n))
		return;
	memcpy(m->buf + m->len, s, n + 1);
	m->len += n;
}

/* See seq.h. */
void seq_putc(struct seq_buf *m, char c)
{
	if (seq_reserve(m, 1))
		return;
	m->buf[m->len++] = c;
	m->buf[m->len] = '\0';
}

/* See seq.h. */
void seq_setwidth(struct seq_buf *m, size_t size)
{
	m->pad_until = m->len + size;
}

/* See seq.h. */
void seq_pad(struct seq_buf *m, char c)
{
	if (m->pad_until > m->len)
		seq_printf(m, "%*s", (int)(m->pad_until - m->len), "");
	if (c)
		seq_putc(m, c);
}

/* See seq.h. */
void seq_release(struct seq_buf *m)
{
	free(m->buf);
	memset(m, 0, sizeof *m);
}

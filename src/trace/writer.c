/* trace/writer.c — writing an mmsim trace: the header, records gathered
 * into blocks of TRACE_BLOCK_BYTES compressed one zstd frame each, the
 * trailer with the totals. */
#include "trace/format.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

/* zstd's level: fast, and still ten times smaller than the slots. */
#define LEVEL 3

struct mmsim_trace_writer {
	FILE *f;
	bool own;
	char name[256];
	void *cctx;                  /* ZSTD_CCtx */
	uint8_t *buf, *cbuf;         /* the block being filled; its compressed form */
	size_t len, ccap;
	uint32_t block_accesses;
	uint64_t blocks, accesses, events;
	int err;
	char msg[600];
};

/* Fail w with err and a message naming the file; returns err. */
static int wfail(struct mmsim_trace_writer *w, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int wfail(struct mmsim_trace_writer *w, int err, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(w->msg, sizeof w->msg, "%s: %s", w->name, what);
	if (err != -EINVAL)          /* a bad record leaves the file usable */
		w->err = err;
	return err;
}

static int wwrite(struct mmsim_trace_writer *w, const void *p, size_t n)
{
	if (fwrite(p, 1, n, w->f) != n)
		return wfail(w, -EIO, "write error: %s", strerror(errno));
	return 0;
}

/* Append one header field to h (at *len, room for cap). */
static bool field(uint8_t *h, size_t *len, size_t cap, unsigned tag, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (!s)
		return true;
	if (n > 65535 || *len + 4 + n > cap)
		return false;
	put16(h + *len, (uint16_t)tag);
	put16(h + *len + 2, (uint16_t)n);
	memcpy(h + *len + 4, s, n);
	*len += 4 + n;
	return true;
}

/* The header of meta. */
static int write_header(struct mmsim_trace_writer *w, const struct mmsim_trace_meta *meta)
{
	size_t cap = TRACE_HEADER_MAX, len = TRACE_HEADER_FIXED;
	uint8_t *h = calloc(1, cap);
	if (!h)
		return wfail(w, -ENOMEM, "no memory");
	bool ok = field(h, &len, cap, TAG_PROGRAM, meta->program);
	for (size_t i = 0; ok && meta->argv && meta->argv[i]; i++)
		ok = field(h, &len, cap, TAG_ARG, meta->argv[i]);
	ok = ok && field(h, &len, cap, TAG_TOOL, meta->tool) && field(h, &len, cap, TAG_DATE, meta->date) &&
	     field(h, &len, cap, TAG_HOST, meta->host) && field(h, &len, cap, TAG_NOTE, meta->note);
	int rc = 0;
	if (!ok)
		rc = wfail(w, -E2BIG, "the header's strings take more than 1 MiB, or one more than 64 KiB");
	else if (meta->flags & ~TRACE_FLAGS_KNOWN)
		rc = wfail(w, -EINVAL, "header flags %#x (known: %#x)", meta->flags, TRACE_FLAGS_KNOWN);
	if (!rc) {
		memcpy(h, TRACE_MAGIC, 8);
		put16(h + 8, TRACE_VERSION_MAJOR);
		put16(h + 10, TRACE_VERSION_MINOR);
		put32(h + 12, (uint32_t)len);
		put32(h + 16, 4096);
		put32(h + 20, meta->flags);
		rc = wwrite(w, h, len);
	}
	free(h);
	return rc;
}

/* See mmsim_trace.h. */
int mmsim_trace_create(const char *path, const struct mmsim_trace_meta *meta, mmsim_trace_writer **out,
		       char *errbuf, size_t errlen)
{
	static const struct mmsim_trace_meta none = { 0 };
	struct mmsim_trace_writer *w = calloc(1, sizeof *w);
	*out = NULL;
	if (!w || !(w->buf = malloc(TRACE_BLOCK_BYTES)) || !(w->cctx = ZSTD_createCCtx())) {
		snprintf(errbuf, errbuf ? errlen : 0, "%s: no memory", path);
		if (w)
			free(w->buf);
		free(w);
		return -ENOMEM;
	}
	snprintf(w->name, sizeof w->name, "%s", strcmp(path, "-") ? path : "standard output");
	w->own = strcmp(path, "-") != 0;
	w->f = w->own ? fopen(path, "wb") : stdout;
	int rc = w->f ? write_header(w, meta ? meta : &none) : wfail(w, -errno, "%s", strerror(errno));
	if (rc) {
		snprintf(errbuf, errbuf ? errlen : 0, "%s", w->msg);
		if (w->own && w->f) {
			fclose(w->f);
			remove(path);
		}
		ZSTD_freeCCtx(w->cctx);
		free(w->buf);
		free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* Compress and write the block being filled, if it holds anything. */
static int flush(struct mmsim_trace_writer *w)
{
	if (!w->len)
		return 0;
	size_t bound = ZSTD_compressBound(w->len);
	if (bound > w->ccap) {
		uint8_t *c = realloc(w->cbuf, bound);
		if (!c)
			return wfail(w, -ENOMEM, "no memory");
		w->cbuf = c;
		w->ccap = bound;
	}
	size_t clen = ZSTD_compressCCtx(w->cctx, w->cbuf, w->ccap, w->buf, w->len, LEVEL);
	if (ZSTD_isError(clen))
		return wfail(w, -EIO, "zstd: %s", ZSTD_getErrorName(clen));
	uint8_t h[TRACE_BLOCK_HEADER];
	memcpy(h, TRACE_BLOCK_MAGIC, 4);
	put32(h + 4, (uint32_t)clen);
	put32(h + 8, (uint32_t)w->len);
	put32(h + 12, w->block_accesses);
	int rc = wwrite(w, h, sizeof h);
	rc = rc ? rc : wwrite(w, w->cbuf, clen);
	w->len = 0;
	w->block_accesses = 0;
	w->blocks++;
	return rc;
}

/* See mmsim_trace.h. */
int mmsim_trace_write(mmsim_trace_writer *w, const struct mmsim_trace_record *r)
{
	uint8_t slots[20 * TRACE_SLOT];
	char why[200];
	if (w->err)
		return w->err;
	int n = trace_encode(r, slots, 20, why, sizeof why);
	if (n < 0)
		return wfail(w, -EINVAL, "cannot write %s", why);
	if (w->len + (size_t)n * TRACE_SLOT > TRACE_BLOCK_BYTES && flush(w))
		return w->err;
	memcpy(w->buf + w->len, slots, (size_t)n * TRACE_SLOT);
	w->len += (size_t)n * TRACE_SLOT;
	if (r->type == MMSIM_TRACE_ACCESS) {
		w->accesses++;
		w->block_accesses++;
	} else {
		w->events++;
	}
	return 0;
}

/* See mmsim_trace.h. Each access is checked and stored as its slot. */
int mmsim_trace_write_accesses(mmsim_trace_writer *w, const struct mmsim_ref *refs, size_t n)
{
	if (w->err)
		return w->err;
	for (size_t i = 0; i < n; i++) {
		const struct mmsim_ref *a = &refs[i];
		if (a->kind > MMSIM_MODIFY || !a->size || a->size > 4096 || a->flags) {
			struct mmsim_trace_record r = { .type = MMSIM_TRACE_ACCESS, .tid = a->tid, .access = *a };
			return mmsim_trace_write(w, &r);        /* which says why */
		}
		if (w->len + TRACE_SLOT > TRACE_BLOCK_BYTES && flush(w))
			return w->err;
		uint8_t *s = w->buf + w->len;
		put64(s, a->addr);
		put16(s + 8, a->size);
		s[10] = a->kind;
		s[11] = 0;
		put32(s + 12, a->tid);
		w->len += TRACE_SLOT;
		w->accesses++;
		w->block_accesses++;
	}
	return 0;
}

/* See mmsim_trace.h. */
int mmsim_trace_finish(mmsim_trace_writer *w, char *errbuf, size_t errlen)
{
	int rc = w->err ? w->err : flush(w);
	if (!rc) {
		uint8_t t[TRACE_TRAILER] = { 0 };
		memcpy(t, TRACE_END_MAGIC, 4);
		put64(t + 8, w->blocks);
		put64(t + 16, w->accesses);
		put64(t + 24, w->events);
		rc = wwrite(w, t, sizeof t);
	}
	if ((w->own ? fclose(w->f) : fflush(w->f)) && !rc)
		rc = wfail(w, -EIO, "write error: %s", strerror(errno));
	if (rc)
		snprintf(errbuf, errbuf ? errlen : 0, "%s", w->msg);
	ZSTD_freeCCtx(w->cctx);
	free(w->buf);
	free(w->cbuf);
	free(w);
	return rc;
}

/* See mmsim_trace.h. */
const char *mmsim_trace_writer_error(const mmsim_trace_writer *w)
{
	return w->msg;
}

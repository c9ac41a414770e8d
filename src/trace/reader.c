/* trace/reader.c — reading an mmsim trace: the header, the blocks (each a
 * zstd frame, checked slot by slot as it is loaded), the trailer. Every
 * failure names the byte offset and what was expected there. */
#include "trace/format.h"
#include "common.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zstd.h>

/* See format.h. */
int trace_fail(struct mmsim_trace *t, int err, uint64_t off, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(t->msg, sizeof t->msg, "%s: byte %llu: %s", t->name, (unsigned long long)off, what);
	t->err = err;
	return err;
}

/* Read exactly n bytes at the current offset: 1, 0 at a clean end of file
 * (nothing read), or a negative errno (a read error, or an end of file
 * inside the n bytes: what names them). */
static int read_exact(struct mmsim_trace *t, void *buf, size_t n, const char *what)
{
	size_t got = fread(buf, 1, n, t->f);
	if (got == n) {
		t->off += n;
		return 1;
	}
	if (ferror(t->f))
		return trace_fail(t, -EIO, t->off + got, "read error: %s", strerror(errno));
	if (!got)
		return 0;
	return trace_fail(t, -EINVAL, t->off + got, "the file ends inside %s (%zu of its %zu bytes)", what, got, n);
}

/* The header's tagged fields, buf[0..len) starting at file offset base:
 * strings into t->strings, arguments into t->argv. */
static int parse_fields(struct mmsim_trace *t, const uint8_t *buf, size_t len, uint64_t base)
{
	size_t p = 0, nargs = 0;
	for (size_t q = 0; q + 4 <= len; q += 4 + get16(buf + q + 2))
		nargs += get16(buf + q) == TAG_ARG;
	t->strings = malloc(len + 8);         /* every string fits where its field was */
	t->argv = calloc(nargs + 1, sizeof *t->argv);
	if (!t->strings || !t->argv)
		return trace_fail(t, -ENOMEM, base, "no memory for the header");
	char *out = t->strings;
	const char **slot[] = { [TAG_PROGRAM] = &t->info.program, [TAG_TOOL] = &t->info.tool,
				[TAG_DATE] = &t->info.date, [TAG_HOST] = &t->info.host, [TAG_NOTE] = &t->info.note };
	while (p < len) {
		if (len - p < 4)
			return trace_fail(t, -EINVAL, base + p, "%zu bytes left in the header, too few for a field "
					  "(a tag and a length: 4 bytes)", len - p);
		unsigned tag = get16(buf + p), n = get16(buf + p + 2);
		if (n > len - p - 4)
			return trace_fail(t, -EINVAL, base + p, "header field %u of %u bytes, past the header's end "
					  "(%zu bytes left)", tag, n, len - p - 4);
		if (memchr(buf + p + 4, 0, n))
			return trace_fail(t, -EINVAL, base + p, "header field %u holds a NUL byte (strings have none)",
					  tag);
		memcpy(out, buf + p + 4, n);
		out[n] = 0;
		if (tag == TAG_ARG)
			t->argv[t->info.argc++] = out;
		else if (tag < ARRAY_SIZE(slot) && slot[tag])
			*slot[tag] = out;               /* unknown tags are skipped */
		out += n + 1;
		p += 4 + n;
	}
	t->info.argv = t->argv;
	return 0;
}

/* Read and check the header. */
static int read_header(struct mmsim_trace *t)
{
	uint8_t fixed[TRACE_HEADER_FIXED];
	int rc = read_exact(t, fixed, sizeof fixed, "the header");
	if (rc <= 0)
		return rc ? rc : trace_fail(t, -EINVAL, 0, "an empty file (expected the magic \"MMSIMTRC\")");
	if (memcmp(fixed, TRACE_MAGIC, 8))
		return trace_fail(t, -EINVAL, 0, "not an mmsim trace (expected the magic \"MMSIMTRC\"; `mmsim "
				  "import` converts lackey traces)");
	t->info.version_major = get16(fixed + 8);
	t->info.version_minor = get16(fixed + 10);
	uint32_t hlen = get32(fixed + 12);
	t->info.page_size = get32(fixed + 16);
	t->info.flags = get32(fixed + 20);
	if (t->info.version_major != TRACE_VERSION_MAJOR)
		return trace_fail(t, -EINVAL, 8, "format version %u.%u (this reader reads %d.x)", t->info.version_major,
				  t->info.version_minor, TRACE_VERSION_MAJOR);
	if (hlen < TRACE_HEADER_FIXED || hlen > TRACE_HEADER_MAX)
		return trace_fail(t, -EINVAL, 12, "a header of %u bytes (expected %d to %u)", hlen, TRACE_HEADER_FIXED,
				  TRACE_HEADER_MAX);
	if (t->info.page_size != 4096)
		return trace_fail(t, -EINVAL, 16, "page size %u (expected 4096)", t->info.page_size);
	if (t->info.flags & ~TRACE_FLAGS_KNOWN)
		return trace_fail(t, -EINVAL, 20, "flags %#x (this reader knows %#x)", t->info.flags, TRACE_FLAGS_KNOWN);
	if (get64(fixed + 24))
		return trace_fail(t, -EINVAL, 24, "reserved bytes not 0");
	size_t n = hlen - TRACE_HEADER_FIXED;
	uint8_t *fields = malloc(n + 1);
	if (!fields)
		return trace_fail(t, -ENOMEM, t->off, "no memory for the header");
	rc = n ? read_exact(t, fields, n, "the header's fields") : 1;
	if (!rc)
		rc = trace_fail(t, -EINVAL, t->off, "the file ends inside the header's fields (0 of %zu bytes)", n);
	if (rc > 0)
		rc = parse_fields(t, fields, n, TRACE_HEADER_FIXED);
	free(fields);
	static const char *const none[] = { NULL };
	const char **str[] = { &t->info.program, &t->info.tool, &t->info.date, &t->info.host, &t->info.note };
	for (size_t i = 0; i < ARRAY_SIZE(str); i++)
		if (!*str[i])
			*str[i] = "";
	if (!t->info.argv)
		t->info.argv = (const char *const *)none;
	return rc < 0 ? rc : 0;
}

/* See mmsim_trace.h. */
int mmsim_trace_open(const char *path, mmsim_trace **out, char *errbuf, size_t errlen)
{
	struct mmsim_trace *t = calloc(1, sizeof *t);
	*out = NULL;
	if (!t) {
		snprintf(errbuf, errbuf ? errlen : 0, "%s: no memory", path);
		return -ENOMEM;
	}
	snprintf(t->name, sizeof t->name, "%s", strcmp(path, "-") ? path : "standard input");
	t->own = strcmp(path, "-") != 0;
	t->f = t->own ? fopen(path, "rb") : stdin;
	if (!t->f) {
		int err = -errno;
		snprintf(errbuf, errbuf ? errlen : 0, "%s: %s", path, strerror(errno));
		free(t);
		return err;
	}
	struct stat st;
	if (!fstat(fileno(t->f), &st) && S_ISREG(st.st_mode))
		t->size = (uint64_t)st.st_size;
	int rc = read_header(t);
	if (!rc && !(t->dctx = ZSTD_createDCtx()))
		rc = trace_fail(t, -ENOMEM, t->off, "no memory for zstd");
	if (rc) {
		snprintf(errbuf, errbuf ? errlen : 0, "%s", t->msg);
		mmsim_trace_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

/* Grow *buf to hold n bytes. */
static bool reserve(uint8_t **buf, size_t *cap, size_t n)
{
	if (n <= *cap)
		return true;
	uint8_t *b = realloc(*buf, n);
	if (!b)
		return false;
	*buf = b;
	*cap = n;
	return true;
}

/* Check the trailer (its magic was read at t->off - 4). */
static int read_trailer(struct mmsim_trace *t)
{
	uint64_t at = t->off - 4;
	uint8_t rest[TRACE_TRAILER - 4], extra;
	int rc = read_exact(t, rest, sizeof rest, "the trailer");
	if (rc <= 0)
		return rc ? rc : trace_fail(t, -EINVAL, t->off, "the file ends inside the trailer (0 of its 28 bytes)");
	uint64_t blocks = get64(rest + 4), accesses = get64(rest + 12), events = get64(rest + 20);
	if (get32(rest))
		return trace_fail(t, -EINVAL, at + 4, "reserved bytes of the trailer not 0");
	if (blocks != t->blocks || accesses != t->accesses || events != t->events)
		return trace_fail(t, -EINVAL, at, "the trailer counts %llu blocks, %llu accesses, %llu events; the file "
				  "holds %llu, %llu, %llu", (unsigned long long)blocks, (unsigned long long)accesses,
				  (unsigned long long)events, (unsigned long long)t->blocks,
				  (unsigned long long)t->accesses, (unsigned long long)t->events);
	if (fread(&extra, 1, 1, t->f) == 1)
		return trace_fail(t, -EINVAL, t->off, "data after the trailer (expected the end of the file)");
	t->ended = true;
	return 0;
}

/* Is w, bytes 8 to 11 of a slot (size, kind, flags), an access's? */
static inline bool access_slot(uint32_t w)
{
	/* the same as ((w - 1) & ~(0xfff | 3 << 16)) == 0: a size of 0 borrows */
	return (w >> 16) <= MMSIM_MODIFY && (w & 0xffff) - 1u < 4096u;
}

/* Check every slot of the block just loaded (which starts at file offset
 * at) and count its accesses and events. */
static int check_block(struct mmsim_trace *t, uint64_t at, uint32_t naccess)
{
	size_t nslots = t->len / TRACE_SLOT, accesses = 0, events = 0;
	for (size_t i = 0; i < nslots;) {
		size_t j = i;
		/* the common case: accesses (size 1 to 4096, kind 0 to 3, flags
		 * 0), four at a time, then one by one */
		for (; j + 4 <= nslots; j += 4) {
			const uint8_t *s = t->buf + j * TRACE_SLOT + 8;
			if (((get32(s) - 1) | (get32(s + 16) - 1) | (get32(s + 32) - 1) | (get32(s + 48) - 1)) &
			    ~(0xfffu | 3u << 16))
				break;
		}
		while (j < nslots && access_slot(get32(t->buf + j * TRACE_SLOT + 8)))
			j++;
		accesses += j - i;
		if ((i = j) == nslots)
			break;
		const uint8_t *s = t->buf + i * TRACE_SLOT;
		struct mmsim_trace_record r;
		char why[200];
		int n = trace_decode(s, nslots - i, &r, why, sizeof why);
		if (n < 0)
			return trace_fail(t, -EINVAL, at, "block %llu, slot %zu (byte %zu of its %zu uncompressed): %s",
					  (unsigned long long)t->blocks, i, i * TRACE_SLOT, t->len, why);
		accesses += r.type == MMSIM_TRACE_ACCESS;
		events += r.type != MMSIM_TRACE_ACCESS;
		i += (size_t)n;
	}
	if (accesses != naccess)
		return trace_fail(t, -EINVAL, at + 12, "block %llu: its header counts %u accesses, its slots hold %zu",
				  (unsigned long long)t->blocks, naccess, accesses);
	t->accesses += accesses;
	t->events += events;
	return 0;
}

/* trace_next_block's work, in the calling thread. */
static int load_block(struct mmsim_trace *t)
{
	uint8_t h[TRACE_BLOCK_HEADER];
	if (t->err)
		return t->err;
	if (t->ended)
		return 0;
	uint64_t at = t->off;
	int rc = read_exact(t, h, 4, "a block header");
	if (!rc)
		return trace_fail(t, -EINVAL, at, "the file ends without its trailer (expected a block header "
				  "\"MTBK\" or the trailer \"MTND\"): truncated");
	if (rc < 0)
		return rc;
	if (!memcmp(h, TRACE_END_MAGIC, 4))
		return read_trailer(t);
	if (memcmp(h, TRACE_BLOCK_MAGIC, 4))
		return trace_fail(t, -EINVAL, at, "bytes %02x %02x %02x %02x (expected a block header \"MTBK\" or the "
				  "trailer \"MTND\")", h[0], h[1], h[2], h[3]);
	if ((rc = read_exact(t, h + 4, TRACE_BLOCK_HEADER - 4, "a block header")) <= 0)
		return rc ? rc : trace_fail(t, -EINVAL, t->off, "the file ends inside a block header");
	uint32_t clen = get32(h + 4), ulen = get32(h + 8), naccess = get32(h + 12);
	if (!ulen || ulen % TRACE_SLOT || ulen > TRACE_BLOCK_MAX)
		return trace_fail(t, -EINVAL, at + 8, "a block of %u bytes uncompressed (expected a multiple of 16, "
				  "1 to %u)", ulen, TRACE_BLOCK_MAX);
	if (!clen || clen > ZSTD_compressBound(ulen))
		return trace_fail(t, -EINVAL, at + 4, "a block of %u bytes compressed (expected 1 to %zu for %u "
				  "bytes)", clen, ZSTD_compressBound(ulen), ulen);
	if (!reserve(&t->cbuf, &t->ccap, clen) || !reserve(&t->buf, &t->cap, ulen))
		return trace_fail(t, -ENOMEM, at, "no memory for a block of %u bytes", ulen);
	if ((rc = read_exact(t, t->cbuf, clen, "a block")) <= 0)
		return rc ? rc : trace_fail(t, -EINVAL, t->off, "the file ends inside a block of %u bytes (0 read)",
					    clen);
	size_t got = ZSTD_decompressDCtx(t->dctx, t->buf, ulen, t->cbuf, clen);
	if (ZSTD_isError(got))
		return trace_fail(t, -EINVAL, at + TRACE_BLOCK_HEADER, "block %llu does not decompress (expected one "
				  "zstd frame of %u bytes): %s", (unsigned long long)t->blocks, ulen,
				  ZSTD_getErrorName(got));
	if (got != ulen)
		return trace_fail(t, -EINVAL, at + TRACE_BLOCK_HEADER, "block %llu decompresses to %zu bytes (its "
				  "header says %u)", (unsigned long long)t->blocks, got, ulen);
	t->len = ulen;
	t->pos = 0;
	t->block_off = at;
	if ((rc = check_block(t, at, naccess))) {
		t->len = 0;
		return rc;
	}
	t->blocks++;
	return 1;
}

/* ---- reading ahead in a second thread ------------------------------------------ */

/* The thread of trace_read_ahead: it loads block after block with its own
 * reader (w: the file, zstd, the counts) and hands each over in ready
 * (one block waits at most), and the consumer's reader takes w's state as
 * of that block. Three buffers: the one being loaded, the one handed
 * over, the one the consumer reads; none is touched by both threads. */
struct trace_ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct mmsim_trace w;        /* the thread's reader */
	struct mmsim_trace ready;    /* the state after the block handed over */
	int rc;                      /* what loading it returned */
	bool full, stop;
};

/* Swap the slot buffers of a and b. */
static void swap_buf(struct mmsim_trace *a, struct mmsim_trace *b)
{
	uint8_t *buf = a->buf;
	size_t cap = a->cap;
	a->buf = b->buf;
	a->cap = b->cap;
	b->buf = buf;
	b->cap = cap;
}

/* Copy the counts, offsets and failure of reader from into to (not its
 * buffers, file or decoder). */
static void take_state(struct mmsim_trace *to, const struct mmsim_trace *from)
{
	to->off = from->off;
	to->len = from->len;
	to->pos = 0;
	to->block_off = from->block_off;
	to->blocks = from->blocks;
	to->accesses = from->accesses;
	to->events = from->events;
	to->ended = from->ended;
	to->err = from->err;
	if (from->err)
		memcpy(to->msg, from->msg, sizeof to->msg);
}

static void *ahead_main(void *arg)
{
	struct trace_ahead *a = arg;
	for (;;) {
		int rc = load_block(&a->w);
		pthread_mutex_lock(&a->mu);
		while (a->full && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			return NULL;
		}
		swap_buf(&a->w, &a->ready);
		take_state(&a->ready, &a->w);
		a->rc = rc;
		a->full = true;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		if (rc <= 0)
			return NULL;
	}
}

/* See format.h. */
int trace_read_ahead(struct mmsim_trace *t)
{
	if (t->ahead || t->err || t->blocks || t->len)
		return t->ahead ? 0 : -EINVAL;
	struct trace_ahead *a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	a->w = *t;                   /* the file and the decoder move to the thread */
	a->w.buf = NULL;
	a->w.cap = 0;
	if (pthread_mutex_init(&a->mu, NULL)) {
		free(a);
		return -ENOMEM;
	}
	if (pthread_cond_init(&a->cv, NULL)) {
		pthread_mutex_destroy(&a->mu);
		free(a);
		return -ENOMEM;
	}
	if (pthread_create(&a->thread, NULL, ahead_main, a)) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		return -EAGAIN;
	}
	t->f = NULL;
	t->dctx = NULL;
	t->cbuf = NULL;
	t->ccap = 0;
	t->ahead = a;
	return 0;
}

/* trace_next_block from the thread: wait for the next block and take it. */
static int take_block(struct mmsim_trace *t)
{
	struct trace_ahead *a = t->ahead;
	pthread_mutex_lock(&a->mu);
	while (!a->full)
		pthread_cond_wait(&a->cv, &a->mu);
	swap_buf(t, &a->ready);
	take_state(t, &a->ready);
	int rc = a->rc;
	a->full = false;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	return rc;
}

/* Stop t's thread and free what it held. */
static void stop_ahead(struct mmsim_trace *t)
{
	struct trace_ahead *a = t->ahead;
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	if (a->w.own && a->w.f)
		fclose(a->w.f);
	ZSTD_freeDCtx(a->w.dctx);
	free(a->w.cbuf);
	free(a->w.buf);
	free(a->ready.buf);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
	t->ahead = NULL;
}

/* See format.h. */
int trace_next_block(struct mmsim_trace *t)
{
	if (t->err)
		return t->err;
	if (t->ended)
		return 0;
	return t->ahead ? take_block(t) : load_block(t);
}

/* See mmsim_trace.h. */
int mmsim_trace_next(mmsim_trace *t, struct mmsim_trace_record *r)
{
	if (t->err)
		return t->err;
	while (t->pos >= t->len) {
		int rc = trace_next_block(t);
		if (rc <= 0)
			return rc;
	}
	char why[200];
	int n = trace_decode(t->buf + t->pos, (t->len - t->pos) / TRACE_SLOT, r, why, sizeof why);
	if (n < 0)     /* checked when the block was loaded */
		return trace_fail(t, -EINVAL, t->block_off, "%s", why);
	t->pos += (size_t)n * TRACE_SLOT;
	t->records++;
	return 1;
}

/* See mmsim_trace.h. */
const struct mmsim_trace_info *mmsim_trace_info(const mmsim_trace *t)
{
	return &t->info;
}

/* See mmsim_trace.h. */
const char *mmsim_trace_error(const mmsim_trace *t)
{
	return t->msg;
}

/* See mmsim_trace.h. */
uint64_t mmsim_trace_offset(const mmsim_trace *t)
{
	return t->off;
}

/* See mmsim_trace.h. */
uint64_t mmsim_trace_size(const mmsim_trace *t)
{
	return t->size;
}

/* See mmsim_trace.h. */
uint64_t mmsim_trace_records(const mmsim_trace *t)
{
	return t->records;
}

/* See mmsim_trace.h. */
void mmsim_trace_close(mmsim_trace *t)
{
	if (!t)
		return;
	if (t->ahead)
		stop_ahead(t);
	if (t->own && t->f)
		fclose(t->f);
	ZSTD_freeDCtx(t->dctx);
	free(t->strings);
	free(t->argv);
	free(t->cbuf);
	free(t->buf);
	free(t);
}

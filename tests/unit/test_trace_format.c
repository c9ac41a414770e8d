/* The trace format (docs/trace-format.md): what the writer writes the
 * reader reads back, record for record; a corrupt, truncated or foreign
 * file is refused with the byte offset and what was expected there. */
#include <criterion/criterion.h>

#include "mmsim_trace.h"

#include "trace/format.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

/* A scratch file name, removed by the caller. */
static char *scratch(void)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/mmsim-trace-test-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	return path;
}

/* One record of each type, and accesses of each kind. */
static size_t sample_records(struct mmsim_trace_record *r)
{
	size_t n = 0;
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_MAP, .tid = 100,
		.map = { .start = 0x108000, .end = 0x10a000, .offset = 0x1000, .prot = 5, .flags = 2, .inode = 42,
			 .name = "/usr/bin/true" } };
	r[n] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_MAP, .tid = 100,
		.map = { .start = 0x1ffeff0000, .end = 0x1fff001000, .prot = 3, .flags = 4 } };
	memset(r[n].map.name, 'x', 255);        /* the longest name */
	n++;
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_BRK, .tid = 100,
		.brk = { .start_brk = 0x4a7c000, .brk = 0x4a7c000 } };
	for (unsigned k = 0; k < 4; k++)
		r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_ACCESS, .tid = 100,
			.access = { .addr = 0x108000 + k * 8, .size = (uint16_t)(1u << k), .kind = (uint8_t)k,
				    .tid = 100 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_SYSCALL, .tid = 100,
		.syscall = { .nr = 9, .args = { 0, 8192, 3, 0x22, (uint64_t)-1, 0 }, .result = 0x7f0000000000 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_SYSCALL, .tid = 100,
		.syscall = { .nr = 11, .args = { 0x1000, 4096 }, .result = -22 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_THREAD, .tid = 100,
		.clone = { .child = 101, .clone_flags = 0x3d0f00 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_ACCESS, .tid = 101,
		.access = { .addr = 0xffffffffff600000, .size = 4096, .kind = MMSIM_FETCH, .tid = 101 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_FORK, .tid = 101, .clone = { .child = 102 } };
	r[n++] = (struct mmsim_trace_record){ .type = MMSIM_TRACE_EXIT, .tid = 102, .exit = { .code = -3, .group = 1 } };
	return n;
}

static void write_all(const char *path, const struct mmsim_trace_meta *meta, const struct mmsim_trace_record *r,
		      size_t n)
{
	mmsim_trace_writer *w;
	char err[400];
	cr_assert_eq(mmsim_trace_create(path, meta, &w, err, sizeof err), 0, "%s", err);
	for (size_t i = 0; i < n; i++)
		cr_assert_eq(mmsim_trace_write(w, &r[i]), 0, "%s", mmsim_trace_writer_error(w));
	cr_assert_eq(mmsim_trace_finish(w, err, sizeof err), 0, "%s", err);
}

static void same_record(const struct mmsim_trace_record *a, const struct mmsim_trace_record *b, size_t i)
{
	cr_assert_eq(a->type, b->type, "record %zu", i);
	cr_assert_eq(a->tid, b->tid, "record %zu", i);
	switch (a->type) {
	case MMSIM_TRACE_ACCESS:
		cr_assert_eq(memcmp(&a->access, &b->access, sizeof a->access), 0, "record %zu", i);
		break;
	case MMSIM_TRACE_SYSCALL:
		cr_assert_eq(memcmp(&a->syscall, &b->syscall, sizeof a->syscall), 0, "record %zu", i);
		break;
	case MMSIM_TRACE_MAP:
		cr_assert_eq(a->map.start, b->map.start);
		cr_assert_eq(a->map.end, b->map.end);
		cr_assert_eq(a->map.offset, b->map.offset);
		cr_assert_eq(a->map.prot, b->map.prot);
		cr_assert_eq(a->map.flags, b->map.flags);
		cr_assert_eq(a->map.inode, b->map.inode);
		cr_assert_str_eq(a->map.name, b->map.name);
		break;
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		cr_assert_eq(a->clone.child, b->clone.child);
		cr_assert_eq(a->clone.clone_flags, b->clone.clone_flags);
		break;
	case MMSIM_TRACE_EXIT:
		cr_assert_eq(a->exit.code, b->exit.code);
		cr_assert_eq(a->exit.group, b->exit.group);
		break;
	case MMSIM_TRACE_BRK:
		cr_assert_eq(a->brk.start_brk, b->brk.start_brk);
		cr_assert_eq(a->brk.brk, b->brk.brk);
		break;
	}
}

Test(trace_format, round_trip)
{
	struct mmsim_trace_record in[32], out;
	size_t n = sample_records(in);
	const char *argv[] = { "/usr/bin/true", "--version", "", NULL };
	struct mmsim_trace_meta meta = { .flags = MMSIM_TRACE_SYSCALLS | MMSIM_TRACE_VALGRIND, .program = "/usr/bin/true",
					 .argv = argv, .tool = "test", .date = "2026-12-03T12:00:00Z",
					 .host = "Linux 6.1.0 x86_64" };
	char *path = scratch(), err[400];
	write_all(path, &meta, in, n);
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(path, &t, err, sizeof err), 0, "%s", err);
	const struct mmsim_trace_info *info = mmsim_trace_info(t);
	cr_assert_eq(info->version_major, 1);
	cr_assert_eq(info->page_size, 4096);
	cr_assert_eq(info->flags, MMSIM_TRACE_SYSCALLS | MMSIM_TRACE_VALGRIND);
	cr_assert_str_eq(info->program, "/usr/bin/true");
	cr_assert_eq(info->argc, 3);
	cr_assert_str_eq(info->argv[1], "--version");
	cr_assert_str_eq(info->argv[2], "");
	cr_assert_null(info->argv[3]);
	cr_assert_str_eq(info->tool, "test");
	cr_assert_str_eq(info->note, "", "absent strings are empty");
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(mmsim_trace_next(t, &out), 1, "record %zu: %s", i, mmsim_trace_error(t));
		same_record(&in[i], &out, i);
	}
	cr_assert_eq(mmsim_trace_next(t, &out), 0, "%s", mmsim_trace_error(t));
	cr_assert_eq(mmsim_trace_records(t), n);
	cr_assert_eq(mmsim_trace_offset(t), mmsim_trace_size(t));
	mmsim_trace_close(t);
	remove(path);
}

/* Three million accesses fill several blocks; each comes back. */
Test(trace_format, many_blocks)
{
	enum { N = 3000000 };
	char *path = scratch(), err[400];
	mmsim_trace_writer *w;
	cr_assert_eq(mmsim_trace_create(path, NULL, &w, err, sizeof err), 0);
	for (uint32_t i = 0; i < N; i++) {
		struct mmsim_ref r = { .addr = 0x10000 + (uint64_t)i * 24, .size = 8, .kind = (uint8_t)(i % 4),
				       .tid = i % 3 };
		cr_assert_eq(mmsim_trace_write_accesses(w, &r, 1), 0);
	}
	cr_assert_eq(mmsim_trace_finish(w, err, sizeof err), 0);
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(path, &t, err, sizeof err), 0, "%s", err);
	struct mmsim_trace_record r;
	for (uint32_t i = 0; i < N; i++) {
		if (mmsim_trace_next(t, &r) != 1)
			cr_assert_fail("access %u: %s", i, mmsim_trace_error(t));
		if (r.access.addr != 0x10000 + (uint64_t)i * 24 || r.access.kind != i % 4 || r.tid != i % 3)
			cr_assert_fail("access %u differs", i);
	}
	cr_assert_eq(mmsim_trace_next(t, &r), 0);
	cr_assert_gt(t->blocks, 2, "%llu blocks", (unsigned long long)t->blocks);
	mmsim_trace_close(t);
	remove(path);
}

Test(trace_format, writer_refuses_what_the_format_cannot_hold)
{
	char *path = scratch(), err[400];
	mmsim_trace_writer *w;
	cr_assert_eq(mmsim_trace_create(path, NULL, &w, err, sizeof err), 0);
	struct mmsim_trace_record r = { .type = MMSIM_TRACE_ACCESS, .access = { .addr = 1, .size = 0 } };
	cr_assert_eq(mmsim_trace_write(w, &r), -EINVAL);
	cr_assert_not_null(strstr(mmsim_trace_writer_error(w), "size 0"), "%s", mmsim_trace_writer_error(w));
	r.access = (struct mmsim_ref){ .addr = 1, .size = 1, .kind = 4 };
	cr_assert_eq(mmsim_trace_write(w, &r), -EINVAL);
	r = (struct mmsim_trace_record){ .type = 9 };
	cr_assert_eq(mmsim_trace_write(w, &r), -EINVAL);
	cr_assert_not_null(strstr(mmsim_trace_writer_error(w), "record type 9"));
	r = (struct mmsim_trace_record){ .type = MMSIM_TRACE_MAP, .map = { .start = 0, .end = 4096 } };
	memset(r.map.name, 'a', sizeof r.map.name);
	cr_assert_eq(mmsim_trace_write(w, &r), -EINVAL);
	cr_assert_eq(mmsim_trace_finish(w, err, sizeof err), 0, "a refused record leaves the file good: %s", err);
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(path, &t, err, sizeof err), 0);
	cr_assert_eq(mmsim_trace_next(t, &r), 0, "nothing was written");
	mmsim_trace_close(t);
	cr_assert_eq(mmsim_trace_create("/nonexistent/dir/t.mmt", NULL, &w, err, sizeof err), -ENOENT);
	cr_assert_str_eq(err, "/nonexistent/dir/t.mmt: No such file or directory");
	remove(path);
}

/* The bytes of a file. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*len + 1);
	cr_assert_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

static void spill(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_eq(fwrite(b, 1, len, f), len);
	fclose(f);
}

/* Read path to its end: 0, or the error with its message in err. */
static int read_through(const char *path, char *err, size_t errlen)
{
	mmsim_trace *t;
	int rc = mmsim_trace_open(path, &t, err, errlen);
	if (rc)
		return rc;
	struct mmsim_trace_record r;
	while ((rc = mmsim_trace_next(t, &r)) == 1)
		;
	snprintf(err, errlen, "%s", mmsim_trace_error(t));
	cr_assert_eq(mmsim_trace_next(t, &r), rc, "a failure sticks");
	mmsim_trace_close(t);
	return rc;
}

/* Expect path to fail with a message holding want. */
static void refused(const char *path, const char *want)
{
	char err[600];
	int rc = read_through(path, err, sizeof err);
	cr_assert_eq(rc, -EINVAL, "%s: %d %s", want, rc, err);
	cr_assert_not_null(strstr(err, want), "expected \"%s\" in \"%s\"", want, err);
}

Test(trace_format, foreign_and_bad_headers)
{
	struct mmsim_trace_record in[32];
	size_t n = sample_records(in), len;
	char *path = scratch(), *bad = strdup(scratch()), err[400];
	write_all(path, NULL, in, n);
	uint8_t *b = slurp(path, &len);

	spill(bad, b, 0);
	refused(bad, "byte 0: an empty file");
	spill(bad, (const uint8_t *)"hello world, this is not a trace at all", 39);
	refused(bad, "byte 0: not an mmsim trace (expected the magic \"MMSIMTRC\"");
	b[8] = 2;
	spill(bad, b, len);
	refused(bad, "byte 8: format version 2.0 (this reader reads 1.x)");
	b[8] = 1;
	b[16] = 0;
	b[17] = 0x20;
	spill(bad, b, len);
	refused(bad, "byte 16: page size 8192 (expected 4096)");
	b[16] = 0;
	b[17] = 0x10;
	b[20] = 0x80;
	spill(bad, b, len);
	refused(bad, "byte 20: flags 0x80");
	b[20] = 0;
	b[12] = 8;
	spill(bad, b, len);
	refused(bad, "byte 12: a header of 8 bytes (expected 32 to 1048576)");
	cr_assert_eq(mmsim_trace_open("/nonexistent.mmt", &(mmsim_trace *){ 0 }, err, sizeof err), -ENOENT);
	free(b);
	remove(path);
	remove(bad);
	free(bad);
}

/* Every truncation of a good file is refused, naming a byte offset, and
 * none crashes. */
Test(trace_format, every_truncation)
{
	struct mmsim_trace_record in[32];
	size_t n = sample_records(in), len;
	char *path = scratch(), *cut = strdup(scratch()), err[600];
	write_all(path, NULL, in, n);
	uint8_t *b = slurp(path, &len);
	for (size_t l = 0; l < len; l++) {
		spill(cut, b, l);
		int rc = read_through(cut, err, sizeof err);
		cr_assert_eq(rc, -EINVAL, "cut at %zu: %d %s", l, rc, err);
		cr_assert_not_null(strstr(err, ": byte "), "cut at %zu: %s", l, err);
	}
	refused(cut, "the file ends inside the trailer");
	spill(cut, b, len - 32);
	refused(cut, "the file ends without its trailer");
	uint8_t *more = malloc(len + 1);
	memcpy(more, b, len);
	more[len] = 0;
	spill(cut, more, len + 1);
	refused(cut, "data after the trailer");
	free(more);
	free(b);
	remove(path);
	remove(cut);
	free(cut);
}

/* A file of one block holding slots (nslots of them) with the trailer
 * counting accesses and events. */
static void handmade(const char *path, const uint8_t *slots, size_t nslots, uint32_t naccess, uint64_t accesses,
		     uint64_t events)
{
	uint8_t h[32] = "MMSIMTRC", bh[16] = "MTBK", tr[32] = "MTND";
	put16(h + 8, 1);
	put32(h + 12, 32);
	put32(h + 16, 4096);
	size_t ulen = nslots * 16, cap = ZSTD_compressBound(ulen);
	uint8_t *c = malloc(cap);
	size_t clen = ZSTD_compress(c, cap, slots, ulen, 1);
	cr_assert(!ZSTD_isError(clen));
	put32(bh + 4, (uint32_t)clen);
	put32(bh + 8, (uint32_t)ulen);
	put32(bh + 12, naccess);
	put64(tr + 8, 1);
	put64(tr + 16, accesses);
	put64(tr + 24, events);
	FILE *f = fopen(path, "wb");
	fwrite(h, 1, 32, f);
	fwrite(bh, 1, 16, f);
	fwrite(c, 1, clen, f);
	fwrite(tr, 1, 32, f);
	fclose(f);
	free(c);
}

Test(trace_format, bad_blocks_and_records)
{
	char *path = scratch();
	uint8_t s[4 * 16] = { 0 };
	for (int i = 0; i < 4; i++) {
		put64(s + 16 * i, 0x1000);
		put16(s + 16 * i + 8, 8);
	}
	handmade(path, s, 4, 4, 4, 0);
	char err[600];
	cr_assert_eq(read_through(path, err, sizeof err), 0, "the handmade file is good: %s", err);

	s[16 * 2 + 10] = 7;                  /* kind 7 */
	handmade(path, s, 4, 4, 4, 0);
	refused(path, "byte 32: block 0, slot 2 (byte 32 of its 64 uncompressed): an access with kind 7");
	s[16 * 2 + 10] = 0x81;               /* a system call with no room for its slots */
	put16(s + 16 * 2 + 8, 4);
	handmade(path, s, 4, 2, 2, 1);
	refused(path, "an event of 5 slots with 2 left in its block");
	put16(s + 16 * 2 + 8, 1);
	handmade(path, s, 4, 2, 2, 1);
	refused(path, "an event of type 0x81 with 1 slots after it (expected 4)");
	s[16 * 2 + 10] = 0;
	put16(s + 16 * 2 + 8, 0);             /* size 0 */
	handmade(path, s, 4, 4, 4, 0);
	refused(path, "size 0");
	put16(s + 16 * 2 + 8, 8);
	handmade(path, s, 4, 3, 4, 0);
	refused(path, "byte 44: block 0: its header counts 3 accesses, its slots hold 4");
	handmade(path, s, 4, 4, 5, 0);
	refused(path, "the trailer counts 1 blocks, 5 accesses, 0 events; the file holds 1, 4, 0");

	/* a block whose frame is damaged */
	handmade(path, s, 4, 4, 4, 0);
	size_t len;
	uint8_t *b = slurp(path, &len);
	b[48 + 4] ^= 0xff;
	spill(path, b, len);
	refused(path, "byte 48: block 0 does not decompress");
	b[48 + 4] ^= 0xff;
	memcpy(b + 32, "XXXX", 4);
	spill(path, b, len);
	refused(path, "byte 32: bytes 58 58 58 58 (expected a block header \"MTBK\" or the trailer \"MTND\")");
	memcpy(b + 32, "MTBK", 4);
	put32(b + 40, 17);
	spill(path, b, len);
	refused(path, "byte 40: a block of 17 bytes uncompressed (expected a multiple of 16");
	free(b);
	remove(path);
}

/* Read the trace at path to its end, with the blocks read ahead in a
 * second thread or not: what the last mmsim_trace_next returned, with
 * the records read, the offset reached and the error into *out. */
struct read_result {
	int rc;
	uint64_t records, off, sum;
	char err[600];
};

static struct read_result read_with(const char *path, bool ahead)
{
	struct read_result res = { 0 };
	mmsim_trace *t;
	struct mmsim_trace_record r;
	res.rc = mmsim_trace_open(path, &t, res.err, sizeof res.err);
	if (res.rc)
		return res;
	if (ahead)
		cr_assert_eq(trace_read_ahead(t), 0);
	while ((res.rc = mmsim_trace_next(t, &r)) == 1)
		res.sum = res.sum * 31 + r.access.addr + r.type;
	res.records = mmsim_trace_records(t);
	res.off = mmsim_trace_offset(t);
	snprintf(res.err, sizeof res.err, "%s", res.rc ? mmsim_trace_error(t) : "");
	mmsim_trace_close(t);
	return res;
}

Test(trace_format, reading_ahead_reads_the_same)
{
	enum { N = 300000 };
	char *path = scratch(), *cut = strdup(scratch()), err[400];
	mmsim_trace_writer *w;
	cr_assert_eq(mmsim_trace_create(path, NULL, &w, err, sizeof err), 0);
	for (uint32_t i = 0; i < N; i++) {
		struct mmsim_ref r = { .addr = 0x10000 + (uint64_t)i * 40 % 999999, .size = 8, .kind = (uint8_t)(i % 4),
				       .tid = i % 3 };
		cr_assert_eq(mmsim_trace_write_accesses(w, &r, 1), 0);
	}
	cr_assert_eq(mmsim_trace_finish(w, err, sizeof err), 0);
	size_t len;
	uint8_t *b = slurp(path, &len);
	for (size_t l = 0; l <= len; l += l < 200 || len - l < 200 ? 1 : 4099) {
		spill(cut, b, l);
		b[l < len ? l : 0] ^= l % 5 == 2 ? 0x40 : 0;    /* now and then a corrupt byte too */
		if (l % 5 == 2 && l < len)
			spill(cut, b, len);
		b[l < len ? l : 0] ^= l % 5 == 2 ? 0x40 : 0;
		struct read_result x = read_with(cut, false), y = read_with(cut, true);
		cr_assert_eq(x.rc, y.rc, "cut at %zu: %d and %d (%s / %s)", l, x.rc, y.rc, x.err, y.err);
		cr_assert_eq(x.records, y.records, "cut at %zu", l);
		cr_assert_eq(x.off, y.off, "cut at %zu", l);
		cr_assert_eq(x.sum, y.sum, "cut at %zu", l);
		cr_assert_str_eq(x.err, y.err, "cut at %zu", l);
		if (l == len)
			cr_assert(!x.rc && x.records == N, "the whole file: %d %s", x.rc, x.err);
	}
	free(b);
	remove(path);
	remove(cut);
	free(cut);
}

/* ---- a trace over 4 GiB, streamed ------------------------------------------------ */

#define BIG_BLOCKS 4100u                 /* of 1 MiB and some: 4.0 GiB and more */

/* The writing end of a pipe and the bytes to send through it. */
struct big {
	int fd;
	uint64_t total;                      /* bytes written */
};

static bool write_all_fd(int fd, const void *p, size_t n)
{
	for (const uint8_t *b = p; n;) {
		ssize_t k = write(fd, b, n);
		if (k <= 0)
			return false;
		b += k;
		n -= (size_t)k;
	}
	return true;
}

/* Write a trace of BIG_BLOCKS blocks of 65536 accesses each, every block
 * one zstd frame of raw blocks (so the file is as large as its slots:
 * decoding it is a copy), then the trailer, into the pipe. */
static void *big_writer(void *arg)
{
	struct big *g = arg;
	enum { SLOTS = 65536, ULEN = SLOTS * 16, RAW = 128 * 1024 };
	uint8_t h[32] = "MMSIMTRC", bh[16] = "MTBK", tr[32] = "MTND";
	static uint8_t frame[4 + 1 + 4 + (ULEN / RAW) * (3 + RAW)];
	put16(h + 8, 1);
	put32(h + 12, 32);
	put32(h + 16, 4096);
	size_t at = 0;
	put32(frame, 0xFD2FB528);            /* the zstd frame's magic */
	frame[4] = 0xA0;                     /* single segment, a 4-byte content size */
	put32(frame + 5, ULEN);
	at = 9;
	for (int b = 0; b < ULEN / RAW; b++) {
		uint32_t bhdr = (uint32_t)RAW << 3 | (b == ULEN / RAW - 1);   /* raw, last or not */
		frame[at] = (uint8_t)bhdr;
		frame[at + 1] = (uint8_t)(bhdr >> 8);
		frame[at + 2] = (uint8_t)(bhdr >> 16);
		at += 3;
		for (int s = 0; s < RAW / 16; s++, at += 16) {
			memset(frame + at, 0, 16);
			put64(frame + at, 0x10000000ULL + (uint64_t)(b * (RAW / 16) + s) * 8);
			put16(frame + at + 8, 8);
			put32(frame + at + 12, 1);
		}
	}
	put32(bh + 4, (uint32_t)at);
	put32(bh + 8, ULEN);
	put32(bh + 12, SLOTS);
	put64(tr + 8, BIG_BLOCKS);
	put64(tr + 16, (uint64_t)BIG_BLOCKS * SLOTS);
	bool ok = write_all_fd(g->fd, h, 32);
	g->total = 32;
	for (unsigned i = 0; ok && i < BIG_BLOCKS; i++) {
		ok = write_all_fd(g->fd, bh, 16) && write_all_fd(g->fd, frame, at);
		g->total += 16 + at;
	}
	ok = ok && write_all_fd(g->fd, tr, 32);
	g->total += 32;
	close(g->fd);
	return NULL;
}

Test(trace_format, a_trace_over_4_gib_streams)
{
	int fd[2];
	cr_assert_eq(pipe(fd), 0);
	struct big g = { .fd = fd[1] };
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, big_writer, &g), 0);
	char path[32], err[600];
	snprintf(path, sizeof path, "/dev/fd/%d", fd[0]);
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(path, &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(trace_read_ahead(t), 0);
	uint64_t accesses = 0, last_off = 0;
	int rc;
	while ((rc = trace_next_block(t)) == 1) {
		accesses += t->len / TRACE_SLOT;
		cr_assert_gt(mmsim_trace_offset(t), last_off);
		last_off = mmsim_trace_offset(t);
	}
	cr_assert_eq(rc, 0, "%s", mmsim_trace_error(t));
	pthread_join(th, NULL);
	cr_assert_gt(g.total, 4ULL << 30, "the trace is over 4 GiB (%llu bytes)", (unsigned long long)g.total);
	cr_assert_eq(mmsim_trace_offset(t), g.total, "read to byte %llu of %llu",
		     (unsigned long long)mmsim_trace_offset(t), (unsigned long long)g.total);
	cr_assert_eq(accesses, (uint64_t)BIG_BLOCKS * 65536);
	cr_assert_eq(t->accesses, (uint64_t)BIG_BLOCKS * 65536);
	cr_assert_eq(t->blocks, BIG_BLOCKS);
	mmsim_trace_close(t);
	close(fd[0]);
}

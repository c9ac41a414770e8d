/* The ChampSim importer: 64-byte input_instr records, uncompressed or xz,
 * become fetches (one per page entered), loads, stores and modifies of 8
 * bytes, in order; a trace that is not ChampSim's, a cut record, a cut or
 * corrupt xz stream and gzip input are refused, naming the byte. */
#include <criterion/criterion.h>

#include "mmsim_trace.h"

#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char in[64], out[64];

static void files(void)
{
	snprintf(in, sizeof in, "/tmp/mmsim-champ-in-XXXXXX");
	snprintf(out, sizeof out, "/tmp/mmsim-champ-out-XXXXXX");
	close(mkstemp(in));
	close(mkstemp(out));
}

static void cleanup(void)
{
	remove(in);
	remove(out);
}

TestSuite(trace_champsim, .init = files, .fini = cleanup);

/* One input_instr record. */
struct instr {
	uint64_t ip;
	uint8_t is_branch, taken, dregs[2], sregs[4];
	uint64_t dst[2], src[4];
};
_Static_assert(sizeof(struct instr) == 64, "ChampSim's record is 64 bytes");

static void put(const void *p, size_t n)
{
	FILE *f = fopen(in, "w");
	fwrite(p, 1, n, f);
	fclose(f);
}

/* p (n bytes) xz-compressed into a malloc'd buffer; *len its size. */
static uint8_t *xz(const void *p, size_t n, size_t *len)
{
	size_t cap = n + n / 2 + 4096;
	uint8_t *b = malloc(cap);
	*len = 0;
	cr_assert_eq(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL, p, n, b, len, cap), LZMA_OK);
	return b;
}

static const struct instr prog[] = {
	{ .ip = 0x401000, .src = { 0x7000 } },                               /* fetch, load */
	{ .ip = 0x401004, .dst = { 0x7008 } },                               /* same page: store only */
	{ .ip = 0x401008, .src = { 0x7010, 0x8000 }, .dst = { 0x7010 } },    /* modify, load */
	{ .ip = 0x402000, .is_branch = 1, .taken = 1 },                      /* a new page: fetch */
	{ .ip = 0x402004, .dst = { 0x9000, 0x9000 } },                       /* one store */
};

/* The records of out, checked against what prog means. */
static void check_out(void)
{
	static const struct { uint64_t addr; uint16_t size; uint8_t kind; } want[] = {
		{ 0x401000, 1, MMSIM_FETCH }, { 0x7000, 8, MMSIM_READ }, { 0x7008, 8, MMSIM_WRITE },
		{ 0x7010, 8, MMSIM_MODIFY }, { 0x8000, 8, MMSIM_READ }, { 0x402000, 1, MMSIM_FETCH },
		{ 0x9000, 8, MMSIM_WRITE },
	};
	char err[600];
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(out, &t, err, sizeof err), 0, "%s", err);
	const struct mmsim_trace_info *info = mmsim_trace_info(t);
	cr_assert_eq(info->flags, MMSIM_TRACE_FETCHES, "no SYSCALLS flag: it replays flat");
	cr_assert_not_null(strstr(info->tool, "champsim"));
	struct mmsim_trace_record r;
	size_t k = 0;
	int rc;
	while ((rc = mmsim_trace_next(t, &r)) > 0) {
		cr_assert_lt(k, sizeof want / sizeof want[0]);
		cr_assert_eq(r.type, MMSIM_TRACE_ACCESS);
		cr_assert_eq(r.access.addr, want[k].addr, "record %zu: %#llx", k, (unsigned long long)r.access.addr);
		cr_assert_eq(r.access.size, want[k].size, "record %zu", k);
		cr_assert_eq(r.access.kind, want[k].kind, "record %zu: kind %u", k, r.access.kind);
		cr_assert_eq(r.tid, 1);
		k++;
	}
	cr_assert_eq(rc, 0, "%s", mmsim_trace_error(t));
	cr_assert_eq(k, sizeof want / sizeof want[0]);
	mmsim_trace_close(t);
}

Test(trace_champsim, uncompressed)
{
	char err[600];
	uint64_t n;
	put(prog, sizeof prog);
	cr_assert_eq(mmsim_trace_import("champsim", in, out, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, 7);
	check_out();
}

Test(trace_champsim, xz)
{
	char err[600];
	uint64_t n;
	size_t len;
	uint8_t *b = xz(prog, sizeof prog, &len);
	put(b, len);
	cr_assert_eq(mmsim_trace_import("champsim", in, out, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, 7);
	check_out();
	free(b);
}

/* A large xz input: more records than one read holds. */
Test(trace_champsim, many)
{
	enum { N = 100000 };
	struct instr *v = calloc(N, sizeof *v);
	for (int i = 0; i < N; i++)
		v[i] = (struct instr){ .ip = 0x401000 + (uint64_t)(i % 8) * 4, .src = { 0x10000000 + (uint64_t)i * 64 } };
	size_t len;
	uint8_t *b = xz(v, N * sizeof *v, &len);
	put(b, len);
	char err[600];
	uint64_t n;
	cr_assert_eq(mmsim_trace_import("champsim", in, out, &n, err, sizeof err), 0, "%s", err);
	cr_assert_eq(n, N + 1, "one fetch and a load each");
	free(b);
	free(v);
}

static void refused(const void *p, size_t len, const char *want)
{
	char err[600];
	put(p, len);
	cr_assert_eq(mmsim_trace_import("champsim", in, out, NULL, err, sizeof err), -EINVAL);
	cr_assert_not_null(strstr(err, want), "expected \"%s\" in \"%s\"", want, err);
	cr_assert_neq(access(out, F_OK), 0, "a failed import leaves no trace behind");
}

Test(trace_champsim, bad_input)
{
	struct instr bad[2] = { prog[0], { .ip = 0x401000, .taken = 7 } };
	refused(bad, sizeof bad, "record 1 (byte 73): is_branch 0, branch_taken 7 (expected 0 or 1 each): not a "
		"ChampSim trace");
	refused(prog, sizeof prog - 10, "byte 256: the input ends inside a record (54 of its 64 bytes): truncated");
	refused("", 0, "no records");
	refused("\x1f\x8b\x08\x00", 4, "byte 0: gzip-compressed");
	size_t len;
	uint8_t *b = xz(prog, sizeof prog, &len);
	refused(b, len - 20, "the file ends inside the xz stream: truncated");
	b[len / 2] ^= 0xff;
	refused(b, len, "of the xz stream:");
	free(b);
}

/*
 * trace/champsim.c — ChampSim's binary instruction traces into mmsim's
 * format (docs/traces.md, "Getting a trace").
 *
 * A ChampSim trace is a sequence of 64-byte records, one per instruction
 * (ChampSim's input_instr, little-endian): ip (8 bytes), is_branch (1),
 * branch_taken (1), destination registers (2), source registers (4),
 * destination_memory[2] (16), source_memory[4] (32); a memory operand of 0
 * is none. The published traces are xz-compressed: the importer reads xz
 * (liblzma) or uncompressed input. Records carry no access sizes: each
 * memory operand becomes an 8-byte access, each instruction's fetch a
 * 1-byte one (kept once per page entered, as lackey's). An address both
 * read and written by one instruction is one modify. There are no threads
 * and no system calls: the trace replays flat.
 */
#include "trace/format.h"

#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC 64
#define CHUNK (1 << 16)

/* The input: a file, through liblzma when it is xz. */
struct champ_in {
	FILE *f;
	const char *name;
	bool xz;
	lzma_stream lz;
	uint8_t raw[CHUNK];           /* compressed bytes read */
	uint8_t peek[6];              /* the first bytes, for an uncompressed file */
	size_t npeek, peeked;
	uint64_t in_bytes;            /* bytes of the file read */
	bool eof;
};

/* Read up to len bytes of the uncompressed stream into buf: the count (0
 * at the end), or -1 with err saying why. */
static long champ_read(struct champ_in *c, uint8_t *buf, size_t len, char *err, size_t errlen)
{
	if (!c->xz) {
		size_t n = 0;
		while (c->peeked < c->npeek && n < len)
			buf[n++] = c->peek[c->peeked++];
		n += fread(buf + n, 1, len - n, c->f);
		if (ferror(c->f))
			return snprintf(err, errlen, "%s: read error", c->name), -1;
		c->in_bytes += n;
		return (long)n;
	}
	c->lz.next_out = buf;
	c->lz.avail_out = len;
	while (c->lz.avail_out) {
		if (!c->lz.avail_in && !c->eof) {
			size_t n = fread(c->raw, 1, sizeof c->raw, c->f);
			if (ferror(c->f))
				return snprintf(err, errlen, "%s: read error", c->name), -1;
			c->eof = n < sizeof c->raw;
			c->lz.next_in = c->raw;
			c->lz.avail_in = n;
			c->in_bytes += n;
		}
		lzma_ret r = lzma_code(&c->lz, c->eof ? LZMA_FINISH : LZMA_RUN);
		if (r == LZMA_STREAM_END)
			break;
		if (r != LZMA_OK) {
			uint64_t at = c->in_bytes - c->lz.avail_in;
			return snprintf(err, errlen, "%s: byte %llu of the xz stream: %s", c->name, (unsigned long long)at,
					r == LZMA_DATA_ERROR ? "corrupt data" : r == LZMA_BUF_ERROR ? "the file ends inside the "
					"xz stream: truncated" : r == LZMA_MEM_ERROR ? "no memory" : "not a valid xz stream"), -1;
		}
	}
	return (long)(len - c->lz.avail_out);
}

/* Open the input: sniff xz's magic, refuse gzip with what to do. */
static int champ_open(struct champ_in *c, char *err, size_t errlen)
{
	static const uint8_t xz_magic[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	c->npeek = fread(c->peek, 1, sizeof c->peek, c->f);
	if (ferror(c->f))
		return snprintf(err, errlen, "%s: read error", c->name), -EIO;
	if (c->npeek >= 2 && c->peek[0] == 0x1f && c->peek[1] == 0x8b)
		return snprintf(err, errlen, "%s: byte 0: gzip-compressed (this importer reads ChampSim traces "
				"uncompressed or xz-compressed: gunzip it first)", c->name), -EINVAL;
	if (c->npeek < sizeof xz_magic || memcmp(c->peek, xz_magic, sizeof xz_magic))
		return 0;
	c->xz = true;
	c->lz = (lzma_stream)LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&c->lz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
		return snprintf(err, errlen, "no memory for the xz decoder"), -ENOMEM;
	memcpy(c->raw, c->peek, c->npeek);
	c->lz.next_in = c->raw;
	c->lz.avail_in = c->npeek;
	c->in_bytes = c->npeek;
	return 0;
}

/* The accesses of one 64-byte record r (number n) into refs: their count,
 * or -1 with err saying why it is not a ChampSim record. */
static int champ_refs(const uint8_t *r, uint64_t n, uint64_t *last_page, struct mmsim_ref *refs, const char *name,
		      char *err, size_t errlen)
{
	int k = 0;
	uint64_t ip = get64(r), src[4], dst[2];
	if (r[8] > 1 || r[9] > 1)
		return snprintf(err, errlen, "%s: record %llu (byte %llu): is_branch %u, branch_taken %u (expected 0 or "
				"1 each): not a ChampSim trace (64-byte input_instr records)", name, (unsigned long long)n,
				(unsigned long long)(n * REC + (r[8] > 1 ? 8 : 9)), r[8], r[9]), -1;
	if (ip >> 12 != *last_page) {                  /* one fetch per page entered */
		*last_page = ip >> 12;
		refs[k++] = (struct mmsim_ref){ .addr = ip, .size = 1, .kind = MMSIM_FETCH, .tid = 1 };
	}
	for (int i = 0; i < 2; i++)
		dst[i] = get64(r + 16 + 8 * i);
	for (int i = 0; i < 4; i++) {
		src[i] = get64(r + 32 + 8 * i);
		if (!src[i])
			continue;
		bool written = src[i] == dst[0] || src[i] == dst[1];
		refs[k++] = (struct mmsim_ref){ .addr = src[i], .size = 8, .kind = written ? MMSIM_MODIFY : MMSIM_READ,
						.tid = 1 };
	}
	for (int i = 0; i < 2; i++) {
		bool read = false;
		for (int j = 0; j < 4; j++)
			read |= dst[i] && dst[i] == src[j];
		if (dst[i] && !read && !(i == 1 && dst[1] == dst[0]))
			refs[k++] = (struct mmsim_ref){ .addr = dst[i], .size = 8, .kind = MMSIM_WRITE, .tid = 1 };
	}
	return k;
}

/* See format.h. */
int trace_import_champsim(FILE *in, const char *out, const char *inname, const struct mmsim_trace_meta *meta,
			  uint64_t *records, char *errbuf, size_t errlen)
{
	struct champ_in *c = calloc(1, sizeof *c);
	uint8_t *buf = malloc(REC * 4096);
	struct mmsim_ref *refs = malloc(sizeof *refs * 7 * 4096);
	mmsim_trace_writer *w = NULL;
	uint64_t n = 0, written = 0, last_page = UINT64_MAX;
	int rc;
	if (!c || !buf || !refs) {
		rc = -ENOMEM;
		snprintf(errbuf, errlen, "no memory");
		goto out;
	}
	c->f = in;
	c->name = inname;
	if ((rc = champ_open(c, errbuf, errlen)) || (rc = mmsim_trace_create(out, meta, &w, errbuf, errlen)))
		goto out;
	for (;;) {
		long got = champ_read(c, buf, REC * 4096, errbuf, errlen);
		if (got < 0) {
			rc = -EINVAL;
			break;
		}
		size_t k = 0;
		for (long i = 0; i < got / REC; i++, n++) {
			int m = champ_refs(buf + i * REC, n, &last_page, refs + k, inname, errbuf, errlen);
			if (m < 0) {
				rc = -EINVAL;
				break;
			}
			k += (size_t)m;
		}
		if (!rc && got % REC) {
			snprintf(errbuf, errlen, "%s: byte %llu: the input ends inside a record (%ld of its %d bytes): "
				 "truncated", inname, (unsigned long long)(n * REC), got % REC, REC);
			rc = -EINVAL;
		}
		if (!rc && k && (rc = mmsim_trace_write_accesses(w, refs, k)))
			snprintf(errbuf, errlen, "%s", mmsim_trace_writer_error(w));
		written += k;
		if (rc || got < REC * 4096)
			break;
	}
	if (!rc && !n) {
		snprintf(errbuf, errlen, "%s: no records (a ChampSim trace is 64-byte records)", inname);
		rc = -EINVAL;
	}
out:
	if (w) {
		char ferr[400];
		int frc = mmsim_trace_finish(w, ferr, sizeof ferr);
		if (!rc && frc)
			rc = (snprintf(errbuf, errlen, "%s", ferr), frc);
		if (rc && strcmp(out, "-"))
			remove(out);
	}
	if (records)
		*records = written;
	if (c && c->xz)
		lzma_end(&c->lz);
	free(c);
	free(buf);
	free(refs);
	return rc;
}

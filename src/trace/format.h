/*
 * trace/format.h — the bytes of an mmsim trace (docs/trace-format.md), and
 * what the files of src/trace share: the reader's internals the replay
 * reads blocks through, and the record codec.
 *
 * Everything is little-endian. A file is: the header (fixed 32 bytes, then
 * tagged fields), blocks (a 16-byte block header, then one zstd frame
 * holding 16-byte slots), and a 32-byte trailer. An access is one slot; an
 * event is a slot saying how many slots follow it, all in one block.
 */
#ifndef MMSIM_TRACE_FORMAT_H
#define MMSIM_TRACE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmsim_trace.h"

#define TRACE_MAGIC          "MMSIMTRC"
#define TRACE_VERSION_MAJOR  1
#define TRACE_VERSION_MINOR  0
#define TRACE_HEADER_FIXED   32
#define TRACE_HEADER_MAX     (1u << 20)       /* a header of at most 1 MiB */
#define TRACE_BLOCK_MAGIC    "MTBK"
#define TRACE_END_MAGIC      "MTND"
#define TRACE_BLOCK_HEADER   16
#define TRACE_TRAILER        32
#define TRACE_SLOT           16
#define TRACE_BLOCK_BYTES    (1u << 20)       /* what the writer puts in a block */
#define TRACE_BLOCK_MAX      (16u << 20)      /* the most a reader accepts */
#define TRACE_FLAGS_KNOWN    (MMSIM_TRACE_SYSCALLS | MMSIM_TRACE_FETCHES | MMSIM_TRACE_VALGRIND)

/* Header field tags. */
enum { TAG_PROGRAM = 1, TAG_ARG = 2, TAG_TOOL = 3, TAG_DATE = 4, TAG_HOST = 5, TAG_NOTE = 6 };

/* Slot byte 10: an access's kind (0-3), or an event's (0x80 | type). */
#define SLOT_EVENT 0x80u

/* Slots an event of this type takes after its first (the map's name adds
 * its own); -1 for a type that is not an event. */
int trace_event_extra(unsigned type);

/* Encode r into slots (room for at most max): the number of slots, or -1
 * after writing into why what the format cannot hold. */
int trace_encode(const struct mmsim_trace_record *r, uint8_t *slots, int max, char *why, size_t whylen);

/* Decode the record starting at slot s (avail slots left in the block)
 * into r; the number of slots it took, or -1 after writing why. */
int trace_decode(const uint8_t *s, size_t avail, struct mmsim_trace_record *r, char *why, size_t whylen);

/* Little-endian loads and stores. */
static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t get32(const uint8_t *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }
static inline uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, (uint32_t)(v >> 32)); }

/* ---- the reader's state, for the replay ------------------------------------------ */

struct mmsim_trace {
	FILE *f;
	bool own;                    /* close f at the end (not stdin) */
	char name[256];              /* the path, for messages */
	uint64_t off, size;          /* bytes read; the file's size (0: unknown) */
	struct mmsim_trace_info info;
	char *strings;               /* the header's strings */
	const char **argv;
	void *dctx;                  /* ZSTD_DCtx */
	uint8_t *cbuf, *buf;         /* a compressed block; its slots */
	size_t ccap, cap;
	size_t pos, len;             /* the next slot and the end, in bytes of buf */
	uint64_t block_off;          /* where the current block's header starts */
	uint64_t blocks, accesses, events, records;
	bool ended;                  /* the trailer was read and checked */
	int err;                     /* a failure every later call returns */
	char msg[600];
	struct trace_ahead *ahead;   /* the thread reading ahead, or NULL */
};

/* Load the next block into t->buf (checked: every slot a valid access or
 * an event whose slots lie in the block). 1, 0 at the end (trailer
 * checked), or a negative errno with t->msg set. */
int trace_next_block(struct mmsim_trace *t);

/* From now on, read and decompress (and check) the blocks in a second
 * thread, one block ahead of trace_next_block, which then hands them over
 * as they come: the same blocks, counts and failures, in the same order.
 * Only before the first block is read. 0, or a negative errno (the blocks
 * are then read as before). mmsim_trace_close stops the thread. */
int trace_read_ahead(struct mmsim_trace *t);

/* Import the ChampSim trace in (open; xz or uncompressed) into out with
 * meta's header (champsim.c). 0, or a negative errno with errbuf naming the
 * byte or record and what was expected. */
int trace_import_champsim(FILE *in, const char *out, const char *inname, const struct mmsim_trace_meta *meta,
			  uint64_t *records, char *errbuf, size_t errlen);

/* Fail t with err and a message "NAME: byte OFF: ..."; returns err. */
int trace_fail(struct mmsim_trace *t, int err, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

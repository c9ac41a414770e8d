/*
 * hw/coherence.h — the coherence protocols as their state tables.
 *
 * Each core's private caches (L1d, L1i, L2) hold a line in one of the
 * protocol's states; the memory system (hw/mem.c) asks these tables what a
 * core holding a line does when another core's request for it arrives (a
 * snoop, sent through the directory to exactly the cores that hold the
 * line) and which state a read miss fills with. A write always ends with
 * the writer in M and every other copy invalid.
 *
 *   MESI  (Intel before Nehalem, the textbook): only M supplies the line;
 *         a read of a modified line writes it back and both end in S.
 *   MOESI (AMD): a read of a modified line leaves the holder in O, dirty
 *         and responsible for the write-back, and the reader in S; M, O
 *         and E supply the line.
 *   MESIF (Intel since Nehalem): one clean copy is F, the forwarder; the
 *         newest reader becomes F; M, E and F supply the line.
 */
#ifndef MMSIM_HW_COHERENCE_H
#define MMSIM_HW_COHERENCE_H

#include <stdbool.h>

#include "hw/cache.h"
#include "hw/config.h"

#define HW_NR_PROTOCOLS 3

/* A request from another core: it reads the line, or it will write it
 * (a read for ownership, or an upgrade of a shared copy). */
enum hw_snoop { HW_SNOOP_READ, HW_SNOOP_WRITE, HW_NR_SNOOPS };

struct hw_snoop_rule {
	uint8_t next;           /* the holder's state afterwards */
	bool supply;            /* it sends the line to the requester (a cache-to-cache transfer) */
	bool writeback;         /* its dirty copy is written back to the L3 or memory */
};

/* What a holder in state st does on snoop op under protocol p. */
const struct hw_snoop_rule *hw_snoop_rule(enum hw_protocol p, enum hw_snoop op, enum hw_line_state st);

/* The state a read miss fills with: shared says another core holds the line. */
enum hw_line_state hw_read_fill_state(enum hw_protocol p, bool shared);

/* True when a core holding the line in st may write it without asking the
 * others (E or M); a write in E makes it M silently. */
static inline bool hw_state_owned(uint8_t st)
{
	return st == HW_LS_E || st == HW_LS_M;
}

/* True when st is dirty (M or O): evicting it writes it back. */
static inline bool hw_state_dirty(uint8_t st)
{
	return st == HW_LS_M || st == HW_LS_O;
}

/* "I", "S", "E", "M", "O", "F". */
const char *hw_line_state_name(unsigned st);

#endif

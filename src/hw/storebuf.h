/*
 * hw/storebuf.h — a core's store buffer, with x86-TSO semantics.
 *
 * Seed 003 §2.5: "The value 42 is placed into the CPU's store buffer and
 * eventually merged into the L1 cache line." A core with sb.entries > 0
 * has a FIFO of that many stores. While the core holds its stores
 * (hw_sb_hold; the step-by-step runs of mmsim_interleave), a store that
 * hw_access makes retires into the buffer: its bytes do not reach RAM (nor
 * its line the cache) until it drains, oldest first, to the L1d through
 * hw_mem_ref as a store; a load of the same core sees its own buffered
 * stores (store-to-load forwarding), other cores do not see them. MFENCE,
 * locked operations and serializing events (MOV to CR3, an exception
 * entry) drain the buffer; a store that finds it full drains the oldest
 * entry first. That is x86-TSO (Sewell, Sarkar, Owens, Zappa Nardelli,
 * Myreen, "x86-TSO: A Rigorous and Usable Programmer's Model for x86
 * Multiprocessors", CACM 53(7), 2010): a load may pass an older store to
 * another address, nothing else is reordered.
 *
 * When the core does not hold its stores (every other access), a store
 * goes through the buffer and drains at once: the same result and cost as
 * without one; narration says so (with caches on).
 */
#ifndef MMSIM_HW_STOREBUF_H
#define MMSIM_HW_STOREBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hw_cpu;

#define HW_SB_MAX_ENTRIES 256
#define HW_SB_BYTES       8     /* one entry: a store of up to 8 bytes */

struct hw_sb_entry {
	uint64_t pa;
	uint8_t len;
	uint8_t data[HW_SB_BYTES];
};

/* The buffer's time (with caches: hw_sb_retire): when each store in it
 * finishes draining, in the core's cycles, a ring of up to cap; the
 * drain is serial, one store's line after the other's. */
struct hw_sb_time {
	uint64_t *done_at;
	uint32_t head, count;
	uint64_t last;          /* when the youngest finishes */
};

struct hw_sb {
	struct hw_sb_entry *e;  /* cap entries, a ring */
	uint32_t cap, head, count;
	bool hold;              /* stores stay until drained */
	struct hw_sb_time t;
};

/* Allocate cpu's buffer of entries entries (0: none). 0 or -ENOMEM. */
int hw_sb_init(struct hw_cpu *cpu, uint32_t entries);
void hw_sb_destroy(struct hw_cpu *cpu);

/* Hold stores in the buffer (on) or not; turning it off drains it. A core
 * without a buffer ignores this. */
void hw_sb_hold(struct hw_cpu *cpu, bool on);

/* The stores waiting in cpu's buffer. */
uint32_t hw_sb_pending(const struct hw_cpu *cpu);

/* Drain up to n of the oldest stores (oldest first) to memory through the
 * caches; returns how many drained. hw_sb_drain drains them all (MFENCE,
 * a locked operation, a serializing instruction). */
uint32_t hw_sb_drain_n(struct hw_cpu *cpu, uint32_t n);
uint32_t hw_sb_drain(struct hw_cpu *cpu);

/* hw_access's part with a buffer that holds stores: the store of n bytes
 * of buf at pa (within one frame) enters the buffer in pieces of up to 8
 * bytes; the load of n bytes at pa reads memory, then this core's
 * buffered bytes over it. */
void hw_sb_store(struct hw_cpu *cpu, uint64_t pa, const void *buf, size_t n);
void hw_sb_load(struct hw_cpu *cpu, uint64_t pa, void *buf, size_t n);

/* The cost of stores with caches (hw/mem.c charges through these when the
 * core has a buffer): a store retires into the buffer at once and its
 * line's cycles (where the caches found it, read for ownership included)
 * are the buffer's, draining after the stores before it; the core waits
 * only when the buffer is full of stores still draining, until the oldest
 * is done. hw_sb_wait: a fence (MFENCE, a locked operation, a serializing
 * event) waits until every store in it is done. Each adds its wait to the
 * core's cycles and cost_sb. */
void hw_sb_retire(struct hw_cpu *cpu, uint32_t cycles);

/* With fill buffers (lfb.entries): a store about to retire first gets a
 * place in the buffer (hw_sb_room: the core waits while it is full of
 * stores still draining), then its line's fetch starts at once, beside
 * the others in flight, and the store is done draining at done or when
 * the store before it is, if later (hw_sb_retire_until: stores leave in
 * order, their misses overlap). */
void hw_sb_room(struct hw_cpu *cpu);
void hw_sb_retire_until(struct hw_cpu *cpu, uint64_t done);
void hw_sb_wait(struct hw_cpu *cpu);

/* Narrate a store that passes through the buffer and drains at once (a
 * core that does not hold its stores). */
void hw_sb_narrate_through(struct hw_cpu *cpu, uint64_t pa, size_t n);

#endif

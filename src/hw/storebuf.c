/* hw/storebuf.c — a core's store buffer (see storebuf.h). */
#include "hw/storebuf.h"

#include "hw/cpu.h"
#include "hw/internal.h"
#include "hw/memref.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* See storebuf.h. */
int hw_sb_init(struct hw_cpu *cpu, uint32_t entries)
{
	memset(&cpu->sb, 0, sizeof cpu->sb);
	if (!entries)
		return 0;
	cpu->sb.e = calloc(entries, sizeof *cpu->sb.e);
	cpu->sb.t.done_at = calloc(entries, sizeof *cpu->sb.t.done_at);
	if (!cpu->sb.e || !cpu->sb.t.done_at) {
		hw_sb_destroy(cpu);
		return -ENOMEM;
	}
	cpu->sb.cap = entries;
	return 0;
}

/* See storebuf.h. */
void hw_sb_destroy(struct hw_cpu *cpu)
{
	free(cpu->sb.e);
	free(cpu->sb.t.done_at);
	memset(&cpu->sb, 0, sizeof cpu->sb);
}

/* See storebuf.h. */
uint32_t hw_sb_pending(const struct hw_cpu *cpu)
{
	return cpu->sb.count;
}

/* The bytes of a store as a little-endian number, for narration. */
static uint64_t value_of(const uint8_t *data, size_t n)
{
	uint64_t v = 0;
	memcpy(&v, data, n < sizeof v ? n : sizeof v);
	return v;
}

/* Write the bytes of entry e to RAM (beyond RAM they vanish), after their
 * reference through the core's door to memory (a store: the caches make
 * the line M). */
static void commit(struct hw_cpu *cpu, const struct hw_sb_entry *e)
{
	uint64_t at = hw_mem_ref(cpu, e->pa, e->len, HW_REF_STORE);
	if (ram_contains(cpu->ram, at, e->len))
		memcpy(ram_ptr(cpu->ram, at), e->data, e->len);
}

/* See storebuf.h. */
uint32_t hw_sb_drain_n(struct hw_cpu *cpu, uint32_t n)
{
	struct hw_sb *sb = &cpu->sb;
	uint32_t done = 0;
	for (; done < n && sb->count; done++) {
		const struct hw_sb_entry *e = &sb->e[sb->head];
		hw_emit(cpu, .type = HW_EV_SB, .op = HW_SB_DRAINED, .entry_pa = e->pa, .count = e->len,
			.value = value_of(e->data, e->len), .index = (uint16_t)(sb->count - 1));
		commit(cpu, e);
		sb->head = (sb->head + 1) % sb->cap;
		sb->count--;
	}
	return done;
}

/* The core waits until its cycle count reaches until (if it is behind). */
static void sb_stall(struct hw_cpu *cpu, uint64_t until)
{
	if (until <= cpu->ctr.cycles)
		return;
	cpu->ctr.cost_sb += until - cpu->ctr.cycles;
	cpu->ctr.cycles = until;
}

/* See storebuf.h. */
void hw_sb_room(struct hw_cpu *cpu)
{
	struct hw_sb_time *t = &cpu->sb.t;
	uint32_t cap = cpu->sb.cap;
	while (t->count && t->done_at[t->head] <= cpu->ctr.cycles) {     /* drained meanwhile */
		t->head = (t->head + 1) % cap;
		t->count--;
	}
	if (t->count == cap) {                                  /* full: wait for the oldest */
		sb_stall(cpu, t->done_at[t->head]);
		t->head = (t->head + 1) % cap;
		t->count--;
	}
}

/* The store that got room is done draining at t->last. */
static void sb_push(struct hw_cpu *cpu)
{
	struct hw_sb_time *t = &cpu->sb.t;
	t->done_at[(t->head + t->count) % cpu->sb.cap] = t->last;
	t->count++;
}

/* See storebuf.h. */
void hw_sb_retire(struct hw_cpu *cpu, uint32_t cycles)
{
	struct hw_sb_time *t = &cpu->sb.t;
	hw_sb_room(cpu);
	uint64_t start = t->last > cpu->ctr.cycles ? t->last : cpu->ctr.cycles;
	t->last = start + cycles;
	sb_push(cpu);
}

/* See storebuf.h. */
void hw_sb_retire_until(struct hw_cpu *cpu, uint64_t done)
{
	struct hw_sb_time *t = &cpu->sb.t;
	hw_sb_room(cpu);
	if (done > t->last)
		t->last = done;
	sb_push(cpu);
}

/* See storebuf.h. */
void hw_sb_wait(struct hw_cpu *cpu)
{
	if (!cpu->sb.t.count)
		return;
	sb_stall(cpu, cpu->sb.t.last);
	cpu->sb.t.count = 0;
}

/* See storebuf.h. */
uint32_t hw_sb_drain(struct hw_cpu *cpu)
{
	cpu->ctr.sb_fences++;
	hw_emit(cpu, .type = HW_EV_SB, .op = HW_SB_FENCE, .index = (uint16_t)cpu->sb.count);
	uint32_t n = hw_sb_drain_n(cpu, cpu->sb.count);
	hw_sb_wait(cpu);
	return n;
}

/* See storebuf.h. */
void hw_sb_hold(struct hw_cpu *cpu, bool on)
{
	if (!cpu->sb.cap)
		return;
	if (!on)
		hw_sb_drain_n(cpu, cpu->sb.count);
	cpu->sb.hold = on;
}

/* See storebuf.h. */
void hw_sb_store(struct hw_cpu *cpu, uint64_t pa, const void *buf, size_t n)
{
	struct hw_sb *sb = &cpu->sb;
	const uint8_t *b = buf;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < HW_SB_BYTES ? n - done : HW_SB_BYTES;
		if (sb->count == sb->cap)
			hw_sb_drain_n(cpu, 1);      /* the store waits for room */
		struct hw_sb_entry *e = &sb->e[(sb->head + sb->count) % sb->cap];
		e->pa = pa + done;
		e->len = (uint8_t)k;
		if (b)
			memcpy(e->data, b + done, k);
		else
			memset(e->data, 0, k);
		sb->count++;
		cpu->ctr.sb_stores++;
		hw_emit(cpu, .type = HW_EV_SB, .op = HW_SB_BUFFERED, .entry_pa = e->pa, .count = e->len,
			.value = value_of(e->data, k), .index = (uint16_t)sb->count, .old = sb->cap);
		done += k;
	}
}

/* See storebuf.h. Entries are applied oldest first, so the youngest store
 * to a byte wins. */
void hw_sb_load(struct hw_cpu *cpu, uint64_t pa, void *buf, size_t n)
{
	struct hw_sb *sb = &cpu->sb;
	uint8_t *b = buf;
	uint64_t at = hw_mem_ref(cpu, pa, (unsigned)n, HW_REF_LOAD);
	if (!b)
		return;
	if (ram_contains(cpu->ram, at, n))
		memcpy(b, ram_ptr(cpu->ram, at), n);
	else
		memset(b, 0xff, n);
	for (uint32_t i = 0; i < sb->count; i++) {
		const struct hw_sb_entry *e = &sb->e[(sb->head + i) % sb->cap];
		uint64_t lo = e->pa > pa ? e->pa : pa, hi = e->pa + e->len < pa + n ? e->pa + e->len : pa + n;
		if (lo >= hi)
			continue;
		memcpy(b + (lo - pa), e->data + (lo - e->pa), hi - lo);
		cpu->ctr.sb_forwards++;
		hw_emit(cpu, .type = HW_EV_SB, .op = HW_SB_FORWARDED, .entry_pa = lo, .count = (uint32_t)(hi - lo),
			.value = value_of(e->data + (lo - e->pa), hi - lo));
	}
}

/* See storebuf.h. */
void hw_sb_narrate_through(struct hw_cpu *cpu, uint64_t pa, size_t n)
{
	hw_emit(cpu, .type = HW_EV_SB, .op = HW_SB_THROUGH, .entry_pa = pa, .count = (uint32_t)n,
		.old = cpu->sb.cap);
}

/* trace/record.c — records to slots and back (docs/trace-format.md,
 * "Records"). */
#include "trace/format.h"

#include <stdio.h>
#include <string.h>

/* The most slots a map's name takes: 255 bytes and the NUL. */
#define NAME_SLOTS ((255 + 1 + TRACE_SLOT - 1) / TRACE_SLOT)

/* See format.h. */
int trace_event_extra(unsigned type)
{
	switch (type) {
	case MMSIM_TRACE_SYSCALL:
		return 4;
	case MMSIM_TRACE_MAP:
		return 2;
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
	case MMSIM_TRACE_EXIT:
	case MMSIM_TRACE_BRK:
		return 1;
	default:
		return -1;
	}
}

/* The first slot of an event: value, the slots after it, type, tid. */
static void event_head(uint8_t *s, uint64_t value, int extra, unsigned type, uint32_t tid)
{
	put64(s, value);
	put16(s + 8, (uint16_t)extra);
	s[10] = (uint8_t)(SLOT_EVENT | type);
	s[11] = 0;
	put32(s + 12, tid);
}

/* See format.h. */
int trace_encode(const struct mmsim_trace_record *r, uint8_t *s, int max, char *why, size_t whylen)
{
	int extra = trace_event_extra(r->type);
	size_t nlen = 0;

	if (r->type == MMSIM_TRACE_ACCESS) {
		const struct mmsim_ref *a = &r->access;
		if (a->kind > MMSIM_MODIFY || !a->size || a->size > 4096 || a->flags) {
			snprintf(why, whylen, "an access of kind %u, size %u, flags %u (kinds 0-3, sizes 1-4096, "
				 "flags 0)", a->kind, a->size, a->flags);
			return -1;
		}
		put64(s, a->addr);
		put16(s + 8, a->size);
		s[10] = a->kind;
		s[11] = 0;
		put32(s + 12, r->tid);
		return 1;
	}
	if (extra < 0) {
		snprintf(why, whylen, "record type %d is not one of the format's", (int)r->type);
		return -1;
	}
	if (r->type == MMSIM_TRACE_MAP) {
		nlen = strnlen(r->map.name, sizeof r->map.name);
		if (nlen == sizeof r->map.name) {
			snprintf(why, whylen, "a map name of more than 255 bytes");
			return -1;
		}
		extra += (int)(nlen / TRACE_SLOT + 1);
	}
	if (1 + extra > max) {
		snprintf(why, whylen, "no room for %d slots", 1 + extra);
		return -1;
	}
	memset(s + TRACE_SLOT, 0, (size_t)extra * TRACE_SLOT);
	uint8_t *x = s + TRACE_SLOT;
	switch (r->type) {
	case MMSIM_TRACE_SYSCALL:
		event_head(s, (uint64_t)r->syscall.result, extra, r->type, r->tid);
		put64(x, r->syscall.nr);
		for (int i = 0; i < 6; i++)
			put64(x + 8 + 8 * i, r->syscall.args[i]);
		break;
	case MMSIM_TRACE_MAP:
		event_head(s, r->map.start, extra, r->type, r->tid);
		put64(x, r->map.end);
		put64(x + 8, r->map.offset);
		put32(x + 16, r->map.prot);
		put32(x + 20, r->map.flags);
		put64(x + 24, r->map.inode);
		memcpy(x + 32, r->map.name, nlen);
		break;
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		event_head(s, r->clone.child, extra, r->type, r->tid);
		put64(x, r->clone.clone_flags);
		break;
	case MMSIM_TRACE_EXIT:
		event_head(s, (uint64_t)r->exit.code, extra, r->type, r->tid);
		put64(x, r->exit.group);
		break;
	case MMSIM_TRACE_BRK:
		event_head(s, r->brk.start_brk, extra, r->type, r->tid);
		put64(x, r->brk.brk);
		break;
	default:
		break;
	}
	return 1 + extra;
}

/* See format.h. The checks are those docs/trace-format.md lists. */
int trace_decode(const uint8_t *s, size_t avail, struct mmsim_trace_record *r, char *why, size_t whylen)
{
	unsigned kind = s[10];
	r->tid = get32(s + 12);
	if (kind < SLOT_EVENT) {
		r->type = MMSIM_TRACE_ACCESS;
		r->access = (struct mmsim_ref){ .addr = get64(s), .size = get16(s + 8), .kind = (uint8_t)kind,
						.flags = s[11], .tid = r->tid };
		if (kind > MMSIM_MODIFY || !r->access.size || r->access.size > 4096 || s[11]) {
			snprintf(why, whylen, "an access with kind %u, size %u, flags %u (expected kind 0-3 or "
				 "an event 0x81-0x86, size 1-4096, flags 0)", kind, r->access.size, s[11]);
			return -1;
		}
		return 1;
	}
	unsigned type = kind & ~SLOT_EVENT;
	int want = trace_event_extra(type);
	unsigned extra = get16(s + 8);
	if (want < 0 || s[11]) {
		snprintf(why, whylen, "an event of type %#x, flags %u (expected 0x81-0x86, flags 0)", kind, s[11]);
		return -1;
	}
	if (type == MMSIM_TRACE_MAP ? extra < 3 || extra > 2 + NAME_SLOTS : extra != (unsigned)want) {
		snprintf(why, whylen, "an event of type %#x with %u slots after it (expected %s)", kind, extra,
			 type == MMSIM_TRACE_MAP ? "3 to 18" : want == 4 ? "4" : "1");
		return -1;
	}
	if (1 + extra > avail) {
		snprintf(why, whylen, "an event of %u slots with %zu left in its block (an event lies in one "
			 "block)", 1 + extra, avail);
		return -1;
	}
	const uint8_t *x = s + TRACE_SLOT;
	uint64_t value = get64(s);
	r->type = (enum mmsim_trace_type)type;
	switch (type) {
	case MMSIM_TRACE_SYSCALL:
		r->syscall.result = (int64_t)value;
		r->syscall.nr = get64(x);
		for (int i = 0; i < 6; i++)
			r->syscall.args[i] = get64(x + 8 + 8 * i);
		break;
	case MMSIM_TRACE_MAP: {
		size_t room = (extra - 2) * TRACE_SLOT;
		const uint8_t *name = x + 32, *nul = memchr(name, 0, room);
		r->map.start = value;
		r->map.end = get64(x);
		r->map.offset = get64(x + 8);
		r->map.prot = get32(x + 16);
		r->map.flags = get32(x + 20);
		r->map.inode = get64(x + 24);
		if (!nul || nul - name > 255 || r->map.end <= r->map.start || r->map.prot > 7 || r->map.flags > 7) {
			snprintf(why, whylen, "a map [%#llx, %#llx) prot %u flags %u%s (expected start < end, prot "
				 "and flags 0-7, a NUL-terminated name)", (unsigned long long)r->map.start,
				 (unsigned long long)r->map.end, r->map.prot, r->map.flags,
				 nul ? "" : " with no NUL after its name");
			return -1;
		}
		memcpy(r->map.name, name, (size_t)(nul - name) + 1);
		break;
	}
	case MMSIM_TRACE_THREAD:
	case MMSIM_TRACE_FORK:
		r->clone.child = (uint32_t)value;
		r->clone.clone_flags = get64(x);
		if (value > UINT32_MAX) {
			snprintf(why, whylen, "a new thread id %llu (expected at most 32 bits)", (unsigned long long)value);
			return -1;
		}
		break;
	case MMSIM_TRACE_EXIT:
		r->exit.code = (int64_t)value;
		r->exit.group = (uint32_t)get64(x);
		break;
	case MMSIM_TRACE_BRK:
		r->brk.start_brk = value;
		r->brk.brk = get64(x);
		break;
	}
	return 1 + (int)extra;
}

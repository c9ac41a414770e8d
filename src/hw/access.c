/* hw/access.c — accesses that move bytes through the MMU. */
#include "hw/ept.h"
#include "hw/memref.h"
#include "hw/translate.h"

#include <errno.h>
#include <string.h>

/* Move n bytes between buf and physical address pa, which lie in one 4 KiB
 * frame: beyond RAM, reads give 0xff and writes vanish. */
static void phys_move(const struct ram *ram, uint64_t pa, void *buf, size_t n, bool write)
{
	if (!ram_contains(ram, pa, n)) {
		if (!write)
			memset(buf, 0xff, n);
		return;
	}
	if (write)
		memcpy(ram_ptr(ram, pa), buf, n);
	else
		memcpy(buf, ram_ptr(ram, pa), n);
}

/* hw_access's pieces for a core that holds its stores: stores enter the
 * store buffer, loads see it (hw/storebuf.h). */
static int __attribute__((noinline)) held_access(struct hw_cpu *cpu, const uint64_t *pa, const size_t *n,
						int pieces, void *buf, bool write)
{
	size_t done = 0;
	for (int i = 0; i < pieces; i++) {
		uint8_t *b = buf ? (uint8_t *)buf + done : NULL;
		if (write)
			hw_sb_store(cpu, pa[i], b, n[i]);
		else
			hw_sb_load(cpu, pa[i], b, n[i]);
		done += n[i];
	}
	return 0;
}

/* See translate.h. The access is cut at 4 KiB boundaries of the linear
 * address (each piece is then within one physical frame, whatever the
 * page size), and every piece is translated before any byte moves. */
int hw_access(struct hw_cpu *cpu, uint64_t va, void *buf, size_t len, enum hw_access kind,
	      enum hw_priv priv, struct hw_exception *exc)
{
	uint64_t pa[2];
	size_t n[2], done = 0;
	int pieces = 0;
	if (len > HW_ACCESS_MAX)
		return -EINVAL;
	for (; done < len; pieces++) {
		uint64_t a = va + done;
		size_t room = HW_PAGE_SIZE - (a & (HW_PAGE_SIZE - 1));
		struct hw_xlat x = hw_translate(cpu, a, kind, priv);
		if (x.exc.vector) {
			if (exc)
				*exc = x.exc;
			return -EFAULT;
		}
		pa[pieces] = x.pa;
		n[pieces] = room < len - done ? room : len - done;
		done += n[pieces];
	}
	enum hw_ref why = kind == HW_WRITE ? HW_REF_STORE : kind == HW_FETCH ? HW_REF_FETCH : HW_REF_LOAD;
	if (__builtin_expect(cpu->sb.hold, 0) && kind != HW_FETCH && buf && !cpu->in_guest)
		return held_access(cpu, pa, n, pieces, buf, kind == HW_WRITE);
	/* Every piece's reference before any byte moves: in a guest one may
	 * exit (hw/ept.h), and then nothing is stored. */
	for (int i = 0, off = 0; i < pieces; off += (int)n[i], i++) {
		if (__builtin_expect(cpu->trace != NULL, 0) && why == HW_REF_STORE && cpu->sb.cap && cpu->mem)
			hw_sb_narrate_through(cpu, pa[i], n[i]);
		pa[i] = hw_mem_ref(cpu, pa[i], (unsigned)n[i], why);
		if (__builtin_expect(pa[i] == HW_MEMREF_EXIT, 0)) {
			cpu->vmx.exit.gla = va + (uint64_t)off;    /* the linear address of this piece */
			struct hw_exception e = hw_vmx_take_exit(cpu);
			if (exc)
				*exc = e;
			return -EFAULT;
		}
	}
	done = 0;
	for (int i = 0; i < pieces; i++) {
		if (buf)
			phys_move(cpu->ram, pa[i], (uint8_t *)buf + done, n[i], kind == HW_WRITE);
		done += n[i];
	}
	return 0;
}

/* api/seg.c — segments and TLS: arch_prctl, set_thread_area,
 * get_thread_area, modify_ldt and the views, each handed to the machine's
 * backend; Linux's struct user_desc and descriptors as data. */
#include "api/api.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* See mmsim.h. */
int64_t mmsim_arch_prctl(mmsim_machine *m, int pid, int code, uint64_t addr)
{
	if (!API_SERVES(m, arch_prctl))
		return -EOPNOTSUPP;
	return api_result(m, "arch_prctl", m->ops->arch_prctl(m, pid, code, addr));
}

/* See mmsim.h. */
int64_t mmsim_set_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc)
{
	if (!API_SERVES(m, set_thread_area))
		return -EOPNOTSUPP;
	return api_result(m, "set_thread_area", m->ops->set_thread_area(m, pid, desc));
}

/* See mmsim.h. */
int64_t mmsim_get_thread_area(mmsim_machine *m, int pid, struct mmsim_user_desc *desc)
{
	if (!API_SERVES(m, get_thread_area))
		return -EOPNOTSUPP;
	return api_result(m, "get_thread_area", m->ops->get_thread_area(m, pid, desc));
}

/* See mmsim.h. */
int64_t mmsim_modify_ldt(mmsim_machine *m, int pid, int func, void *ptr, uint64_t bytecount)
{
	if (!API_SERVES(m, modify_ldt))
		return -EOPNOTSUPP;
	return api_result(m, "modify_ldt", m->ops->modify_ldt(m, pid, func, ptr, bytecount));
}

/* See mmsim.h. */
int mmsim_segments(mmsim_machine *m, int pid, struct mmsim_segments *out)
{
	if (!API_SERVES(m, segments))
		return -EOPNOTSUPP;
	return (int)api_result(m, "segments", m->ops->segments(m, pid, out));
}

/* See mmsim.h. */
int mmsim_gdt(mmsim_machine *m, int cpu, uint64_t *words, size_t max)
{
	if (!API_SERVES(m, gdt))
		return -EOPNOTSUPP;
	return (int)api_result(m, "gdt", m->ops->gdt(m, cpu, words, max));
}

/* ---- data ---------------------------------------------------------------------- */

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* See mmsim.h. The flags word holds the bit fields in declaration order,
 * from bit 0 (x86-64 GCC's layout, which the kernel's is). */
void mmsim_user_desc_pack(const struct mmsim_user_desc *d, unsigned char out[16])
{
	put32(out, d->entry_number);
	put32(out + 4, d->base_addr);
	put32(out + 8, d->limit);
	put32(out + 12, (d->seg_32bit & 1) | (d->contents & 3) << 1 | (d->read_exec_only & 1) << 3 |
				(d->limit_in_pages & 1) << 4 | (d->seg_not_present & 1) << 5 |
				(d->useable & 1) << 6 | (d->lm & 1) << 7);
}

/* See mmsim.h. */
void mmsim_user_desc_unpack(const unsigned char in[16], struct mmsim_user_desc *d)
{
	uint32_t f = get32(in + 12);
	*d = (struct mmsim_user_desc){ .entry_number = get32(in), .base_addr = get32(in + 4), .limit = get32(in + 8),
				       .seg_32bit = f & 1, .contents = (f >> 1) & 3, .read_exec_only = (f >> 3) & 1,
				       .limit_in_pages = (f >> 4) & 1, .seg_not_present = (f >> 5) & 1,
				       .useable = (f >> 6) & 1, .lm = (f >> 7) & 1 };
}

/* See mmsim.h. attr: type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14,
 * G 15, unusable 16. */
int mmsim_segment_kind(uint32_t attr, char *buf, size_t len)
{
	static const char *const sys[16] = {
		[2] = "LDT", [9] = "64-bit TSS (available)", [11] = "64-bit TSS (busy)", [12] = "call gate",
		[14] = "interrupt gate", [15] = "trap gate",
	};
	unsigned type = attr & 0xf, dpl = (attr >> 5) & 3;
	const char *p = (attr & 0x80) ? "present" : "not present";
	if (attr & 0x10000)
		return snprintf(buf, len, "unusable (null selector)");
	if (!(attr & 0x10))
		return snprintf(buf, len, "%s, DPL %u, %s", sys[type] ? sys[type] : "reserved system type", dpl, p);
	if (type & 8)
		return snprintf(buf, len, "%s code%s%s, DPL %u, %s",
				(attr & 0x2000) ? "64-bit" : (attr & 0x4000) ? "32-bit" : "16-bit",
				(type & 2) ? ", readable" : ", execute-only", (type & 4) ? ", conforming" : "", dpl, p);
	return snprintf(buf, len, "%s data, %s%s, DPL %u, %s", (attr & 0x4000) ? "32-bit" : "16-bit",
			(type & 2) ? "read/write" : "read-only", (type & 4) ? ", expand-down" : "", dpl, p);
}

/* See mmsim.h. */
void mmsim_descriptor_decode(uint64_t lo, uint64_t hi, struct mmsim_descriptor *d)
{
	uint32_t attr = (uint32_t)(((lo >> 40) & 0xff) | ((lo >> 52) & 0xf) << 12);
	uint32_t limit20 = (uint32_t)((lo & 0xffff) | ((lo >> 48) & 0xf) << 16);
	memset(d, 0, sizeof *d);
	d->base = ((lo >> 16) & 0xffffff) | ((lo >> 56) & 0xff) << 24;
	d->wide = !(attr & 0x10) && lo != 0;
	if (d->wide)
		d->base |= (hi & 0xffffffffULL) << 32;
	d->limit = (attr & 0x8000) ? limit20 << 12 | 0xfff : limit20;
	d->type = attr & 0xf;
	d->s = (attr >> 4) & 1;
	d->dpl = (attr >> 5) & 3;
	d->present = (attr >> 7) & 1;
	d->avl = (attr >> 12) & 1;
	d->l = (attr >> 13) & 1;
	d->db = (attr >> 14) & 1;
	d->g = (attr >> 15) & 1;
	if (lo)
		mmsim_segment_kind(attr, d->kind, sizeof d->kind);
	else
		snprintf(d->kind, sizeof d->kind, "null");
}

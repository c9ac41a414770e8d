/* hw/coherence.c — MESI, MOESI and MESIF as tables (see coherence.h).
 * Sources: Sorin, Hill and Wood, "A Primer on Memory Consistency and Cache
 * Coherence" (2nd ed., 2020), ch. 7 (MOESI, the O and F states); AMD64
 * Architecture Programmer's Manual vol. 2, §7.3 (AMD's MOESI); Intel's
 * MESIF: Hum and Goodman, US patent 6,922,756 (the F state). */
#include "hw/coherence.h"

#define R(n, s, w) { .next = HW_LS_##n, .supply = (s), .writeback = (w) }

/* [protocol][snoop][holder's state]. A state the protocol does not have
 * never occurs; its row says I so that a mistake shows. */
static const struct hw_snoop_rule rules[HW_NR_PROTOCOLS][HW_NR_SNOOPS][HW_NR_LINE_STATES] = {
	[HW_MESI] = {
		[HW_SNOOP_READ] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(S, 0, 0), [HW_LS_E] = R(S, 0, 0),
			[HW_LS_M] = R(S, 1, 1), [HW_LS_O] = R(I, 0, 0), [HW_LS_F] = R(I, 0, 0),
		},
		[HW_SNOOP_WRITE] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(I, 0, 0), [HW_LS_E] = R(I, 0, 0),
			[HW_LS_M] = R(I, 1, 0), [HW_LS_O] = R(I, 0, 0), [HW_LS_F] = R(I, 0, 0),
		},
	},
	[HW_MOESI] = {
		[HW_SNOOP_READ] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(S, 0, 0), [HW_LS_E] = R(S, 1, 0),
			[HW_LS_M] = R(O, 1, 0), [HW_LS_O] = R(O, 1, 0), [HW_LS_F] = R(I, 0, 0),
		},
		[HW_SNOOP_WRITE] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(I, 0, 0), [HW_LS_E] = R(I, 1, 0),
			[HW_LS_M] = R(I, 1, 0), [HW_LS_O] = R(I, 1, 0), [HW_LS_F] = R(I, 0, 0),
		},
	},
	[HW_MESIF] = {
		[HW_SNOOP_READ] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(S, 0, 0), [HW_LS_E] = R(S, 1, 0),
			[HW_LS_M] = R(S, 1, 1), [HW_LS_O] = R(I, 0, 0), [HW_LS_F] = R(S, 1, 0),
		},
		[HW_SNOOP_WRITE] = {
			[HW_LS_I] = R(I, 0, 0), [HW_LS_S] = R(I, 0, 0), [HW_LS_E] = R(I, 1, 0),
			[HW_LS_M] = R(I, 1, 0), [HW_LS_O] = R(I, 0, 0), [HW_LS_F] = R(I, 1, 0),
		},
	},
};

/* See coherence.h. */
const struct hw_snoop_rule *hw_snoop_rule(enum hw_protocol p, enum hw_snoop op, enum hw_line_state st)
{
	return &rules[p][op][st];
}

/* See coherence.h. */
enum hw_line_state hw_read_fill_state(enum hw_protocol p, bool shared)
{
	if (!shared)
		return HW_LS_E;
	return p == HW_MESIF ? HW_LS_F : HW_LS_S;
}

/* See coherence.h. */
const char *hw_line_state_name(unsigned st)
{
	static const char names[HW_NR_LINE_STATES][2] = { "I", "S", "E", "M", "O", "F" };
	return st < HW_NR_LINE_STATES ? names[st] : "?";
}

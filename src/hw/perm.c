/*
 * hw/perm.c — access rights (Intel SDM Vol. 3A §4.6).
 *
 * The rights of a linear address combine every entry on its path: it is a
 * user-mode address only when U/S=1 at every level, writable only when
 * R/W=1 at every level, and execute-disabled when XD=1 at any level (with
 * EFER.NXE=1). What an access may do then depends on who makes it and on
 * CR0.WP, CR4.SMEP, CR4.SMAP with RFLAGS.AC, and, for data accesses to
 * user-mode addresses under CR4.PKE, the PKRU bits of the page's key.
 */
#include "hw/internal.h"

/* The paging rule an access breaks, or HW_RULE_ALLOWED; protection keys
 * are separate (see pk_rule). */
static enum hw_rule paging_rule(const struct hw_cpu *cpu, unsigned attrs, enum hw_access kind,
				enum hw_priv priv, bool ac)
{
	bool user_page = attrs & HW_R_U, writable = attrs & HW_R_W;
	bool xd = (attrs & HW_R_XD) && (cpu->efer & HW_EFER_NXE);
	bool wp = cpu->cr0 & HW_CR0_WP;

	if (priv == HW_USER) {
		if (!user_page)
			return HW_RULE_US;
		if (kind == HW_WRITE && !writable)
			return HW_RULE_RW;
		return kind == HW_FETCH && xd ? HW_RULE_XD : HW_RULE_ALLOWED;
	}
	if (kind == HW_FETCH) {
		if (user_page && (cpu->cr4 & HW_CR4_SMEP))
			return HW_RULE_SMEP;
		return xd ? HW_RULE_XD : HW_RULE_ALLOWED;
	}
	if (user_page && (cpu->cr4 & HW_CR4_SMAP) && (priv == HW_IMPLICIT || !ac))
		return priv == HW_IMPLICIT ? HW_RULE_SMAP_IMPLICIT : HW_RULE_SMAP;
	return kind == HW_WRITE && !writable && wp ? HW_RULE_WP : HW_RULE_ALLOWED;
}

/* The protection-key rule a data access to a user-mode address breaks
 * (SDM §4.6.2): AD forbids every data access; WD forbids writes by user
 * mode, and by supervisor mode when CR0.WP=1. */
static enum hw_rule pk_rule(const struct hw_cpu *cpu, unsigned attrs, enum hw_access kind,
			    enum hw_priv priv)
{
	if (!(cpu->cr4 & HW_CR4_PKE) || kind == HW_FETCH || !(attrs & HW_R_U))
		return HW_RULE_ALLOWED;
	unsigned key = (attrs >> HW_R_PKEY_SHIFT) & 0xF;
	unsigned bits = (cpu->pkru >> (2 * key)) & 3;
	if (bits & 1)
		return HW_RULE_PK_AD;
	if ((bits & 2) && kind == HW_WRITE && (priv == HW_USER || (cpu->cr0 & HW_CR0_WP)))
		return HW_RULE_PK_WD;
	return HW_RULE_ALLOWED;
}

/* See internal.h. */
uint32_t hw_pf_access_bits(const struct hw_cpu *cpu, enum hw_access kind, enum hw_priv priv)
{
	uint32_t code = 0;
	if (kind == HW_WRITE)
		code |= HW_PF_W;
	if (priv == HW_USER)
		code |= HW_PF_U;
	if (kind == HW_FETCH && ((cpu->efer & HW_EFER_NXE) || (cpu->cr4 & HW_CR4_SMEP)))
		code |= HW_PF_I;
	return code;
}

/* See internal.h. The PK bit is set whenever the key forbids the access,
 * whether or not a paging rule does too (SDM §4.7); the rule reported is
 * the paging rule when there is one. */
uint32_t hw_perm_check(const struct hw_cpu *cpu, unsigned attrs, enum hw_access kind,
		       enum hw_priv priv, bool ac, enum hw_rule *rule)
{
	enum hw_rule paging = paging_rule(cpu, attrs, kind, priv, ac);
	enum hw_rule pk = pk_rule(cpu, attrs, kind, priv);
	*rule = paging != HW_RULE_ALLOWED ? paging : pk;
	if (*rule == HW_RULE_ALLOWED)
		return 0;
	return HW_PF_P | hw_pf_access_bits(cpu, kind, priv) | (pk != HW_RULE_ALLOWED ? HW_PF_PK : 0);
}

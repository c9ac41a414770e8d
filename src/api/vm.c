/* api/vm.c — virtual machines: each call handed to the machine's backend,
 * after the checks every backend shares. */
#include "api/api.h"

#include <errno.h>
#include <string.h>

/* See mmsim.h. */
int mmsim_vm_create(mmsim_machine *m, const struct mmsim_vm_config *c)
{
	if (!API_SERVES(m, vm_create))
		return -EOPNOTSUPP;
	if (c->virt && strcmp(c->virt, "ept") && strcmp(c->virt, "npt"))
		return backend_fail(m, -EINVAL, "virt '%s': use ept or npt", c->virt);
	if (c->vpid > 0xffff)
		return backend_fail(m, -EINVAL, "vpid %u: VPIDs are 16 bits", c->vpid);
	return (int)api_result(m, "vm_create", m->ops->vm_create(m, c));
}

/* See mmsim.h. */
int mmsim_vm_destroy(mmsim_machine *m, int vm)
{
	if (!API_SERVES(m, vm_destroy))
		return -EOPNOTSUPP;
	return (int)api_result(m, "vm_destroy", m->ops->vm_destroy(m, vm));
}

/* See mmsim.h. */
int mmsim_vm_map(mmsim_machine *m, int vm, uint64_t gva, uint64_t gpa, int prot)
{
	if (!API_SERVES(m, vm_map))
		return -EOPNOTSUPP;
	if (prot & ~(MMSIM_PROT_READ | MMSIM_PROT_WRITE | MMSIM_PROT_EXEC))
		return backend_fail(m, -EINVAL, "vm_map: prot %#x has unknown bits", (unsigned)prot);
	return (int)api_result(m, "vm_map", m->ops->vm_map(m, vm, gva, gpa, prot));
}

/* See mmsim.h. */
int mmsim_vm_access(mmsim_machine *m, int vm, uint64_t gva, void *buf, size_t len, enum mmsim_access kind,
		    struct mmsim_vm_run *run)
{
	struct mmsim_vm_run r;
	if (!API_SERVES(m, vm_access))
		return -EOPNOTSUPP;
	if ((unsigned)kind > MMSIM_FETCH)
		return backend_fail(m, -EINVAL, "access kind %d: use read, write or fetch", (int)kind);
	if (len == 0 || len > 4096)
		return backend_fail(m, -EINVAL, "length %zu: a guest access moves 1 to 4096 bytes", len);
	memset(&r, 0, sizeof r);
	int rc = m->ops->vm_access(m, vm, gva, buf, len, kind, &r);
	if (run)
		*run = r;
	return (int)api_result(m, "vm_access", rc);
}

/* See mmsim.h. */
int mmsim_vm_info(mmsim_machine *m, int vm, struct mmsim_vm_info *out)
{
	if (!API_SERVES(m, vm_info))
		return -EOPNOTSUPP;
	return (int)api_result(m, "vm_info", m->ops->vm_info(m, vm, out));
}

/* See mmsim.h. */
int mmsim_vm_ept(mmsim_machine *m, int vm, uint64_t gpa, struct mmsim_vm_ept *out)
{
	if (!API_SERVES(m, vm_ept))
		return -EOPNOTSUPP;
	return (int)api_result(m, "vm_ept", m->ops->vm_ept(m, vm, gpa, out));
}

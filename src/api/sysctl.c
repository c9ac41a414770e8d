/* api/sysctl.c — the kernel's /proc/sys knobs for scripts. */
#include "api/api.h"
#include "host/host.h"

#include "kernel/sysctl.h"

#include <errno.h>

/* See mmsim.h. */
int mmsim_sysctl_set(mmsim_machine *m, const char *name, const char *value)
{
	if (m->host)
		return api_host_unsupported(m, "sysctl writes", "they would change this machine");
	char why[200] = "";
	int err = sysctl_write(&m->kernel, name, value, why, sizeof why);
	if (err)
		return api_fail(m, err, "%s", why);
	api_narrate_call(m, "sysctl %s = %s", name, value);
	return 0;
}

/* See mmsim.h. */
int mmsim_sysctl_get(mmsim_machine *m, const char *name, char *buf, size_t len)
{
	if (m->host)
		return host_sysctl_get(m->host, name, buf, len);
	int err = sysctl_read(&m->kernel, name, buf, len);
	if (err)
		return api_fail(m, err, "%s: no such sysctl", name);
	return 0;
}

/* See mmsim.h. */
const char *mmsim_sysctl_name(size_t i)
{
	return sysctl_name_at(i);
}

/*
 * web/src/host_none.c — the host backend in the browser: there is no
 * Linux kernel underneath WebAssembly, so mmsim_host_new and
 * mmsim_host_probe answer -ENOSYS (not Linux x86-64), as include/mmsim.h
 * says they do on such a system. Replaces src/host in the lab's build.
 */
#include "mmsim.h"

#include <errno.h>
#include <stdio.h>

/* See mmsim.h. */
int mmsim_host_new(const char *const *options, mmsim_machine **out, char *errbuf, size_t errlen)
{
	(void)options;
	*out = NULL;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "no host backend in the browser: there is no Linux kernel under WebAssembly");
	return -ENOSYS;
}

/* See mmsim.h. */
int mmsim_host_probe(struct mmsim_host_settings *s, char *errbuf, size_t errlen)
{
	(void)s;
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "no host to probe in the browser");
	return -ENOSYS;
}

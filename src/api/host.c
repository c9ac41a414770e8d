/* api/host.c — host machines (src/host/) behind the same handle. */
#include "api/api.h"

#include "host/host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* See mmsim.h. */
int mmsim_host_new(const char *const *options, mmsim_machine **out, char *eb, size_t el)
{
	char why[256] = "";
	mmsim_machine *m = calloc(1, sizeof *m);
	*out = NULL;
	if (!m) {
		api_errbuf(eb, el, "host: out of memory");
		return -ENOMEM;
	}
#if !defined(__linux__) || !defined(__x86_64__)
	(void)options;
	free(m);
	api_errbuf(eb, el, "host: the host backend needs Linux on x86-64");
	return -ENOSYS;
#else
	int err = host_new(options, why, sizeof why, &m->host);
	if (err) {
		api_errbuf(eb, el, "%s", why);
		free(m);
		return err;
	}
	m->host->err = m->last_error;
	m->host->errlen = sizeof m->last_error;
	snprintf(m->config.preset, sizeof m->config.preset, "host");
	*out = m;
	return 0;
#endif
}

/* See mmsim.h. */
int mmsim_machine_is_host(const mmsim_machine *m)
{
	return m->host != NULL;
}

/* See mmsim.h. */
int mmsim_host_probe(struct mmsim_host_settings *s, char *eb, size_t el)
{
	char why[256] = "";
	int err = host_probe(s, why, sizeof why);
	if (err)
		api_errbuf(eb, el, "%s", why);
	return err;
}

/* See api.h. */
int api_host_unsupported(mmsim_machine *m, const char *what, const char *why)
{
	return api_fail(m, -EOPNOTSUPP, "%s: not available on the host backend (%s)", what, why);
}

/* api/backend.c — the failure conventions of the backend interface. */
#include "api/api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

/* See backend.h. */
int backend_fail(mmsim_machine *m, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->last_error, sizeof m->last_error, fmt, ap);
	va_end(ap);
	m->failed = true;
	return err;
}

/* See backend.h. */
void backend_errbuf(char *errbuf, size_t errlen, const char *fmt, ...)
{
	if (!errbuf || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
}

/* See api.h. */
bool api_begin(mmsim_machine *m)
{
	m->failed = false;
	return true;
}

/* See api.h. */
bool api_unsupported(mmsim_machine *m, const char *op)
{
	const char *why = m->ops->why_unsupported ? m->ops->why_unsupported(op) : NULL;
	if (why)
		backend_fail(m, -EOPNOTSUPP, "%s: not available on the %s backend (%s)", op, m->ops->name, why);
	else
		backend_fail(m, -EOPNOTSUPP, "%s: not available on the %s backend", op, m->ops->name);
	return false;
}

/* See api.h. */
int64_t api_result(mmsim_machine *m, const char *op, int64_t r)
{
	if (r < 0 && r >= -4095 && !m->failed)
		backend_fail(m, (int)r, "%s: %s", op, mmsim_strerror((int)r));
	return r;
}

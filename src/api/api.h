/*
 * api/api.h — what the public API's files share: the dispatch of a call to
 * the machine's backend (api/backend.h), with the answers every backend
 * gets in one place.
 */
#ifndef MMSIM_API_API_H
#define MMSIM_API_API_H

#include "api/backend.h"

/* Does m's backend serve operation op (a slot of struct mmsim_backend)?
 * Yes: the call may go ahead (and its failures get a message). No: the
 * -EOPNOTSUPP message is recorded on m. Use as
 *	if (!API_SERVES(m, mmap))
 *		return -EOPNOTSUPP;
 */
#define API_SERVES(m, op) ((m)->ops->op ? api_begin(m) : api_unsupported((m), #op))

/* A call may go ahead on m: forget whether the previous one failed.
 * Returns true. */
bool api_begin(mmsim_machine *m);

/* Record "<op>: not available on the <backend> backend (<why>)" on m.
 * Returns false. */
bool api_unsupported(mmsim_machine *m, const char *op);

/* The end of call op that returned r: when r is a negative errno the
 * backend did not describe, record "<op>: <ERRNO>". Returns r. */
int64_t api_result(mmsim_machine *m, const char *op, int64_t r);

#endif

/*
 * web/src/trace_none.c — trace files in the browser: the lab's build has
 * no zstd or xz library for WebAssembly (Debian ships them for the host
 * only), so opening, creating, importing and replaying a trace answer
 * -ENOSYS and say why (docs/lab.md). Replaces src/trace in the lab's
 * build; the module's trace functions stay, and fail with this message.
 */
#include "mmsim_trace.h"

#include <errno.h>
#include <stdio.h>

static const char why[] = "no trace files in the browser lab (traces need zstd, which its build does not have)";

/* Say why into errbuf; -ENOSYS. */
static int no_traces(char *errbuf, size_t errlen)
{
	if (errbuf && errlen)
		snprintf(errbuf, errlen, "%s", why);
	return -ENOSYS;
}

/* See mmsim_trace.h: never opens. */
int mmsim_trace_open(const char *path, mmsim_trace **out, char *errbuf, size_t errlen)
{
	(void)path;
	*out = NULL;
	return no_traces(errbuf, errlen);
}

/* The readers below are never reached: mmsim_trace_open gives none. */
const struct mmsim_trace_info *mmsim_trace_info(const mmsim_trace *t)
{
	(void)t;
	return NULL;
}

int mmsim_trace_next(mmsim_trace *t, struct mmsim_trace_record *r)
{
	(void)t;
	(void)r;
	return -ENOSYS;
}

const char *mmsim_trace_error(const mmsim_trace *t)
{
	(void)t;
	return why;
}

uint64_t mmsim_trace_offset(const mmsim_trace *t)
{
	(void)t;
	return 0;
}

uint64_t mmsim_trace_size(const mmsim_trace *t)
{
	(void)t;
	return 0;
}

void mmsim_trace_close(mmsim_trace *t)
{
	(void)t;
}

/* See mmsim_trace.h: never creates. */
int mmsim_trace_create(const char *path, const struct mmsim_trace_meta *meta, mmsim_trace_writer **out,
		       char *errbuf, size_t errlen)
{
	(void)path;
	(void)meta;
	*out = NULL;
	return no_traces(errbuf, errlen);
}

/* The writers below are never reached: mmsim_trace_create gives none. */
int mmsim_trace_write(mmsim_trace_writer *w, const struct mmsim_trace_record *r)
{
	(void)w;
	(void)r;
	return -ENOSYS;
}

int mmsim_trace_finish(mmsim_trace_writer *w, char *errbuf, size_t errlen)
{
	(void)w;
	return no_traces(errbuf, errlen);
}

const char *mmsim_trace_writer_error(const mmsim_trace_writer *w)
{
	(void)w;
	return why;
}

/* See mmsim_trace.h: nothing to import into. */
int mmsim_trace_import(const char *format, const char *in, const char *out, uint64_t *records,
		       char *errbuf, size_t errlen)
{
	(void)format;
	(void)in;
	(void)out;
	if (records)
		*records = 0;
	return no_traces(errbuf, errlen);
}

/* See mmsim_trace.h: no trace to replay. */
int mmsim_replay(mmsim_machine *m, const char *path, const struct mmsim_replay_options *o,
		 struct mmsim_replay_report **out, char *errbuf, size_t errlen)
{
	(void)m;
	(void)path;
	(void)o;
	*out = NULL;
	return no_traces(errbuf, errlen);
}

void mmsim_replay_report_free(struct mmsim_replay_report *r)
{
	(void)r;
}

char *mmsim_replay_report_text(const struct mmsim_replay_report *r)
{
	(void)r;
	return NULL;
}

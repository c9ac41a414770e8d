/* tests/fuzz-trace/common.c — what the fuzz targets share (target.h). */
#include "target.h"

#include "mmsim.h"
#include "mmsim_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* A memfd holding size bytes of data (emptied first); its path in path. */
static int fill(int *fd, const char *name, const uint8_t *data, size_t size, char *path, size_t len)
{
	if (*fd < 0 && (*fd = memfd_create(name, 0)) < 0)
		return -1;
	if (ftruncate(*fd, 0) || (size && pwrite(*fd, data, size, 0) != (ssize_t)size))
		return -1;
	snprintf(path, len, "/proc/self/fd/%d", *fd);
	return 0;
}

/* See target.h. */
const char *fuzz_file(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	return fill(&fd, "fuzz-in", data, size, path, sizeof path) ? NULL : path;
}

/* See target.h. */
const char *fuzz_out(void)
{
	static int fd = -1;
	static char path[64];
	return fill(&fd, "fuzz-out", NULL, 0, path, sizeof path) ? NULL : path;
}

/* See target.h. */
void fuzz_read_and_replay(const char *path)
{
	char err[700];
	mmsim_trace *t;
	struct mmsim_trace_record r;
	if (mmsim_trace_open(path, &t, err, sizeof err))
		return;
	const struct mmsim_trace_info *info = mmsim_trace_info(t);
	for (int i = 0; i < info->argc; i++)            /* every header string is a string */
		if (!info->argv[i])
			abort();
	while (mmsim_trace_next(t, &r) > 0)
		;
	mmsim_trace_close(t);

	static mmsim_config *c;
	mmsim_machine *m;
	struct mmsim_replay_report *rep;
	if (!c && !(c = mmsim_config_new("teaching", NULL)))
		abort();
	if (mmsim_machine_new(c, &m, err, sizeof err))
		abort();
	if (!mmsim_replay(m, path, NULL, &rep, err, sizeof err)) {
		char *text = mmsim_replay_report_text(rep);
		free(text);
		mmsim_replay_report_free(rep);
	}
	mmsim_machine_free(m);
}

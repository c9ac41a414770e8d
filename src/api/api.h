/*
 * api/api.h — what the public API's files share: the machine and config
 * structures behind the opaque handles of mmsim.h.
 */
#ifndef MMSIM_API_API_H
#define MMSIM_API_API_H

#include "mmsim.h"

#include "hw/machine.h"
#include "hw/ram.h"
#include "kernel/kernel.h"

struct mmsim_config {
	struct hw_config hw;           /* from the preset, then -o overrides */
	struct kernel_config kernel;
	uint64_t seed;
	char preset[32];
};

/* A slab cache created through the API, with its constructor's pattern. */
struct api_cache {
	struct kmem_cache *s;          /* NULL once destroyed */
	size_t object_size;
	size_t pattern_len;
	char pattern[];                /* the constructor's fill, if any */
};

struct mmsim_machine {
	struct mmsim_config config;
	struct ram ram;
	struct hw_machine hw;
	struct kernel kernel;
	struct api_cache **caches;     /* handle h is caches[h - 1] */
	int nr_caches;
	char last_error[256];
	mmsim_explain_fn explain_fn;   /* NULL: explain mode off */
	void *explain_ctx;
	char flags_text[2][160];       /* api_flags_text's buffers */
	struct host_machine *host;     /* a host machine (mmsim_host_new): the
					* calls go to it; nothing above is used */
};

struct task_struct;

/* The live task pid, or NULL with -ESRCH recorded on m. */
struct task_struct *api_task(mmsim_machine *m, int pid);

/* value as the text of kind (mmsim_format_flags) in buffer slot (0 or 1)
 * of m, for narration. */
const char *api_flags_text(mmsim_machine *m, const char *kind, unsigned long value, int slot);

/* Narration of API calls, only when explain mode is on (the arguments are
 * not evaluated otherwise). A system call by t; a call on the machine; the
 * result of the call narrated last. */
#define api_narrate_syscall(m, t, ...)                                        \
	do {                                                                   \
		if ((m)->explain_fn)                                           \
			api_narrate_syscall_((m), (t), __VA_ARGS__);           \
	} while (0)
#define api_narrate_call(m, ...)                                               \
	do {                                                                   \
		if ((m)->explain_fn)                                           \
			api_narrate((m), __VA_ARGS__);                         \
	} while (0)
void api_narrate_syscall_(mmsim_machine *m, struct task_struct *t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void api_narrate(mmsim_machine *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void api_narrate_result(mmsim_machine *m, int64_t r);

/* Record a failure message on m and return err (a negative errno). */
int api_fail(mmsim_machine *m, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The failure of a call a host machine cannot serve: -EOPNOTSUPP with the
 * message "<what>: not available on the host backend (<why>)". */
int api_host_unsupported(mmsim_machine *m, const char *what, const char *why);

/* Format into errbuf when it is not NULL. */
void api_errbuf(char *errbuf, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif

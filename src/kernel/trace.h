/*
 * kernel/trace.h — narration of what the kernel does, step by step, each
 * step named after the function doing it (the explain mode prints these
 * beside the MMU's events). The functions have Linux's names, so the
 * narration names the Linux function doing the same step. Off by default:
 * then a trace point costs one test of a pointer and formats nothing.
 */
#ifndef MMSIM_KERNEL_TRACE_H
#define MMSIM_KERNEL_TRACE_H

struct kernel;

/* Receives each step: the core it ran on, the function, a sentence. */
typedef void (*kernel_trace_fn)(void *ctx, int cpu, const char *func, const char *text);

/* Format and deliver one step of function func (only call through
 * trace_kernel, or with the __func__ of the function narrating). */
void kernel_trace(struct kernel *k, int cpu, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Narrate a step of the calling function: its name is the step's name
 * (tests/cli/cases/narration.sh checks that every name narrated is a
 * function of src/). */
#define trace_kernel(k, cpu, ...)                                        \
	do {                                                             \
		if (__builtin_expect((k)->trace_fn != 0, 0))             \
			kernel_trace((k), (cpu), __func__, __VA_ARGS__); \
	} while (0)

#endif

/*
 * kernel/trace.h — narration of what the kernel does, step by step, named
 * after the Linux functions doing it (the explain mode prints these beside
 * the MMU's events). Off by default: then a trace point costs one test of a
 * pointer and formats nothing.
 */
#ifndef MMSIM_KERNEL_TRACE_H
#define MMSIM_KERNEL_TRACE_H

struct kernel;

/* Receives each step: the core it ran on, the Linux function, a sentence. */
typedef void (*kernel_trace_fn)(void *ctx, int cpu, const char *func, const char *text);

/* Format and deliver one step (only call through trace_kernel). */
void kernel_trace(struct kernel *k, int cpu, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define trace_kernel(k, cpu, func, ...)                                  \
	do {                                                             \
		if (__builtin_expect((k)->trace_fn != 0, 0))             \
			kernel_trace((k), (cpu), (func), __VA_ARGS__);   \
	} while (0)

#endif

/*
 * api/explain.c — explain mode: the narration of everything the machine does
 * for the calls made through the API, as lines of text. The MMU's events
 * (hw/trace.h) and the kernel's steps (kernel/trace.h) are merged into one
 * stream, each line tagged with the CPU it happened on.
 */
#include "api/api.h"

#include "hw/pte.h"
#include "hw/trace.h"
#include "kernel/sched.h"

#include <stdarg.h>
#include <stdio.h>

/* Deliver one line to the script's callback. */
static void emit(mmsim_machine *m, const char *line)
{
	if (m->explain_fn)
		m->explain_fn(m->explain_ctx, line);
}

/* The virtual address split into its table indexes and page offset, as
 * seed 003 §2.2 draws it: "PML4 255 | PDPT 511 | PD 0 | PT 18 | offset 0x20". */
static void va_split_line(mmsim_machine *m, const struct hw_event *ev)
{
	char line[200];
	int n = snprintf(line, sizeof line, "    %#llx =", (unsigned long long)ev->va);
	for (int level = ev->paging_levels; level >= 1 && n < (int)sizeof line; level--)
		n += snprintf(line + n, sizeof line - (size_t)n, " %s %u |", hw_level_name(level),
			      (unsigned)hw_va_index(ev->va, level));
	if (n < (int)sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, " offset %#llx",
			 (unsigned long long)(ev->va & 0xfff));
	emit(m, line);
}

/* A hardware event, formatted by the MMU's own narrator. */
static void hw_event_line(void *ctx, const struct hw_event *ev)
{
	mmsim_machine *m = ctx;
	char text[320], line[360];
	hw_event_format(ev, text, sizeof text);
	snprintf(line, sizeof line, "  %s", text);
	emit(m, line);
	if (ev->type == HW_EV_ACCESS)
		va_split_line(m, ev);
}

/* A kernel step: the Linux function doing it, then what it did. */
static void kernel_step_line(void *ctx, int cpu, const char *func, const char *text)
{
	mmsim_machine *m = ctx;
	char line[400];
	snprintf(line, sizeof line, "  cpu%d: kernel %s: %s", cpu, func, text);
	emit(m, line);
}

/* See mmsim.h. */
int mmsim_explain(mmsim_machine *m, mmsim_explain_fn fn, void *ctx)
{
	if (m->host)
		return fn ? api_host_unsupported(m, "explain", "real kernels do not narrate") : 0;
	m->explain_fn = fn;
	m->explain_ctx = ctx;
	for (int c = 0; c < m->hw.nr_cpus; c++)
		hw_set_trace(&m->hw.cpus[c], fn ? hw_event_line : NULL, fn ? m : NULL);
	m->kernel.trace_fn = fn ? kernel_step_line : NULL;
	m->kernel.trace_ctx = fn ? m : NULL;
	return 0;
}

/* See api.h. */
void api_narrate(mmsim_machine *m, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	emit(m, line);
}

/* See api.h. */
void api_narrate_syscall_(mmsim_machine *m, struct task_struct *t, const char *fmt, ...)
{
	char call[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(call, sizeof call, fmt, ap);
	va_end(ap);
	api_narrate(m, "pid %d (%s) on CPU %d: %s", t->pid, t->comm, t->cpu, call);
}

/* See api.h. */
void api_narrate_result(mmsim_machine *m, int64_t r)
{
	if (!m->explain_fn)
		return;
	if (r < 0 && r >= -4095)
		api_narrate(m, "  = -1 %s", mmsim_strerror((int)r));
	else if (r > 0xffff)
		api_narrate(m, "  = %#llx", (unsigned long long)r);
	else
		api_narrate(m, "  = %lld", (long long)r);
}

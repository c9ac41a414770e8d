/*
 * sim/explain.c — explain mode: the narration of everything the machine does
 * for the calls made through the API, as lines of text. The MMU's events
 * (hw/trace.h) and the kernel's steps (kernel/trace.h) are merged into one
 * stream, each line tagged with the CPU it happened on.
 */
#include "sim/sim.h"

#include "hw/pte.h"
#include "hw/trace.h"
#include "kernel/sched.h"

#include <stdarg.h>
#include <stdio.h>

/* Deliver one line to the script's callback. */
static void emit(struct sim_machine *s, const char *line)
{
	if (s->explain_fn)
		s->explain_fn(s->explain_ctx, line);
}

/* The virtual address split into its table indexes and page offset, as
 * the walk uses them: "PML4 255 | PDPT 511 | PD 0 | PT 18 | offset 0x20". */
static void va_split_line(struct sim_machine *s, const struct hw_event *ev)
{
	char line[200];
	int n = snprintf(line, sizeof line, "    %#llx =", (unsigned long long)ev->va);
	for (int level = ev->paging_levels; level >= 1 && n < (int)sizeof line; level--)
		n += snprintf(line + n, sizeof line - (size_t)n, " %s %u |", hw_level_name(level),
			      (unsigned)hw_va_index(ev->va, level));
	if (n < (int)sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, " offset %#llx",
			 (unsigned long long)(ev->va & 0xfff));
	emit(s, line);
}

/* A hardware event, formatted by the MMU's own narrator. */
static void hw_event_line(void *ctx, const struct hw_event *ev)
{
	struct sim_machine *s = ctx;
	char text[320], line[360];
	hw_event_format(ev, text, sizeof text);
	snprintf(line, sizeof line, "  %s", text);
	emit(s, line);
	if (ev->type == HW_EV_ACCESS)
		va_split_line(s, ev);
}

/* A kernel step: the Linux function doing it, then what it did. */
static void kernel_step_line(void *ctx, int cpu, const char *func, const char *text)
{
	struct sim_machine *s = ctx;
	char line[400];
	snprintf(line, sizeof line, "  cpu%d: kernel %s: %s", cpu, func, text);
	emit(s, line);
}

/* See sim.h. */
int sim_explain(mmsim_machine *m, mmsim_explain_fn fn, void *ctx)
{
	struct sim_machine *s = sim_machine(m);
	s->explain_fn = fn;
	s->explain_ctx = ctx;
	for (int c = 0; c < s->hw.nr_cpus; c++)
		hw_set_trace(&s->hw.cpus[c], fn ? hw_event_line : NULL, fn ? s : NULL);
	s->kernel.trace_fn = fn ? kernel_step_line : NULL;
	s->kernel.trace_ctx = fn ? s : NULL;
	return 0;
}

/* See sim.h. */
void sim_narrate(struct sim_machine *s, const char *fmt, ...)
{
	char line[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	emit(s, line);
}

/* See sim.h. */
void sim_narrate_syscall_(struct sim_machine *s, struct task_struct *t, const char *fmt, ...)
{
	char call[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(call, sizeof call, fmt, ap);
	va_end(ap);
	sim_narrate(s, "pid %d (%s) on CPU %d: %s", t->pid, t->comm, t->cpu, call);
}

/* See sim.h. */
void sim_narrate_result(struct sim_machine *s, int64_t r)
{
	if (!s->explain_fn)
		return;
	if (r < 0 && r >= -4095)
		sim_narrate(s, "  = -1 %s", mmsim_strerror((int)r));
	else if (r > 0xffff)
		sim_narrate(s, "  = %#llx", (unsigned long long)r);
	else
		sim_narrate(s, "  = %lld", (long long)r);
}

/* See sim.h. */
const char *sim_flags_text(struct sim_machine *s, const char *kind, unsigned long value, int slot)
{
	mmsim_format_flags(kind, value, s->flags_text[slot], sizeof s->flags_text[slot]);
	return s->flags_text[slot];
}

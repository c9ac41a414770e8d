/* kernel/printk.c — the kernel log (dmesg): a ring of lines in host memory. */
#include "kernel/kernel.h"
#include "kernel/trace.h"

#include <stdio.h>
#include <string.h>

/* Append len bytes to the ring, overwriting the oldest when full. */
static void log_append(struct kernel *k, const char *s, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		k->log[k->log_head] = s[i];
		k->log_head = (k->log_head + 1) % k->log_size;
	}
	k->log_len = k->log_len + len > k->log_size ? k->log_size : k->log_len + len;
}

static void vprintk(struct kernel *k, const char *prefix, const char *fmt, va_list ap)
{
	char line[512];
	int n = snprintf(line, sizeof line, "%s", prefix);
	n += vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	if (n > (int)sizeof line - 2)
		n = (int)sizeof line - 2;
	line[n++] = '\n';
	if (k->log)
		log_append(k, line, (uint64_t)n);
}

/* See kernel.h. */
void printk(struct kernel *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(k, "", fmt, ap);
	va_end(ap);
}

/* See kernel.h. */
void kernel_bug(struct kernel *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintk(k, "BUG: ", fmt, ap);
	va_end(ap);
	k->nr_bug_reports++;
}

/* See kernel.h. */
uint64_t kernel_log_read(const struct kernel *k, char *buf, uint64_t size)
{
	if (!size)
		return k->log_len;
	uint64_t n = k->log_len < size - 1 ? k->log_len : size - 1;
	uint64_t start = (k->log_head + k->log_size - n) % k->log_size;
	for (uint64_t i = 0; i < n; i++)
		buf[i] = k->log[(start + i) % k->log_size];
	buf[n] = '\0';
	return k->log_len;
}

/* See trace.h. */
void kernel_trace(struct kernel *k, int cpu, const char *func, const char *fmt, ...)
{
	char text[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	k->trace_fn(k->trace_ctx, cpu, func, text);
}

/* See kernel.h. Linux prints the reason twice, before and after the
 * backtrace and the reboot notice; the machine then stops. */
void panic(struct kernel *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(k->panic_buf, sizeof k->panic_buf, fmt, ap);
	va_end(ap);
	k->panic_reason = k->panic_buf;
	printk(k, "Kernel panic - not syncing: %s", k->panic_buf);
	printk(k, "---[ end Kernel panic - not syncing: %s ]---", k->panic_buf);
}

/* api/numa.c — `numactl --hardware` for any backend: the machine's nodes,
 * their cores, sizes and free memory, and the distance table, read from
 * the files under /sys/devices/system/node as numactl reads them. */
#include "api/api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct text {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append to t, growing it; a failed allocation marks it failed. */
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || t->failed)
		return;
	if (t->len + (size_t)n + 1 > t->cap) {
		size_t cap = (t->len + (size_t)n + 1) * 2;
		char *b = realloc(t->buf, cap);
		if (!b) {
			t->failed = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

/* Read a file under /sys/devices/system/node/ into *text. */
static int node_file(mmsim_machine *m, const char *name, char **text)
{
	char path[96];
	snprintf(path, sizeof path, "/sys/devices/system/node/%s", name);
	return mmsim_proc_read(m, path, text, NULL);
}

/* Call each(v, ctx) for every number of a list such as "0-3,6\n". */
static void for_each_in_list(const char *s, void (*each)(long v, void *ctx), void *ctx)
{
	while (*s >= '0' && *s <= '9') {
		char *end;
		long a = strtol(s, &end, 10), b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		for (long v = a; v <= b; v++)
			each(v, ctx);
		s = end + (*end == ',');
	}
}

static void count_one(long v, void *ctx)
{
	(void)v;
	++*(int *)ctx;
}

static void put_cpu(long v, void *ctx)
{
	put(ctx, " %ld", v);
}

/* The kB value of "Node N LABEL: V kB" in a node's meminfo, 0 if absent. */
static unsigned long long meminfo_kb(const char *text, const char *label)
{
	const char *at = strstr(text, label);
	return at ? strtoull(at + strlen(label), NULL, 10) : 0;
}

/* Append one node's lines: cpus, size, free. */
static int put_node(mmsim_machine *m, struct text *t, long nid)
{
	char name[48], *cpus, *meminfo;
	snprintf(name, sizeof name, "node%ld/cpulist", nid);
	if (node_file(m, name, &cpus))
		return -ENOENT;
	put(t, "node %ld cpus:", nid);
	for_each_in_list(cpus, put_cpu, t);
	free(cpus);
	snprintf(name, sizeof name, "node%ld/meminfo", nid);
	if (node_file(m, name, &meminfo))
		return -ENOENT;
	put(t, "\nnode %ld size: %llu MB\nnode %ld free: %llu MB\n", nid, meminfo_kb(meminfo, "MemTotal:") >> 10,
	    nid, meminfo_kb(meminfo, "MemFree:") >> 10);
	free(meminfo);
	return 0;
}

struct nodes_ctx {
	mmsim_machine *m;
	struct text *t;
	int err;
};

static void put_node_cb(long nid, void *ctx)
{
	struct nodes_ctx *c = ctx;
	if (!c->err)
		c->err = put_node(c->m, c->t, nid);
}

/* One row of the distance table: "  0:  10  21 " (numactl prints "% 3d"). */
static void put_distance_row(long nid, void *ctx)
{
	struct nodes_ctx *c = ctx;
	char name[48], *row;
	snprintf(name, sizeof name, "node%ld/distance", nid);
	if (c->err || (c->err = node_file(c->m, name, &row)))
		return;
	put(c->t, "% 3ld: ", nid);
	for (char *s = row, *end; *s && *s != '\n'; s = end) {
		long d = strtol(s, &end, 10);
		if (end == s)
			break;
		put(c->t, "% 3ld ", d);
	}
	put(c->t, "\n");
	free(row);
}

static void put_header(long nid, void *ctx)
{
	put(ctx, "% 3ld ", nid);
}

/* See mmsim.h. */
int mmsim_numa_hardware(mmsim_machine *m, char **text)
{
	struct text t = { 0 };
	char *online;
	int nodes = 0, err;
	*text = NULL;
	if ((err = node_file(m, "online", &online)))
		return err;
	for_each_in_list(online, count_one, &nodes);
	struct nodes_ctx c = { m, &t, 0 };
	put(&t, "available: %d nodes (%.*s)\n", nodes, (int)strcspn(online, "\n"), online);
	for_each_in_list(online, put_node_cb, &c);
	put(&t, "node distances:\nnode ");
	for_each_in_list(online, put_header, &t);
	put(&t, "\n");
	for_each_in_list(online, put_distance_row, &c);
	free(online);
	if (c.err || t.failed) {
		free(t.buf);
		return c.err ? c.err : -ENOMEM;
	}
	*text = t.buf;
	return 0;
}

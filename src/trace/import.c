/* trace/import.c — other tools' traces into mmsim's format: Valgrind
 * lackey's text (docs/traces.md, "Getting a trace"); ChampSim's is champsim.c. */
#include "trace/format.h"
#include "common.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

/* The system calls an import keeps (x86-64 numbers): the memory-management
 * ones a replay makes. */
static bool mm_syscall(uint64_t nr)
{
	static const uint16_t keep[] = { 9, 10, 11, 12, 25, 28, 149, 150, 151, 152, 325 };
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (nr == keep[i])
			return true;
	return false;
}

/* A text input read line by line through a large buffer. */
struct lines {
	FILE *f;
	char *buf;
	size_t cap, start, end;      /* unread bytes are buf[start, end) */
	uint64_t lineno;             /* of the line returned last */
	bool eof;
};

/* The next line (without its newline, NUL-terminated in place) or NULL at
 * the end. A last line without a newline counts. */
static char *next_line(struct lines *in, size_t *len)
{
	for (;;) {
		char *nl = memchr(in->buf + in->start, '\n', in->end - in->start);
		if (nl || (in->eof && in->start < in->end)) {
			char *line = in->buf + in->start;
			size_t n = nl ? (size_t)(nl - line) : in->end - in->start;
			line[n] = 0;
			in->lineno++;
			in->start += n + (nl != NULL);
			*len = n;
			return line;
		}
		if (in->eof)
			return NULL;
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
		if (in->end == in->cap - 1) {           /* a line longer than the buffer */
			char *b = realloc(in->buf, in->cap * 2);
			if (!b)
				return NULL;
			in->buf = b;
			in->cap *= 2;
		}
		size_t got = fread(in->buf + in->end, 1, in->cap - 1 - in->end, in->f);
		in->end += got;
		if (!got)
			in->eof = true;
	}
}

/* A hexadecimal number at *p (no prefix), moving *p past it: false when
 * there is none or it has more than 16 digits. */
static bool hex(const char **p, uint64_t *v)
{
	static int8_t digit[256];
	if (!digit['1']) {
		memset(digit, -1, sizeof digit);
		for (int i = 0; i < 10; i++)
			digit['0' + i] = (int8_t)i;
		for (int i = 0; i < 6; i++)
			digit['a' + i] = digit['A' + i] = (int8_t)(10 + i);
	}
	const unsigned char *s = (const unsigned char *)*p;
	uint64_t x = 0;
	int n = 0;
	for (; digit[*s] >= 0; s++, n++)
		x = x << 4 | (uint64_t)digit[*s];
	if (!n || n > 16)
		return false;
	*v = x;
	*p = (const char *)s;
	return true;
}

/* A decimal number at *p, moving past it. */
static bool dec(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	for (; *s >= '0' && *s <= '9' && n < 20; s++, n++)
		x = x * 10 + (uint64_t)(*s - '0');
	if (!n)
		return false;
	*v = x;
	*p = s;
	return true;
}

/* The import in progress. */
struct lackey {
	struct lines in;
	mmsim_trace_writer *w;
	uint32_t pid;                 /* from "==PID==" lines; 1 until one is seen */
	uint64_t last_fetch_page;     /* fetches are kept at page granularity */
	struct mmsim_trace_record pending;   /* a system call waiting for its result */
	bool has_pending;
	uint64_t records;
	struct mmsim_ref refs[4096];
	size_t nrefs;
	const char *name;             /* of the input, for messages */
	char *err;
	size_t errlen;
};

static int lfail(struct lackey *lk, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int lfail(struct lackey *lk, const char *fmt, ...)
{
	char what[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(lk->err, lk->err ? lk->errlen : 0, "%s: line %llu: %s", lk->name, (unsigned long long)lk->in.lineno,
		 what);
	return -EINVAL;
}

/* Write the accesses gathered. */
static int flush_refs(struct lackey *lk)
{
	int rc = mmsim_trace_write_accesses(lk->w, lk->refs, lk->nrefs);
	lk->records += lk->nrefs;
	lk->nrefs = 0;
	if (rc)
		snprintf(lk->err, lk->err ? lk->errlen : 0, "%s", mmsim_trace_writer_error(lk->w));
	return rc;
}

static int write_event(struct lackey *lk, struct mmsim_trace_record *r)
{
	int rc = flush_refs(lk);
	r->tid = lk->pid;
	if (!rc && (rc = mmsim_trace_write(lk->w, r)))
		snprintf(lk->err, lk->err ? lk->errlen : 0, "%s", mmsim_trace_writer_error(lk->w));
	lk->records += !rc;
	return rc;
}

/* "Success(0x...)" or "Failure(0x...)" in s: true and the result. */
static bool syscall_result(const char *s, int64_t *res)
{
	const char *ok = strstr(s, "Success(0x"), *bad = strstr(s, "Failure(0x");
	uint64_t v;
	if (ok && (ok += 10, hex(&ok, &v))) {
		*res = (int64_t)v;
		return true;
	}
	if (bad && (bad += 10, hex(&bad, &v))) {
		*res = -(int64_t)v;
		return true;
	}
	return false;
}

/* "SYSCALL[pid,tid](nr) ..." lines (valgrind --trace-syscalls=yes): the
 * memory-management calls become events, when their result is known. */
static int syscall_line(struct lackey *lk, const char *s)
{
	uint64_t pid, vtid, nr;
	const char *p = s + 8;
	if (!dec(&p, &pid) || *p++ != ',' || !dec(&p, &vtid) || *p++ != ']' || *p++ != '(' || !dec(&p, &nr) ||
	    *p++ != ')')
		return lfail(lk, "a SYSCALL line that does not start \"SYSCALL[PID,TID](NR)\"");
	lk->pid = (uint32_t)pid;
	if (!mm_syscall(nr))
		return 0;
	int64_t res;
	if (!strncmp(p, " ... [async]", 12)) {          /* the result of an earlier line */
		if (!lk->has_pending || lk->pending.syscall.nr != nr || !syscall_result(p, &res))
			return 0;
		lk->pending.syscall.result = res;
		lk->has_pending = false;
		return write_event(lk, &lk->pending);
	}
	struct mmsim_trace_record r = { .type = MMSIM_TRACE_SYSCALL, .syscall.nr = nr };
	const char *a = strchr(p, '(');
	if (!a)
		return lfail(lk, "system call %llu without its arguments \"( ... )\"", (unsigned long long)nr);
	a++;
	for (int i = 0; i < 6; i++) {
		while (*a == ' ')
			a++;
		if (*a == ')')
			break;
		bool ok = a[0] == '0' && a[1] == 'x' ? (a += 2, hex(&a, &r.syscall.args[i])) : dec(&a, &r.syscall.args[i]);
		if (!ok)
			return lfail(lk, "system call %llu: argument %d is not a number", (unsigned long long)nr, i + 1);
		if (*a == '(')                          /* a string the pointer points to */
			a = strchr(a, ')') ? strchr(a, ')') + 1 : a + strlen(a);
		while (*a == ' ')
			a++;
		if (*a == ',')
			a++;
	}
	if (syscall_result(a, &res)) {
		r.syscall.result = res;
		return write_event(lk, &r);
	}
	lk->pending = r;                                /* [async], or the result follows */
	lk->has_pending = true;
	return 0;
}

/* " --> ... Success(0x...)" on a line of its own: the result of the call
 * on the line before. */
static int result_line(struct lackey *lk, const char *s)
{
	int64_t res;
	if (!lk->has_pending || !syscall_result(s, &res))
		return 0;
	lk->pending.syscall.result = res;
	lk->has_pending = false;
	return write_event(lk, &lk->pending);
}

/* One line of lackey's output. */
static int lackey_line(struct lackey *lk, const char *s, size_t len)
{
	uint64_t addr, size;
	uint8_t kind;
	const char *p;
	if (len >= 3 && s[0] == ' ' && (s[1] == 'L' || s[1] == 'S' || s[1] == 'M') && s[2] == ' ') {
		kind = s[1] == 'L' ? MMSIM_READ : s[1] == 'S' ? MMSIM_WRITE : MMSIM_MODIFY;
		p = s + 3;
	} else if (len >= 3 && s[0] == 'I' && s[1] == ' ' && s[2] == ' ') {
		kind = MMSIM_FETCH;
		p = s + 3;
	} else if (!strncmp(s, "==", 2)) {             /* Valgrind's own messages: ==PID== ... */
		uint64_t pid;
		p = s + 2;
		if (dec(&p, &pid) && !strncmp(p, "==", 2))
			lk->pid = (uint32_t)pid;
		return 0;
	} else if (!strncmp(s, "SYSCALL[", 8)) {
		return syscall_line(lk, s);
	} else if (!strncmp(s, " --> ", 5)) {
		return result_line(lk, s);
	} else if (!len || !strncmp(s, "--", 2)) {     /* blank lines, --PID-- messages */
		return 0;
	} else {
		return lfail(lk, "\"%.40s\" is not lackey output (expected \"I  ADDR,SIZE\", \" L ADDR,SIZE\", \" S "
			     "ADDR,SIZE\", \" M ADDR,SIZE\", \"==PID== ...\" or \"SYSCALL[...\"; run valgrind with "
			     "--log-file so the program's own output stays apart)", s);
	}
	if (!hex(&p, &addr) || *p++ != ',' || !dec(&p, &size) || *p)
		return lfail(lk, "\"%.40s\": expected a hexadecimal address, a comma and a decimal size", s);
	if (!size || size > 4096)
		return lfail(lk, "an access of %llu bytes (expected 1 to 4096)", (unsigned long long)size);
	if (kind == MMSIM_FETCH) {                      /* one fetch per page entered */
		uint64_t page = addr >> 12;
		if (page == lk->last_fetch_page && ((addr + size - 1) >> 12) == page)
			return 0;
		lk->last_fetch_page = (addr + size - 1) >> 12;
	}
	lk->refs[lk->nrefs++] = (struct mmsim_ref){ .addr = addr, .size = (uint16_t)size, .kind = kind,
						   .tid = lk->pid };
	return lk->nrefs == ARRAY_SIZE(lk->refs) ? flush_refs(lk) : 0;
}

/* The header's date and host of an import made now. */
static void now_and_host(char *date, size_t dlen, char *host, size_t hlen)
{
	time_t t = time(NULL);
	struct tm tm;
	struct utsname u;
	strftime(date, dlen, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	if (!uname(&u))
		snprintf(host, hlen, "%s %s %s", u.sysname, u.release, u.machine);
	else
		snprintf(host, hlen, "unknown");
}

/* The header of an import of inname made now: the tool, and a note on
 * what the input format lacks. */
struct import_header {
	char date[32], host[200], note[300];
	struct mmsim_trace_meta meta;
};

static void import_header(struct import_header *h, const char *tool, const char *inname, const char *lacks)
{
	now_and_host(h->date, sizeof h->date, h->host, sizeof h->host);
	snprintf(h->note, sizeof h->note, "imported from %s; %s", inname, lacks);
	h->meta = (struct mmsim_trace_meta){ .flags = MMSIM_TRACE_FETCHES, .tool = tool, .date = h->date,
					     .host = h->host, .note = h->note };
}

/* Import lackey text from in (open) into out. */
static int import_lackey(FILE *in, const char *out, const char *inname, uint64_t *records, char *errbuf,
			 size_t errlen)
{
	struct import_header h;
	import_header(&h, "mmsim import lackey (Valgrind lackey --trace-mem=yes)", inname, "lackey gives no thread "
		      "ids (every access is the process's) and no start address space (the replay is flat)");
	struct lackey *lk = calloc(1, sizeof *lk);
	if (!lk || !(lk->in.buf = malloc(1 << 20))) {
		free(lk);
		snprintf(errbuf, errbuf ? errlen : 0, "no memory");
		return -ENOMEM;
	}
	lk->in = (struct lines){ .f = in, .buf = lk->in.buf, .cap = 1 << 20 };
	lk->pid = 1;
	lk->last_fetch_page = UINT64_MAX;
	lk->name = inname;
	lk->err = errbuf;
	lk->errlen = errlen;
	int rc = mmsim_trace_create(out, &h.meta, &lk->w, errbuf, errlen);
	if (!rc) {
		char *line;
		size_t len;
		while (!rc && (line = next_line(&lk->in, &len)))
			rc = lackey_line(lk, line, len);
		if (!rc && ferror(in))
			rc = (snprintf(errbuf, errbuf ? errlen : 0, "%s: read error", inname), -EIO);
		if (!rc)
			rc = flush_refs(lk);
		char ferr[400];
		int frc = mmsim_trace_finish(lk->w, ferr, sizeof ferr);
		if (!rc && frc)
			rc = (snprintf(errbuf, errbuf ? errlen : 0, "%s", ferr), frc);
		if (rc && strcmp(out, "-"))
			remove(out);
	}
	if (records)
		*records = lk->records;
	free(lk->in.buf);
	free(lk);
	return rc;
}

/* See mmsim_trace.h. */
int mmsim_trace_import(const char *format, const char *in, const char *out, uint64_t *records, char *errbuf,
		       size_t errlen)
{
	if (records)
		*records = 0;
	bool champ = !strcmp(format, "champsim");
	if (strcmp(format, "lackey") && !champ) {
		snprintf(errbuf, errbuf ? errlen : 0, "import format \"%s\": expected lackey or champsim", format);
		return -EINVAL;
	}
	FILE *f = strcmp(in, "-") ? fopen(in, "r") : stdin;
	if (!f) {
		int err = -errno;
		snprintf(errbuf, errbuf ? errlen : 0, "%s: %s", in, strerror(errno));
		return err;
	}
	const char *name = strcmp(in, "-") ? in : "standard input";
	int rc;
	if (champ) {
		struct import_header h;
		import_header(&h, "mmsim import champsim (ChampSim input_instr records)", name, "ChampSim records have "
			      "no access sizes (8 bytes each taken), no threads and no system calls (the replay is flat)");
		char e[700];
		rc = trace_import_champsim(f, out, name, &h.meta, records, e, sizeof e);
		if (rc)
			snprintf(errbuf, errbuf ? errlen : 0, "%s", e);
	} else {
		rc = import_lackey(f, out, name, records, errbuf, errlen);
	}
	if (f != stdin)
		fclose(f);
	return rc;
}

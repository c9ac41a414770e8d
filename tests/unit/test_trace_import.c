/* The lackey importer: accesses of each kind, fetches kept one per page
 * entered, the memory system calls of --trace-syscalls=yes with their
 * results (on the same line, on a later [async] line, on a line of their
 * own), the pid of the ==PID== lines as the thread; bad input named by its
 * line. */
#include <criterion/criterion.h>

#include "mmsim_trace.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char in[64], out[64];

static void files(void)
{
	snprintf(in, sizeof in, "/tmp/mmsim-import-in-XXXXXX");
	snprintf(out, sizeof out, "/tmp/mmsim-import-out-XXXXXX");
	close(mkstemp(in));
	close(mkstemp(out));
}

static void cleanup(void)
{
	remove(in);
	remove(out);
}

static void text(const char *s)
{
	FILE *f = fopen(in, "w");
	fputs(s, f);
	fclose(f);
}

TestSuite(trace_import, .init = files, .fini = cleanup);

Test(trace_import, records_of_each_kind)
{
	text("==77== Lackey, an example Valgrind tool\n"
	     "==77== \n"
	     "I  00108000,3\n"
	     "I  00108003,4\n"                      /* the same page: no record */
	     " L 1ffefff000,8\n"
	     " S 04035000,4\n"
	     " M 04035008,8\n"
	     "I  00108ffe,4\n"                      /* runs into the next page: kept */
	     "I  00109002,2\n"                      /* that page: no record */
	     "SYSCALL[77,1](12) sys_brk ( 0x0 ) --> [pre-success] Success(0x4035000) \n"
	     "SYSCALL[77,1](9) sys_mmap ( 0x0, 8192, 3, 34, 4294967295, 0 ) --> [async] ... \n"
	     " L 04035000,8\n"
	     "SYSCALL[77,1](9) ... [async] --> Success(0x4838000) \n"
	     "SYSCALL[77,1](257) sys_openat ( 4294967196, 0x10a000(a.txt), 0 ) --> [async] ... \n"
	     "SYSCALL[77,1](257) ... [async] --> Success(0x3) \n"
	     "SYSCALL[77,1](10) sys_mprotect ( 0x4838000, 4096, 1 )\n"
	     " --> [pre-fail] Failure(0x16) \n"
	     "SYSCALL[77,1](11) sys_munmap ( 0x4838000, 8192 )[sync] --> Success(0x0) \n"
	     "--77-- a message of Valgrind's\n"
	     "\n"
	     " L 04838000,4096");                   /* no newline at the end */
	char err[600];
	uint64_t n;
	cr_assert_eq(mmsim_trace_import("lackey", in, out, &n, err, sizeof err), 0, "%s", err);
	mmsim_trace *t;
	cr_assert_eq(mmsim_trace_open(out, &t, err, sizeof err), 0, "%s", err);
	cr_assert_eq(mmsim_trace_info(t)->flags, MMSIM_TRACE_FETCHES, "no SYSCALLS flag: it replays flat");
	struct mmsim_trace_record r[32];
	size_t k = 0;
	while (k < 32 && mmsim_trace_next(t, &r[k]) == 1)
		k++;
	cr_assert_eq(k, n);
	cr_assert_eq(k, 11);
	static const struct { int type; uint64_t addr; int kind, size; } want[] = {
		{ MMSIM_TRACE_ACCESS, 0x108000, MMSIM_FETCH, 3 },
		{ MMSIM_TRACE_ACCESS, 0x1ffefff000, MMSIM_READ, 8 },
		{ MMSIM_TRACE_ACCESS, 0x4035000, MMSIM_WRITE, 4 },
		{ MMSIM_TRACE_ACCESS, 0x4035008, MMSIM_MODIFY, 8 },
		{ MMSIM_TRACE_ACCESS, 0x108ffe, MMSIM_FETCH, 4 },
		{ MMSIM_TRACE_SYSCALL, 12, 0, 0 },
		{ MMSIM_TRACE_ACCESS, 0x4035000, MMSIM_READ, 8 },
		{ MMSIM_TRACE_SYSCALL, 9, 0, 0 },
		{ MMSIM_TRACE_SYSCALL, 10, 0, 0 },
		{ MMSIM_TRACE_SYSCALL, 11, 0, 0 },
		{ MMSIM_TRACE_ACCESS, 0x4838000, MMSIM_READ, 4096 },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_assert_eq(r[i].type, want[i].type, "record %zu", i);
		cr_assert_eq(r[i].tid, 77, "record %zu: the pid of the ==77== lines", i);
		if (want[i].type == MMSIM_TRACE_ACCESS) {
			cr_assert_eq(r[i].access.addr, want[i].addr, "record %zu", i);
			cr_assert_eq(r[i].access.kind, want[i].kind, "record %zu", i);
			cr_assert_eq(r[i].access.size, want[i].size, "record %zu", i);
		} else {
			cr_assert_eq(r[i].syscall.nr, want[i].addr, "record %zu", i);
		}
	}
	cr_assert_eq(r[5].syscall.result, 0x4035000);
	cr_assert_eq(r[7].syscall.result, 0x4838000, "the [async] result, after the access between");
	cr_assert_eq(r[7].syscall.args[1], 8192);
	cr_assert_eq(r[7].syscall.args[3], 34);
	cr_assert_eq(r[7].syscall.args[4], 4294967295u, "as lackey prints it");
	cr_assert_eq(r[8].syscall.result, -22, "Failure(0x16), on a line of its own");
	cr_assert_eq(r[8].syscall.args[2], 1);
	cr_assert_eq(r[9].syscall.result, 0);
	mmsim_trace_close(t);
}

/* Import text; expect a failure whose message holds want. */
static void refused(const char *s, const char *want)
{
	char err[600];
	text(s);
	cr_assert_eq(mmsim_trace_import("lackey", in, out, NULL, err, sizeof err), -EINVAL, "%s", s);
	cr_assert_not_null(strstr(err, want), "expected \"%s\" in \"%s\"", want, err);
	cr_assert_neq(access(out, F_OK), 0, "a failed import leaves no trace behind");
}

Test(trace_import, bad_lines)
{
	refused("I  00108000,3\n L 0010800g,8\n", "line 2: \" L 0010800g,8\": expected a hexadecimal address");
	refused(" L 00108000,0\n", "line 1: an access of 0 bytes (expected 1 to 4096)");
	refused(" S 00108000,4097\n", "an access of 4097 bytes");
	refused(" L 11112222333344445,8\n", "line 1");
	refused(" L 00108000\n", "expected a hexadecimal address, a comma and a decimal size");
	refused(" L 00108000,8 trailing\n", "line 1");
	refused("==1== fine\nHello from the program\n", "line 2: \"Hello from the program\" is not lackey output");
	refused("SYSCALL[1,1] sys_brk\n", "line 1: a SYSCALL line that does not start \"SYSCALL[PID,TID](NR)\"");
	refused("SYSCALL[1,1](9) sys_mmap ( 0x0, x )\n", "line 1: system call 9: argument 2 is not a number");
	char err[600];
	cr_assert_eq(mmsim_trace_import("pin", in, out, NULL, err, sizeof err), -EINVAL);
	cr_assert_str_eq(err, "import format \"pin\": expected lackey or champsim");
	cr_assert_eq(mmsim_trace_import("lackey", "/nonexistent.lackey", out, NULL, err, sizeof err), -ENOENT);
	cr_assert_str_eq(err, "/nonexistent.lackey: No such file or directory");
}

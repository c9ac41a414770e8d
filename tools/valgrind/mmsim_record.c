/*
 * mmsim_record.c — the Valgrind tool behind `mmsim record`: it writes what
 * the client does to its memory as an mmsim trace (docs/trace-format.md).
 *
 * Copyright (C) 2026 the mmsim authors.
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License as published by the
 * Free Software Foundation; either version 2 of the License, or (at your
 * option) any later version. It links Valgrind's core, which is GPL-2, and
 * is therefore kept apart from mmsim (MIT): it talks to mmsim only through
 * the trace files it writes. See COPYING in this folder.
 *
 * What it records, one file per process (--mmsim-out=PREFIX gives
 * PREFIX.PID):
 *   - every data load and store (address, size, kind; a load and a store of
 *     the same address by one instruction are one "modify"), and with
 *     --mmsim-fetches=yes one instruction fetch per code page entered;
 *   - the memory-management system calls, with their arguments and results;
 *   - clone (a thread or a process, with the new id), exit and exit_group;
 *   - at the start, the client's address space as Valgrind's address space
 *     manager knows it (the client's segments only, with file names) and
 *     its program break.
 * Each record carries the Linux id of the thread that made it.
 *
 * The blocks are zstd frames of raw (stored) blocks: the tool has no C
 * library and no compressor; `mmsim record` reads these files, merges the
 * processes' files at their forks and compresses the result.
 */
#include "config.h"               /* VERSION: the Valgrind built against */
#include "pub_tool_basics.h"
#include "pub_tool_tooliface.h"
#include "pub_tool_libcassert.h"
#include "pub_tool_libcbase.h"
#include "pub_tool_libcfile.h"
#include "pub_tool_libcprint.h"
#include "pub_tool_libcproc.h"
#include "pub_tool_machine.h"
#include "pub_tool_mallocfree.h"
#include "pub_tool_options.h"
#include "pub_tool_aspacemgr.h"
#include "pub_tool_clientstate.h"
#include "pub_tool_threadstate.h"
#include "pub_tool_xarray.h"

/* Core variables and functions that the tool interface does not declare
 * (they are in libcoregrind, which the tool links): the client's program
 * break, and moving a file descriptor out of the client's reach. */
extern Addr VG_(brk_base);
extern Addr VG_(brk_limit);
extern Int VG_(safe_fd)(Int oldfd);

#define SLOT      16
#define NSLOTS    65536                 /* one block: 1 MiB of slots */
#define RAW_MAX   131072                /* the largest zstd block */

/* Access kinds and event types, as the format has them. */
enum { K_LOAD = 0, K_STORE = 1, K_FETCH = 2, K_MODIFY = 3 };
enum { E_SYSCALL = 1, E_MAP = 2, E_THREAD = 3, E_FORK = 4, E_EXIT = 5, E_BRK = 6 };
#define F_SYSCALLS 1u
#define F_FETCHES  2u
#define F_VALGRIND 4u

/* ---- options ------------------------------------------------------------------ */

static const HChar *clo_out = NULL;     /* --mmsim-out=PREFIX */
static Bool clo_fetches = False;        /* --mmsim-fetches=yes */

static Bool rec_process_cmd_line_option(const HChar *arg)
{
	if VG_STR_CLO(arg, "--mmsim-out", clo_out) {}
	else if VG_BOOL_CLO(arg, "--mmsim-fetches", clo_fetches) {}
	else
		return False;
	return True;
}

static void rec_print_usage(void)
{
	VG_(printf)("    --mmsim-out=PREFIX        write the trace of process PID to PREFIX.PID\n"
		    "    --mmsim-fetches=no|yes    record one instruction fetch per page entered [no]\n");
}

static void rec_print_debug_usage(void)
{
	VG_(printf)("    (none)\n");
}

/* ---- the output ------------------------------------------------------------------ */

static Int out_fd = -1;
static UChar buf[NSLOTS * SLOT] __attribute__((aligned(16)));
static UInt nslots;                     /* slots in buf */
static UInt naccesses;                  /* access slots among them */
static ULong nblocks, total_accesses, total_events;
static UInt cur_tid;                    /* the Linux id of the running thread */
static Bool group_exited;               /* an exit_group was recorded */

static void put16(UChar *p, UInt v) { p[0] = v; p[1] = v >> 8; }
static void put32(UChar *p, UInt v) { put16(p, v); put16(p + 2, v >> 16); }
static void put64(UChar *p, ULong v) { put32(p, (UInt)v); put32(p + 4, (UInt)(v >> 32)); }

/* Write n bytes of p to the output, all of them, or stop the run. */
static void out_write(const void *p, Int n)
{
	const UChar *c = p;
	while (n > 0) {
		Int w = VG_(write)(out_fd, c, n);
		if (w <= 0) {
			VG_(umsg)("mmsim-record: cannot write the trace (%s.%d): error %d\n", clo_out,
				  VG_(getpid)(), -w);
			VG_(exit)(2);
		}
		c += w;
		n -= w;
	}
}

/* Write buf as a block: its header, then a zstd frame of raw blocks. */
static void flush_block(void)
{
	UChar h[16], fh[9], bh[3];
	UInt u = nslots * SLOT, c = 9, off;

	if (!nslots)
		return;
	c += u + 3 * ((u + RAW_MAX - 1) / RAW_MAX);
	VG_(memcpy)(h, "MTBK", 4);
	put32(h + 4, c);
	put32(h + 8, u);
	put32(h + 12, naccesses);
	out_write(h, 16);
	put32(fh, 0xFD2FB528u);                 /* zstd's magic */
	fh[4] = 0xA0;                           /* 4-byte content size, single segment */
	put32(fh + 5, u);
	out_write(fh, 9);
	for (off = 0; off < u; off += RAW_MAX) {
		UInt n = u - off < RAW_MAX ? u - off : RAW_MAX;
		UInt last = off + n == u;
		bh[0] = (UChar)(last | (n << 3));  /* type 0: raw */
		bh[1] = (UChar)(n >> 5);
		bh[2] = (UChar)(n >> 13);
		out_write(bh, 3);
		out_write(buf + off, n);
	}
	nblocks++;
	nslots = naccesses = 0;
}

/* Append a header field (tag, text). */
static Int put_field(UChar *h, Int at, Int max, UInt tag, const HChar *s)
{
	Int n = VG_(strlen)(s);
	if (n > 65535)
		n = 65535;
	if (at + 4 + n > max)
		return at;
	put16(h + at, tag);
	put16(h + at + 2, n);
	VG_(memcpy)(h + at + 4, s, n);
	return at + 4 + n;
}

/* Open PREFIX.PID and write the header. */
static void open_output(void)
{
	static UChar h[65536];
	HChar path[4096];
	Int at = 32, i;
	UInt flags = F_SYSCALLS | F_VALGRIND | (clo_fetches ? F_FETCHES : 0);

	VG_(snprintf)(path, sizeof path, "%s.%d", clo_out, VG_(getpid)());
	SysRes r = VG_(open)(path, VKI_O_WRONLY | VKI_O_CREAT | VKI_O_TRUNC, 0600);
	if (sr_isError(r)) {
		VG_(umsg)("mmsim-record: cannot create %s: error %lu\n", path, sr_Err(r));
		VG_(exit)(2);
	}
	out_fd = VG_(safe_fd)((Int)sr_Res(r));
	VG_(memset)(h, 0, 32);
	VG_(memcpy)(h, "MMSIMTRC", 8);
	put16(h + 8, 1);
	put32(h + 16, 4096);
	put32(h + 20, flags);
	at = put_field(h, at, sizeof h, 1, VG_(args_the_exename));
	at = put_field(h, at, sizeof h, 2, VG_(args_the_exename));
	for (i = 0; i < VG_(sizeXA)(VG_(args_for_client)); i++)
		at = put_field(h, at, sizeof h, 2, *(HChar **)VG_(indexXA)(VG_(args_for_client), i));
	at = put_field(h, at, sizeof h, 3, "mmsim-record, Valgrind " VERSION);
	put32(h + 12, at);
	out_write(h, at);
	nslots = naccesses = 0;
	nblocks = total_accesses = total_events = 0;
}

/* Write the last block and the trailer, and close. */
static void close_output(void)
{
	UChar t[32];
	if (out_fd < 0)
		return;
	flush_block();
	VG_(memset)(t, 0, sizeof t);
	VG_(memcpy)(t, "MTND", 4);
	put64(t + 8, nblocks);
	put64(t + 16, total_accesses);
	put64(t + 24, total_events);
	out_write(t, 32);
	VG_(close)(out_fd);
	out_fd = -1;
}

/* ---- records ------------------------------------------------------------------ */

/* Room for n slots in the block (n <= NSLOTS). */
static inline UChar *reserve(UInt n)
{
	if (nslots + n > NSLOTS)
		flush_block();
	UChar *s = buf + nslots * SLOT;
	nslots += n;
	return s;
}

/* An access of the running thread. */
static inline void access(Addr a, UInt size, UInt kind)
{
	UChar *s = reserve(1);
	*(ULong *)s = a;                       /* x86-64: little-endian, unaligned is fine */
	*(UShort *)(s + 8) = (UShort)size;
	s[10] = (UChar)kind;
	s[11] = 0;
	*(UInt *)(s + 12) = cur_tid;
	naccesses++;
	total_accesses++;
}

static VG_REGPARM(2) void rec_load(Addr a, UWord size) { access(a, size, K_LOAD); }
static VG_REGPARM(2) void rec_store(Addr a, UWord size) { access(a, size, K_STORE); }
static VG_REGPARM(2) void rec_modify(Addr a, UWord size) { access(a, size, K_MODIFY); }

/* The page of the last instruction fetch recorded (thread switches and
 * system calls forget it). */
static Addr last_fetch_page = 1;

static VG_REGPARM(2) void rec_fetch(Addr a, UWord size)
{
	if ((a & ~(Addr)4095) == last_fetch_page)
		return;
	last_fetch_page = a & ~(Addr)4095;
	access(a, size, K_FETCH);
}

/* An event of thread tid: its first slot and n more, zeroed. */
static UChar *event(UInt type, ULong value, UInt n, UInt tid)
{
	UChar *s = reserve(1 + n);
	VG_(memset)(s, 0, (1 + n) * SLOT);
	put64(s, value);
	put16(s + 8, n);
	s[10] = (UChar)(0x80 | type);
	put32(s + 12, tid);
	total_events++;
	return s + SLOT;
}

/* ---- threads ------------------------------------------------------------------ */

/* The Linux ids of Valgrind's threads (0: not known yet), VG_N_THREADS
 * of them (a run-time figure: --max-threads). */
static UInt *lwp;

/* The page of each thread's last fetch while another runs. */
static Addr *fetch_page;
static ThreadId running;
/* Threads alive in this process (the core announces the first one too). */
static Int nthreads;

static void rec_start_client_code(ThreadId tid, ULong blocks)
{
	(void)blocks;
	if (tid >= VG_N_THREADS)
		return;
	if (!lwp[tid])
		lwp[tid] = VG_(gettid)();
	if (tid != running) {
		fetch_page[running] = last_fetch_page;
		last_fetch_page = fetch_page[tid];
		running = tid;
		cur_tid = lwp[tid];
	}
}

static void rec_thread_create(ThreadId parent, ThreadId child)
{
	(void)parent;
	nthreads++;
	if (child < VG_N_THREADS)
		fetch_page[child] = 1;
}

static UInt linux_tid(ThreadId tid)
{
	if (tid < VG_N_THREADS && !lwp[tid])
		lwp[tid] = VG_(gettid)();
	return tid < VG_N_THREADS ? lwp[tid] : 0;
}

/* A thread ends: its exit event, but for the last one, whose exit is the
 * process's (fini records it with the exit code). */
static void rec_thread_exit(ThreadId tid)
{
	if (--nthreads > 0 && !group_exited && out_fd >= 0) {
		UChar *s = event(E_EXIT, 0, 1, linux_tid(tid));
		put64(s, 0);
	}
	if (tid < VG_N_THREADS)
		lwp[tid] = 0;
}

/* The child of a fork: its own file; the parent's records stay the
 * parent's. */
static void rec_fork_child(ThreadId tid)
{
	Int i;
	VG_(close)(out_fd);
	out_fd = -1;
	for (i = 0; i < (Int)VG_N_THREADS; i++)
		lwp[i] = 0;
	group_exited = False;
	nthreads = 1;
	open_output();
	cur_tid = lwp[tid] = VG_(gettid)();
	running = tid;
	last_fetch_page = 1;
}

/* ---- the start address space ---------------------------------------------------- */

static Bool started;

/* Map events for the client's segments (the heap's own segment left out:
 * the brk event gives it), then the brk event. */
static void record_start(ThreadId tid)
{
	Addr starts[4096], sp = VG_(get_SP)(tid);
	Int n = VG_(am_get_segment_starts)(SkAnonC | SkFileC | SkShmC, starts, 4096), i;
	UInt me = linux_tid(tid);

	for (i = 0; i < n; i++) {
		NSegment const *seg = VG_(am_find_nsegment)(starts[i]);
		if (!seg || seg->isCH || seg->start == VG_(brk_base))
			continue;
		const HChar *name = seg->kind == SkFileC ? VG_(am_get_filename)(seg) : NULL;
		UInt prot = (seg->hasR ? 1 : 0) | (seg->hasW ? 2 : 0) | (seg->hasX ? 4 : 0);
		UInt flags = (seg->kind == SkShmC ? 1 : 0) | (seg->kind == SkFileC ? 2 : 0);
		Bool stack = sp >= seg->start && sp <= seg->end;
		if (stack) {
			flags |= 4;
			name = "[stack]";
		}
		Int len = name ? VG_(strlen)(name) : 0;
		if (len > 255)
			len = 255;
		UInt extra = 2 + (len + 1 + SLOT - 1) / SLOT;
		UChar *s = event(E_MAP, seg->start, extra, me);
		put64(s, seg->end + 1);
		put64(s + 8, seg->kind == SkFileC ? (ULong)seg->offset : 0);
		put32(s + 16, prot);
		put32(s + 20, flags);
		put64(s + 24, seg->kind == SkFileC ? (ULong)seg->ino : 0);
		if (len)
			VG_(memcpy)(s + 32, name, len);
	}
	UChar *s = event(E_BRK, VG_(brk_base), 1, me);
	put64(s, VG_(brk_limit));
}

static void rec_first_code(ThreadId tid, ULong blocks)
{
	rec_start_client_code(tid, blocks);
	if (!started) {
		started = True;
		record_start(tid);
	}
}

/* ---- system calls ------------------------------------------------------------------ */

/* Whether system call nr is recorded with its result. */
static Bool is_mm_call(UInt nr)
{
	switch (nr) {
	case 9: case 10: case 11: case 12: case 25: case 28:       /* mmap mprotect munmap brk mremap madvise */
	case 149: case 150: case 151: case 152: case 325:          /* mlock munlock mlockall munlockall mlock2 */
	case 30: case 67:                                           /* shmat shmdt */
		return True;
	default:
		return False;
	}
}

static void rec_pre_syscall(ThreadId tid, UInt nr, UWord *args, UInt nargs)
{
	(void)nargs;
	if (nr == 231 && !group_exited) {                           /* exit_group */
		UChar *s = event(E_EXIT, args[0], 1, linux_tid(tid));
		put64(s, 1);
		group_exited = True;
	}
	if (nr == 59 || nr == 322)                                  /* execve, execveat: keep what we have */
		flush_block();
}

static void rec_post_syscall(ThreadId tid, UInt nr, UWord *args, UInt nargs, SysRes res)
{
	Long result = sr_isError(res) ? -(Long)sr_Err(res) : (Long)sr_Res(res);
	UInt me = linux_tid(tid), i;

	if (is_mm_call(nr)) {
		UChar *s = event(E_SYSCALL, (ULong)result, 4, me);
		put64(s, nr);
		for (i = 0; i < 6 && i < nargs; i++)
			put64(s + 8 + 8 * i, args[i]);
		return;
	}
	if ((nr == 56 || nr == 57 || nr == 58) && result > 0) {    /* clone, fork, vfork: the parent */
		ULong flags = nr == 56 ? args[0] : 0;
		UInt type = nr == 56 && (flags & VKI_CLONE_THREAD) ? E_THREAD : E_FORK;
		UChar *s = event(type, (ULong)result, 1, me);
		put64(s, flags);
	}
}

/* ---- instrumentation ------------------------------------------------------------------ */

/* Accesses of the superblock being instrumented, held until their calls
 * are added, so that a load and a store of one address by one instruction
 * become one modify. */
typedef struct {
	UInt kind;
	IRExpr *addr;
	Int size;
	IRExpr *guard;           /* NULL: always */
	UInt insn;               /* the instruction's number in the superblock */
} Ev;

#define NEVS 16
static Ev evs[NEVS];
static Int nevs;
static UInt insn_no;

static void flush_evs(IRSB *sb)
{
	Int i;
	for (i = 0; i < nevs; i++) {
		Ev *e = &evs[i];
		const HChar *name;
		void *fn;
		switch (e->kind) {
		case K_LOAD: name = "rec_load"; fn = rec_load; break;
		case K_STORE: name = "rec_store"; fn = rec_store; break;
		case K_MODIFY: name = "rec_modify"; fn = rec_modify; break;
		default: name = "rec_fetch"; fn = rec_fetch; break;
		}
		IRExpr **argv = mkIRExprVec_2(e->addr, mkIRExpr_HWord(e->size));
		IRDirty *di = unsafeIRDirty_0_N(2, name, VG_(fnptr_to_fnentry)(fn), argv);
		if (e->guard)
			di->guard = e->guard;
		addStmtToIRSB(sb, IRStmt_Dirty(di));
	}
	nevs = 0;
}

static void add_ev(IRSB *sb, UInt kind, IRExpr *addr, Int size, IRExpr *guard)
{
	if (size > 4096)
		size = 4096;
	if (kind == K_STORE && !guard && nevs > 0) {
		Ev *last = &evs[nevs - 1];
		if (last->kind == K_LOAD && !last->guard && last->size == size && last->insn == insn_no &&
		    eqIRAtom(last->addr, addr)) {
			last->kind = K_MODIFY;
			return;
		}
	}
	if (nevs == NEVS)
		flush_evs(sb);
	evs[nevs++] = (Ev){ kind, addr, size, guard, insn_no };
}

static void rec_post_clo_init(void)
{
	if (!clo_out) {
		VG_(umsg)("mmsim-record: --mmsim-out=PREFIX is required (mmsim record gives it)\n");
		VG_(exit)(2);
	}
	lwp = VG_(calloc)("mmsim-record.lwp", VG_N_THREADS, sizeof *lwp);
	fetch_page = VG_(calloc)("mmsim-record.fetch_page", VG_N_THREADS, sizeof *fetch_page);
	for (Int i = 0; i < (Int)VG_N_THREADS; i++)
		fetch_page[i] = 1;
	open_output();
}

/* The size of a dirty helper's memory access, for one of its pieces. */
static IRSB *rec_instrument(VgCallbackClosure *closure, IRSB *in, const VexGuestLayout *layout,
			    const VexGuestExtents *extents, const VexArchInfo *archinfo, IRType gWordTy,
			    IRType hWordTy)
{
	Int i;
	Addr page = 1;
	(void)closure, (void)layout, (void)extents, (void)archinfo, (void)hWordTy;

	if (gWordTy != hWordTy)
		VG_(tool_panic)("host/guest word size mismatch");
	IRSB *sb = deepCopyIRSBExceptStmts(in);
	for (i = 0; i < in->stmts_used && in->stmts[i]->tag != Ist_IMark; i++)
		addStmtToIRSB(sb, in->stmts[i]);
	nevs = 0;
	insn_no = 0;
	for (; i < in->stmts_used; i++) {
		IRStmt *st = in->stmts[i];
		if (!st || st->tag == Ist_NoOp)
			continue;
		switch (st->tag) {
		case Ist_IMark:
			insn_no++;
			if (clo_fetches && (st->Ist.IMark.addr & ~(Addr)4095) != page) {
				page = st->Ist.IMark.addr & ~(Addr)4095;
				add_ev(sb, K_FETCH, mkIRExpr_HWord(st->Ist.IMark.addr), st->Ist.IMark.len, NULL);
			}
			addStmtToIRSB(sb, st);
			break;
		case Ist_WrTmp:
			if (st->Ist.WrTmp.data->tag == Iex_Load) {
				IRExpr *e = st->Ist.WrTmp.data;
				add_ev(sb, K_LOAD, e->Iex.Load.addr, sizeofIRType(e->Iex.Load.ty), NULL);
			}
			addStmtToIRSB(sb, st);
			break;
		case Ist_Store:
			add_ev(sb, K_STORE, st->Ist.Store.addr, sizeofIRType(typeOfIRExpr(in->tyenv, st->Ist.Store.data)),
			       NULL);
			addStmtToIRSB(sb, st);
			break;
		case Ist_StoreG: {
			IRStoreG *sg = st->Ist.StoreG.details;
			add_ev(sb, K_STORE, sg->addr, sizeofIRType(typeOfIRExpr(in->tyenv, sg->data)), sg->guard);
			addStmtToIRSB(sb, st);
			break;
		}
		case Ist_LoadG: {
			IRLoadG *lg = st->Ist.LoadG.details;
			IRType ty = Ity_INVALID, arg = Ity_INVALID;
			typeOfIRLoadGOp(lg->cvt, &ty, &arg);
			add_ev(sb, K_LOAD, lg->addr, sizeofIRType(arg), lg->guard);
			addStmtToIRSB(sb, st);
			break;
		}
		case Ist_Dirty: {
			IRDirty *d = st->Ist.Dirty.details;
			if (d->mFx != Ifx_None) {
				tl_assert(d->mAddr && d->mSize > 0);
				if (d->mFx == Ifx_Read || d->mFx == Ifx_Modify)
					add_ev(sb, K_LOAD, d->mAddr, d->mSize, NULL);
				if (d->mFx == Ifx_Write || d->mFx == Ifx_Modify)
					add_ev(sb, K_STORE, d->mAddr, d->mSize, NULL);
			}
			addStmtToIRSB(sb, st);
			break;
		}
		case Ist_CAS: {
			IRCAS *cas = st->Ist.CAS.details;
			Int size = sizeofIRType(typeOfIRExpr(in->tyenv, cas->dataLo)) * (cas->dataHi ? 2 : 1);
			add_ev(sb, K_LOAD, cas->addr, size, NULL);
			add_ev(sb, K_STORE, cas->addr, size, NULL);
			addStmtToIRSB(sb, st);
			break;
		}
		case Ist_LLSC: {
			IRType ty;
			if (!st->Ist.LLSC.storedata) {
				ty = typeOfIRTemp(in->tyenv, st->Ist.LLSC.result);
				add_ev(sb, K_LOAD, st->Ist.LLSC.addr, sizeofIRType(ty), NULL);
			} else {
				ty = typeOfIRExpr(in->tyenv, st->Ist.LLSC.storedata);
				add_ev(sb, K_STORE, st->Ist.LLSC.addr, sizeofIRType(ty), NULL);
			}
			addStmtToIRSB(sb, st);
			break;
		}
		case Ist_Exit:
			flush_evs(sb);
			addStmtToIRSB(sb, st);
			break;
		default:
			addStmtToIRSB(sb, st);
			break;
		}
	}
	flush_evs(sb);
	return sb;
}

static void rec_fini(Int exitcode)
{
	if (!group_exited && out_fd >= 0) {
		UChar *s = event(E_EXIT, (ULong)(Long)exitcode, 1, cur_tid);
		put64(s, 1);
		group_exited = True;
	}
	close_output();
}

static void rec_pre_clo_init(void)
{
	VG_(details_name)("mmsim-record");
	VG_(details_version)("0.1.0");
	VG_(details_description)("mmsim's memory trace recorder");
	VG_(details_copyright_author)("Copyright (C) 2026 the mmsim authors; GPL-2.0-or-later.");
	VG_(details_bug_reports_to)("the mmsim project");
	VG_(details_avg_translation_sizeB)(200);
	VG_(basic_tool_funcs)(rec_post_clo_init, rec_instrument, rec_fini);
	VG_(needs_command_line_options)(rec_process_cmd_line_option, rec_print_usage, rec_print_debug_usage);
	VG_(needs_syscall_wrapper)(rec_pre_syscall, rec_post_syscall);
	VG_(track_start_client_code)(rec_first_code);
	VG_(track_pre_thread_ll_create)(rec_thread_create);
	VG_(track_pre_thread_ll_exit)(rec_thread_exit);
	VG_(atfork)(NULL, NULL, rec_fork_child);
}

VG_DETERMINE_INTERFACE_VERSION(rec_pre_clo_init)

-- Segments and TLS (issue 19 §1): arch_prctl, set_thread_area and
-- get_thread_area, modify_ldt as Linux has them; the per-CPU GDT in
-- Linux's order; FS/GS state inherited by fork and kept per thread;
-- %fs- and %gs-relative accesses resolving through the base and paging;
-- compatibility mode with limits.
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()

-- ---- the GDT: Linux's entries in Linux's order, one GDT per CPU -------------------
local function gdt_by_index(cpu)
	local g = {}
	for _, d in ipairs(m:gdt(cpu)) do
		g[d.index] = d
	end
	return g
end
local g0, g1 = gdt_by_index(0), gdt_by_index(1)
T.eq(g0[0].raw, 0, "entry 0 is null")
T.eq(g0[1].kind, "32-bit code, readable, DPL 0, present", "GDT_ENTRY_KERNEL32_CS")
T.eq(g0[2].kind, "64-bit code, readable, DPL 0, present", "GDT_ENTRY_KERNEL_CS (selector 0x10)")
T.eq(g0[3].kind, "32-bit data, read/write, DPL 0, present", "GDT_ENTRY_KERNEL_DS")
T.eq(g0[4].kind, "32-bit code, readable, DPL 3, present", "GDT_ENTRY_DEFAULT_USER32_CS (0x23)")
T.eq(g0[5].kind, "32-bit data, read/write, DPL 3, present", "GDT_ENTRY_DEFAULT_USER_DS (0x2b)")
T.eq(g0[6].kind, "64-bit code, readable, DPL 3, present", "GDT_ENTRY_DEFAULT_USER_CS (0x33)")
T.eq(g0[8].wide, true, "GDT_ENTRY_TSS is a 16-byte system descriptor")
T.has(g0[8].kind, "64-bit TSS", "entry 8 is the TSS")
T.eq(g0[9], nil, "the TSS takes entries 8 and 9")
T.eq(g0[12].raw + g0[13].raw + g0[14].raw, 0, "the TLS entries 12..14 are empty with no task's TLS")
T.has(g0[15].kind, "expand-down", "GDT_ENTRY_CPUNODE")
T.eq(g0[15].limit & 0xfff, 0, "CPUNODE's limit holds the CPU number: 0")
T.eq(g1[15].limit & 0xfff, 1, "and 1 on CPU 1")
T.ok(g0[8].base ~= g1[8].base, "each CPU has its own TSS")
T.eq(#m:gdt(0), 15, "16 words, the TSS listed once")
T.errno("EINVAL", m:gdt(7))

-- ---- arch_prctl ------------------------------------------------------------------------
local p = m:spawn("seg")
local a = p:mmap({ addr = 0x10000000, len = 2 * PAGE, prot = "rw", flags = "private|anonymous|fixed" })
T.eq(a, 0x10000000, "a low mapping (32-bit bases reach it)")
local s = p:segments()
T.eq(s.cs.sel, 0x33, "user code runs with __USER_CS")
T.eq(s.ss.sel, 0x2b, "and __USER_DS in SS")
T.eq(s.fs_base, 0, "FS base 0 at exec")
T.eq(s.compat, false, "64-bit mode")
T.eq(p:arch_prctl("set_fs", a), 0, "ARCH_SET_FS")
T.eq(p:arch_prctl("set_gs", a + PAGE), 0, "ARCH_SET_GS")
s = p:segments()
T.eq(s.fs_base, a, "FS base set")
T.eq(s.gs_base, a + PAGE, "GS base set")
T.eq(s.fs.sel, 0, "with a null FS selector")
T.eq(p:arch_prctl("get_fs", a + 0x100), 0, "ARCH_GET_FS")
T.eq(p:read_u64(a + 0x100), a, "stores the base at addr")
T.eq(p:arch_prctl(0x1004, a + 0x108), 0, "ARCH_GET_GS by number")
T.eq(p:read_u64(a + 0x108), a + PAGE, "stores the GS base")
T.errno("EPERM", p:arch_prctl("set_fs", 1 << 47))
T.errno("EFAULT", p:arch_prctl("get_fs", 0x1000))
T.errno("EINVAL", p:arch_prctl(0x1005, 0))
T.eq(p:segments().fs_base, a, "a refused call changes nothing")

-- ---- %fs- and %gs-relative accesses ------------------------------------------------------
T.ok(p:write({ seg = "fs", off = 0x10, data = 0x1122334455667788 }), "write %fs:0x10")
T.eq(p:read_u64(a + 0x10), 0x1122334455667788, "lands at FS base + 0x10")
T.ok(p:write({ seg = "gs", off = 8, data = "gs!" }), "write %gs:8")
T.eq(p:read(a + PAGE + 8, 3), "gs!", "lands at GS base + 8")
T.eq(p:read({ seg = "fs", off = PAGE + 8, n = 3 }), "gs!", "%fs:(PAGE+8) is the same byte")
-- the linear address goes through paging: a COW-shared page after fork
-- resolves to the child's copy once written, through the same FS offset
local phys = p:virt_to_phys(a + 0x10)
T.ok(phys, "the page is mapped")
-- the segment step and the walk, narrated
local lines = {}
m:explain(function(line) lines[#lines + 1] = line end)
T.eq(p:read({ seg = "fs", off = 0x10, n = 8 }), "\x88\x77\x66\x55\x44\x33\x22\x11", "read %fs:0x10")
m:explain(false)
local text = table.concat(lines, "\n")
T.has(text, "segment fs:0x10 -> linear 0x10000010 (64-bit mode: base added; no limit)", "the segment step")
T.has(text, string.format("-> physical %#x", phys), "then paging to the frame")
-- a base + offset past the canonical range: #GP, SIGSEGV SI_KERNEL
T.eq(p:arch_prctl("set_gs", 0x7fffffffe000), 0, "GS near the top of user space")
local c0 = p:fork()
T.fault({ signal = "SIGSEGV", code = "SI_KERNEL", trapno = 13 },
	c0:read({ seg = "gs", off = 0x800000000000, n = 1 }))
T.eq(c0:alive(), false, "the #GP killed it")
T.eq(p:arch_prctl("set_gs", a + PAGE), 0, "GS back")
-- a fetch goes through CS; data through the others
T.errno("EINVAL", p:read({ seg = "cs", off = a, n = 1 }))
T.raises("bad argument", p.read, p, { seg = "xs", off = 0 })
T.raises("unknown key", p.read, p, { seg = "fs", off = 0, len = 1 })

-- ---- set_thread_area and get_thread_area ----------------------------------------------
local e = p:set_thread_area({ base = a, limit = 0xfffff, seg_32bit = 1, limit_in_pages = 1, useable = 1 })
T.eq(e, 12, "entry -1: the first free TLS entry, 12")
local d = p:get_thread_area(12)
T.eq(d.base, a, "get_thread_area: base")
T.eq(d.limit, 0xfffff, "limit")
T.eq(d.seg_32bit .. d.limit_in_pages .. d.useable .. d.contents, "1110", "flags")
T.eq(gdt_by_index(0)[12].base, a, "the running task's TLS entry is in its CPU's GDT")
T.eq(p:set_thread_area({ base = a + PAGE, limit = 0xfff, seg_32bit = 1 }), 13, "the next free one")
T.eq(p:set_thread_area({ entry = 14, base = 0x20000000, limit = 1, seg_32bit = 1 }), 14, "an explicit entry")
T.errno("ESRCH", p:set_thread_area({ base = 0, limit = 1, seg_32bit = 1 }))
T.errno("EINVAL", p:set_thread_area({ entry = 11, base = 0, limit = 1, seg_32bit = 1 }))
T.errno("EINVAL", p:get_thread_area(15))
T.errno("EINVAL", p:set_thread_area({ entry = 14, base = 0, limit = 1, seg_32bit = 1, contents = 2 }))
-- empty entry 14 again (Linux: a "zero" descriptor: read_exec_only and seg_not_present)
T.eq(p:set_thread_area({ entry = 14, read_exec_only = 1, seg_not_present = 1 }), 14, "clear entry 14")
T.eq(gdt_by_index(0)[14].raw, 0, "cleared")
-- load FS from the TLS entry: the base comes from the descriptor
T.ok(p:load_segment("fs", 12 * 8 + 3), "mov $0x63, %fs")
s = p:segments()
T.eq(s.fs.sel, 0x63, "FS selector")
T.eq(s.fs_base, a, "FS base from the descriptor")
T.eq(p:read({ seg = "fs", off = 0x10, n = 2 }), "\x88\x77", "%fs:0x10 through the TLS entry")
-- a selector past the GDT's limit: #GP with the selector as error code
local bad = m:spawn("bad")
T.fault({ signal = "SIGSEGV", code = "SI_KERNEL", trapno = 13, error_code = 17 * 8 }, bad:load_segment("fs", 17 * 8 + 3))
T.eq(bad:alive(), false, "killed")

-- ---- modify_ldt -------------------------------------------------------------------------
local count, bytes = p:modify_ldt(0, 16)
T.eq(count, 0, "no LDT yet: 0 bytes")
count, bytes = p:modify_ldt(2, 16)
T.eq(count, 16, "the default LDT")
T.eq(bytes, string.rep("\0", 16), "is zeros")
T.eq(p:modify_ldt(0x11, { entry = 1, base = a, limit = 0xff, seg_32bit = 1 }), 0, "write entry 1")
local ldt = p:ldt()
T.eq(#ldt, 2, "the LDT grew to entry 1")
T.eq(ldt[2].base, a, "entry 1's base")
T.eq(ldt[2].limit, 0xff, "and limit")
T.eq(ldt[2].kind, "32-bit data, read/write, DPL 3, present", "a user data segment")
T.eq(p:segments().ldt_entries, 2, "the mm's LDT size")
count = p:modify_ldt(0, 64)
T.eq(count, 64, "func 0 reads bytecount bytes, zero-filled past the end")
T.errno("EINVAL", p:modify_ldt(0x11, { entry = 8192, base = 0, limit = 1 }))
T.errno("ENOSYS", p:modify_ldt(3, 16))
T.errno("EINVAL", p:modify_ldt(1, "short"))
T.ok(p:load_segment("es", 1 * 8 + 4 + 3), "mov $0xf, %es: an LDT selector")
T.eq(p:segments().es.base, a, "ES base from the LDT")

-- ---- fork and threads ---------------------------------------------------------------------
local c = p:fork()
local cs = c:segments()
T.eq(cs.fs.sel, 0x63, "fork: the child keeps FS's selector")
T.eq(cs.fs_base, a, "and base")
T.eq(cs.gs_base, a + PAGE, "and the GS base")
T.eq(cs.es.sel, 0xf, "and ES")
T.eq(cs.ldt_entries, 2, "the child has a copy of the LDT")
T.eq(c:get_thread_area(12).base, a, "and the TLS entries")
T.eq(c:read({ seg = "fs", off = 0x10, n = 2 }), "\x88\x77", "the child's %fs:0x10")
T.ok(c:write({ seg = "fs", off = 0x10, data = "CC" }), "a write through the child's FS (copy on write)")
T.eq(p:read({ seg = "fs", off = 0x10, n = 2 }), "\x88\x77", "the parent's bytes are its own")
T.ok(c:virt_to_phys(a + 0x10) ~= p:virt_to_phys(a + 0x10), "FS + 0x10 now resolves to the child's frame")
T.eq(c:modify_ldt(0x11, { entry = 3, base = 0, limit = 1, seg_32bit = 1 }), 0, "the child's LDT grows")
T.eq(p:segments().ldt_entries, 2, "the parent's does not")
local th = p:thread({ core = 1 })
local ts = th:segments()
T.eq(ts.fs.sel, 0x63, "a thread starts with its creator's FS")
T.eq(th:arch_prctl("set_fs", a + 0x800), 0, "and sets its own")
T.eq(th:segments().fs_base, a + 0x800, "per thread")
T.eq(p:segments().fs_base, a, "the other thread keeps its base")
T.eq(th:read({ seg = "fs", off = 0, n = 1 }), p:read(a + 0x800, 1), "each through its own base")
T.eq(th:segments().ldt_entries, 2, "threads share the mm's LDT")
T.eq(gdt_by_index(1)[12].base, a, "CPU 1's GDT holds the running thread's TLS entries")
-- a context switch saves and restores the bases
p:run_on(1)
T.eq(p:segments().fs_base, a, "back on CPU 1, p's FS base")
T.eq(th:segments().fs_base, a + 0x800, "and th's")
T.eq(p:read({ seg = "fs", off = 0x10, n = 2 }), "\x88\x77", "p reads through its own")

-- ---- the TLS block glibc sets up ---------------------------------------------------------
local q = m:spawn({ name = "tls", tls = true })
local fs = q:segments().fs_base
T.ok(fs ~= 0, "spawn{tls=true}: FS points at a TCB")
T.eq(q:read_u64(fs), fs, "tcb->tcb at %fs:0")
T.eq(string.unpack("<i8", q:read({ seg = "fs", off = 0x10, n = 8 })), fs, "tcb->self at %fs:0x10")
T.eq(q:read({ seg = "fs", off = 0x28, n = 1 }), "\0", "the stack guard's low byte is zero")
local qt = q:thread({ tls = true })
T.ok(qt:segments().fs_base ~= fs, "thread{tls=true}: its own TCB")
T.eq(string.unpack("<i8", qt:read({ seg = "fs", off = 0x10, n = 8 })), qt:segments().fs_base, "its self pointer")

-- ---- compatibility mode: bases and limits apply ---------------------------------------------
local r = m:spawn("compat")
local low = r:mmap({ addr = 0x20000000, len = PAGE, prot = "rw", flags = "private|anonymous|fixed" })
T.eq(r:modify_ldt(0x11, { entry = 0, base = low, limit = 0xff, seg_32bit = 1 }), 0, "a 256-byte data segment")
T.ok(r:load_segment("ds", 4 + 3), "DS from the LDT")
T.ok(r:load_segment("cs", 0x23), "ljmp to __USER32_CS")
T.eq(r:segments().compat, true, "compatibility mode")
T.ok(r:write({ seg = "ds", off = 0xf0, data = "in" }), "inside the limit")
T.ok(r:load_segment("es", 0x2b), "ES = __USER_DS: base 0, 4 GiB")
T.eq(r:read({ seg = "es", off = low + 0xf0, n = 2 }), "in", "at base + offset")
T.fault({ signal = "SIGSEGV", code = "SI_KERNEL", trapno = 13 }, r:write({ seg = "ds", off = 0xff, data = "xx" }))
T.eq(r:alive(), false, "a limit violation is #GP")

T.consistent(m, "after the segment work")
T.done()

-- Accesses through the MMU: write (strings, integers of 1, 2, 4, 8 bytes),
-- read, fetch, read_u64, touch; virt_to_phys and per-process stats; the
-- fatal faults (SIGSEGV, #GP, SIGBUS, the OOM killer's SIGKILL);
-- copy-on-write after fork and the zero page.
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()
local p = m:spawn("access")
local a = p:mmap({ len = 4 * PAGE, prot = "rw" })

-- ---- write and read ---------------------------------------------------------------
T.eq(p:write(a, "bytes\0with\0zeros"), true, "write a string")
T.eq(p:read(a, 16), "bytes\0with\0zeros", "read it back, zeros included")
T.eq(p:read(a), "b", "read one byte by default")
T.eq(p:read(a, 0), "", "read nothing")
T.eq(p:write(a, ""), true, "write nothing")
-- integers are stored little-endian, as x86 stores them
T.ok(p:write(a, 0x1122334455667788), "an integer: 8 bytes by default")
T.eq(p:read(a, 8), "\x88\x77\x66\x55\x44\x33\x22\x11", "little-endian")
T.eq(p:read_u64(a), 0x1122334455667788, "read_u64")
T.ok(p:write(a, 0xaabb, 2), "2 bytes")
T.eq(p:read(a, 3), "\xbb\xaa\x66", "only two bytes changed")
T.raises("write: 1099511627521 does not fit in 4 bytes", p.write, p, a, 0xffffffff01, 4)
T.eq(p:read(a, 5), "\xbb\xaa\x66\x55\x44", "a value too large for its size stores nothing")
T.ok(p:write(a, 0xffffffff, 4), "4 bytes")
T.ok(p:write(a, 0xff, 1), "1 byte")
T.eq(p:read(a, 5), "\xff\xff\xff\xff\x44", "the four bytes")
T.ok(p:write(a, -1, 8), "-1")
T.eq(p:read_u64(a), -1, "read_u64 is a signed Lua integer")
T.ok(p:write(a, 0x8000000000000000), "the sign bit")
T.eq(p:read(a + 7, 1), "\x80", "in the last byte")
T.raises("size must be 1, 2, 4 or 8", p.write, p, a, 1, 3)
T.raises("size must be 1, 2, 4 or 8", p.write, p, a, 1, 16)
T.raises("string expected, got table", p.write, p, a, {})
T.raises("string expected, got no value", p.write, p, a)
T.raises("length out of range (0 to 64 MiB)", p.read, p, a, -1)
T.raises("length out of range (0 to 64 MiB)", p.read, p, a, (64 << 20) + 1)
T.raises("number expected, got no value", p.read_u64, p)
-- accesses cross pages
local text = string.rep("0123456789abcdef", 512)   -- 8 KiB
T.ok(p:write(a + PAGE - 5, text), "a write across three pages")
T.eq(p:read(a + PAGE - 5, #text), text, "read back across them")
T.eq(p:read(a + 3 * PAGE - 10, 5), text:sub(-5), "the end lies in the third page")

-- ---- fetch ----------------------------------------------------------------------------
local code = p:mmap({ len = PAGE, prot = "rwx" })
p:write(code, "\x55\x48\x89\xe5\xc3")
T.eq(p:fetch(code, 5), "\x55\x48\x89\xe5\xc3", "fetch from an executable page")
T.eq(p:fetch(code), "\x55", "one byte by default")
T.eq(#p:fetch(0x555555555000, 4), 4, "the image's text is executable")
T.eq(p:read(0x555555554000, 4), "\x7fELF", "the image starts with its ELF header")

-- ---- touch ----------------------------------------------------------------------------
local t = p:mmap({ len = 8 * PAGE, prot = "rw" })
local f0 = p:stats().minflt
T.eq(p:touch(t, 4 * PAGE, "w"), true, "touch for writing")
T.eq(p:stats().minflt, f0 + 4, "one fault per page")
T.ok(p:virt_to_phys(t + 3 * PAGE), "every page mapped")
p:write(t, "kept")
T.ok(p:touch(t, PAGE, "write"), "touch w")
T.eq(p:read(t, 4), "kept", "a write touch keeps the bytes")
f0 = p:stats().minflt
T.ok(p:touch(t + 4 * PAGE, 2 * PAGE), "touch reads by default")
T.eq(p:stats().minflt, f0 + 2, "read faults")
T.eq(m:page(p:virt_to_phys(t + 4 * PAGE) >> 12).kind, "zero", "a read touch maps the zero page")
T.ok(p:touch(t + 4 * PAGE, PAGE, "w"), "then a write")
T.eq(m:page(p:virt_to_phys(t + 4 * PAGE) >> 12).kind, "anon", "copies the zero page to a new one")
T.ok(p:touch(t, 2 * PAGE, "r") and p:touch(t, 2 * PAGE, "read"), "r and read")
T.ok(p:touch(code, PAGE, "x") and p:touch(code, PAGE, "fetch"), "x and fetch")
T.ok(p:touch(t, 0, "w"), "touch nothing")
T.raises("\"r\", \"w\" or \"x\" expected", p.touch, p, t, PAGE, "rw")
T.raises("\"r\", \"w\" or \"x\" expected", p.touch, p, t, PAGE, "execute")
T.raises("number expected, got no value", p.touch, p, t)

-- ---- virt_to_phys ------------------------------------------------------------------------
local pa = p:virt_to_phys(a + 123)
T.eq(pa & 0xfff, 123, "the offset in the page is kept")
T.eq(m:page(pa >> 12).kind, "anon", "the frame is anonymous memory")
T.has(T.errno("ENOENT", p:virt_to_phys(0x100000000)), "is not mapped in pid 1", "an unmapped address")
local q = m:spawn("other")
local qa = q:mmap({ len = PAGE, prot = "rw" })
T.eq(qa, a + 3 * PAGE, "another process, the same layout: its first page is p's fourth")
q:write(qa, "Q")
T.ok(q:virt_to_phys(qa) ~= p:virt_to_phys(qa), "the same virtual address, another frame: isolation")
q:exit()
T.raises("number expected, got no value", p.virt_to_phys, p)

-- ---- per-process statistics -----------------------------------------------------------------
local s = p:stats()
for _, k in ipairs({ "minflt", "majflt", "accesses", "walks", "walk_refs", "page_faults", "cycles" }) do
	T.eq(math.type(s[k]), "integer", "stats()." .. k)
end
for _, k in ipairs({ "hit", "l1_hit", "l2_hit", "miss" }) do
	T.eq(math.type(s.tlb[k]), "integer", "stats().tlb." .. k)
end
T.eq(math.type(s.pwc.hit), "integer", "stats().pwc.hit")
T.eq(s.majflt, 0, "no major faults without swap or files")
T.eq(s.tlb.hit, s.tlb.l1_hit + s.tlb.l2_hit, "hits are L1 and L2 hits")
T.eq(s.tlb.miss, s.walks, "every miss walks")
local s0 = p:stats()
for _ = 1, 10 do
	p:read(a, 1)
end
local s1 = p:stats()
T.eq(s1.accesses - s0.accesses, 10, "ten accesses")
T.eq(s1.tlb.hit - s0.tlb.hit, 10, "all TLB hits")
T.eq(s1.walks - s0.walks, 0, "no walk")
T.eq(s1.minflt - s0.minflt, 0, "no fault")
-- a thread counts its own accesses; the leader counts the group's
local th = p:thread(1)
local l0, t0 = p:stats().accesses, th:stats().accesses
T.eq(t0, 0, "a new thread has done nothing")
th:read(a, 1)
T.eq(th:stats().accesses - t0, 1, "the thread's access")
T.ok(p:stats().accesses - l0 >= 1, "the leader's stats include its threads")
th:exit()

-- ---- fatal faults ---------------------------------------------------------------------------------
local function victim()
	return m:spawn("victim")
end
local v = victim()
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", addr = 16, trapno = 14, error_code = 4 }, v:read(16, 1))
T.eq(v:alive(), false, "the NULL-ish read killed it")
v = victim()
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", error_code = 6 }, v:write(0x100000000, "x"))
v = victim()
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", error_code = 0x14 }, v:fetch(0x100000000, 1))
v = victim()
-- the read-only text of the image: not present yet (6), then present (7)
T.fault({ signal = "SIGSEGV", code = "SEGV_ACCERR", addr = 0x555555555000, error_code = 6 },
	v:write(0x555555555000, "\xcc"))
v = victim()
T.ok(v:fetch(0x555555555000, 1), "a fetch maps the text page")
T.fault({ signal = "SIGSEGV", code = "SEGV_ACCERR", error_code = 7 }, v:touch(0x555555555000, PAGE, "w"))
v = victim()
-- a non-canonical address: #GP, not #PF (SDM 3A 4.5); Linux reports SI_KERNEL, address 0
T.fault({ signal = "SIGSEGV", code = "SI_KERNEL", addr = 0, trapno = 13, error_code = 0 }, v:read(0x800000000000, 1))
v = victim()
-- the kernel's half from user mode: error code 5 whatever the page tables
-- say (Linux's sanitize_error_code sets the protection bit above
-- TASK_SIZE_MAX)
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", trapno = 14, error_code = 5 },
	v:read(0xffff888000000000, 1))
v = victim()
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR" }, v:read_u64(16))
-- SIGBUS: a shared mapping grown past the end of its object
v = victim()
local sh = v:mmap({ len = PAGE, prot = "rw", flags = "shared|anonymous" })
local grown = v:mremap(sh, PAGE, 2 * PAGE, "maymove")
T.ok(grown, "a shared anonymous mapping grows")
T.ok(v:write(grown, "in"), "inside the object")
T.fault({ signal = "SIGBUS", code = "BUS_ADRERR", addr = grown + PAGE, trapno = 14 }, v:read(grown + PAGE, 1))
-- a copy loop (a string of any length but 1, 2, 4 or 8) stopped by a fault
-- has stored the bytes before the faulting page; one instruction (1, 2, 4
-- or 8 bytes, an integer or a string) stores nothing
do
	local w = victim()
	local two = w:mmap({ len = 2 * PAGE, prot = "rw", flags = "shared|anonymous" })
	for _, case in ipairs{ { "ABCDEFGHIJ", "ABCD" }, { "ABCDEFGH", "\0\0\0\0" },
			       { 0x4847464544434241, "\0\0\0\0" } } do
		T.ok(w:write(two + PAGE - 4, string.rep("\0", 8)))
		local kid = w:fork()
		T.eq(kid:mprotect(two + PAGE, PAGE, "r"), 0, "the child's second page is read-only")
		T.fault({ code = "SEGV_ACCERR", addr = two + PAGE }, kid:write(two + PAGE - 4, case[1]))
		T.eq(w:read(two + PAGE - 4, 8), case[2] .. "\0\0\0\0", "what the write left: " .. tostring(case[1]))
	end
	w:exit()
end
-- the OOM killer: touching more than RAM with overcommit allowed
do
	local mm <close> = T.machine()
	mm:set("vm.overcommit_memory", 1)
	mm:spawn("init")                                   -- pid 1, whom the OOM killer never takes
	local hog = mm:spawn("hog")
	local big = hog:mmap({ len = 128 << 20, prot = "rw" })
	local f = T.fault({ signal = "SIGKILL", code = "SI_KERNEL", trapno = 14 }, hog:touch(big, 128 << 20, "w"))
	T.ok(f.addr > big, "killed somewhere in the mapping")
	T.eq(hog:alive(), false, "the OOM killer's victim is dead")
	T.eq(mm:vmstat("oom_kill"), 1, "oom_kill counts it")
	T.has(mm:dmesg(), "Out of memory: Killed process 2 (hog)", "the kernel log says so")
	T.consistent(mm, "after the OOM kill")
	T.ok(mm:spawn("after"):mmap({ len = PAGE, prot = "rw" }), "the memory is free again")
end

-- ---- copy-on-write -----------------------------------------------------------------------------------
do
	local par = m:spawn("cow")
	local va = par:mmap({ len = 2 * PAGE, prot = "rw" })
	par:write(va, "parent")
	local frame = par:virt_to_phys(va)
	local kid = par:fork()
	T.eq(kid:virt_to_phys(va), frame, "after fork both map the same frame")
	T.eq(m:page(frame >> 12).mapcount, 2, "mapped twice")
	T.eq(kid:read(va, 6), "parent", "the child reads the parent's data")
	local k0 = kid:stats().minflt
	T.ok(kid:write(va, "child!"), "the child writes")
	T.eq(kid:stats().minflt, k0 + 1, "a write-protect fault")
	T.ok(kid:virt_to_phys(va) ~= frame, "the child got a copy")
	T.eq(kid:read(va, 6), "child!", "its own data")
	T.eq(par:read(va, 6), "parent", "the parent's is untouched")
	T.eq(m:page(frame >> 12).mapcount, 1, "the parent alone maps the original")
	local p0 = par:stats().minflt
	T.ok(par:write(va, "PARENT"), "the parent writes")
	T.eq(par:stats().minflt, p0 + 1, "a write-protect fault")
	T.eq(par:virt_to_phys(va), frame, "reused, not copied: it was the last mapper")
	T.eq(kid:virt_to_phys(va + PAGE), nil, "a page never touched stays unmapped in both")
	kid:exit()
	par:exit()
end

T.consistent(m, "after the access tests")
T.done()

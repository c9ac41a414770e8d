-- Traces from Lua (docs/traces.md): mmsim.trace_create and trace_open round
-- trip every record; m:replay does what the same calls made by hand do
-- (counter for counter), checks system call results, replays flat, keeps
-- threads on their cores, gives the same report every time; bad traces and
-- fatal accesses name their record or byte.
local T = require "check"
local PAGE = T.PAGE

local function scratch()
	local path = os.tmpname()
	return path
end

-- ---- writing and reading -------------------------------------------------------------
local path = scratch()
local w = assert(mmsim.trace_create(path, { program = "/bin/demo", argv = { "demo", "-x" }, syscalls = true,
					    note = "a test" }))
local records = {
	{ type = "map", tid = 100, start = 0x400000, ["end"] = 0x402000, offset = 0, prot = 5, flags = 2, inode = 7,
	  name = "/bin/demo" },
	{ type = "brk", tid = 100, start_brk = 0x600000, brk = 0x600000 },
	{ type = "syscall", tid = 100, nr = 9, name = "mmap", args = { 0, 65536, 3, 0x22, -1, 0 }, result = 0x10000000 },
	{ type = "access", tid = 100, addr = 0x10000000, size = 8, kind = "store" },
	{ type = "access", tid = 100, addr = 0x400010, size = 4096, kind = "fetch" },
	{ type = "access", tid = 100, addr = 0x10000008, size = 4, kind = "modify" },
	{ type = "thread", tid = 100, child = 101, clone_flags = 0x3d0f00 },
	{ type = "access", tid = 101, addr = 0x10000000, size = 1, kind = "load" },
	{ type = "fork", tid = 100, child = 200, clone_flags = 0 },
	{ type = "exit", tid = 200, code = 3, group = true },
}
for _, r in ipairs(records) do
	T.ok(w:write(r), "write " .. r.type)
end
T.errno("EINVAL", w:write { type = "access", addr = 1, size = 0 })
T.raises("size 5000", function() w:write { type = "access", addr = 1, size = 5000 } end)
T.raises('kind "jump" is not one of the format\'s', function() w:write { type = "access", addr = 1, kind = "jump" } end)
T.raises("addr", function() w:write { type = "access" } end)
T.ok(w:close(), "close writes the trailer")

local t = assert(mmsim.trace_open(path))
local info = t:info()
T.eq(info.program, "/bin/demo")
T.eq(info.argv[2], "-x")
T.eq(info.syscalls, true)
T.eq(info.note, "a test")
T.eq(info.version, "1.0")
local i = 0
for r in t:records() do
	i = i + 1
	for k, v in pairs(records[i]) do
		if type(v) ~= "table" then
			T.eq(r[k], v, "record " .. i .. " field " .. k)
		end
	end
	if r.type == "syscall" then
		T.eq(r.args[2], 65536)
		T.eq(r.args[5], -1)
	end
end
T.eq(i, #records, "every record came back")
local done, size = t:offset()
T.eq(done, size, "read to the end")
t:close()
T.raises("closed", function() t:next() end)

-- a cut file: an error naming the byte
local f = assert(io.open(path, "rb"))
local bytes = f:read("a")
f:close()
local cut = scratch()
f = assert(io.open(cut, "wb"))
f:write(bytes:sub(1, #bytes - 40))
f:close()
t = assert(mmsim.trace_open(cut))
T.raises("byte", function() for _ in t:records() do end end)
local r1, e1, m1 = mmsim.trace_open("/nonexistent/t.mmt")
T.eq(r1, nil)
T.eq(e1, "ENOENT")
T.has(m1, "/nonexistent/t.mmt")
f = assert(io.open(cut, "wb"))
f:write("not a trace at all, really not")
f:close()
T.errno("EINVAL", mmsim.trace_open(cut))

-- ---- a replay does what the same calls do ------------------------------------------------
-- The trace: a mapping at the start, an mmap, stores by the main thread,
-- loads by a second thread (on the other core), a fork whose child writes
-- (copy-on-write), an munmap.
local BASE = 0x10000000
local strict = scratch()
w = assert(mmsim.trace_create(strict, { program = "/bin/replayed", syscalls = true }))
w:write { type = "map", tid = 10, start = 0x400000, ["end"] = 0x404000, prot = 5, flags = 2, name = "/bin/replayed" }
w:write { type = "syscall", tid = 10, name = "mmap", args = { 0, 64 * PAGE, 3, 0x22, -1, 0 }, result = BASE }
for k = 0, 63 do
	w:write { type = "access", tid = 10, addr = BASE + k * PAGE, size = 1, kind = "store" }
end
w:write { type = "access", tid = 10, addr = 0x401000, size = 1, kind = "fetch" }
w:write { type = "thread", tid = 10, child = 11 }
for k = 0, 63, 2 do
	w:write { type = "access", tid = 11, addr = BASE + k * PAGE, size = 1, kind = "load" }
end
w:write { type = "fork", tid = 10, child = 20 }
for k = 0, 15 do
	w:write { type = "access", tid = 20, addr = BASE + k * PAGE, size = 1, kind = "store" }
end
w:write { type = "syscall", tid = 10, name = "munmap", args = { BASE, 32 * PAGE }, result = 0 }
for k = 32, 40 do
	w:write { type = "access", tid = 10, addr = BASE + k * PAGE, size = 1, kind = "load" }
end
T.ok(w:close())

local m1 = T.machine()
local rep = assert(m1:replay(strict))
T.eq(rep.accesses, 64 + 1 + 32 + 16 + 9)
T.eq(rep.syscalls, 2)
T.eq(rep.mismatches, 0, rep.first_mismatch)
T.eq(rep.processes, 2)
T.eq(rep.threads, 3)
T.eq(rep.flat, false)

-- by hand, on a machine of the same kind
local m2 = T.machine()
local p = m2:spawn("replayed")
T.ok(p:munmap(0, (1 << 47) - PAGE))
T.eq(p:mmap { addr = 0x400000, len = 4 * PAGE, prot = "r-x", flags = "private|anonymous|fixed" }, 0x400000)
p:set_vma_name(0x400000, 4 * PAGE, "replayed")
T.eq(p:mmap { addr = BASE, len = 64 * PAGE, prot = "rw", flags = "private|anonymous|fixed_noreplace" }, BASE)
for k = 0, 63 do
	T.ok(p:touch(BASE + k * PAGE, 1, "w"))
end
T.ok(p:touch(0x401000, 1, "x"))
local th = p:thread { core = 1 }
for k = 0, 63, 2 do
	T.ok(th:touch(BASE + k * PAGE, 1, "r"))
end
local child = p:fork { core = 0 }
for k = 0, 15 do
	T.ok(child:touch(BASE + k * PAGE, 1, "w"))
end
T.ok(p:munmap(BASE, 32 * PAGE))
for k = 32, 40 do
	T.ok(p:touch(BASE + k * PAGE, 1, "r"))
end
local s1, s2 = m1:stats(), m2:stats()
local compared = 0
local function same(a, b, where)
	for k, v in pairs(a) do
		if type(v) == "table" then
			same(v, b[k], where .. k .. ".")
		else
			T.eq(v, b[k], "replay vs by hand: " .. where .. k)
			compared = compared + 1
		end
	end
end
same(s1, s2, "")
T.ok(compared > 100, "every counter compared")
T.eq(rep.stats.pf.total, s2.pf.total, "the report counts what the machine counted")
T.eq(rep.stats.replay.accesses, rep.accesses)
T.eq(rep.stats.replay.mismatches, 0)
T.ok(rep.stats.pf.protection >= 16, "the child's stores copied on write")

-- the report's rows
local by_name = {}
for _, v in ipairs(rep.mappings) do
	by_name[v.pid .. " " .. v.name] = v
end
T.eq(by_name["1 [anon:replayed]"].accesses, 1, "the start mapping, named after its file")
T.eq(by_name["1 [anon]"].accesses, 64 + 32 + 9)
T.eq(by_name["3 [anon]"].accesses, 16, "the child's accesses, in its own row")
T.eq(by_name["3 [anon]"].faults, 16)
T.ok(#rep.pages == 10, "ten pages by default")
T.ok(rep.pages[1].walks >= rep.pages[10].walks, "pages by walks")
T.has(rep.text, "by mapping:")

-- 4 KiB pages against THP: 4 MiB at a 2 MiB boundary, a store to each page
local huge = scratch()
w = assert(mmsim.trace_create(huge, { program = "/bin/huge", syscalls = true }))
w:write { type = "syscall", tid = 1, name = "mmap", args = { 0x40000000, 4 << 20, 3, 0x22, -1, 0 }, result = 0x40000000 }
for k = 0, 1023 do
	w:write { type = "access", tid = 1, addr = 0x40000000 + k * PAGE, size = 8, kind = "store" }
end
T.ok(w:close())
for _, thp in ipairs { "never", "always" } do
	local r = assert(mmsim.machine { thp = thp }:replay(huge))
	local on = thp == "always"
	T.eq(r.mappings[1].huge_accesses, on and 1024 or 0, thp .. ": the mapping's accesses on huge pages")
	T.eq(r.stats.replay.huge.accesses, on and 1024 or 0)
	T.eq(r.stats.replay.huge.faulted, on and 2 or 0, thp .. ": a fault per 2 MiB")
	T.eq(r.stats.replay["4k"].faulted, on and 0 or 1024, thp .. ": a fault per 4 KiB")
	T.has(r.text, "by page size (the page that translated each access):")
end

-- the same again: the same report, byte for byte
local again = assert(T.machine():replay(strict))
T.eq(again.text, rep.text, "deterministic")

-- every thread on core 0
local one = T.machine()
local rone = assert(one:replay(strict, { placement = "one" }))
T.eq(one:stats().cpu1.accesses.read, 0, "nothing ran on core 1")
T.eq(rone.accesses, rep.accesses)

-- a time series
local ser = assert(T.machine():replay(strict, { interval = 25, top = 3 }))
T.eq(#ser.pages, 3)
T.eq(#ser.series, 5, "at 25, 50, 75, 100 and the end (122)")
T.eq(ser.series[1].accesses, 25)
T.eq(ser.series[#ser.series].accesses, 122)
T.ok(ser.series[2].walks >= ser.series[1].walks, "cumulative")
T.raises("m:replay: unknown key 'bogus'", function() T.machine():replay(strict, { bogus = 1 }) end)
T.raises("placement", function() T.machine():replay(strict, { placement = "all" }) end)

-- ---- results checked; a fatal access stops the replay ------------------------------------
local bad = scratch()
w = assert(mmsim.trace_create(bad, { syscalls = true }))
w:write { type = "syscall", tid = 5, name = "mmap", args = { 0, PAGE, 3, 0x22, -1, 0 }, result = BASE }
w:write { type = "syscall", tid = 5, name = "mprotect", args = { BASE, PAGE, 1 }, result = -22 }
w:write { type = "access", tid = 5, addr = BASE, size = 8, kind = "load" }
w:write { type = "access", tid = 5, addr = BASE + PAGE, size = 8, kind = "load" }
w:close()
local r2, e2, msg = T.machine():replay(bad)
T.eq(r2, nil)
T.eq(e2, "EFAULT")
T.has(msg, "record 4: the load of 8 bytes at 0x10001000 by thread 5")
T.has(msg, "SIGSEGV")
w = assert(mmsim.trace_create(bad, { syscalls = true }))
w:write { type = "syscall", tid = 5, name = "mmap", args = { 0, PAGE, 3, 0x22, -1, 0 }, result = BASE }
w:write { type = "syscall", tid = 5, name = "mprotect", args = { BASE, PAGE, 1 }, result = -22 }
w:close()
local r3 = assert(T.machine():replay(bad))
T.eq(r3.mismatches, 1)
T.eq(r3.first_mismatch, "record 2: mprotect returned 0, the capture -EINVAL")
w = assert(mmsim.trace_create(bad, { syscalls = true }))
w:write { type = "access", tid = 5, addr = BASE, size = 8, kind = "load" }
w:write { type = "access", tid = 6, addr = BASE, size = 8, kind = "load" }
w:close()
local _, _, m4 = T.machine():replay(bad)
T.has(m4, "SIGSEGV", "the start address space is empty but for what the trace maps")

-- ---- flat mode ------------------------------------------------------------------------------
local flat = scratch()
w = assert(mmsim.trace_create(flat))
w:write { type = "access", tid = 1, addr = 0x108000, size = 8, kind = "store" }
w:write { type = "access", tid = 1, addr = 0x7fff0000, size = 8, kind = "load" }
w:write { type = "access", tid = 2, addr = 0x7fff0008, size = 8, kind = "modify" }
w:write { type = "syscall", tid = 1, name = "munmap", args = { 0x108000, PAGE }, result = 0 }
w:write { type = "access", tid = 1, addr = 0x108000, size = 8, kind = "load" }
w:write { type = "access", tid = 1, addr = 0x100, size = 8, kind = "load" }
w:close()
local mf = T.machine()
local rf = assert(mf:replay(flat))
T.eq(rf.flat, true)
T.eq(rf.accesses, 4)
T.eq(rf.stats.replay.skipped, 1, "below vm.mmap_min_addr: skipped")
T.eq(rf.stats.replay.flat_maps, 2)
T.eq(rf.stats.replay.syscalls_not_replayed, 1)
T.eq(rf.threads, 2, "an unknown thread of a flat trace is a thread of its process")
T.has(mf:proc("/proc/1/maps"), "00010000-00200000 rwxp", "the 2 MiB region, clipped at vm.mmap_min_addr")

-- ---- importing ------------------------------------------------------------------------------
local imported = scratch()
T.eq(mmsim.trace_import("lackey", "tests/data/traces/mini.lackey", imported), 207)
local ri = assert(T.machine():replay(imported))
T.eq(ri.accesses, 202)
T.eq(ri.syscalls, 5)
T.errno("EINVAL", mmsim.trace_import("pin", "tests/data/traces/mini.lackey", imported))

-- the host backend does not replay
local ok, host = pcall(mmsim.host)
if ok and host then
	T.errno("EOPNOTSUPP", host:replay(strict))
	host:close()
end

for _, x in ipairs({ path, cut, strict, bad, flat, imported }) do
	os.remove(x)
end
T.done()

-- tests/record/check.lua: the trace `mmsim record` made of prog.c (TRACE,
-- PROG in the environment) holds what the program does, and replays with
-- every system call's result equal to the capture's. Prints "ok NAME" or
-- "FAIL NAME: why" per check.
local path, prog = assert(os.getenv("TRACE")), assert(os.getenv("PROG"))
local PG, N = 4096, 64
local failed = 0
local function check(name, ok, why)
	if ok then print("ok " .. name) else failed = failed + 1; print("FAIL " .. name .. ": " .. (why or "")) end
end

local t = assert(mmsim.trace_open(path))
local info = t:info()
check("header: system calls, Valgrind", info.syscalls and info.flags & 4 == 4, "flags " .. info.flags)
check("header: program", info.program:find("prog$") ~= nil, info.program)
check("header: tool", info.tool:find("^mmsim record .*Valgrind") ~= nil, info.tool)

local recs = {}
for r in t:records() do recs[#recs + 1] = r end
t:close()

-- the start address space: the program's file, the loader, the stack
local main = recs[1].tid
local sawprog, sawstack, sawbrk = false, false, false
for _, r in ipairs(recs) do
	if r.type == "map" and r.name == prog and r.flags & 2 == 2 then sawprog = true end
	if r.type == "map" and r.name == "[stack]" and r.flags & 4 == 4 then sawstack = true end
	if r.type == "brk" then sawbrk = true end
end
check("maps: the program's file", sawprog)
check("maps: the stack", sawstack)
check("brk at the start", sawbrk)

-- the events of the program's own calls, in its order
local function find(from, pred)
	for i = from + 1, #recs do if pred(recs[i]) then return i, recs[i] end end
end
local function call(name, tid, pred)
	return function(r) return r.type == "syscall" and r.name == name and r.tid == tid and (not pred or pred(r)) end
end
local i, mm = find(0, call("mmap", main, function(r) return r.args[2] == N * PG and r.args[3] == 3 end))
check("mmap of 64 pages", mm ~= nil)
if not mm then os.exit(1) end
local a = mm.result
local i2, rm = find(i, call("mremap", main, function(r) return r.args[1] == a end))
check("mremap to 128 pages", rm and rm.args[3] == 2 * N * PG and rm.result > 0)
local b = rm.result
local i3, mp = find(i2, call("mprotect", main, function(r) return r.args[1] == b end))
check("mprotect", mp and mp.args[2] == N / 2 * PG and mp.args[3] == 1 and mp.result == 0)
local i4, ma = find(i3, call("madvise", main, function(r) return r.args[1] == b + N / 2 * PG end))
check("madvise DONTNEED", ma and ma.args[3] == 4 and ma.result == 0)
local i5, b0 = find(i4, call("brk", main, function(r) return r.args[1] == 0 end))
local cur = b0.result
local i6, b1 = find(i5, call("brk", main))
check("brk grows 16 pages", b1.args[1] == cur + 16 * PG and b1.result == cur + 16 * PG)
local i7, b2 = find(i6, call("brk", main))
check("brk shrinks back", b2.args[1] == cur and b2.result == cur)
local i8, th = find(i7, function(r) return r.type == "thread" and r.tid == main end)
check("a thread", th and th.child ~= main and th.clone_flags & 0x10000 ~= 0)
local w = th.child
local _, wm = find(i8, call("mmap", w, function(r) return r.args[2] == 8 * PG end))
check("the thread's mmap", wm and wm.result > 0)
local _, wx = find(i8, function(r) return r.type == "exit" and r.tid == w end)
check("the thread exits", wx and not wx.group)
local i9, fk = find(i8, function(r) return r.type == "fork" and r.tid == main end)
check("a fork", fk ~= nil)
local child = fk.child
local _, cx = find(i9, function(r) return r.type == "exit" and r.tid == child end)
check("the child exits with 7", cx and cx.code == 7 and cx.group)
local _, um = find(i9, call("munmap", main, function(r) return r.args[1] == b end))
check("munmap of 128 pages", um and um.args[2] == 2 * N * PG and um.result == 0)
local last = recs[#recs]
check("the program exits 0", last.type == "exit" and last.tid == main and last.code == 0 and last.group)

-- the accesses: each phase's, by size, range and thread
local function count(tid, kind, size, lo, hi)
	local n = 0
	for _, r in ipairs(recs) do
		if r.type == "access" and r.tid == tid and r.kind == kind and r.size == size and r.addr >= lo and r.addr < hi then
			n = n + 1
		end
	end
	return n
end
local function eq(name, got, want) check(name, got == want, "got " .. got .. ", want " .. want) end
eq("64 stores of 2 bytes in the mapping", count(main, "store", 2, a, a + N * PG), N)
eq("64 loads of 8 bytes in the mapping", count(main, "load", 8, a, a + N * PG), N)
eq("64 stores in the grown half", count(main, "store", 2, b + N * PG, b + 2 * N * PG), N)
eq("16 stores in the heap", count(main, "store", 2, cur, cur + 16 * PG), 16)
eq("8 stores by the thread", count(w, "store", 2, wm.result, wm.result + 8 * PG), 8)
eq("64 stores by the child", count(child, "store", 2, b + N * PG, b + 2 * N * PG), N)
eq("no store by the child elsewhere in the mapping", count(child, "store", 2, b, b + N * PG), 0)
local accesses, syscalls = 0, 0
for _, r in ipairs(recs) do
	if r.type == "access" then accesses = accesses + 1 elseif r.type == "syscall" then syscalls = syscalls + 1 end
end

-- the replay: every result as captured, every access made
local rep, err, msg = mmsim.machine{}:replay(path)
check("replays", rep ~= nil, tostring(err) .. " " .. tostring(msg))
if rep then
	eq("no result differs", rep.mismatches, 0)
	eq("replayed accesses", rep.accesses, accesses)
	eq("replayed system calls", rep.syscalls, syscalls)
	eq("processes", rep.processes, 2)
	eq("threads", rep.threads, 3)
	check("not flat", not rep.flat)
	-- the grown half: 64 pages faulted in by the parent, 64 copied by the child
	local faults = 0
	for _, row in ipairs(rep.mappings) do faults = faults + row.faults end
	check("page faults", faults >= 2 * N + 16 + 8 + N, "got " .. faults)
end
os.exit(failed == 0 and 0 or 1)

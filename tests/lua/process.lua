-- Process objects as tasks: thread, fork, exit, run_on, info, alive, the
-- fields pid and machine, ==, tostring, and every method on a dead process.
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()
local p = m:spawn("parent")

-- ---- fields, info, tostring, == -------------------------------------------------
T.eq(p.pid, 1, "p.pid")
T.ok(p.machine == m, "p.machine")
T.eq(p.nosuch, nil, "other fields are nil")
T.eq(tostring(p), "mmsim.process (pid 1)", "tostring")
local info = p:info()
T.eq(info.pid, 1, "info().pid")
T.eq(info.tgid, 1, "info().tgid")
T.eq(info.ppid, 0, "info().ppid")
T.eq(info.core, 0, "info().core")
T.eq(info.comm, "parent", "info().comm")
T.eq(info.threads, 1, "info().threads")
T.ok(p == m:tasks()[1], "== compares pid and machine")
local other = T.machine()
local q1 = other:spawn("parent")
T.eq(q1.pid, p.pid, "the same pid in another machine")
T.ok(q1 ~= p, "is another process")
other:close()
T.eq(p:alive(), true, "alive")

-- ---- threads ---------------------------------------------------------------------
local t1 = p:thread()
T.eq(t1.pid, 2, "a thread's pid is its tid")
T.eq(t1:info().tgid, 1, "in the parent's thread group")
T.eq(t1:info().core, 0, "on the process's core by default")
T.eq(t1:info().comm, "parent", "with its comm")
T.eq(p:info().threads, 2, "the process has two threads")
local t2 = p:thread(1)
T.eq(t2:info().core, 1, "thread(core)")
local t3 = t1:thread({ core = 1 })
T.eq(t3:info().tgid, 1, "a thread of a thread joins the same group")
T.eq(t3:info().core, 1, "thread{core=}")
T.eq(p:info().threads, 4, "four threads")
T.has(T.errno("EINVAL", p:thread(2)), "core 2", "a core the machine does not have")
T.raises("thread: core must be an integer, got a string", p.thread, p, { core = "x" })
-- threads share the address space
local a = p:mmap({ len = PAGE, prot = "rw" })
T.ok(t2:write(a, "shared"), "a thread writes")
T.eq(p:read(a, 6), "shared", "the process reads it")
T.eq(t2:virt_to_phys(a), p:virt_to_phys(a), "one page table")

-- ---- run_on --------------------------------------------------------------------------
T.eq(t1:run_on(1), true, "run_on")
T.eq(t1:info().core, 1, "the task moved")
T.has(T.errno("EINVAL", t1:run_on(5)), "core 5", "run_on a core that does not exist")
T.raises("number expected, got no value", t1.run_on, t1)

-- PCIDs: with them, a process switched out and back keeps its TLB entries
local function walks_after_switch(pcid)
	local mm <close> = T.machine({ pcid = pcid })
	local x, y = mm:spawn("x"), mm:spawn("y")
	local va = x:mmap({ len = PAGE, prot = "rw" })
	x:write(va, "x")                  -- fault, fill the TLB
	y:read(y:mmap({ len = PAGE, prot = "r" }), 1)   -- y runs on core 0
	local w = x:stats().walks
	x:read(va, 1)                     -- x runs on core 0 again
	return x:stats().walks - w
end
T.eq(walks_after_switch(true), 0, "with PCIDs the entries survive the switch")
T.eq(walks_after_switch(false), 1, "without PCIDs the switch flushed them")

-- ---- fork ------------------------------------------------------------------------------
local c = p:fork()
T.eq(c:info().ppid, 1, "the child's parent")
T.eq(c:info().tgid, c.pid, "a new thread group")
T.eq(c:info().threads, 1, "one thread: the forking one")
T.eq(c:info().comm, "parent", "the comm is inherited")
T.eq(c:info().core, p:info().core, "on the parent's core")
T.eq(c:read(a, 6), "shared", "the child sees the parent's memory")
local c1 = p:fork(1)
T.eq(c1:info().core, 1, "fork(core)")
local c2 = t2:fork({ core = 0 })
T.eq(c2:info().ppid, 1, "a thread forks for its process")
T.eq(c2:info().core, 0, "fork{core=}")
T.has(T.errno("EINVAL", p:fork(3)), "core 3", "fork to a core that does not exist")
T.raises("fork: core must be an integer, got a boolean", p.fork, p, { core = true })

-- ---- exit ----------------------------------------------------------------------------------
local frame = p:virt_to_phys(a) >> 12
T.eq(c1:exit(3), true, "exit")
T.eq(c1:alive(), false, "dead")
T.eq(c2:exit(), true, "exit without a code")
T.eq(c:exit(), true, "the last sharer of the COW page exits")
T.eq(m:page(frame).mapcount, 1, "only the parent maps the page")
T.eq(t3:exit(0), true, "a thread's exit is exit_group")
for _, t in ipairs({ p, t1, t2, t3 }) do
	T.eq(t:alive(), false, "every thread of the group is dead: pid " .. t.pid)
end
T.eq(m:page(frame).kind, "free", "the process's page went back to the allocator")
T.eq(#m:tasks(), 0, "no task left")
T.consistent(m, "after every exit")

-- ---- every method of a dead process: nil, "ESRCH", message ----------------------------
local dead = p
local calls = {
	{ "thread" }, { "fork" }, { "exit" }, { "run_on", 0 }, { "info" },
	{ "mmap", { len = PAGE, prot = "rw" } }, { "mmap", 0, PAGE, "rw", "private|anonymous" },
	{ "munmap", a, PAGE }, { "mprotect", a, PAGE, "r" }, { "mremap", a, PAGE, 2 * PAGE, "maymove" },
	{ "brk" }, { "brk", 0x1000 }, { "madvise", a, PAGE, "dontneed" }, { "mlock", a, PAGE },
	{ "mlock2", a, PAGE, "onfault" }, { "munlock", a, PAGE }, { "mlockall", "current" }, { "munlockall" },
	{ "set_vma_name", a, PAGE, "x" }, { "write", a, "x" }, { "write", a, 1, 1 }, { "read", a, 1 },
	{ "fetch", a, 1 }, { "read_u64", a }, { "touch", a, PAGE, "w" }, { "maps" }, { "smaps" },
	{ "smaps_rollup" }, { "status" }, { "statm" }, { "virt_to_phys", a }, { "stats" },
	{ "pagemap", a }, { "pagemap", a, 2, { unprivileged = true } },
}
for _, call in ipairs(calls) do
	local name = call[1]
	local msg = T.errno("ESRCH", dead[name](dead, table.unpack(call, 2)))
	T.has(msg, "no process or thread with pid 1", "p:" .. name .. " on a dead process")
end
T.eq(dead:alive(), false, "alive() is false, not an error")
T.eq(dead.pid, 1, "the pid stays readable")
T.eq(tostring(dead), "mmsim.process (pid 1)", "so does tostring")

-- wrong objects
T.raises("mmsim.process expected, got table", p.info, {})
T.raises("mmsim.process expected, got mmsim.machine", p.info, m)
T.done()

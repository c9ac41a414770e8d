-- Machine methods: spawn, proc, stats, explain, set, get, check, dmesg,
-- vmstat, tasks, close, and what happens after close.
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()

-- ---- m:spawn -----------------------------------------------------------------------
local p1 = m:spawn()
T.eq(p1.pid, 1, "the first pid")
T.eq(p1:info().comm, "a.out", "spawn() runs a.out")
T.eq(p1:info().core, 0, "spawn() runs on core 0")
local p2 = m:spawn("worker")
T.eq(p2:info().comm, "worker", "spawn(name)")
local p3 = m:spawn({ name = "other", core = 1 })
T.eq(p3:info().comm, "other", "spawn{name=}")
T.eq(p3:info().core, 1, "spawn{core=}")
T.eq(p3:info().ppid, 0, "a spawned process has no parent")
T.eq(m:spawn({ name = "averyveryverylongname" }):info().comm, "averyveryverylo", "comm keeps 15 characters")
T.eq(m:spawn({}):info().comm, "a.out", "spawn{}")
T.has(T.errno("EINVAL", m:spawn({ core = 2 })), "core 2: the machine has cores 0 to 1", "spawn on a core that does not exist")
T.errno("EINVAL", m:spawn({ core = -1 }))
T.raises("spawn: core must be an integer, got a string", m.spawn, m, { core = "one" })
T.raises("string expected, got boolean", m.spawn, m, true)

-- ---- m:tasks ------------------------------------------------------------------------
local tasks = m:tasks()
T.eq(#tasks, 5, "m:tasks() after five spawns")
T.ok(tasks[1] == p1 and tasks[2] == p2 and tasks[3] == p3, "m:tasks() in pid order, equal to the spawned objects")
local th = p1:thread()
T.eq(#m:tasks(), 6, "a thread is a task")
T.ok(m:tasks()[6] == th, "the thread is listed last")
p2:exit()
tasks = m:tasks()
T.eq(#tasks, 5, "an exited process leaves m:tasks()")
for _, t in ipairs(tasks) do
	T.ok(t ~= p2, "pid 2 is gone")
end

-- ---- m:proc -------------------------------------------------------------------------
T.match(m:proc("/proc/meminfo"), "^MemTotal: +%d+ kB\n", "m:proc /proc/meminfo")
T.match(m:proc("/proc/buddyinfo"), "^Node 0, zone +DMA ", "m:proc /proc/buddyinfo")
T.has(T.errno("ENOENT", m:proc("/proc/nosuch")), "/proc/nosuch", "the error names the path")
T.raises("string expected, got no value", m.proc, m)

-- ---- m:stats ------------------------------------------------------------------------
local p = m:spawn("stats")
local a = p:mmap({ len = PAGE, prot = "rw" })
local s0 = m:stats()
T.eq(type(s0.tlb.l1d.hit["4k"]), "number", "dotted names become nested tables")
T.eq(type(s0.cpu1.walks), "number", "per-core counters under cpuN")
T.eq(type(s0.vm.pgfault), "number", "the kernel's counters under vm")
T.ok(p:write(a, "x"), "a first write")
local s1 = m:stats()
T.eq(s1.accesses.write - s0.accesses.write, 2, "the faulting write and its retry")
T.eq(s1.cpu0.accesses.write - s0.cpu0.accesses.write, 2, "on core 0")
T.eq(s1.cpu1.accesses.write - s0.cpu1.accesses.write, 0, "not on core 1")
T.eq(s1.pf.total - s0.pf.total, 1, "one #PF")
T.eq(s1.pf.not_present - s0.pf.not_present, 1, "for a page not present")
T.eq(s1.pf.write - s0.pf.write, 1, "on a write")
T.eq(s1.pf.user - s0.pf.user, 1, "in user mode")
T.eq(s1.vm.pgfault - s0.vm.pgfault, 1, "the kernel counts the fault")
T.ok(s1.walks > s0.walks, "the TLB misses were walked")
T.ok(s1.cycles > s0.cycles, "the cost model counts cycles")

-- ---- m:vmstat -------------------------------------------------------------------------
local f0 = m:vmstat("pgfault")
T.eq(f0, s1.vm.pgfault, "m:vmstat and m:stats agree")
p:write(a + PAGE - 1, "y")             -- the same page: no fault
T.eq(m:vmstat("pgfault"), f0, "no fault on a mapped page")
T.ok(m:vmstat("nr_free_pages") > 1000, "nr_free_pages")
T.has(T.errno("ENOENT", m:vmstat("nosuch")), "nosuch", "an unknown counter")

-- ---- m:set and m:get ---------------------------------------------------------------------
T.eq(m:set("vm.overcommit_memory", 1), true, "m:set an integer")
T.eq(m:get("vm.overcommit_memory"), 1, "m:get it back")
T.eq(m:set("vm.overcommit_memory", "2"), true, "m:set a string")
T.eq(m:get("vm.overcommit_memory"), 2, "as a number")
T.eq(m:set("vm.overcommit_memory", false), true, "m:set a boolean")
T.eq(m:get("vm.overcommit_memory"), 0, "false is 0")
T.has(T.errno("EINVAL", m:set("vm.overcommit_memory", 7)), "vm.overcommit_memory", "a bad value names the sysctl")
T.has(T.errno("ENOENT", m:set("vm.nosuch", 1)), "vm.nosuch", "an unknown sysctl")
T.raises("a number, string or boolean", m.set, m, "vm.overcommit_memory", {})
T.raises("string expected, got no value", m.set, m)
T.eq(m:get("vm.lowmem_reserve_ratio"), "256\t256\t32\t0\t0", "a sysctl with several values is text")
T.eq(m:get("ram"), "64M", "m:get of a configuration key")
T.eq(m:get("stlb.entries"), 16, "m:get of a hardware key")
T.has(T.errno("ENOENT", m:get("nosuch")), "nosuch: no sysctl or configuration key", "m:get of an unknown name")

-- sysctls change the kernel's behaviour
do
	local q = m:spawn("limits")
	T.ok(m:set("vm.max_map_count", 20), "a low vm.max_map_count")
	local n = 0
	while true do
		local r, e = q:mmap({ len = PAGE, prot = n % 2 == 0 and "r" or "rw" })   -- no merging
		if not r then
			T.eq(e, "ENOMEM", "mmap beyond vm.max_map_count")
			break
		end
		n = n + 1
		T.ok(n < 100, "vm.max_map_count stops mmap")
	end
	m:set("vm.max_map_count", 65530)
	T.ok(q:mmap({ len = PAGE, prot = "r" }), "mmap again under the default count")
	T.ok(m:set("vm.overcommit_memory", 2), "strict overcommit")
	T.ok(m:set("vm.overcommit_ratio", 1), "1% of RAM")
	T.errno("ENOMEM", q:mmap({ len = 16 << 20, prot = "rw" }))
	T.ok(q:mmap({ len = 16 << 20, prot = "r" }), "a read-only private mapping is not charged")
	T.ok(q:mmap({ len = 16 << 20, prot = "rw", flags = "private|anonymous|noreserve" }) == nil,
	     "MAP_NORESERVE is ignored in mode 2")
	m:set("vm.overcommit_memory", 0)
	m:set("vm.overcommit_ratio", 50)
	T.ok(q:mmap({ len = 16 << 20, prot = "rw" }), "the heuristic mode allows it")
	q:exit()
end

-- kernel.randomize_va_space and the seed: the same seed, the same layout
do
	local function first_mmap(opts)
		local mm <close> = T.machine(opts)
		return mm:spawn():mmap({ len = PAGE, prot = "rw" })
	end
	T.eq(first_mmap({}), 0x7ffff7ff6000, "without ASLR the layout of setarch -R")
	T.eq(first_mmap({ seed = 1 }), 0x7ffff7ff6000, "the seed does not move an unrandomized layout")
	local r1 = first_mmap({ aslr = 2, seed = 1 })
	T.ok(r1 ~= 0x7ffff7ff6000, "aslr = 2 moves mmap_base")
	T.eq(first_mmap({ aslr = 2, seed = 1 }), r1, "the same seed, the same addresses")
	T.ok(first_mmap({ aslr = 2, seed = 2 }) ~= r1, "another seed, other addresses")
	local mm <close> = T.machine()
	T.ok(mm:set("kernel.randomize_va_space", 2), "randomize from now on")
	T.ok(mm:spawn():mmap({ len = PAGE, prot = "rw" }) ~= 0x7ffff7ff6000, "a process spawned afterwards is randomized")
end

-- ---- m:check and m:dmesg ---------------------------------------------------------------------
T.consistent(m, "after the tests above")
T.match(m:dmesg(), "^Memory: %d+K/65536K available\n", "the boot line of the kernel log")
T.errno("EINVAL", m:free_pages(5000, 0))
T.has(m:dmesg(), "BUG: Bad page state: pfn:01388 order:0: freeing a frame that is not allocated",
      "a refused free is logged")
T.consistent(m, "a refused free changes nothing")

-- ---- m:explain -------------------------------------------------------------------------------
do
	local mm = T.machine()
	local q = mm:spawn("narrated")
	local lines = {}
	mm:explain(function(line) lines[#lines + 1] = line end)
	local va = q:mmap({ len = PAGE, prot = "rw" })
	T.ok(q:write(va, 42, 4), "a write, narrated")
	mm:explain(false)
	local text = table.concat(lines, "\n")
	T.has(text, "pid 1 (narrated) on CPU 0: mmap(0, 4096, read|write, private|anonymous, -1, 0)", "the system call")
	T.has(text, string.format("  = %#x", va), "its result")
	T.has(text, "write 4 bytes at " .. string.format("%#x", va), "the access")
	T.has(text, "PML4 255 | PDPT 511 | PD 447 | PT 502 | offset 0", "the address split into indexes")
	T.has(text, "walk PML4/pgd[255]", "the walk")
	T.has(text, "#PF error 0x6 (not-present W U)", "the page fault's error code")
	T.has(text, "kernel do_anonymous_page: write fault: new zeroed page", "the handler")
	T.has(text, "kernel set_pte_at: PTE for " .. string.format("%#x", va), "the PTE written")
	T.has(text, "-> physical", "the translation")
	for _, l in ipairs(lines) do
		T.ok(not l:find("\n"), "lines come without newlines")
	end
	local n = #lines
	q:read(va, 4)
	T.eq(#lines, n, "explain(false) stops the narration")
	mm:explain(true)                  -- to stdout; the CLI tests read it
	mm:explain(false)
	T.raises("boolean expected, got string", mm.explain, mm, "yes")
	T.raises("boolean expected, got no value", mm.explain, mm)

	-- a narrator that fails: the call completes, then the error is raised
	local calls = 0
	mm:explain(function() calls = calls + 1; error("boom") end)
	T.raises("explain callback: " .. arg[0], q.write, q, va, 7, 1)
	T.eq(calls, 1, "the narrator is not called again after it failed")
	mm:explain(false)
	T.eq(q:read(va, 1), "\7", "the write happened")
	T.consistent(mm, "after a failing narrator")
	T.ok(q:write(va, 8, 1), "the machine goes on")

	-- a narrator that calls the machine: refused, raised after the call
	mm:explain(function() mm:check() end)
	T.raises("the machine is busy: its explain function cannot call it", q.write, q, va, 9, 1)
	mm:explain(function() q:read(va, 1) end)
	T.raises("the machine is busy", q.mmap, q, { len = PAGE, prot = "r" })
	mm:explain(function() mm:close() end)
	T.raises("the machine is busy: its explain function cannot close it", q.write, q, va, 9, 1)
	mm:explain(function() error({}) end)
	T.raises("explain callback: (not a string)", q.read, q, va, 1)
	mm:explain(function() error("sysctl") end)
	T.raises("explain callback:", mm.set, mm, "vm.overcommit_memory", 1)
	mm:explain(false)
	T.eq(q:read(va, 1), "\9", "every refused call still did its own work")
	T.consistent(mm, "after refused calls from the narrator")
	mm:close()
end

-- ---- m:close ------------------------------------------------------------------------------------
do
	local mm = T.machine()
	local q = mm:spawn()
	local c = mm:kmem_cache_create({ name = "closing", size = 32 })
	mm:close()
	mm:close()                        -- twice is fine
	T.eq(tostring(mm), "mmsim.machine (closed)", "tostring of a closed machine")
	for _, name in ipairs({ "spawn", "proc", "stats", "set", "get", "check", "dmesg", "vmstat", "tasks",
				"alloc_pages", "kmalloc", "page", "kmem_cache_create" }) do
		T.raises("the machine was closed", mm[name], mm, "x")
	end
	T.raises("the machine was closed", mm.explain, mm, false)
	T.raises("the machine was closed", q.mmap, q, { len = PAGE })
	T.raises("the machine was closed", q.info, q)
	T.raises("the machine was closed", c.alloc, c)
	T.eq(q.pid, 1, "a process object keeps its pid")
	T.ok(q.machine == mm, "and its machine")
	-- to-be-closed variables close the machine at the end of the block
	local kept
	do
		local scoped <close> = T.machine()
		kept = scoped
		T.ok(scoped:spawn(), "a scoped machine works")
	end
	T.eq(tostring(kept), "mmsim.machine (closed)", "<close> closed it")
	-- a machine dropped without close is collected (without --json nothing
	-- keeps it for a report)
	local weak = setmetatable({}, { __mode = "k" })
	for _ = 1, 3 do
		local dropped = T.machine()
		dropped:spawn():mmap({ len = PAGE, prot = "rw" })
		weak[dropped] = true
	end
	collectgarbage()
	collectgarbage()
	T.eq(next(weak), nil, "dropped machines are collected")
end

T.raises("mmsim.machine expected, got no value", m.spawn)
T.raises("mmsim.machine expected, got table", m.spawn, {})
T.consistent(m, "at the end")
T.done()

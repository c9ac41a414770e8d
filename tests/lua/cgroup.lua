-- Memory cgroups through the module (issue 12 §5): m:cgroup and its errors,
-- p:cgroup, the /sys/fs/cgroup files and /proc/PID/cgroup; charging at
-- fault and uncharging at unmap and exit; fork keeps the cgroup; reclaim
-- within a cgroup at memory.max (its own pgscan, not the machine's), swap
-- charges and memory.swap.max; the memcg OOM killer (only the cgroup's
-- processes, its report, memory.events); memory.high; memory.min; a lower
-- memory.max reclaiming at once; moving a process leaves its charges; the
-- host refuses.
local T = require "check"
local MB = 1 << 20
local PAGE = T.PAGE

local function file(m, cg, name)
	return m:proc("/sys/fs/cgroup/" .. cg .. "/" .. name)
end

local function num(m, cg, name)
	return tonumber((file(m, cg, name):match("^(%d+)\n$")))
end

local function stat(m, cg, key)
	return tonumber(file(m, cg, "memory.stat"):match("\n" .. key .. " (%d+)\n")
		or file(m, cg, "memory.stat"):match("^" .. key .. " (%d+)\n"))
end

local function event(m, cg, key)
	return tonumber(file(m, cg, "memory.events"):match(key .. " (%d+)\n"))
end

-- A process of cgroup cg that has written n pages, each naming itself.
local function writer(m, cg, name, n)
	local p = m:spawn(name)
	if cg then T.eq(p:cgroup(cg), true, name .. " joins " .. cg) end
	local a = assert(p:mmap({ len = n * PAGE, prot = "rw" }))
	for i = 0, n - 1 do assert(p:write(a + i * PAGE, ("%s%07x|"):format(name, i))) end
	return p, a
end

local function reads_back(p, a, n, name)
	for i = 0, n - 1 do
		local want = ("%s%07x|"):format(name, i)
		local got = p:read(a + i * PAGE, #want)
		if got ~= want then T.eq(got, want, "page " .. i .. " reads back") end
	end
	T.ok(true, "every page reads back")
end

-- ---- m:cgroup and its errors ------------------------------------------------------------------------
do
	local m <close> = T.machine()
	T.eq(m:cgroup({ name = "box" }), true)
	T.eq(file(m, "box", "memory.max"), "max\n", "no limit at first")
	T.eq(file(m, "box", "memory.high"), "max\n")
	T.eq(file(m, "box", "memory.low"), "0\n")
	T.eq(file(m, "box", "memory.min"), "0\n")
	T.eq(file(m, "box", "memory.swap.max"), "max\n")
	T.eq(file(m, "box", "memory.current"), "0\n")
	T.eq(file(m, "box", "cgroup.procs"), "")
	T.eq(file(m, "box", "memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n")
	T.eq(m:cgroup({ name = "box", max = "16M", high = 8 * MB + 100, low = "1M", min = 4096, swap_max = "2M" }), true)
	T.eq(file(m, "box", "memory.max"), "16777216\n")
	T.eq(file(m, "box", "memory.high"), "8388608\n", "rounded down to pages")
	T.eq(file(m, "box", "memory.low"), "1048576\n")
	T.eq(file(m, "box", "memory.min"), "4096\n")
	T.eq(file(m, "box", "memory.swap.max"), "2097152\n")
	T.eq(m:cgroup({ name = "box", max = "max" }), true)
	T.eq(file(m, "box", "memory.max"), "max\n", "max lifts it")
	T.eq(m:cgroup({ name = "box/inner.1" }), true, "a child")
	T.eq(file(m, "box/inner.1", "memory.current"), "0\n")
	T.errno("ENOENT", m:cgroup({ name = "none/inner" }))
	T.errno("EINVAL", m:cgroup({ name = "a b" }))
	T.errno("EINVAL", m:cgroup({ name = "box/../x" }))
	T.errno("EINVAL", m:cgroup({ name = "box//x" }))
	T.errno("EINVAL", m:cgroup({ name = "/", max = "1M" }))          -- the root has no limits
	T.raises("unknown key", m.cgroup, m, { name = "box", colour = "red" })
	T.raises("max must be a size", m.cgroup, m, { name = "box", max = "lots" })
	T.raises("name", m.cgroup, m, { max = "1M" })
	T.errno("ENOENT", m:proc("/sys/fs/cgroup/nobox/memory.current"))
	T.errno("ENOENT", m:proc("/sys/fs/cgroup/box/memory.colour"))
	T.errno("ENOENT", m:proc("/sys/fs/cgroup/memory.current"))       -- the root has no memory.current
	T.match(m:proc("/sys/fs/cgroup/memory.stat"), "^anon %d+\nfile %d+\n", "the root's memory.stat")
	local p = m:spawn("p")
	T.eq(p:cgroup(), "", "a process starts in the root")
	T.eq(m:proc("/proc/" .. p.pid .. "/cgroup"), "0::/\n")
	T.has(m:proc("/sys/fs/cgroup/cgroup.procs"), p.pid .. "\n")
	T.errno("ENOENT", p:cgroup("nobox"))
	T.eq(p:cgroup("box/inner.1"), true)
	T.eq(p:cgroup(), "box/inner.1")
	T.eq(file(m, "box/inner.1", "cgroup.procs"), p.pid .. "\n")
	T.eq(file(m, "box", "cgroup.procs"), "", "cgroup.procs lists the cgroup's own processes")
	T.consistent(m)
end

-- ---- charging and uncharging ------------------------------------------------------------------------------
-- A CPU charges 64 pages at a time and keeps the rest in its stock (memcg_stock): memory.current runs
-- ahead of the pages in use (anon + kernel: the page tables) by less than 64 pages on this one-CPU machine.
local function ahead(m, cg)
	return (num(m, cg, "memory.current") - stat(m, cg, "anon") - stat(m, cg, "file") - stat(m, cg, "kernel")) // PAGE
end

-- Nothing of cg's is in use any more: what memory.current still shows is its stocks (at most 64 pages a CPU).
local function only_stock(m, cg, what)
	T.eq(stat(m, cg, "anon") + stat(m, cg, "file") + stat(m, cg, "kernel"), 0, what)
	T.ok(ahead(m, cg) <= 64 * m:get("cores"), "memory.current: only the stocks charged ahead")
end

do
	local m <close> = T.machine({ cores = 1 })
	m:cgroup({ name = "box" })
	local p, a = writer(m, "box", "w", 256)
	T.eq(stat(m, "box", "anon"), 256 * PAGE, "each written page is charged")
	local kernel = stat(m, "box", "kernel")
	T.ok(kernel >= PAGE, "and the page tables its faults allocated (kernel memory)")
	T.eq(stat(m, "box", "pagetables"), kernel)
	local used = 256 * PAGE + kernel
	T.eq(num(m, "box", "memory.current"), (used + 64 * PAGE - 1) // (64 * PAGE) * (64 * PAGE),
		"charged 64 pages at a time: the rest waits in the CPU's stock")
	T.eq(stat(m, "box", "inactive_anon"), 256 * PAGE, "on the cgroup's own inactive list")
	T.eq(stat(m, "box", "pgfault"), 256, "its faults")
	T.eq(num(m, "box", "memory.peak"), num(m, "box", "memory.current"))
	local c = p:fork()
	T.eq(c:cgroup(), "box", "a child is born in its parent's cgroup")
	T.eq(c:write(a, "c"), true)
	T.eq(stat(m, "box", "anon"), 257 * PAGE, "the COW copy is charged too")
	T.ok(stat(m, "box", "kernel") > kernel, "and the child's page tables")
	T.ok(ahead(m, "box") >= 0 and ahead(m, "box") < 64, "ahead by less than a batch")
	c:exit(0)
	T.eq(stat(m, "box", "anon"), 256 * PAGE, "the child's exit uncharges its copy")
	T.eq(stat(m, "box", "kernel"), kernel, "and its page tables")
	T.ok(ahead(m, "box") >= 0 and ahead(m, "box") <= 64, "their charge back in the stock (drained over 64)")
	T.ok(p:munmap(a, 128 * PAGE))
	T.eq(stat(m, "box", "anon"), 128 * PAGE, "munmap uncharges")
	T.ok(num(m, "box", "memory.peak") >= 257 * PAGE + kernel, "the peak stays")
	T.consistent(m, "charges")
	-- moving keeps the charges where they are
	m:cgroup({ name = "other" })
	T.eq(p:cgroup("other"), true)
	T.eq(stat(m, "box", "anon"), 128 * PAGE, "the old pages stay charged to box")
	local b = assert(p:mmap({ len = PAGE, prot = "rw" }))
	T.eq(p:write(b, "x"), true)
	T.eq(stat(m, "other", "anon"), PAGE, "a new page goes to the new cgroup")
	T.eq(num(m, "other", "memory.current") % (64 * PAGE), 0, "charged with a batch of 64")
	p:exit(0)
	T.eq(stat(m, "box", "anon") + stat(m, "box", "kernel"), 0, "exit uncharges")
	T.eq(stat(m, "other", "anon") + stat(m, "other", "kernel"), 0)
	T.ok(num(m, "other", "memory.current") > 0, "what stays is the stock charged ahead")
	T.consistent(m, "after exit")
	T.eq(m:cgroup({ name = "other", max = 0 }), true)
	T.eq(num(m, "other", "memory.current"), 0, "a lower memory.max drains the stock first")
	T.eq(event(m, "other", "oom"), 0, "nothing to reclaim or kill")
	T.consistent(m, "after the drain")
end

-- ---- reclaim at memory.max, swap charges ------------------------------------------------------------------
do
	local m <close> = T.machine({ swap = "64M" })
	m:cgroup({ name = "box", max = "4M" })
	local before_direct, before_kswapd = m:vmstat("pgscan_direct"), m:vmstat("pgscan_kswapd")
	local p, a = writer(m, "box", "w", 3 * 1024)      -- 12 MiB through a 4 MiB limit
	T.ok(num(m, "box", "memory.current") <= 4 * MB, "memory.current stays within memory.max")
	T.ok(num(m, "box", "memory.swap.current") >= 8 * MB, "the rest is on swap, charged to the cgroup")
	T.ok(event(m, "box", "max") > 0, "memory.events max counts the charges that hit the limit")
	T.ok(stat(m, "box", "pgscan_direct") > 0, "the cgroup counts its own reclaim as direct")
	T.ok(stat(m, "box", "pgsteal_direct") > 0)
	T.eq(m:vmstat("pgscan_direct"), before_direct, "memcg reclaim is not the machine's direct reclaim")
	T.eq(m:vmstat("pgscan_kswapd"), before_kswapd, "nor kswapd's")
	T.ok(m:vmstat("pswpout") >= 2 * 1024, "the pages went to swap")
	reads_back(p, a, 3 * 1024, "w")
	T.ok(stat(m, "box", "pgmajfault") > 0, "the cgroup counts the major faults")
	T.ok(num(m, "box", "memory.current") <= 4 * MB, "reading back stays within the limit")
	T.consistent(m, "after reclaim in the cgroup")
	p:exit(0)
	T.eq(num(m, "box", "memory.swap.current"), 0, "exit frees the slots and their charges")
	only_stock(m, "box", "and its pages")
	T.consistent(m)
end

-- ---- the memcg OOM killer ------------------------------------------------------------------------------------
do
	local m <close> = T.machine({ swap = "64M" })
	m:set("vm.overcommit_memory", 1)
	m:spawn("init")
	local outside = writer(m, nil, "outside", 2048)         -- 8 MiB, bigger, but not in the cgroup
	m:cgroup({ name = "box", max = "4M", swap_max = 0 })
	local small = writer(m, "box", "small", 128)
	local big = m:spawn("big")
	big:cgroup("box")
	local a = assert(big:mmap({ len = 8 * MB, prot = "rw" }))
	local ok = big:touch(a, 8 * MB, "w")
	T.eq(ok, nil, "the writer over the limit is killed")
	T.eq(big:alive(), false)
	T.eq(small:alive(), true, "the smaller process of the cgroup lives")
	T.eq(outside:alive(), true, "a process outside the cgroup is never chosen")
	T.eq(event(m, "box", "oom"), 1)
	T.eq(event(m, "box", "oom_kill"), 1)
	T.eq(m:vmstat("oom_kill"), 1)
	T.eq(num(m, "box", "memory.swap.current"), 0, "memory.swap.max 0: nothing swapped")
	T.eq(file(m, "box", "memory.swap.events"), "high 0\nmax 0\nfail 0\n",
		"with no swap to use, reclaim leaves the anonymous lists alone (get_scan_count)")
	local log = m:dmesg()
	T.has(log, "big invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0")
	T.match(log, "memory: usage %d+kB, limit 4096kB, failcnt %d+", "the cgroup's usage and limit")
	T.has(log, "Memory cgroup stats for /box:")
	T.has(log, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/box,"
		.. "task_memcg=/box,task=big,pid=" .. big.pid .. ",uid=0", "the summary line")
	T.match(log, "Memory cgroup out of memory: Killed process " .. big.pid .. " %(big%)", "the kill line")
	T.ok(not log:find("%] +%d+ +0 +%d+ +%d+ +%d+ +%d+ +%d+ +%d+ +%d+ +%d+ +%d+ +outside\n"),
		"the task table lists the cgroup's processes only")
	T.eq(stat(m, "box", "anon"), 128 * PAGE, "the victim's pages were uncharged")
	T.ok(ahead(m, "box") <= 64 * m:get("cores"), "memory.current: the survivor's pages, tables and stocks")
	T.consistent(m, "after the memcg OOM kill")
end

-- ---- nothing to kill: Linux retries the fault forever, the simulator fails the access ---------------------
do
	local m <close> = T.machine({ swap = "64M" })
	m:cgroup({ name = "box", max = "1M", swap_max = 0 })
	local init = m:spawn("init")                         -- pid 1: the OOM killer never takes it
	init:cgroup("box")
	local a = assert(init:mmap({ len = 2 * MB, prot = "rw" }))
	T.errno("ENOMEM", init:touch(a, 2 * MB, "w"))
	T.eq(init:alive(), true)
	T.eq(event(m, "box", "oom"), 1)
	T.eq(event(m, "box", "oom_kill"), 0)
	local log = m:dmesg()
	T.has(log, "Out of memory and no killable processes...")
	T.has(log, "Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF")
	T.eq(num(m, "box", "memory.current"), MB, "at its limit")
	T.consistent(m, "no victim")
end

-- ---- memory.high -----------------------------------------------------------------------------------------------
do
	local m <close> = T.machine({ swap = "64M" })
	m:cgroup({ name = "box", high = "2M" })
	local p, a = writer(m, "box", "w", 1024)
	T.ok(event(m, "box", "high") > 0, "memory.events high counts the returns over memory.high")
	T.ok(num(m, "box", "memory.current") <= 2 * MB + 4 * PAGE, "reclaim brings it back to memory.high")
	T.eq(event(m, "box", "max"), 0, "no memory.max")
	reads_back(p, a, 1024, "w")
	T.consistent(m, "memory.high")
	-- lowering memory.max below the usage reclaims at once
	m:cgroup({ name = "box", high = "max" })
	for i = 0, 511 do assert(p:write(a + i * PAGE, ("w%07x|"):format(i))) end
	T.ok(num(m, "box", "memory.current") > MB)
	T.eq(m:cgroup({ name = "box", max = "1M" }), true)
	T.ok(num(m, "box", "memory.current") <= MB, "writing memory.max reclaimed down to it")
	T.eq(p:alive(), true)
	T.consistent(m, "lower memory.max")
end

-- ---- memory.min protects a sibling from its parent's reclaim --------------------------------------------------
do
	local m <close> = T.machine({ swap = "64M" })
	m:cgroup({ name = "top", max = "6M" })
	m:cgroup({ name = "top/kept", min = "4M" })
	m:cgroup({ name = "top/free" })
	writer(m, "top/kept", "k", 512)                -- 2 MiB, under its memory.min
	writer(m, "top/free", "f", 2048)                         -- 8 MiB more: top must reclaim
	T.eq(stat(m, "top/kept", "anon"), 512 * PAGE, "the protected cgroup lost nothing")
	T.eq(num(m, "top/kept", "memory.swap.current"), 0)
	T.ok(num(m, "top/free", "memory.swap.current") > 0, "its sibling was reclaimed")
	T.ok(num(m, "top", "memory.current") <= 6 * MB)
	T.eq(num(m, "top", "memory.current"), num(m, "top/kept", "memory.current") + num(m, "top/free", "memory.current"),
		"a parent's usage is its children's")
	T.eq(stat(m, "top", "anon"), stat(m, "top/kept", "anon") + stat(m, "top/free", "anon"), "memory.stat is hierarchical")
	T.consistent(m, "memory.min")
end

-- ---- the memory_max key: spawned processes run in cgroup /mmsim with that limit ----------------------------
do
	T.raises("memory_max: 'lots'", mmsim.machine, { preset = "teaching", memory_max = "lots" })
	local m <close> = T.machine({ swap = "64M", memory_max = "2M" })
	T.eq(m:get("memory_max"), "2M")
	T.eq(file(m, "mmsim", "memory.max"), "2097152\n")
	local p, a = writer(m, nil, "w", 1024)
	T.eq(p:cgroup(), "mmsim", "a spawned process starts in /mmsim")
	T.eq(p:fork():cgroup(), "mmsim", "and its children")
	T.ok(num(m, "mmsim", "memory.current") <= 2 * MB, "the limit holds")
	T.ok(num(m, "mmsim", "memory.swap.current") > 0)
	reads_back(p, a, 1024, "w")
	T.consistent(m, "memory_max")
	local plain <close> = T.machine()
	T.eq(plain:get("memory_max"), 0)
	T.eq(plain:spawn("q"):cgroup(), "", "without the key processes start in the root")
end

-- ---- the host: memory_max runs the processes in a cgroup of their own ---------------------------------------
do
	T.raises("memory_max: 'lots' must be a size", mmsim.host, { memory_max = "lots" })
	local ok, h = pcall(mmsim.host, { memory_max = "64M" })
	if not ok then
		T.has(h, "memory_max: no memory cgroup controller", "refused only for want of a controller")
		T.note("no memory cgroup controller for this process: mmsim.host{memory_max=} not tried")
	else
		local p = h:spawn("limited")
		local text = h:proc("/proc/" .. p.pid .. "/cgroup")
		local v1 = text:match("%d+:memory:(/[^\n]*mmsim%-%d+%-%d+)\n")
		local dir = v1 or text:match("0::(/[^\n]*mmsim%-%d+%-%d+)\n")
		T.ok(dir, "the helper is in the machine's cgroup: " .. text)
		T.note("memory cgroup " .. (v1 and "v1" or "v2") .. ": a host machine with memory_max")
		local base = v1 and "/sys/fs/cgroup/memory" or (io.open("/sys/fs/cgroup/unified" .. dir) and
			"/sys/fs/cgroup/unified" or "/sys/fs/cgroup")
		local f = io.open(base .. dir .. (v1 and "/memory.limit_in_bytes" or "/memory.max"))
		local limit = f and f:read("l")
		if f then f:close() end
		T.eq(limit, tostring(64 * MB), "with the limit")
		h:close()
		local gone = io.open(base .. dir .. "/cgroup.procs")
		if gone then gone:close() end
		T.eq(gone, nil, "closing the machine removes the cgroup")
	end
end

-- ---- the host refuses ------------------------------------------------------------------------------------------
do
	local h <close> = mmsim.host()
	local _, e, msg = h:cgroup({ name = "box", max = "1M" })
	T.eq(e, "EOPNOTSUPP")
	T.has(msg, "it would change this machine")
end


-- ---- THPs are charged: 512 pages at the fault, the fallback when the charge fails, split and free ----------
do
	local m <close> = T.machine({ thp = "always", swap = "64M" })
	assert(m:cgroup({ name = "box" }))
	local p = m:spawn("huge")
	assert(p:cgroup("box"))
	local a = assert(p:mmap({ len = 8 * MB, prot = "rw" }))
	local h = (a + 2 * MB - 1) & ~(2 * MB - 1)      -- the first 2 MiB boundary inside
	assert(p:write(h, "thp"))
	T.eq(m:vmstat("thp_fault_alloc"), 1, "a THP")
	T.ok(ahead(m, "box") >= 0 and ahead(m, "box") < 64, "its 512 pages are charged to the cgroup")
	T.eq(stat(m, "box", "anon_thp"), 2 * MB, "memory.stat anon_thp")
	T.eq(stat(m, "box", "anon"), 2 * MB)
	T.eq(stat(m, "box", "thp_fault_alloc"), 1)
	T.eq(stat(m, "box", "inactive_anon") + stat(m, "box", "active_anon"), 2 * MB, "on the cgroup's own LRU")
	T.consistent(m, "a charged THP")
	-- reclaim splits it: each page keeps the charge until it goes to swap
	assert(p:madvise(h, 2 * MB, "pageout"))
	T.eq(m:vmstat("thp_split_page"), 1, "pageout split the THP")
	T.eq(stat(m, "box", "thp_swpout_fallback"), 1)
	T.eq(stat(m, "box", "anon"), 0, "every page of the split THP left memory, uncharged")
	T.eq(stat(m, "box", "anon_thp"), 0)
	T.eq(num(m, "box", "memory.swap.current"), 2 * MB, "each page has a slot, charged to the cgroup")
	T.eq(stat(m, "box", "swpout_zero"), 511, "the zero-filled ones were not written")
	T.eq(p:read(h, 3), "thp", "and reads back")
	T.eq(stat(m, "box", "anon"), PAGE, "charged again as a 4 KiB page")
	T.eq(stat(m, "box", "swapcached"), (1 + m:vmstat("swap_ra")) * PAGE, "with its readahead, in the swap cache")
	T.consistent(m, "a split THP")
	-- a THP freed whole uncharges its 512 pages
	local h2 = h + 2 * MB
	local before = num(m, "box", "memory.current")
	assert(p:write(h2, "two"))
	T.eq(num(m, "box", "memory.current"), before + 2 * MB, "a THP's charge takes nothing from the stock")
	assert(p:munmap(h2, 2 * MB))
	T.eq(num(m, "box", "memory.current"), before, "munmap of a THP uncharges its 512 pages")
	-- at memory.max the THP's charge fails: small pages instead (thp_fault_fallback_charge)
	assert(m:cgroup({ name = "box", max = "1M" }))
	local h3 = h + 4 * MB
	assert(p:write(h3, "small"))
	T.eq(m:vmstat("thp_fault_alloc"), 2, "no new THP")
	T.eq(m:vmstat("thp_fault_fallback"), 1)
	T.eq(m:vmstat("thp_fault_fallback_charge"), 1, "for the charge")
	T.eq(event(m, "box", "max"), 0, "a THP charge that may not reclaim raises no max event")
	T.eq(stat(m, "box", "anon"), 2 * PAGE, "a 4 KiB page instead")
	T.eq(p:read(h3, 5), "small")
	-- MADV_HUGEPAGE: the charge reclaims (direct reclaim), but a THP does not OOM-kill: it falls back
	local b = assert(p:mmap({ len = 4 * MB, prot = "rw" }))
	local hb = (b + 2 * MB - 1) & ~(2 * MB - 1)
	assert(p:madvise(hb, 2 * MB, "hugepage"))
	assert(p:write(hb, "madvised"))
	T.eq(m:vmstat("thp_fault_fallback_charge"), 2, "2 MiB cannot fit under 1 MiB even after reclaim")
	T.ok(event(m, "box", "max") >= 1, "the charge that reclaimed raised max")
	T.eq(event(m, "box", "oom"), 0, "no OOM for a THP's charge")
	T.eq(p:read(hb, 8), "madvised")
	-- MADV_COLLAPSE charges its new THP too: EBUSY when the cgroup cannot take it (SCAN_CGROUP_CHARGE_FAIL)
	T.errno("EBUSY", p:madvise(hb, 2 * MB, "collapse"))
	T.eq(m:vmstat("thp_collapse_alloc"), 1, "the block was allocated, then its charge failed")
	assert(m:cgroup({ name = "box", max = "16M" }))
	assert(p:madvise(hb, 2 * MB, "collapse"))
	T.eq(stat(m, "box", "thp_collapse_alloc"), 1)
	T.eq(stat(m, "box", "anon_thp"), 2 * MB, "the THP is charged to the cgroup")
	T.ok(num(m, "box", "memory.current") >= 2 * MB)
	T.eq(p:read(hb, 8), "madvised")
	T.consistent(m, "a collapsed THP")
	p:exit(0)
	only_stock(m, "box", "exit uncharges everything")
	T.eq(num(m, "box", "memory.swap.current"), 0)
	T.consistent(m, "THP charges")
end

T.done()

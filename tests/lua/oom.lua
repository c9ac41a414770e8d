-- The OOM killer through the module: the biggest process dies while the
-- faulting one carries on; p:oom_score_adj sets, reads and is checked;
-- oom_score_adj -1000 protects and 1000 picks; p:oom_score follows it; the
-- report is in m:dmesg(); with only init left the machine panics and stops.
local T = require "check"
local MB = 1 << 20

-- A machine of the teaching preset (64 MiB) with overcommit on and an init.
local function machine()
	local m = T.machine()
	m:set("vm.overcommit_memory", 1)
	m:spawn("init")
	return m
end

-- A process that has written n MiB.
local function hog(m, name, n)
	local p = m:spawn(name)
	local a = assert(p:mmap({ len = n * MB, prot = "rw" }))
	T.eq(p:touch(a, n * MB, "w"), true, name .. " fills " .. n .. " MiB")
	return p
end

-- ---- the bigger process dies, the faulting one carries on ------------------------------------------------
do
	local m <close> = machine()
	local big = hog(m, "big", 36)
	local small = m:spawn("small")
	local a = small:mmap({ len = 26 * MB, prot = "rw" })
	T.eq(small:touch(a, 26 * MB, "w"), true, "every write of the smaller process completes")
	T.eq(big:alive(), false, "the bigger one was killed")
	T.eq(small:alive(), true)
	T.eq(m:vmstat("oom_kill"), 1, "one kill")
	local log = m:dmesg()
	T.has(log, "small invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO|__GFP_COMP), "
		.. "order=0, oom_score_adj=0", "the header names the faulting task")
	T.has(log, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents "
		.. "oom_score_adj name", "the task table")
	T.has(log, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
		.. "task_memcg=/,task=big,pid=2,uid=0", "the summary line")
	T.match(log, "Out of memory: Killed process 2 %(big%) total%-vm:%d+kB, anon%-rss:%d+kB, file%-rss:0kB, "
		.. "shmem%-rss:0kB, UID:0 pgtables:%d+kB oom_score_adj:0", "the kill line")
	T.consistent(m, "after the OOM kill")
end

-- ---- p:oom_score_adj and p:oom_score ---------------------------------------------------------------------
do
	local m <close> = machine()
	local p = m:spawn("p")
	T.eq(p:oom_score_adj(), 0, "0 at first")
	T.eq(p:oom_score(), 666, "a small process scores (1000 + ~0) * 2 / 3")
	T.eq(p:oom_score_adj(500, { unprivileged = true }), true, "raising needs no privilege")
	T.eq(p:oom_score_adj(), 500)
	T.eq(m:proc("/proc/" .. p.pid .. "/oom_score_adj"), "500\n", "the file says the same")
	-- proc_oom_score: (1000 + badness * 1000 / total) * 2 / 3, badness = RSS + page-table pages
	-- + 500 * (total // 1000), total = RAM pages (no swap)
	local total = tonumber(m:proc("/proc/meminfo"):match("MemTotal:%s+(%d+) kB")) // 4
	local rss = tonumber(p:statm():match("^%d+ (%d+)"))
	local pte = tonumber(p:status():match("VmPTE:%s+(%d+) kB")) // 4
	local badness = rss + pte + 500 * (total // 1000)
	T.eq(p:oom_score(), (1000 + badness * 1000 // total) * 2 // 3, "the formula of proc_oom_score")
	T.eq(p:oom_adj(), 8, "500 * 17 / 1000 on the old scale")
	T.errno("EACCES", p:oom_score_adj(-1, { unprivileged = true }))
	T.errno("EINVAL", p:oom_score_adj(1001))
	T.errno("EINVAL", p:oom_score_adj(-1001))
	T.raises("unknown key", p.oom_score_adj, p, 1, { unprivlieged = true })
	T.eq(p:oom_score_adj(-1000), true, "root may go down to -1000")
	T.eq(p:oom_score(), 0, "-1000: never a candidate")
	T.eq(p:oom_adj(), -17)
	local c = p:fork()
	T.eq(c:oom_score_adj(), -1000, "fork copies it")
	T.eq(c:oom_score_adj(-1000, { unprivileged = true }), true, "down to the least value root set")
	local init = assert(m:proc("/proc/1/oom_score"))
	T.eq(init, "0\n", "init scores 0")
end

-- ---- -1000 protects, 1000 picks ---------------------------------------------------------------------------
do
	local m <close> = machine()
	local big = hog(m, "big", 36)
	T.eq(big:oom_score_adj(-1000), true)
	local small = m:spawn("small")
	local a = small:mmap({ len = 26 * MB, prot = "rw" })
	T.fault({ signal = "SIGKILL", code = "SI_KERNEL", trapno = 14 }, small:touch(a, 26 * MB, "w"))
	T.eq(big:alive(), true, "-1000 protected the bigger process")
	T.eq(small:alive(), false, "the faulting one died instead")
	T.has(m:dmesg(), "Out of memory: Killed process 3 (small)")
	T.consistent(m, "after the kill")
end
do
	local m <close> = machine()
	hog(m, "big", 30)
	local tiny = hog(m, "tiny", 1)
	T.eq(tiny:oom_score_adj(1000, { unprivileged = true }), true)
	T.ok(tiny:oom_score() > 1300, "1000 puts tiny above everyone")
	local small = m:spawn("small")
	local a = small:mmap({ len = 34 * MB, prot = "rw" })
	small:touch(a, 34 * MB, "w")
	T.eq(tiny:alive(), false, "tiny went")
	T.match(m:dmesg(), "^[^\n]*\n.-Out of memory: Killed process 3 %(tiny%)", "and went first")
	T.consistent(m, "after the kills")
end

-- ---- killed in its own system call: MAP_POPULATE of more than RAM ------------------------------------------
do
	local m <close> = machine()
	local other = m:spawn("other")
	local p = m:spawn("pop")
	local r, err, msg = p:mmap({ len = 80 * MB, prot = "rw", flags = "private|anonymous|populate" })
	T.eq(r, nil, "the call does not return to a live process")
	T.eq(err, "ESRCH")
	T.has(msg, "killed by SIGKILL during the call: the OOM killer chose it")
	T.eq(p:alive(), false)
	T.eq(other:alive(), true, "the smaller process lives")
	T.has(m:dmesg(), "pop invoked oom-killer: ")
	T.has(m:dmesg(), "Out of memory: Killed process 3 (pop)")
	T.eq(m:vmstat("oom_kill"), 1)
	T.consistent(m, "after the kill in a system call")
end

-- ---- nobody to kill: Linux panics; the machine stops ------------------------------------------------------
do
	local m <close> = T.machine()
	m:set("vm.overcommit_memory", 1)
	local init = m:spawn("init")
	local a = init:mmap({ len = 80 * MB, prot = "rw" })
	local r, err, msg = init:touch(a, 80 * MB, "w")
	T.eq(r, nil, "the access cannot complete")
	T.eq(err, "EIO")
	T.has(msg, "Kernel panic - not syncing: System is deadlocked on memory")
	T.has(m:dmesg(), "Out of memory and no killable processes...")
	T.errno("ESRCH", init:mmap({ len = 4096, prot = "rw" }))
	T.errno("EIO", m:spawn("after"))
	T.consistent(m, "after the panic")
end

T.done()

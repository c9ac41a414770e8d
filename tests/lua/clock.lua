-- One simulated clock: m:sleep lets time pass for every periodic kernel
-- thread, khugepaged and the flusher alike (m:tick, which moved khugepaged
-- only, is gone).
local T = require "check"
local P = T.PAGE

-- khugepaged collapses a block whichever call lets the time pass.
local function collapsed_after(pass)
	local m <close> = mmsim.machine({ ram = "64M" })
	local p = m:spawn({ name = "clock" })
	local a = assert(p:mmap({ len = 4 << 20, prot = "rw" }))
	a = (a + (2 << 20) - 1) & ~((2 << 20) - 1)
	assert(p:touch(a, 16 * P, "w"))
	assert(m:set("kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", 10))
	assert(m:set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", 511))
	assert(p:madvise(a, 2 << 20, "hugepage"))
	pass(m, 10)
	return m:vmstat("thp_collapse_alloc")
end
T.eq(collapsed_after(function(m, ms) assert(m:sleep(ms)) end), 1, "m:sleep runs khugepaged")
T.eq(collapsed_after(function() end), 0, "no collapse while no time passes")
T.eq(mmsim.machine({ ram = "16M" }).tick, nil, "one name for the clock: no m:tick")

-- The flusher writes a dirty disk file back whichever call lets 35 s pass.
local function dirty_after(pass)
	local m <close> = mmsim.machine({ ram = "64M" })
	local p = m:spawn({ name = "writer" })
	local fd = assert(p:open("/clock", "rdwr|creat", "0600"))
	assert(p:pwrite(fd, string.rep("d", 4 * P), 0))
	T.ok(m:vmstat("nr_dirty") > 0, "dirty before")
	pass(m, 35000)
	return m:vmstat("nr_dirty")
end
T.eq(dirty_after(function(m, ms) assert(m:sleep(ms)) end), 0, "m:sleep runs the flusher")

T.done()

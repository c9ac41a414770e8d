-- Swap through the module: the swap configuration keys and their errors,
-- m:swapon / m:swapoff with their errors, /proc/swaps, meminfo and vmstat,
-- p:pagemap's swap fields, m:page's "swapcache" kind, the sysctls, and the
-- host, which refuses both calls.
local T = require "check"
local MB = 1 << 20

-- ---- configuration keys -----------------------------------------------------------------------------
T.raises("swap: 'lots' is not 0", mmsim.machine, { preset = "teaching", swap = "lots" })
T.raises("swap: '4097'", mmsim.machine, { preset = "teaching", swap = 4097 })
T.raises("swap_device: 'tape' must be nvme", mmsim.machine, { preset = "teaching", swap_device = "tape" })
T.raises("swap_mbps", mmsim.machine, { preset = "teaching", swap_mbps = 0 })
do
	local m <close> = T.machine({ swap = "16M", swap_device = "zram" })
	T.has(m:proc("/proc/swaps"), "/swapfile", "a device at boot")
	T.match(m:proc("/proc/meminfo"), "SwapTotal:%s+16380 kB", "its header page is not swap")
	T.eq(m:get("vm.swappiness"), 60)
	T.eq(m:get("vm.page-cluster"), 3)
end

-- ---- m:swapon and m:swapoff ---------------------------------------------------------------------------
do
	local m <close> = T.machine()
	T.errno("EINVAL", m:swapon({ size = 4096 }))
	T.errno("EINVAL", m:swapon({ size = "8M", device = "floppy" }))
	T.errno("EINVAL", m:swapon({ size = "8M", priority = 40000 }))
	T.errno("EINVAL", m:swapon({ size = "8M", mbps = 0 }))
	T.raises("unknown key", m.swapon, m, { size = "8M", colour = "red" })
	T.eq(m:swapon({ size = "8M" }), 0, "the first device is type 0")
	T.eq(m:swapon({ size = "8M", priority = 5, device = "hdd", read_ns = 1000, write_ns = 2000, mbps = 100 }), 1)
	local swaps = m:proc("/proc/swaps")
	T.has(swaps, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n", "Linux's header")
	T.has(swaps, "file\t\t8188\t\t0\t\t-2\n", "the first: priority -2")
	T.has(swaps, "file\t\t8188\t\t0\t\t5\n", "the second: its own priority")
	T.errno("EINVAL", m:swapoff(7))
	T.eq(m:swapoff(1), true)
	T.eq(select(2, m:swapoff(1)), "EINVAL", "gone")
	for _ = 2, 23 do T.ok(m:swapon({ size = "8K" })) end
	T.errno("EPERM", m:swapon({ size = "8K" }))
end

-- ---- a working set larger than memory -----------------------------------------------------------------
do
	local m <close> = T.machine({ swap = "128M" })
	local p = m:spawn("big")
	local len = 96 * MB                   -- the teaching preset has 64 MiB
	local a = assert(p:mmap({ len = len, prot = "rw" }))
	for i = 0, len // 4096 - 1 do
		assert(p:write(a + i * 4096, i, 4))
	end
	T.ok(m:vmstat("pswpout") > 0, "pages went to swap")
	T.ok(m:vmstat("pgsteal_kswapd") + m:vmstat("pgsteal_direct") >= m:vmstat("pswpout"), "reclaim wrote them")
	local e = p:pagemap(a)[1]
	T.eq(e.present, false)
	T.eq(e.swapped, true, "bit 62")
	T.eq(e.swap_type, 0)
	T.eq(e.raw & 0x1f, 0, "the type in bits 0-4")
	T.eq((e.raw >> 5) & ((1 << 50) - 1), e.swap_offset, "the offset above")
	T.eq(e.pfn, nil, "no frame")
	T.match(p:status(), "VmSwap:%s+[1-9]%d* kB", "VmSwap counts the entries")
	local mi = m:proc("/proc/meminfo")
	T.ok(tonumber(mi:match("SwapFree:%s+(%d+)")) < tonumber(mi:match("SwapTotal:%s+(%d+)")), "SwapFree")
	-- the first read is a major fault that reads the next slots ahead into the swap cache
	local maj = p:stats().majflt
	T.eq(p:read_u64(a) & 0xffffffff, 0)
	T.eq(p:stats().majflt, maj + 1, "a major fault")
	T.ok(m:vmstat("pgmajfault") >= 1)
	local ahead = p:pagemap(a + 4096)[1]
	T.eq(ahead.swapped, true, "the next page is still a swap PTE")
	local found
	for pfn = 0, 64 * MB // 4096 - 1 do
		if m:page(pfn).kind == "swapcache" then found = m:page(pfn) break end
	end
	T.ok(found, "readahead left a page in the swap cache, not mapped")
	T.has(found.flags, "swapcache")
	T.eq(found.mapcount, 0)
	for i = 0, len // 4096 - 1 do
		if p:read_u64(a + i * 4096) & 0xffffffff ~= i then T.eq(i, "the page's number", "page " .. i) end
	end
	T.ok(m:vmstat("swap_ra_hit") > 0, "sequential reads hit the readahead")
	T.consistent(m, "after the read back")
	p:exit()
	mi = m:proc("/proc/meminfo")
	T.eq(mi:match("SwapFree:%s+(%d+)"), mi:match("SwapTotal:%s+(%d+)"), "exit freed every slot")
	T.eq(m:set("vm.swappiness", 201), nil, "swappiness is 0 to 200")
	T.eq(m:set("vm.swappiness", 200), true)
	T.eq(m:set("vm.page-cluster", 0), true)
end

-- ---- the host refuses -----------------------------------------------------------------------------------
do
	local h <close> = mmsim.host()
	local _, e, msg = h:swapon({ size = "8M" })
	T.eq(e, "EOPNOTSUPP")
	T.has(msg, "it would change this machine")
	T.eq(select(2, h:swapoff(0)), "EOPNOTSUPP")
end

T.done()

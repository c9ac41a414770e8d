-- The module's functions: mmsim.machine with every kind of key and value
-- and the bad ones, presets, config_keys, sysctls, proc_paths, flags,
-- version.
local T = require "check"

-- ---- mmsim.version ------------------------------------------------------------
T.match(mmsim.version, "^%d+%.%d+%.%d+$", "mmsim.version")

-- ---- mmsim.presets ------------------------------------------------------------
local presets = mmsim.presets()
local names = {}
for i, p in ipairs(presets) do
	T.eq(type(p.name), "string", "presets()[" .. i .. "].name")
	T.ok(#p.description > 10, "a description of " .. p.name)
	names[p.name] = p.description
end
T.eq(presets[1].name, "default", "the first preset")
for _, n in ipairs({ "default", "zen4", "sapphire-rapids", "teaching" }) do
	T.ok(names[n], "preset " .. n)
end
T.has(names.teaching, "64 MiB", "the teaching preset's description")

-- ---- mmsim.machine: presets -----------------------------------------------------
local m = mmsim.machine()
T.eq(tostring(m), "mmsim.machine (default: 4G RAM, 2 cores, 4-level paging)", "mmsim.machine()")
T.eq(m:get("ram"), "4G", "the default machine's RAM")
m:close()
m = mmsim.machine({})
T.eq(m:get("cores"), 2, "mmsim.machine{} cores")
m:close()
for _, p in ipairs(presets) do
	local pm <close> = mmsim.machine({ preset = p.name })
	T.has(tostring(pm), "(" .. p.name .. ":", "tostring of a " .. p.name .. " machine")
	T.consistent(pm, p.name)
end
m = mmsim.machine({ preset = "sapphire-rapids" })
T.eq(m:get("paging"), 5, "sapphire-rapids pages with 5 levels")
T.eq(m:get("cores"), 4, "sapphire-rapids cores")
m:close()

-- ---- mmsim.machine: every kind of value ------------------------------------------
m = mmsim.machine({ preset = "teaching", ram = "32M", cores = 4, paging = 5, pcid = false,
		     seed = 7, aslr = 2, zero_page = 0, ["stlb.entries"] = 32, ["itlb.repl"] = "lru",
		     ["lat.walk_ref"] = 50, min_free_kbytes = 512 })
T.eq(m:get("ram"), "32M", "a string value (ram)")
T.eq(m:get("cores"), 4, "an integer value (cores)")
T.eq(m:get("paging"), 5, "paging = 5")
T.eq(m:get("pcid"), 0, "a boolean value (pcid = false)")
T.eq(m:get("seed"), 7, "seed")
T.eq(m:get("aslr"), 2, "aslr")
T.eq(m:get("zero_page"), 0, "zero_page")
T.eq(m:get("thp"), "madvise", "thp: madvise, Linux's default")
T.eq(m:get("stlb.entries"), 32, "a dotted hardware key")
T.eq(m:get("itlb.repl"), "lru", "a word value")
T.eq(m:get("lat.walk_ref"), 50, "a latency")
T.eq(m:get("min_free_kbytes"), 512, "min_free_kbytes")
T.eq(m:get("vm.min_free_kbytes"), 512, "min_free_kbytes reaches the sysctl")
T.eq(m:get("kernel.randomize_va_space"), 2, "aslr = 2 is randomize_va_space 2")
T.eq(tostring(m), "mmsim.machine (teaching: 32M RAM, 4 cores, 5-level paging)", "tostring")
m:close()
m = mmsim.machine({ preset = "teaching", pcid = true, cores = 2.0, ram = 33554432 })
T.eq(m:get("pcid"), 1, "pcid = true")
T.eq(m:get("cores"), 2, "a float with an integer value")
T.eq(m:get("ram"), "32M", "ram in bytes")
m:close()
m = mmsim.machine({ ram = 16781312 })               -- 16 MiB + 4 KiB: shown in bytes
T.eq(tostring(m), "mmsim.machine (default: 16781312 RAM, 2 cores, 4-level paging)", "tostring, RAM in bytes")
m:close()

-- Every configuration key round-trips: a machine built from another's
-- values has the same values.
local keys = mmsim.config_keys()
T.ok(#keys > 40, "config_keys() lists the hardware keys too")
local seen = {}
for _, k in ipairs(keys) do
	T.eq(type(k), "string", "a configuration key")
	seen[k] = true
end
for _, k in ipairs({ "ram", "cores", "paging", "min_free_kbytes", "seed", "aslr", "zero_page",
		     "thp", "maxphyaddr", "pcid", "stlb.entries", "dtlb4k.ways", "pwc.pde.entries", "lat.ipi" }) do
	T.ok(seen[k], "config_keys() has " .. k)
end
local zen = mmsim.machine({ preset = "zen4" })
local copy = { preset = "teaching" }
for _, k in ipairs(keys) do
	copy[k] = zen:get(k)
	T.ok(copy[k] ~= nil, "m:get(" .. k .. ")")
end
local m2 = mmsim.machine(copy)
for _, k in ipairs(keys) do
	T.eq(m2:get(k), zen:get(k), "key " .. k .. " round-trips")
end
m2:close()
zen:close()

-- ---- mmsim.machine: bad keys and values -----------------------------------------
T.raises("mmsim.machine: unknown preset 'nope' (mmsim presets lists them)", mmsim.machine, { preset = "nope" })
T.raises("mmsim.machine: preset: a number is not a preset name", mmsim.machine, { preset = 3 })
T.raises("mmsim.machine: preset: a table is not a preset name", mmsim.machine, { preset = {} })
T.raises("mmsim.machine: unknown configuration key 'nosuch'", mmsim.machine, { nosuch = 1 })
T.raises("mmsim.machine: ram: 'lots' is not a size", mmsim.machine, { ram = "lots" })
T.raises("mmsim.machine: thp: 'sometimes' must be always, madvise or never", mmsim.machine, { thp = "sometimes" })
T.raises("mmsim.machine: ram: 8M is below the 16M minimum", mmsim.machine,
	 { preset = "teaching", ram = "8M" })
T.raises("mmsim.machine: cores: '0' is not a number from 1 to 256", mmsim.machine, { cores = 0 })
T.raises("mmsim.machine: cores: '2.5' is not a number", mmsim.machine, { cores = 2.5 })
T.raises("mmsim.machine: paging: '3' must be 4 or 5", mmsim.machine, { paging = 3 })
T.raises("mmsim.machine: ram: a table is not a value", mmsim.machine, { ram = {} })
T.raises("mmsim.machine: cores: a function is not a value", mmsim.machine, { cores = print })
T.raises("mmsim.machine: keys are names, got a number", mmsim.machine, { 4 })
T.raises("table expected, got number", mmsim.machine, 3)
T.raises("table expected, got string", mmsim.machine, "teaching")
T.raises("stlb: 4 ways do not divide 3 entries", mmsim.machine, { preset = "teaching", ["stlb.entries"] = 3 })
-- a value each key accepts alone, impossible together: caught when the
-- machine is built
T.raises("fit in maxphyaddr=36 bits", mmsim.machine, { preset = "teaching", maxphyaddr = 36, ram = "128G" })

-- ---- mmsim.sysctls -------------------------------------------------------------------
m = T.machine()
local sysctls = mmsim.sysctls()
local want = { "kernel.randomize_va_space", "vm.max_map_count", "vm.min_free_kbytes", "vm.overcommit_memory",
	       "vm.overcommit_ratio", "vm.percpu_pagelist_high_fraction", "vm.watermark_scale_factor" }
seen = {}
for _, s in ipairs(sysctls) do
	seen[s] = true
	T.ok(m:get(s) ~= nil, "m:get of sysctl " .. s)
end
for _, s in ipairs(want) do
	T.ok(seen[s], "sysctls() has " .. s)
end
T.eq(m:get("vm.max_map_count"), 65530, "vm.max_map_count's default, as Linux")
T.eq(m:get("vm.overcommit_ratio"), 50, "vm.overcommit_ratio's default")

-- ---- mmsim.proc_paths ----------------------------------------------------------------
-- The first list is what m:proc serves: the documented loop reads them all.
local paths, others = mmsim.proc_paths()
T.ok(#paths >= 6, "proc_paths() lists the machine's views")
seen = {}
for _, path in ipairs(paths) do
	seen[path] = true
	local text, err = m:proc(path)
	T.ok(text and #text > 0, "m:proc(" .. path .. ") has text (" .. tostring(err) .. ")")
end
for _, path in ipairs({ "/proc/meminfo", "/proc/buddyinfo", "/proc/zoneinfo", "/proc/vmstat", "/proc/slabinfo",
			"/proc/pagetypeinfo", "/sys/kernel/debug/extfrag/unusable_index", "/proc/swaps",
			"/sys/kernel/mm/swap/vma_ra_enabled" }) do
	T.ok(seen[path], "proc_paths() has " .. path)
end
-- The second lists the rest, each with its kind and the method that reads it.
T.eq(type(others), "table", "proc_paths() also returns the files m:proc does not serve")
local kinds, p = {}, m:spawn()
for _, o in ipairs(others) do
	T.ok(not seen[o.path], o.path .. " is in one list only")
	kinds[o.path] = o.kind
	local object, name = o.method:match("^([mp]):([%w_]+)$")
	T.ok(name and (object == "m" and m or p)[name], o.path .. ": " .. o.method .. " exists")
	if o.kind == "process" then
		T.ok(o.path:find("/proc/<pid>/", 1, true) == 1, o.path .. " is a process's file")
		local real = o.path:gsub("<pid>", tostring(p.pid))
		local text, err = m:proc(real)
		T.ok(text or err == "EINVAL", "m:proc(" .. real .. ") serves it, or refuses it as binary")
	else
		T.eq(o.kind, "binary", o.path .. ": binary or per process")
		T.errno("EINVAL", m:proc(o.path))
	end
end
T.eq(kinds["/proc/kpageflags"], "binary", "/proc/kpageflags is binary")
T.eq(kinds["/proc/kpagecount"], "binary", "/proc/kpagecount is binary")
T.eq(kinds["/proc/<pid>/maps"], "process", "/proc/<pid>/maps is a process's")
T.eq(kinds["/proc/<pid>/pagemap"], "process", "/proc/<pid>/pagemap is a process's")
T.eq(#paths + #others, 60, "every path, once")
-- the loop of docs/lua-api.md
for _, path in ipairs(mmsim.proc_paths()) do
	T.ok(m:proc(path), path)
end
m:close()

-- ---- mmsim.flags ------------------------------------------------------------------------
local words = {
	prot = { none = 0, read = 1, write = 2, exec = 4, growsdown = 0x01000000, growsup = 0x02000000 },
	map = { shared = 0x01, private = 0x02, shared_validate = 0x03, fixed = 0x10, anonymous = 0x20,
		anon = 0x20, ["32bit"] = 0x40, growsdown = 0x100, denywrite = 0x800, executable = 0x1000,
		locked = 0x2000, noreserve = 0x4000, populate = 0x8000, nonblock = 0x10000, stack = 0x20000,
		hugetlb = 0x40000, sync = 0x80000, fixed_noreplace = 0x100000, uninitialized = 0x4000000 },
	madv = { normal = 0, random = 1, sequential = 2, willneed = 3, dontneed = 4, free = 8, remove = 9,
		 dontfork = 10, dofork = 11, mergeable = 12, unmergeable = 13, hugepage = 14, nohugepage = 15,
		 dontdump = 16, dodump = 17, wipeonfork = 18, keeponfork = 19, cold = 20, pageout = 21,
		 populate_read = 22, populate_write = 23 },
	mremap = { maymove = 1, fixed = 2, dontunmap = 4 },
	mlock = { onfault = 1 },
	mcl = { current = 1, future = 2, onfault = 4 },
}
for kind, ws in pairs(words) do
	T.eq(mmsim.flags(kind, ""), 0, kind .. ": the empty text")
	T.eq(mmsim.flags(kind, nil), 0, kind .. ": nil")
	for w, v in pairs(ws) do
		T.eq(mmsim.flags(kind, w), v, kind .. " word " .. w)
		T.eq(mmsim.flags(kind, w:upper()), v, kind .. " word " .. w .. " in capitals")
		T.eq(mmsim.flags(kind, mmsim.flags(kind, v)), v, kind .. " " .. v .. " to text and back")
	end
end
-- letters for protections, and combinations
T.eq(mmsim.flags("prot", "r"), 1, "prot r")
T.eq(mmsim.flags("prot", "rw"), 3, "prot rw")
T.eq(mmsim.flags("prot", "rwx"), 7, "prot rwx")
T.eq(mmsim.flags("prot", "r-x"), 5, "prot r-x")
T.eq(mmsim.flags("prot", "-w-"), 2, "prot -w-")
T.eq(mmsim.flags("prot", "read|exec"), 5, "prot read|exec")
T.eq(mmsim.flags("prot", "read | write"), 3, "spaces around |")
T.eq(mmsim.flags("map", "private|anonymous|fixed"), 0x32, "map private|anonymous|fixed")
T.eq(mmsim.flags("mcl", "current|future"), 3, "mcl current|future")
-- integers to text
T.eq(mmsim.flags("prot", 0), "none", "prot 0")
T.eq(mmsim.flags("prot", 3), "read|write", "prot 3")
T.eq(mmsim.flags("prot", 0x01000001), "read|growsdown", "prot read|growsdown")
T.eq(mmsim.flags("map", 0x22), "private|anonymous", "map 0x22")
T.eq(mmsim.flags("map", 0x03), "shared_validate", "map type 3 is a value, not bits")
T.eq(mmsim.flags("map", 0x10000022), "private|anonymous|0x10000000", "unknown bits as hex")
T.eq(mmsim.flags("madv", 4), "dontneed", "madv 4")
T.eq(mmsim.flags("madv", 99), "99", "an unknown advice as a number")
T.eq(mmsim.flags("mremap", 0), "0", "mremap 0")
T.eq(mmsim.flags("mremap", 3), "maymove|fixed", "mremap 3")
T.eq(mmsim.flags("mcl", 5), "current|onfault", "mcl 5")
-- bad words name themselves; bad kinds too
T.raises("mmsim.flags: 'rw|bogus': unknown prot flag 'bogus'", mmsim.flags, "prot", "rw|bogus")
T.raises("unknown prot flag 'rr'", mmsim.flags, "prot", "rr")
T.raises("unknown map flag 'privat'", mmsim.flags, "map", "privat|anonymous")
T.raises("unknown madv flag 'dontned'", mmsim.flags, "madv", "dontned")
T.raises("unknown mremap flag 'move'", mmsim.flags, "mremap", "move")
T.raises("unknown mlock flag 'current'", mmsim.flags, "mlock", "current")
T.raises("unknown mcl flag 'all'", mmsim.flags, "mcl", "all")
T.raises("'free|dontneed': madv takes one value, not several", mmsim.flags, "madv", "free|dontneed")
T.raises("mmsim.flags: no kind of flags called 'bogus'", mmsim.flags, "bogus", "x")
T.raises("mmsim.flags: no kind of flags called 'bogus'", mmsim.flags, "bogus", 3)
T.raises("mmsim.flags: prot flags must be text or an integer, got a table", mmsim.flags, "prot", {})
T.raises("string expected, got no value", mmsim.flags)

T.done()

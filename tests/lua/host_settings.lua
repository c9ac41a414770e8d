-- The host settings `mmsim diff` gives the simulated machine (docs/oracle.md,
-- "What the suite depends on"): the oracle corpus compares the simulator with
-- the value this host has only, so here the simulator runs with every value,
-- against Linux's answers (mm/memory.c do_anonymous_page, fs/proc/task_mmu.c,
-- mm/mmap.c, mm/util.c __vm_enough_memory). Where there is a host backend the
-- same checks run on the real kernel for the branch it takes, and say which.
local T = require("check")
local P = T.PAGE

-- The value of an smaps field of the VMA starting at addr: a number (kB
-- for sizes), or VmFlags' text.
local function smaps(p, addr, field)
	local block = p:smaps():match(string.format("%x", addr) .. "%-[^\n]*\n(.-VmFlags:[^\n]*)")
	T.ok(block, "smaps has the VMA at " .. string.format("%#x", addr))
	if field == "VmFlags" then return block:match("VmFlags:([^\n]*)") end
	return tonumber(("\n" .. block):match("\n" .. field .. ": +(%d+)"))
end

local function minflt(p) return p:stats().minflt end

-- How many of n pages from addr have flag set in pagemap.
local function count(p, addr, n, flag)
	local c = 0
	for _, e in ipairs(p:pagemap(addr, n)) do
		if e[flag] then c = c + 1 end
	end
	return c
end

-- Read faults on private anonymous memory map the shared zero page (zp);
-- without it (pvm_no_zero_page=1) a fresh page, writable and dirty in a
-- writable VMA (pte_mkwrite(pte_mkdirty())), clean in a read-only one.
local function zero_page_case(m, zp, what)
	local p = m:spawn{name = "zero"}
	local a = assert(p:mmap{len = 8 * P, prot = "rw"})
	assert(p:madvise(a, 8 * P, "nohugepage"))
	local f = minflt(p)
	assert(p:touch(a, 8 * P, "r"))
	T.eq(minflt(p) - f, 8, what .. ": one read fault per page")
	T.eq(count(p, a, 8, "present"), 8, what .. ": read pages are present")
	T.eq(count(p, a, 8, "exclusive"), zp and 0 or 8, what .. ": the zero page is nobody's own")
	T.eq(smaps(p, a, "Rss"), zp and 0 or 32, what .. ": smaps leaves the zero page out of Rss")
	T.eq(smaps(p, a, "Anonymous"), zp and 0 or 32, what .. ": Anonymous")
	T.eq(smaps(p, a, "Private_Dirty"), zp and 0 or 32, what .. ": a fresh page of a writable VMA is dirty")
	local pa, e = p:virt_to_phys(a)
	if pa then
		T.eq(pa == assert(p:virt_to_phys(a + P)), zp, what .. ": one frame for every read page, or one each")
	else
		T.eq(e, "EACCES", what .. ": frames hidden")
	end
	f = minflt(p)
	assert(p:touch(a, 8 * P, "w"))
	T.eq(minflt(p) - f, zp and 8 or 0, what .. ": a write copies the zero page, a fresh page is writable")
	T.eq(smaps(p, a, "Rss"), 32, what .. ": written, every page counts")
	T.eq(count(p, a, 8, "exclusive"), 8, what .. ": written pages are the process's own")

	local r = assert(p:mmap{len = 4 * P, prot = "r"})
	assert(p:madvise(r, 4 * P, "nohugepage"))
	f = minflt(p)
	assert(p:touch(r, 4 * P, "r"))
	T.eq(minflt(p) - f, 4, what .. ": read-only VMA, one fault per page")
	T.eq(smaps(p, r, "Rss"), zp and 0 or 16, what .. ": read-only VMA, Rss")
	T.eq(smaps(p, r, "Private_Clean"), zp and 0 or 16, what .. ": read-only VMA, clean pages")

	-- fork copies page tables only of VMAs with an anon_vma, which the zero
	-- page's read faults do not set up: the child faults again
	local z = assert(p:mmap{len = 4 * P, prot = "r"})
	assert(p:madvise(z, 4 * P, "nohugepage"))
	assert(p:touch(z, 4 * P, "r"))
	local c = assert(p:fork())
	f = minflt(c)
	assert(c:touch(z, 4 * P, "r"))
	T.eq(minflt(c) - f, zp and 4 or 0, what .. ": the child's reads of zero-page memory fault again")
	c:exit()
	p:exit()
end

-- CONFIG_MEM_SOFT_DIRTY: new VMAs are VM_SOFTDIRTY ("sd"), and every
-- pagemap entry inside one has bit 55, present or not.
local function soft_dirty_case(m, sd, what)
	local p = m:spawn{name = "sd"}
	local a = assert(p:mmap{len = 2 * P, prot = "rw"})
	assert(p:write(a, "x"))
	T.eq(smaps(p, a, "VmFlags"):find(" sd", 1, true) ~= nil, sd, what .. ": VmFlags sd")
	T.eq(count(p, a, 2, "soft_dirty"), sd and 2 or 0, what .. ": pagemap bit 55")
	p:exit()
end

-- CONFIG_ANON_VMA_NAME: PR_SET_VMA_ANON_NAME names the VMA, or is EINVAL.
local function anon_vma_name_case(m, on, what)
	local p = m:spawn{name = "names"}
	local a = assert(p:mmap{len = 4 * P, prot = "rw"})
	if on then
		T.eq(p:set_vma_name(a, 2 * P, "arena"), 0, what .. ": named")
		T.has(p:maps(), string.format("%x-%x rw-p 00000000 00:00 0", a, a + 2 * P), what .. ": split at the name")
		T.has(p:maps(), "[anon:arena]", what .. ": maps shows the name")
	else
		T.errno("EINVAL", p:set_vma_name(a, 2 * P, "arena"))
		T.eq(p:maps():find("[anon:", 1, true), nil, what .. ": no name")
	end
	p:exit()
end

-- transparent_hugepage/enabled always, madvise or never: smaps' THPeligible
-- says whether a VMA may get a huge page (always: any anonymous VMA with
-- room for an aligned 2 MiB; madvise: only with MADV_HUGEPAGE; never: none);
-- MADV_HUGEPAGE sets hg in every mode.
local function thp_case(m, mode, what)
	local p = m:spawn{name = "thp"}
	local big = assert(p:mmap{len = 4 << 20, prot = "rw"})
	local small = assert(p:mmap{len = 3 * P, prot = "rw"})
	local plain = assert(p:mmap{len = 4 << 20, prot = "rw"})
	assert(p:madvise(big, 4 << 20, "hugepage"))
	assert(p:madvise(small, 3 * P, "hugepage"))
	T.eq(smaps(p, big, "THPeligible"), mode ~= "never" and 1 or 0, what .. ": an advised 4 MiB VMA")
	T.eq(smaps(p, small, "THPeligible"), 0, what .. ": an advised 3-page VMA has no room")
	T.eq(smaps(p, plain, "THPeligible"), mode == "always" and 1 or 0, what .. ": an unadvised 4 MiB VMA")
	T.has(smaps(p, big, "VmFlags"), " hg", what .. ": MADV_HUGEPAGE sets hg")
	p:exit()
end

-- vm.overcommit_memory: 0 refuses a private writable mapping larger than
-- RAM + swap unless MAP_NORESERVE; 1 refuses nothing; 2 charges every
-- private writable or shared mapping against CommitLimit, ignoring
-- MAP_NORESERVE. A private read-only mapping is never charged. (1 TiB is
-- more than the RAM and swap of either machine.)
local function overcommit_case(m, mode, what)
	local p = m:spawn{name = "commit"}
	local huge = 1 << 40
	local function try(t)
		local a, e = p:mmap(t)
		if a then assert(p:munmap(a, huge)) end
		return a and "ok" or e
	end
	T.eq(try{len = huge, prot = "rw"}, mode == 1 and "ok" or "ENOMEM", what .. ": private writable")
	T.eq(try{len = huge, prot = "rw", flags = "private|anonymous|noreserve"}, mode == 2 and "ENOMEM" or "ok",
	     what .. ": MAP_NORESERVE")
	T.eq(try{len = huge, prot = "r"}, "ok", what .. ": private read-only")
	T.eq(try{len = huge, prot = "rw", flags = "shared|anonymous"}, mode == 1 and "ok" or "ENOMEM", what .. ": shared")
	p:exit()
end

-- Every value on the simulator.
for _, zp in ipairs{ true, false } do
	local m = T.machine{ zero_page = zp }
	zero_page_case(m, zp, "simulator zero_page=" .. (zp and 1 or 0))
	T.consistent(m)
end
for _, sd in ipairs{ true, false } do
	soft_dirty_case(T.machine{ soft_dirty = sd }, sd, "simulator soft_dirty=" .. (sd and 1 or 0))
end
for _, on in ipairs{ true, false } do
	anon_vma_name_case(T.machine{ anon_vma_name = on }, on, "simulator anon_vma_name=" .. (on and 1 or 0))
end
for _, mode in ipairs{ "always", "madvise", "never" } do
	thp_case(T.machine{ thp = mode }, mode, "simulator thp=" .. mode)
end
for mode = 0, 2 do
	local m = T.machine{}
	assert(m:set("vm.overcommit_memory", mode))
	overcommit_case(m, mode, "simulator vm.overcommit_memory=" .. mode)
end

-- The branch this host takes, on its kernel.
local ok, h = pcall(mmsim.host, {})
if not ok then
	T.note("no host backend here (" .. tostring(h) .. "): the simulator's branches only")
	T.done()
	return
end
local zp = h:get("zero_page") == 1
T.note("host zero_page=" .. h:get("zero_page") .. ": its branch checked on the kernel too")
zero_page_case(h, zp, "host zero_page=" .. h:get("zero_page"))

-- soft-dirty and VMA names are build options: the first answer decides the
-- branch, the others must follow it
local p = h:spawn{}
local a = assert(p:mmap{len = P, prot = "rw"})
local sd = smaps(p, a, "VmFlags"):find(" sd", 1, true) ~= nil
local named = p:set_vma_name(a, P, "probe") == 0
p:exit()
T.note("host " .. (sd and "has" or "has no") .. " soft-dirty and " .. (named and "names" or "no names")
       .. " for anonymous VMAs: those branches checked on the kernel too")
soft_dirty_case(h, sd, "host soft_dirty=" .. (sd and 1 or 0))
anon_vma_name_case(h, named, "host anon_vma_name=" .. (named and 1 or 0))

local thp = h:get("thp")
if thp == "always" or thp == "madvise" or thp == "never" then
	T.note("host THP " .. thp .. ": its branch checked on the kernel too")
	thp_case(h, thp, "host thp=" .. thp)
else
	T.note("host THP " .. tostring(thp) .. ": the simulator has no such mode, not compared")
end

-- the host's processes inherit mmsim's RLIMIT_AS, which refuses 1 TiB too
local mode = h:get("vm.overcommit_memory")
local limits = assert(io.open("/proc/self/limits")):read("a")
local as = limits:match("\nMax address space +(%S+)")
if h:get("ram") >= (1 << 40) then
	T.note("host RAM is 1 TiB or more: the overcommit checks assume less, not run on the kernel")
elseif as ~= "unlimited" then
	T.note("RLIMIT_AS is " .. tostring(as) .. " bytes here: it refuses 1 TiB, the overcommit checks not run on the kernel")
else
	T.note("host vm.overcommit_memory=" .. mode .. ": its branch checked on the kernel too")
	overcommit_case(h, mode, "host vm.overcommit_memory=" .. mode)
end
h:close()
T.done()

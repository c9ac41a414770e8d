-- The per-process /proc views: maps, smaps, smaps_rollup, status, statm,
-- in Linux's formats (fs/proc/task_mmu.c, fs/proc/array.c). VMA counts and
-- sizes are read from the text, after system calls that merge and split.
-- Skipped until the views exist (p:maps() gives nil, "ENOENT").
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()
local p = m:spawn("viewer")
local probe, err = p:maps()
if probe == nil and err == "ENOENT" then
	T.skip("views: /proc/PID views not available")
end

-- ---- parsing -----------------------------------------------------------------------
-- One maps line: start, end, perms, offset, dev, inode, name ("" if none).
local LINE = "^(%x+)%-(%x+) ([r-][w-][x-][ps]) (%x+) (%x%x+:%x%x+) (%d+) *(.-)$"

local function parse_maps(text)
	local vmas = {}
	for line in text:gmatch("([^\n]*)\n") do
		local s, e, perms, off, dev, ino, name = line:match(LINE)
		T.ok(s, "a maps line in Linux's format: " .. line)
		vmas[#vmas + 1] = { start = tonumber(s, 16), stop = tonumber(e, 16), perms = perms, offset = off,
				    dev = dev, inode = tonumber(ino), name = name, line = line }
	end
	return vmas
end

local function maps(proc)
	local text = T.ok(proc:maps(), "maps")
	T.eq(text:sub(-1), "\n", "maps ends with a newline")
	return parse_maps(text)
end

local function find(vmas, addr)
	for _, v in ipairs(vmas) do
		if v.start <= addr and addr < v.stop then
			return v
		end
	end
end

local function count(vmas, pred)
	local n = 0
	for _, v in ipairs(vmas) do
		n = n + (pred(v) and 1 or 0)
	end
	return n
end

local smaps_block = T.smaps_block

local function status_field(proc, name)
	local text = T.ok(proc:status(), "status")
	return text:match("\n" .. name .. ":\t([^\n]*)") or text:match("^" .. name .. ":\t([^\n]*)")
end

local function status_kb(proc, name)
	return tonumber(T.match(status_field(proc, name), "^ *(%d+) kB$", "status " .. name))
end

-- ---- maps of a fresh process ----------------------------------------------------------
local vmas = maps(p)
for i = 2, #vmas do
	-- unsigned: [vsyscall] at 0xffffffffff600000 is a negative Lua integer
	T.ok(not math.ult(vmas[i].start, vmas[i - 1].stop), "VMAs in address order, not overlapping")
end
T.eq(count(vmas, function(v) return v.name == "/usr/bin/viewer" end), 5, "the image: five VMAs")
local image = vmas[1]
T.eq(image.start, 0x555555554000, "the image first (no ASLR)")
T.eq(image.perms, "r--p", "its header is read-only")
T.ok(image.inode > 0, "a file mapping has an inode")
T.ok(image.dev ~= "00:00", "and a device")
T.eq(find(vmas, 0x555555555000).perms, "r-xp", "the text")
T.eq(find(vmas, 0x555555555000).offset, "00001000", "at file offset 0x1000")
for _, name in ipairs({ "[stack]", "[vdso]", "[vvar]", "[vvar_vclock]" }) do
	T.eq(count(vmas, function(v) return v.name == name end), 1, name)
end
T.eq(find(vmas, 0x7ffff7ffd000).name, "[vdso]", "the vDSO below mmap_base")
T.eq(find(vmas, 0x7ffff7ffd000).perms, "r-xp", "the vDSO is executable")
T.match(vmas[#vmas - 1].name, "^%[stack%]$", "the stack last of the VMAs")
T.eq(vmas[#vmas].name, "[vsyscall]", "then the [vsyscall] gate line, as Linux prints it")
local base = #vmas

-- ---- mmap, merging and splitting --------------------------------------------------------------
local a = p:mmap({ len = PAGE, prot = "rw" })
vmas = maps(p)
T.eq(#vmas, base + 1, "mmap adds one VMA")
local v = find(vmas, a)
T.eq(v.start, a, "it starts at the address mmap returned")
T.eq(v.stop, a + PAGE, "one page")
T.eq(v.perms, "rw-p", "rw-p")
T.eq(v.offset, "00000000", "anonymous: offset 0")
T.eq(v.dev, "00:00", "no device")
T.eq(v.inode, 0, "no inode")
T.eq(v.name, "", "no name")
T.match(v.line, string.format("^%x%%-%x rw%%-p 00000000 00:00 0 ?$", a, a + PAGE), "the whole line")
local b = p:mmap({ len = PAGE, prot = "rw" })
T.eq(b, a - PAGE, "the next mapping below")
T.eq(#maps(p), base + 1, "adjacent compatible mappings merge")
T.eq(find(maps(p), b).stop, a + PAGE, "into one VMA of two pages")
local c = p:mmap({ len = PAGE, prot = "r" })
T.eq(#maps(p), base + 2, "another protection does not merge")
p:mmap({ len = 3 * PAGE, prot = "rw" })
local big = p:mmap({ len = 3 * PAGE, prot = "rw" })
local n0 = #maps(p)
T.eq(p:mprotect(big + PAGE, PAGE, "r"), 0, "mprotect the middle page")
vmas = maps(p)
T.eq(#vmas, n0 + 2, "splits one VMA into three")
T.eq(find(vmas, big + PAGE).perms, "r--p", "the middle is read-only")
T.eq(find(vmas, big).perms, "rw-p", "the sides are not")
T.eq(p:mprotect(big + PAGE, PAGE, "rw"), 0, "mprotect it back")
T.eq(#maps(p), n0, "the three merge again")
T.eq(p:munmap(big + PAGE, PAGE), 0, "munmap the middle page")
vmas = maps(p)
T.eq(#vmas, n0 + 1, "a hole splits the VMA in two")
T.eq(find(vmas, big + PAGE), nil, "nothing maps the hole")
local grown = p:mremap(c, PAGE, 2 * PAGE, "maymove")
T.eq(find(maps(p), grown).stop - grown, 2 * PAGE, "mremap's new size")

-- names
local heap0 = p:brk()
p:brk(heap0 + 2 * PAGE)
vmas = maps(p)
v = find(vmas, heap0)
T.eq(v and v.name, "[heap]", "brk makes the [heap]")
T.eq(v.stop, heap0 + 2 * PAGE, "as large as asked")
T.eq(p:set_vma_name(a, PAGE, "buffer"), 0, "name part of a VMA")
vmas = maps(p)
T.eq(find(vmas, a).name, "[anon:buffer]", "[anon:name]")
T.eq(find(vmas, b).name, "", "the rest keeps no name (split)")
local sh = p:mmap({ len = PAGE, prot = "rw", flags = "shared|anonymous" })
v = find(maps(p), sh)
T.eq(v.perms, "rw-s", "a shared mapping")
T.eq(v.name, "/dev/zero (deleted)", "shared anonymous memory is /dev/zero")
local gd = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|growsdown" })
T.ok(find(maps(p), gd), "MAP_GROWSDOWN")

-- ---- smaps and smaps_rollup -----------------------------------------------------------------------
local s4 = p:mmap({ len = 4 * PAGE, prot = "rw" })
p:touch(s4, 3 * PAGE, "w")
local smaps = T.ok(p:smaps(), "smaps")
local f = smaps_block(smaps, s4)
T.eq(f.Size, 16, "Size: the VMA in kB")
T.eq(f.KernelPageSize, 4, "KernelPageSize")
T.eq(f.MMUPageSize, 4, "MMUPageSize")
T.eq(f.Rss, 12, "Rss: the three touched pages")
T.eq(f.Pss, 12, "Pss: not shared")
T.eq(f.Private_Dirty, 12, "Private_Dirty")
T.eq(f.Anonymous, 12, "Anonymous")
T.eq(f.Locked, 0, "Locked")
T.match(f.VmFlags, "^rd wr mr mw me ac", "VmFlags of an anonymous rw mapping")
T.eq(p:mlock(s4, 4 * PAGE), 0, "mlock it")
f = smaps_block(p:smaps(), s4)
T.eq(f.Rss, 16, "mlock faulted in the fourth page")
T.eq(f.Locked, 16, "Locked")
T.has(f.VmFlags, " lo", "VmFlags lo")
local kid = p:fork()
f = smaps_block(p:smaps(), s4)
T.eq(f.Shared_Dirty, 16, "after fork the pages are shared")
T.eq(f.Pss, 8, "Pss halves")
kid:exit()
local rollup = T.ok(p:smaps_rollup(), "smaps_rollup")
T.match(rollup, "^%x+%-%x+ %-%-%-p 00000000 00:00 0 +%[rollup%]\n", "the rollup header")
local total = 0
for rss in p:smaps():gmatch("\nRss:%s+(%d+) kB") do
	total = total + tonumber(rss)
end
T.eq(tonumber(rollup:match("\nRss:%s+(%d+) kB")), total, "the rollup's Rss is the sum of the VMAs'")

-- ---- status and statm -----------------------------------------------------------------------------
T.eq(status_field(p, "Name"), "viewer", "Name")
T.eq(status_field(p, "Pid"), tostring(p.pid), "Pid")
T.eq(status_field(p, "Tgid"), tostring(p.pid), "Tgid")
T.eq(status_field(p, "PPid"), "0", "PPid")
T.eq(status_field(p, "Threads"), "1", "Threads")
local th = p:thread()
T.eq(status_field(p, "Threads"), "2", "Threads counts a new thread")
th:exit()
local q = m:spawn("counted")
local rss0, anon0 = status_kb(q, "VmRSS"), status_kb(q, "RssAnon")
local size0 = status_kb(q, "VmSize")
local qa = q:mmap({ len = 8 * PAGE, prot = "rw" })
T.eq(status_kb(q, "VmSize"), size0 + 32, "VmSize grows with mmap")
T.eq(status_kb(q, "VmRSS"), rss0, "but not VmRSS")
q:touch(qa, 5 * PAGE, "w")
T.eq(status_kb(q, "VmRSS"), rss0 + 20, "VmRSS after touching five pages")
T.eq(status_kb(q, "RssAnon"), anon0 + 20, "RssAnon")
T.eq(status_kb(q, "VmLck"), 0, "VmLck")
q:mlock(qa, 2 * PAGE)
T.eq(status_kb(q, "VmLck"), 8, "VmLck after mlock")
local statm = T.ok(q:statm(), "statm")
local size, resident, shared, text, lib, data, dt = statm:match("^(%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+)\n$")
T.ok(size, "statm: seven numbers")
T.eq(tonumber(size), status_kb(q, "VmSize") // 4, "statm size is VmSize in pages")
T.eq(tonumber(resident), status_kb(q, "VmRSS") // 4, "statm resident is VmRSS in pages")
T.eq(tonumber(lib), 0, "lib is always 0")
T.eq(tonumber(dt), 0, "dt is always 0")
T.ok(tonumber(text) >= 1 and tonumber(data) >= 8, "text and data")
T.ok(tonumber(shared) >= 0, "shared")

T.consistent(m, "after reading the views")
T.done()

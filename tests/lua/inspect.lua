-- `mmsim inspect PID` on a real process with a known layout: a host-backend
-- process (a real process of this machine) maps and touches memory, then
-- `mmsim inspect` reads it from the outside. Needs Linux; with
-- CAP_SYS_ADMIN it checks the frames too, without it what a user sees.
local T = require("check")

local bin = os.getenv("MMSIM")
if not bin then T.skip("MMSIM is not set") end
local ok, m = pcall(mmsim.host, {})
if not ok then T.skip("no host backend here: " .. tostring(m)) end

-- Frame numbers are shown when this process has CAP_SYS_ADMIN (bit 21 of
-- CapEff) and can read /proc/kpageflags, as Linux's pagemap and kpage*
-- files decide.
local function frames_visible()
	local status = assert(io.open("/proc/self/status")):read("a")
	local cap = tonumber(assert(status:match("\nCapEff:%s*(%x+)")), 16)
	local kpf = io.open("/proc/kpageflags")
	if kpf then kpf:close() end
	return (cap >> 21) & 1 == 1 and kpf ~= nil
end
local frames = frames_visible()
if frames then
	T.note("CAP_SYS_ADMIN: checking the frames (kpageflags, kpagecount, physical addresses) and the unprivileged view")
else
	T.note("no CAP_SYS_ADMIN here: checking what a user sees (frames hidden); the frame checks need root")
end

local P = 4096
local p = m:spawn{}

-- C: 4 shared anonymous pages, written, then read by a child: shared, "file"
local c = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:touch(c, 4 * P, "w"))
-- D: 6 private pages written before fork: copy-on-write, shared with the child
local d = assert(p:mmap{len = 6 * P, prot = "rw"})
assert(p:madvise(d, 6 * P, "nohugepage"))
assert(p:touch(d, 6 * P, "w"))
-- E: a PROT_NONE reservation: nothing resident, not walked
local e = assert(p:mmap{len = 1024 * P, prot = "none"})
local child = assert(p:fork())
assert(child:touch(c, 4 * P, "r"))
-- After the fork, the parent's own mappings:
-- A: 16 private pages, 5 written: present and exclusive
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:madvise(a, 16 * P, "dontfork"))      -- a flag of its own: no merge with D
assert(p:touch(a, 5 * P, "w"))
-- B: 8 private pages, 3 read: the shared zero page, or (a kernel without
-- it) a fresh page of its own each
local b = assert(p:mmap{len = 8 * P, prot = "r"})
assert(p:madvise(b, 8 * P, "nohugepage"))
assert(p:touch(b, 3 * P, "r"))
-- F: the pages a read fault gives where there is no zero page, made as such a
-- kernel makes them: fresh zeroed private pages of a read-only VMA (written
-- while writable, then mprotect; VM_ACCOUNT keeps it from merging with B)
local fresh = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:madvise(fresh, 8 * P, "nohugepage"))
assert(p:touch(fresh, 3 * P, "w"))
assert(p:mprotect(fresh, 8 * P, "r"))

local function run(args)
	local f = assert(io.popen(bin .. " inspect " .. args .. " " .. p.pid .. " 2>&1"))
	local out = f:read("a")
	local _, _, rc = f:close()
	return out, rc
end

-- The summary row of the VMA at addr: its columns by name.
local function row(out, addr)
	local key = string.format("%x", addr)
	for line in out:gmatch("[^\n]+") do
		local f = {}
		for w in line:gmatch("%S+") do f[#f + 1] = w end
		if f[1] == key then
			return { kb = tonumber(f[2]), perm = f[3], pages = tonumber(f[4]), present = tonumber(f[5]),
				 swapped = tonumber(f[6]), zero = f[7], thp = tonumber(f[8]), excl = tonumber(f[9]),
				 shared = f[10] }
		end
	end
	error("no row for " .. key .. " in:\n" .. out)
end

local out, rc = run("")
T.eq(rc, 0, "exit code")
T.match(out, "^pid " .. p.pid .. " %(", "header names the process")
T.has(out, frames and "frame numbers shown" or "frame numbers hidden", "the header says whether frames are shown")
local r = row(out, a)
T.eq(r.kb, 64, "A kbytes")
T.eq(r.perm, "rw-p", "A perms")
T.eq(r.pages, 16, "A pages")
T.eq(r.present, 5, "A present")
T.eq(r.excl, 5, "A exclusive")
T.eq(r.shared, "0", "A shared")
T.eq(r.zero, frames and "0" or "-", "A zero (a count that needs frames)")
-- This kernel maps the zero page on read faults, or (a kernel booted with
-- pvm_no_zero_page=1) a fresh page: B checks the host's branch. No sysctl
-- turns the zero page off (do_anonymous_page uses it unless
-- mm_forbids_zeropage, which only s390 defines, and this host refuses writes
-- to pvm_no_zero_page after boot), so F, pages in the state a kernel without
-- it leaves, checks the other branch here.
local zp = m:get("zero_page")
T.ok(zp == 0 or zp == 1, "m:get(\"zero_page\") is the integer 0 or 1")
local zero = zp == 1
local function check_b(vma, on_zero, name)
	r = row(out, vma)
	T.eq(r.present, 3, name .. " present")
	T.eq(r.zero, not frames and "-" or on_zero and "3" or "0", name .. " on the zero page")
	T.eq(r.excl, on_zero and 0 or 3, name .. ": the zero page is nobody's own, a fresh page is")
	T.eq(r.shared, "0", name .. ": the zero page is not counted as shared")
end
check_b(b, zero, "B")
check_b(fresh, false, "F (no zero page)")
if zero then
	T.note("this host maps the zero page on read faults: B checks the zero-page branch, F the other one")
else
	T.note("this host maps no zero page on read faults: B and F check the no-zero-page branch; "
	       .. "the zero-page branch cannot be emulated here")
end
r = row(out, c)
T.eq(r.perm, "rw-s", "C perms")
T.eq(r.present, 4, "C present")
T.eq(r.shared, "4", "C shared with the child")
T.eq(r.excl, 0, "C exclusive")
r = row(out, d)
T.eq(r.present, 6, "D present")
T.eq(r.shared, "6", "D: copy-on-write pages are mapped by both")
T.eq(r.excl, 0, "D exclusive")
r = row(out, e)
T.eq(r.perm, "---p", "E perms")
T.eq(r.present, 0, "E present")

-- The child writes D: it gets copies, the parent's pages are its own again
assert(child:touch(d, 6 * P, "w"))
out = run("")
r = row(out, d)
T.eq(r.shared, "0", "D after the child's writes: not shared")
T.eq(r.excl, 6, "D after the child's writes: exclusive")

-- --pages: each page with its frame; the physical address matches pagemap
local function page_line(text, addr)
	return text:match("\n%s+" .. string.format("%x", addr) .. " present[^\n]*")
end
out, rc = run("--pages")
T.eq(rc, 0, "--pages exit code")
local line = page_line(out, a + 2 * P)
T.ok(line, "--pages lists A's third page")
T.has(line, "excl", "exclusive")
local phys
if frames then
	phys = assert(p:virt_to_phys(a + 2 * P))
	T.has(line, string.format("phys %#x", phys), "its physical address")
	T.has(line, "ANON", "kpageflags")
	T.has(line, "mapcount 1", "kpagecount")
	line = page_line(out, b)
	T.has(line, zero and "ZERO_PAGE" or "ANON", "B's page: the zero page, or its own")
	T.eq(line:find(zero and "ANON" or "ZERO_PAGE", 1, true), nil, "B's page is only one of the two")
	line = page_line(out, fresh)
	T.has(line, "ANON", "F's page: an anonymous page")
	T.eq(line:find("ZERO_PAGE", 1, true), nil, "F's page: not the zero page")
	line = page_line(out, c)
	T.has(line, "mapcount 2", "mapped by parent and child")
else
	T.errno("EACCES", p:virt_to_phys(a + 2 * P))
	T.has(line, "pfn hidden", "the frame is hidden")
end
-- without frames too: the zero page is nobody's own, a fresh page is
T.eq(page_line(out, b):find("excl", 1, true) == nil, zero, "B's page is exclusive unless it is the zero page")
T.has(page_line(out, fresh), "excl", "F's page: its own")
T.has(page_line(out, c), "file", "shared anonymous memory is file-backed (shmem)")
T.eq(page_line(out, a + 5 * P), nil, "untouched pages are not listed")

-- --unprivileged: what a user sees: flags, no frames; Shared from smaps
out, rc = run("--unprivileged --pages")
T.eq(rc, 0, "--unprivileged exit code")
T.has(out, "frame numbers hidden", "says the frames are hidden")
T.eq(out:find("phys 0x", 1, true), nil, "no physical address shown")
T.has(out, "pfn hidden", "pages say their frame is hidden")
r = row(out, a)
T.eq(r.present, 5, "unprivileged: A present")
T.eq(r.excl, 5, "unprivileged: A exclusive")
T.eq(r.zero, "-", "unprivileged: zero-page count needs frames")
r = row(out, c)
T.eq(r.shared, "4", "unprivileged: C shared, from smaps")

-- --json
local tmp = os.tmpname()
out, rc = run("--pages --json " .. tmp)
T.eq(rc, 0, "--json exit code")
local j = assert(io.open(tmp)):read("a")
os.remove(tmp)
T.has(j, '"frames_visible": ' .. tostring(frames), "json: whether frames are visible")
T.has(j, '"pid": ' .. p.pid, "json: pid")
T.has(j, string.format('"start": "%x"', a), "json: A")
if frames then
	T.has(j, string.format('"phys": "%#x"', phys & ~0xfff), "json: a page's physical address")
else
	T.eq(j:find('"phys"', 1, true), nil, "json: no physical address without frames")
end

-- errors
out, rc = run("")
T.eq(rc, 0, "still fine")
local f = io.popen(bin .. " inspect 2147483 2>&1")
out = f:read("a")
_, _, rc = f:close()
T.eq(rc, 1, "no such process: exit 1")
T.has(out, "no process 2147483", "names the pid")
f = io.popen(bin .. " inspect 12abc 2>&1")
out = f:read("a")
_, _, rc = f:close()
T.eq(rc, 2, "not a pid: exit 2")
T.has(out, "'12abc' is not a process id", "says so")

child:exit()
p:exit()
m:close()
T.done()

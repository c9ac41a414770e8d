-- Files and the page cache (issue 14; docs/user-guide.md, "Files and the
-- page cache"): a program's text shared by two processes, a cold file of
-- the disk read through a mapping (a major fault and readahead, then minor
-- faults), a shared mapping written (page_mkwrite, Dirty, msync), a private
-- one copied on write, and a truncate under a mapping (SIGBUS).

local m = mmsim.machine{preset = "teaching", read_ahead_kb = 64}
local PG = 4096

print("== 1. Programs are files: two processes share their text")
local p, q = m:spawn{name = "editor"}, m:spawn{name = "editor"}
local text = tonumber(p:maps():match("\n(%x+)%-%x+ r%-xp"), 16)
assert(p:read(text, 1) and q:read(text, 1))
print(p:maps():match("[^\n]*r%-xp[^\n]*"))
local pfn = p:pagemap(text)[1].pfn
print(("the text page: frame %#x, one for both (kpagecount %d), %s"):format(pfn, m:kpagecount(pfn),
      select(2, m:kpageflags(pfn))))
print(("smaps of the text VMA: Rss %s kB, Pss %s kB, Shared_Clean %s kB"):format(
      p:smaps():match("r%-xp.-\nRss:%s+(%d+)"), p:smaps():match("r%-xp.-\nPss:%s+(%d+)"),
      p:smaps():match("r%-xp.-\nShared_Clean:%s+(%d+)")))

print("\n== 2. A cold file of the disk read through a mapping")
local fd = assert(p:open("/data", "rdwr|creat"))
assert(p:pwrite(fd, string.rep("x", 256 * PG), 0))          -- 1 MiB: 256 dirty pages
print(("after pwrite: Dirty %d kB"):format(m:proc("/proc/meminfo"):match("\nDirty:%s+(%d+)")))
assert(p:fsync(fd) == 0)                                     -- written to the disk
assert(p:fadvise(fd, 0, 0, "dontneed") == 0)                 -- and dropped: cold
local a = assert(p:mmap{len = 256 * PG, prot = "rw", flags = "private", fd = fd})
m:explain(function(line)
  if line:find("do_page_cache_ra") or line:find("do_read_fault") then print(line) end
end)
assert(p:read(a + 100 * PG, 1))
m:explain(false)
local s0 = p:stats()
assert(p:touch(a, 256 * PG, "r"))
local s1 = p:stats()
print(("then the whole file: %d more faults (%d major), readahead reading ahead of them"):format(
      s1.minflt + s1.majflt - s0.minflt - s0.majflt, s1.majflt - s0.majflt))
print(("resident now: %s"):format(p:mincore(a, 16 * PG)))

print("\n== 3. A shared mapping: a write fault per clean page (page_mkwrite), then msync")
local s = assert(p:mmap{len = 4 * PG, prot = "rw", flags = "shared", fd = fd})
assert(p:read(s, 1))                                        -- mapped read-only
local f0 = p:stats().minflt
assert(p:write(s, "hello"))
print(("the write after a read: %d fault; Dirty %d kB"):format(p:stats().minflt - f0,
      m:proc("/proc/meminfo"):match("\nDirty:%s+(%d+)")))
assert(p:msync(s, 4 * PG, "sync") == 0)
print(("after msync(MS_SYNC): Dirty %d kB; the file reads %q"):format(
      m:proc("/proc/meminfo"):match("\nDirty:%s+(%d+)"), p:pread(fd, 5, 0)))

print("\n== 4. A private mapping copies on write: the copy is anonymous")
local e = p:pagemap(a)[1]
print(("before: file page %s (pagemap bit 61), %s"):format(tostring(e.file), select(2, m:kpageflags(e.pfn))))
assert(p:write(a, "mine"))
e = p:pagemap(a)[1]
print(("after:  file page %s, %s"):format(tostring(e.file), select(2, m:kpageflags(e.pfn))))
print(("the file still reads %q, the mapping %q"):format(p:pread(fd, 4, 0), p:read(a, 4)))

print("\n== 5. Truncate under a mapping: SIGBUS past the end")
local child = p:fork()
assert(p:ftruncate(fd, PG + 10) == 0)
local ok, fault = child:read(s + 2 * PG, 1)
print(("a read 2 pages in: %s (%s); the last page reads zeros past the end: %q"):format(
      fault.signal, fault.code, p:read(s + PG + 10, 1)))
assert(p:unlink("/data") == 0)
print(p:maps():match("[^\n]*/data %(deleted%)"))
print(("consistency check: %d problems"):format(m:check()))

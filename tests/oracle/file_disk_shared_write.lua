-- A shared writable mapping of a disk file ("/", ext4 on the host) maps its
-- pages read-only on a read fault, so that the first write to each page
-- faults (page_mkwrite) and dirties it; a tmpfs file's pages are mapped
-- writable at once (no writeback: no write fault). After fsync, writeback
-- has write-protected and cleaned every PTE of the written pages
-- (folio_mkclean): the next write faults again. pread sees what the
-- mapping wrote, before and after the page cache is dropped.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local d = p:open("/shared", "rdwr|creat", "0644")
p:pwrite(d, string.rep("s", 64 * P), 0)
p:fsync(d)
local a = p:mmap{len = 64 * P, prot = "rw", flags = "shared", fd = d}
p:touch(a, 64 * P, "r")
p:touch(a, 64 * P, "w")
p:touch(a, 64 * P, "w")
mmsim.checkpoint("written")
p:fsync(d)
p:touch(a, 32 * P, "w")
p:fdatasync(d)
p:fadvise(d, 0, 0, "dontneed")
p:munmap(a, 64 * P)
p:fadvise(d, 0, 0, "dontneed")
p:pread(d, 8, 0)
p:pread(d, 8, 40 * P)
local t = p:open("/tmp/shared", "rdwr|creat", "0644")
p:pwrite(t, string.rep("t", 64 * P), 0)
local b = p:mmap{len = 64 * P, prot = "rw", flags = "shared", fd = t}
p:touch(b, 64 * P, "r")
p:touch(b, 64 * P, "w")
p:fsync(t)
p:touch(b, 64 * P, "w")
mmsim.checkpoint("tmpfs")

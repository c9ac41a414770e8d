-- Truncating a mapped disk file ("/", ext4 on the host) unmaps the pages
-- past the new end from every mapping (a private copy too): an access there
-- is SIGBUS, the straddling page reads zeros past the end; a file unlinked
-- while mapped lives on ("(deleted)" in maps) and its pages read back; a
-- later open of the name fails. Errnos of fsync and fadvise. The
-- accesses past the end are made by children (SIGBUS kills them). The
-- file is 2 MiB so that both kernels place its mappings 2 MiB-aligned
-- (fault-around windows then start at the same pages). Measured: ext4's
-- shrinking truncate unmaps the pages below the new end too (not the
-- private copies), and dirties the page that straddles it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/trunc", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("z", 512 * P), 0)
p:fsync(fd)
local a = p:mmap{len = 512 * P, prot = "rw", flags = "shared", fd = fd}
local b = p:mmap{len = 512 * P, prot = "rw", flags = "private", fd = fd}
p:touch(a, 32 * P, "r")
p:touch(b + 6 * P, P, "w")
p:ftruncate(fd, 3 * P + 100)
p:read(a + 3 * P + 98, 4)
local c1 = p:fork()
c1:read(a + 5 * P, 1)
local c2 = p:fork()
c2:read(b + 6 * P, 1)
mmsim.checkpoint("truncated")
p:ftruncate(fd, 512 * P)
p:read(a + 6 * P, 4)
p:close(fd)
p:unlink("/trunc")
p:read(a, 4)
p:open("/trunc", "rdonly")
mmsim.checkpoint("unlinked")
p:munmap(a, 512 * P)
p:munmap(b, 512 * P)
p:fsync(0)
p:fsync(42)
p:fdatasync(-1)
local d = p:open("/errs", "rdwr|creat", "0644")
p:fadvise(d, 0, -1, "normal")
p:fadvise(d, 0, 0, 9)
p:fadvise(42, 0, 0, "willneed")
p:fadvise(d, 0, 0, "random")
p:fsync(d)
p:unlink("/errs")

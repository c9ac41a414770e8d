-- Private and shared mappings of a disk file ("/", ext4 on the host):
-- pwrite is seen at once by a shared mapping and by a private one until it
-- copies; a write through the private mapping copies the page (an
-- anonymous page: the file keeps its bytes, pread shows them); fork shares
-- the private copies copy-on-write and refaults the shared mapping; a
-- write fault on a cold private page reads it from the disk first (major).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/cow", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("f", 32 * P), 0)
p:fsync(fd)
p:fadvise(fd, 0, 0, "dontneed")
local priv = p:mmap{len = 32 * P, prot = "rw", flags = "private", fd = fd}
local shr = p:mmap{len = 32 * P, prot = "r", flags = "shared", fd = fd}
p:touch(priv + 4 * P, 1, "w")
p:read(priv + 4 * P, 4)
p:pread(fd, 4, 4 * P)
p:touch(priv, 32 * P, "r")
p:pwrite(fd, "NEW!", 8 * P)
p:read(priv + 8 * P, 4)
p:read(shr + 8 * P, 4)
p:write(priv + 8 * P, "mine")
p:pwrite(fd, "FILE", 8 * P)
p:read(priv + 8 * P, 4)
p:read(shr + 8 * P, 4)
mmsim.checkpoint("copied")
local c = p:fork()
c:touch(priv, 32 * P, "r")
c:touch(shr, 32 * P, "r")
c:write(priv + 12 * P, "kid!")
c:read(priv + 12 * P, 4)
p:read(priv + 12 * P, 4)
c:exit(0)
mmsim.checkpoint("forked")

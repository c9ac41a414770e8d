-- mmap of a tmpfs file: a shared mapping and pwrite/pread see each other,
-- a private mapping reads the page cache until its write copies the page,
-- EACCES for a writable shared mapping of a read-only descriptor, ENODEV
-- for /dev/null, EBADF, EOVERFLOW past MAX_LFS_FILESIZE; the faults each
-- access takes (fault-around maps the cached pages around a read fault).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/dev/shm/map", "rdwr|creat")
p:ftruncate(fd, 64 * P)
p:pwrite(fd, string.rep("c", 16 * P), 0)
local s = p:mmap{len = 64 * P, prot = "rw", flags = "shared", fd = fd}
local q = p:mmap{len = 64 * P, prot = "rw", flags = "private", fd = fd}
p:read(s, 1)
p:read(s + 20 * P, 1)
p:write(s + P, "shared")
p:pread(fd, 6, P)
p:pwrite(fd, "pwrite", 2 * P)
p:read(s + 2 * P, 6)
p:read(q + 2 * P, 6)
p:write(q + 2 * P, "private")
p:pread(fd, 7, 2 * P)
p:read(q + 2 * P, 7)
mmsim.checkpoint("mapped")
local ro = p:open("/dev/shm/map")
p:mmap{len = P, prot = "rw", flags = "shared", fd = ro}
p:mmap{len = P, prot = "r", flags = "shared", fd = ro}
p:mmap{len = P, prot = "rw", flags = "private", fd = ro}
p:mmap{len = P, prot = "r", flags = "shared", fd = 0}
p:mmap{len = P, prot = "r", flags = "shared", fd = 99}
p:mmap{len = P, prot = "r", flags = "shared", fd = ro, offset = 100}
p:mmap{len = P, prot = "r", flags = "shared_validate|sync", fd = ro}
p:mmap{len = 2 * P, prot = "r", flags = "shared", fd = ro, offset = 0x7ffffffffffff000}   -- EOVERFLOW
p:mmap{len = P, prot = "r", flags = "shared", fd = ro, offset = 0x7fffffffffffe000}       -- fits below MAX_LFS_FILESIZE

-- msync on Linux: EINVAL for an unknown flag, an unaligned address, or
-- MS_ASYNC with MS_SYNC; a length of 0 is 0; a range that wraps or has a
-- hole is ENOMEM (MS_ASYNC alone stops at the hole; MS_SYNC still syncs
-- the mapped parts first); MS_INVALIDATE on a locked mapping is EBUSY.
-- MS_SYNC writes the dirty pages of a shared disk-file mapping back and
-- write-protects them (the next write to each faults again: page_mkwrite);
-- MS_ASYNC writes nothing (the pages stay dirty, their PTEs writable).
-- The file's pages are made cold first (fsync, POSIX_FADV_DONTNEED) so
-- that both kernels cache them as order-0 folios read by readahead.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/ms", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("m", 64 * P), 0)
p:fsync(fd)
p:fadvise(fd, 0, 0, "dontneed")
local a = p:mmap{len = 64 * P, prot = "rw", flags = "shared", fd = fd}
local b = p:mmap{len = 16 * P, prot = "rw", flags = "private|anonymous"}
p:touch(a, 64 * P, "r")
p:touch(a, 64 * P, "w")
p:msync(a + 1, P, "sync")
p:msync(a, P, "sync|async")
p:msync(a, P, 8)
p:msync(a, 0, "sync")
p:msync(a, 64 * P, "async")
p:touch(a, 64 * P, "w")
p:msync(a, 64 * P, "sync")
p:touch(a, 8 * P, "w")
p:msync(a, 64 * P, "invalidate")
p:msync(b, 16 * P, "sync")
mmsim.checkpoint("synced")
p:munmap(a + 32 * P, 4 * P)
p:msync(a, 64 * P, "async")
p:msync(a, 64 * P, "sync")
p:touch(a, 8 * P, "w")
p:msync(a + 32 * P, 8 * P, "sync")
p:msync(a + 32 * P, 4 * P, "async")
p:msync(-4096, 8192, "sync")
p:mlock(b, 16 * P)
p:msync(b, 16 * P, "invalidate")
p:msync(b, 16 * P, "sync|invalidate")
p:msync(b, 16 * P, "sync")
p:touch(a, 8 * P, "w")
mmsim.checkpoint("holes")

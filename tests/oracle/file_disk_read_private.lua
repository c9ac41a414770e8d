-- A 16 MiB file of the disk filesystem ("/", ext4 on the host), written,
-- synced and dropped from the page cache (POSIX_FADV_DONTNEED), read
-- through a private mapping: the mapping is placed 2 MiB-aligned (ext4's
-- thp_get_unmapped_area), the first fault is major (read-around: ra_pages,
-- the disk's read_ahead_kb, centred on the page, clamped at 0) and the
-- retried fault maps its 16-page fault-around window; later faults find
-- the pages cached (minor), the one marked PG_readahead starts the next
-- window. A fault far from the window is major again.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/big", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("d", 4096 * P), 0)
p:fsync(fd)
p:fadvise(fd, 0, 0, "dontneed")
mmsim.checkpoint("cold")
local a = p:mmap{len = 4096 * P, prot = "r", flags = "private", fd = fd}
p:touch(a, 1, "r")
p:touch(a + P, 15 * P, "r")
p:touch(a + 16 * P, 1, "r")
p:touch(a + 1500 * P, 1, "r")
p:touch(a + 3000 * P, 1, "r")
-- the sweep meets the page marked at 3512 (3000's window, 1976..4023, less
-- its last quarter): the host's asynchronous read of 4024..4095 may still
-- be in flight when fault-around reaches those pages
mmsim.tolerate_faults(2, "the host's readahead I/O may still be in flight", "in_flight")
p:touch(a, 4096 * P, "r")
mmsim.checkpoint("read")
p:munmap(a, 4096 * P)
p:close(fd)
p:unlink("/big")

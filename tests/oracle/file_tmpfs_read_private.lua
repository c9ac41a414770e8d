-- A 16 MiB tmpfs file (/dev/shm: order-0 folios, shmem_enabled never on
-- /dev/shm) read through a private mapping: every page is cached, so each
-- fault maps its 64 KiB fault-around window (257 faults for 4096 pages:
-- the mapping does not start on a window; none major); a write copies the
-- page (anonymous: the file keeps its bytes); a shared mapping of the same
-- file reads the same pages. smaps (Rss, Pss, Private_Clean, Shared_Clean,
-- Anonymous) at each step.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/dev/shm/big", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("t", 4096 * P), 0)
local a = p:mmap{len = 4096 * P, prot = "rw", flags = "private", fd = fd}
p:touch(a, 4096 * P, "r")
mmsim.checkpoint("read")
p:write(a + 100 * P, "copy")
p:read(a + 100 * P, 4)
p:pread(fd, 4, 100 * P)
local s = p:mmap{len = 4096 * P, prot = "r", flags = "shared", fd = fd}
p:touch(s, 4096 * P, "r")
p:read(s + 100 * P, 4)
mmsim.checkpoint("shared too")
p:munmap(a, 4096 * P)
p:munmap(s, 4096 * P)
p:close(fd)
p:unlink("/dev/shm/big")

-- Read faults on a cached tmpfs file map the cached pages around the
-- address (fault-around: the 64 KiB window of virtual addresses around it,
-- within the VMA and the page table): 256 pages read through a mapping
-- take a fault per window they cross (17 here, the mapping not starting on
-- a window), whatever the file offset; pages not cached are allocated one
-- per fault (shmem_fault). MAP_POPULATE faults the whole mapping in at
-- mmap, a private writable one with copies; fork copies no file PTE of a
-- shared mapping (the child faults again), and private copies are COW.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/dev/shm/around", "rdwr|creat")
p:pwrite(fd, string.rep("r", 257 * P), 0)
local a = p:mmap{len = 256 * P, prot = "r", flags = "shared", fd = fd}
p:touch(a, 256 * P, "r")
local b = p:mmap{len = 256 * P, prot = "r", flags = "private", fd = fd, offset = P}
p:touch(b, 256 * P, "r")
mmsim.checkpoint("cached")
local h = p:open("/tmp/holes", "rdwr|creat")
p:ftruncate(h, 64 * P)
local c = p:mmap{len = 64 * P, prot = "r", flags = "shared", fd = h}
p:touch(c, 64 * P, "r")
local d = p:mmap{len = 64 * P, prot = "rw", flags = "shared|populate", fd = h}
p:touch(d, 64 * P, "w")
local e = p:mmap{len = 32 * P, prot = "rw", flags = "private|populate", fd = fd}
p:touch(e, 32 * P, "w")
mmsim.checkpoint("populated")
local child = p:fork()
child:touch(a, 256 * P, "r")
child:touch(e, 32 * P, "r")
child:touch(d, 64 * P, "w")

-- A locked shared anonymous mapping moved and grown by mremap: Linux
-- populates the new part, but the shmem object keeps its size, so the first
-- populate fault there is SIGBUS (not counted in minflt). That fault's
-- fault-around ran first and mapped the object's cached pages around it,
-- within the VMA: the moved page that MADV_DONTNEED_LOCKED had zapped is
-- mapped again without a counted fault. Fuzz case 006 (seed 351).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous|locked"})
p:madvise(a, 3 * P, "dontneed_locked")
mmsim.checkpoint("zapped")
local b = assert(p:mremap(a + 2 * P, 2 * P, 11 * P, "maymove"))
mmsim.checkpoint("moved and grown")
-- A read past the object's end: SIGBUS, after fault-around.
p:touch(b + 5 * P, P, "r")
mmsim.checkpoint("read past the end")

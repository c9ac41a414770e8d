-- mremap growing locked memory faults the new part in, as mlock does
-- (Linux 6.18: check_prep_vma sets populate_expand, do_mremap calls
-- mm_populate afterwards): growing in place, moving (MREMAP_MAYMOVE), to a
-- fixed address, for mlock()ed memory and for MAP_LOCKED memory; memory
-- locked on fault (mlock2 MLOCK_ONFAULT) is not faulted in.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 128 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 128 * P))
local a = assert(p:mmap{addr = area, len = P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mlock(a, P))
p:mremap(a, P, 3 * P)
mmsim.checkpoint("grown in place")
local b = assert(p:mmap{addr = area + 16 * P, len = 2 * P, prot = "rw",
                        flags = "private|anonymous|fixed|locked"})
assert(p:mmap{addr = area + 18 * P, len = P, prot = "r", flags = "private|anonymous|fixed"})
p:mremap(b, 2 * P, 4 * P, "maymove")
mmsim.checkpoint("moved")
local c = assert(p:mmap{addr = area + 32 * P, len = P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mlock(c, P))
p:mremap(c, P, 4 * P, "maymove|fixed", area + 64 * P)
local d = assert(p:mmap{addr = area + 96 * P, len = P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mlock2(d, P, "onfault"))
p:mremap(d, P, 4 * P)

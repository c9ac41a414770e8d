-- mremap's errors: EINVAL for unknown flags, FIXED without MAYMOVE,
-- DONTUNMAP with a size change, overlapping source and destination; EFAULT
-- when the old range is not one mapping.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
local b = assert(p:mmap{len = 4 * P, prot = "r"})
p:mremap(a, 4 * P, 8 * P, 0x40)
p:mremap(a, 4 * P, 4 * P, "dontunmap", 0)
p:mremap(a, 4 * P, 8 * P, "maymove|dontunmap")
p:mremap(a, 4 * P, 4 * P, "maymove|fixed", a + 2 * P)
p:mremap(b, 8 * P, 8 * P, "maymove")
p:mremap(b, 4 * P, 4 * P)
p:mremap(a, 0, 4 * P, "maymove")

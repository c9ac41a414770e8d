-- mremap grows in place when the pages after are free; without
-- MREMAP_MAYMOVE it fails with ENOMEM when they are not.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 64 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 64 * P))
local a = assert(p:mmap{addr = area + 16 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mmap{addr = a + 8 * P, len = P, prot = "r", flags = "private|anonymous|fixed"})
assert(p:write(a, "keep"))
p:mremap(a, 4 * P, 8 * P)
p:mremap(a, 8 * P, 9 * P)
p:read(a, 4)
p:write(a + 7 * P, "grown")

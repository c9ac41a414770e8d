-- mremap with MREMAP_MAYMOVE moves a mapping that cannot grow in place: the
-- pages move with it (no faults to read them again), the old range is gone.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 64 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 64 * P))
local a = assert(p:mmap{addr = area + 16 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mmap{addr = a + 4 * P, len = P, prot = "r", flags = "private|anonymous|fixed"})
assert(p:touch(a, 4 * P, "w"))
assert(p:write(a + P, "moving"))
local b = p:mremap(a, 4 * P, 16 * P, "maymove")
if b then
  p:read(b + P, 6)
  p:touch(b, 4 * P, "w")
  p:touch(b + 4 * P, 4 * P, "w")
end
p:read(a, 1)

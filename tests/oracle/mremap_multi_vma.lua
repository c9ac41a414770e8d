-- An old range that runs past its VMA: with MREMAP_MAYMOVE|MREMAP_FIXED and
-- equal lengths every VMA of the range moves, each part of it in the range,
-- the gaps between them kept (Linux 6.17+: remap_move); a gap at the start
-- is EFAULT. The checks of the arguments come before the VMA's: a new range
-- that overlaps the old one is EINVAL even where nothing is mapped; growing
-- past the VMA is EFAULT.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 64 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 64 * P))
local a = assert(p:mmap{addr = area, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:mmap{addr = area + 4 * P, len = 2 * P, prot = "r", flags = "private|anonymous|fixed"})
assert(p:mmap{addr = area + 8 * P, len = 3 * P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:touch(a, 4 * P, "w"))
assert(p:write(area + 8 * P, "third"))
p:mremap(area + 2 * P, 8 * P, 8 * P, "maymove|fixed", area + 32 * P)
mmsim.checkpoint("moved")
p:read(area + 38 * P, 5)
p:mremap(area + 30 * P, 8 * P, 8 * P, "maymove|fixed", area + 48 * P)
p:mremap(area + 20 * P, 4 * P, 4 * P, "maymove|fixed", area + 22 * P)
p:mremap(area + 20 * P, 4 * P, 4 * P, "maymove|fixed|dontunmap", area + 20 * P)
p:mremap(area, 4 * P, 8 * P, "maymove")
p:mremap(area + 32 * P, 4 * P, 4 * P, "maymove|dontunmap")

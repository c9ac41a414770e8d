-- A move to just after its own VMA, where the range merges back into that
-- VMA (unfaulted memory takes the pgoff of its new place): Linux's copy_vma
-- returns the source VMA, grown, and the move of several VMAs stops there,
-- its iterator being past the range (Linux 6.18: remap_move); the old part
-- is then unmapped (MREMAP_FIXED) or left (MREMAP_DONTUNMAP).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 64 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 64 * P))
assert(p:mmap{addr = area + 26 * P, len = 11 * P, prot = "r", flags = "private|anonymous|fixed"})
assert(p:mmap{addr = area + 37 * P, len = 5 * P, prot = "rw", flags = "private|anonymous|fixed"})
p:mremap(area + 29 * P, 4 * P, 4 * P, "maymove|fixed|dontunmap", area + 35 * P)
mmsim.checkpoint("left in place")
assert(p:mmap{addr = area + 2 * P, len = 11 * P, prot = "r", flags = "private|anonymous|fixed"})
p:mremap(area + 5 * P, 4 * P, 4 * P, "maymove|fixed", area + 11 * P)

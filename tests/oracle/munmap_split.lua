-- munmap: a hole in the middle splits the VMA; a range across several VMAs
-- and holes unmaps all of it; lengths round up to pages; errors.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:touch(a, 16 * P, "w"))
p:munmap(a + 10 * P, 2 * P)
mmsim.checkpoint("hole")
p:munmap(a + 2 * P, 100)
p:munmap(a + 5 * P, 7 * P)
p:munmap(a + 1, P)
p:munmap(a, 0)
p:munmap(a + 64 * P, P)
p:read(a + 11 * P, 1)

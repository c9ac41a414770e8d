-- mremap to a smaller size unmaps the tail in place; errors for bad
-- arguments (unaligned, zero new size, old range not mapped).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 8 * P, "w"))
p:mremap(a, 8 * P, 3 * P)
p:mremap(a + 1, P, 2 * P)
p:mremap(a, 3 * P, 0)
p:mremap(a + 64 * P, P, 2 * P)
p:mremap(a, 3 * P, 2 * P, "fixed", a + 16 * P)
p:read(a + 4 * P, 1)

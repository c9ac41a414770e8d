-- MADV_DONTFORK keeps a VMA out of the child; MADV_DOFORK undoes it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
local b = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(a, 4 * P, "w"))
assert(p:touch(b, 4 * P, "w"))
p:madvise(a, 4 * P, "dontfork")
p:madvise(b + P, P, "dontfork")
p:madvise(b + P, P, "dofork")
local c = assert(p:fork())
c:read(a, 1)
local d = assert(p:fork())
d:read(b + P, 1)

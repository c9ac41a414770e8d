-- Merging and anon_vma: after fork, the child's inherited VMA and a new
-- mapping next to it; pages faulted on either side of a split.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 8 * P, "w"))
local c = assert(p:fork())
c:mmap{addr = a + 8 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"}
c:touch(a + 8 * P, 4 * P, "w")
c:mmap{addr = a - 4 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"}
mmsim.checkpoint("child")
p:mprotect(a + 2 * P, 2 * P, "r")
p:mprotect(a + 2 * P, 2 * P, "rw")

-- An old_len that wraps past 2^64 (addr + old_len == 0): Linux 6.18 takes
-- the call for a shrink, and the munmap of the tail refuses a range past
-- TASK_SIZE: EINVAL, nothing else changes. With MREMAP_FIXED the target was
-- unmapped first, there as here.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 8 * P, "w"))
p:mremap(a, -a, P)
p:mremap(a, -a, P, "maymove")
p:mremap(a + P, -(a + P), 2 * P, "maymove")
local dst = assert(p:mmap{len = 4 * P, prot = "r"})
p:mremap(a, -a, P, "maymove|fixed", dst)
p:read(a + 7 * P, 1)

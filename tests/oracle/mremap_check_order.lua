-- mremap checks its arguments before it looks at the VMA, on lengths
-- already rounded up to pages (Linux 6.18: do_mremap, check_mremap_params):
-- a new length past TASK_SIZE is EINVAL even with nothing mapped; unaligned
-- lengths that round to the same size are equal for MREMAP_DONTUNMAP. The
-- checks of the VMA then come before MREMAP_FIXED unmaps the target, so a
-- refused move leaves it mapped; a fixed target below vm.mmap_min_addr is
-- EPERM.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local area = assert(p:mmap{len = 64 * P, prot = "none"})   -- room, away from the vDSO
assert(p:munmap(area, 64 * P))
local a = assert(p:mmap{addr = area, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:touch(a, 4 * P, "w"))
local dst = assert(p:mmap{addr = area + 32 * P, len = 8 * P, prot = "r", flags = "private|anonymous|fixed"})
p:mremap(a, 2 * P, 1 << 47)
p:mremap(a, 2 * P, 1 << 47, "maymove")
p:mremap(area + 16 * P, 2 * P, 1 << 47)
p:mremap(a, P, P, "maymove|fixed", (1 << 47) - P)
p:mremap(a, 0x1f9c, 0x2000, "maymove|dontunmap")
p:mremap(a, 6 * P, 8 * P, "maymove|fixed", dst)
p:read(dst, 1)
p:mremap(a + 2 * P, P, P, "maymove|fixed", 0)

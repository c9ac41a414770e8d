-- MADV_COLLAPSE (Linux 6.1) where it cannot make a huge page: a VMA without
-- room for an aligned 2 MiB page, one never faulted, or a PROT_NONE one is
-- EINVAL; a length of 0 is 0; a hole is ENOMEM. (Collapsing a real 2 MiB
-- block needs huge pages, which the simulator has not yet.)
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local small = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(small, 4 * P, "w"))
p:madvise(small, 4 * P, "collapse")
p:madvise(small, 0, "collapse")
local untouched = assert(p:mmap{len = 4 << 20, prot = "rw"})
p:madvise(untouched, 4 << 20, "collapse")
local none = assert(p:mmap{len = 4 << 20, prot = "none"})
p:madvise(none, 4 << 20, "collapse")
assert(p:munmap(small + P, P))
p:madvise(small, 4 * P, "collapse")

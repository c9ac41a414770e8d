-- mremap of a hugetlb mapping (MAP_HUGETLB|MAP_NORESERVE: the pools are
-- empty, the VMA exists): the lengths are rounded up to huge pages; an
-- address (old or new, even without MREMAP_FIXED) off a huge page, or a
-- growth, is EINVAL (hugetlb reservations cannot be split); within the
-- same huge page it returns the address and changes nothing. Fuzz N22.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local H = 2 * 1024 * 1024
local h = assert(p:mmap{len = 2 * H, prot = "rw", flags = "private|anonymous|noreserve|hugetlb"})
p:mremap(h + P, P, 2 * P, "maymove")
p:mremap(h, P, 2 * P, "maymove")
p:mremap(h, H, 2 * H, "maymove")
p:mremap(h, P, 9 * P)
p:mremap(h, 2 * H, 3 * H, "maymove")
p:mremap(h, 2 * H, H)
mmsim.checkpoint("shrunk")
local t = assert(p:mmap{len = 4 * H, prot = "none"})
p:mremap(h, H, H, "maymove|fixed", t + P)
p:mremap(h, H, H, "maymove|fixed", t + 2 * H)
mmsim.checkpoint("moved")

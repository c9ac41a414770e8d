-- mincore of huge mappings: a THP (a PMD leaf, also the huge zero page)
-- and hugetlb pages (2 MiB, from a pool of 2) are resident in every 4 KiB
-- piece; an unfaulted huge page is not.
local m = mmsim.machine{nr_hugepages = 2}
local p = m:spawn{name = "oracle"}
local H = 2 << 20
local a = assert(p:mmap{len = 2 * H, prot = "rw"})
p:madvise(a, 2 * H, "hugepage")
p:touch(a + 5 * 4096, 1, "w")
p:touch(a + H, 1, "r")
p:mincore(a, 2 * H)
local h = assert(p:mmap{len = 2 * H, prot = "rw", flags = "private|anonymous|hugetlb"})
p:touch(h + H + 4096, 1, "r")
p:mincore(h, 2 * H)
p:mincore(h + H + 8192, 3 * 4096)
mmsim.checkpoint("touched")

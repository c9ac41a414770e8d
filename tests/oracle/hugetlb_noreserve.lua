-- MAP_NORESERVE hugetlb mappings with a pool of 2 huge pages of 2 MiB:
-- no reservation at mmap, so a mapping larger than the pool succeeds;
-- each fault takes a free huge page (one fault per huge page, reads
-- included) until the pool is empty, then the fault is SIGBUS. A
-- reserving mapping made meanwhile keeps its pages from them.
local m = mmsim.machine{nr_hugepages = 2}
local p = m:spawn{name = "oracle"}
local H = 2 << 20
local a = assert(p:mmap{len = 4 * H, prot = "rw", flags = "private|anonymous|hugetlb|noreserve"})
local r = assert(p:mmap{len = H, prot = "rw", flags = "private|anonymous|hugetlb"})
p:touch(a, 4096, "r")
p:touch(a + 4096, 4096, "r")
mmsim.checkpoint("one page")
local c = assert(p:fork())
c:touch(a + H, 4096, "w")
mmsim.checkpoint("child's fault")
c:exit(0)
p:write(r, "reserved")
p:read(r, 8)
mmsim.checkpoint("reserved one used")

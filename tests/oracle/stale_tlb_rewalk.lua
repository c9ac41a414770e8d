-- A write through a TLB entry that a permission upgrade left stale: a
-- page write-protected by fork (the child has gone: the page is the
-- parent's alone again) is read, so the TLB caches it read-only; then
-- MADV_POPULATE_WRITE (and mlockall) make it writable in the page table
-- without a flush, as Linux's wp_page_reuse does. The next write faults
-- once on a core that faults from the cached entry, and not at all on one
-- that walks again first (AMD's); `mmsim diff` gives the simulator the
-- host CPU vendor's behaviour (tlb.rewalk_stale). Fuzz N20.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 6 * P, prot = "rw"})
p:touch(a, 6 * P, "w")
local c = assert(p:fork())
c:exit(0)
p:touch(a, 6 * P, "r")
p:madvise(a, 2 * P, "populate_write")
p:write(a + P - 1, "xy")
p:mlockall("current")
p:write(a + 3 * P - 1, "xy")
p:write(a + 5 * P, "z")
mmsim.checkpoint("end")

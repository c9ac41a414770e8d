-- A write fault in MADV_HUGEPAGE memory maps a THP: one fault for 2 MiB,
-- AnonHugePages and Rss 2048 kB, a PMD and no page table (VmPTE counts the
-- table Linux deposits for a later split). Writing the rest faults no more.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 8 << 20, prot = "rw"})
p:madvise(a, 8 << 20, "hugepage")
p:touch(a + 12345, 1, "w")
mmsim.checkpoint("one THP", {"VmPTE"})
p:touch(a, 2 << 20, "w")
p:touch(a + (4 << 20), 4 << 20, "w")
mmsim.checkpoint("three THPs", {"VmPTE"})
p:read(a + (5 << 20), 8)

-- MADV_POPULATE_WRITE in advised memory faults THPs in (one fault per
-- 2 MiB); mprotect of a whole THP keeps it huge (the PMD changes in
-- place), and making it writable again needs no fault; fork of the huge
-- zero page shares it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 6 * M, prot = "rw"})
p:madvise(a, 6 * M, "hugepage")
p:madvise(a, 4 * M, "populate_write")
mmsim.checkpoint("populated", {"VmPTE"})
p:mprotect(a, 2 * M, "r")
p:read(a + 100, 1)
mmsim.checkpoint("read-only THP", {"VmPTE"})
p:mprotect(a, 2 * M, "rw")
p:touch(a, 2 * M, "w")
p:touch(a + 4 * M, 4096, "r")
local c = assert(p:fork())
c:touch(a + 4 * M, 2 * M, "r")
mmsim.checkpoint("forked", {"VmPTE"})
c:touch(a + 4 * M + 8192, 4096, "w")
mmsim.checkpoint("child wrote to the huge zero page", {"VmPTE"})

-- A whole THP made PROT_NONE stays one huge mapping (smaps counts it,
-- pagemap shows it present); fork copies it; made writable again it is
-- the same page, with the same bytes and no new fault.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M = 1 << 20
local a = assert(p:mmap{len = 4 * M, prot = "rw"})
p:madvise(a, 4 * M, "hugepage")
p:touch(a, 4 * M, "w")
p:write(a + 777, "kept")
p:mprotect(a, 2 * M, "none")
mmsim.checkpoint("prot none", {"VmPTE"})
local c = assert(p:fork())
mmsim.checkpoint("forked", {"VmPTE"})
c:exit(0)
p:mprotect(a, 2 * M, "rw")
p:read(a + 777, 4)
p:touch(a, 2 * M, "w")
mmsim.checkpoint("writable again", {"VmPTE"})

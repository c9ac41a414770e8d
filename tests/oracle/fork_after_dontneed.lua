-- MADV_DONTNEED in the child after fork frees only the child's mappings:
-- the parent keeps its data; the child reads zeros with new faults.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:write(a, "parent data"))
local c = assert(p:fork())
c:madvise(a, 4 * P, "dontneed")
c:read(a, 11)
p:read(a, 11)
mmsim.checkpoint("after")
p:write(a, "again")

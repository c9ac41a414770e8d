-- Shared anonymous memory across fork: the page tables are not copied (the
-- child's first access faults), and writes are seen by both.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local s = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:touch(s, 4 * P, "w"))
local c = assert(p:fork())
c:read(s, 1)
c:write(s + P, "from child")
p:read(s + P, 10)
p:write(s + 2 * P, "from parent")
c:read(s + 2 * P, 11)
mmsim.checkpoint("both")
c:exit()
p:read(s + P, 10)

-- Shared anonymous memory: /dev/zero (deleted) in maps, pagemap's
-- file/shared bit, and two adjacent shared mappings never merge.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
local b = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:write(a, "shared"))
assert(p:read(b + P, 4))
p:pagemap(a, 4)
p:pagemap(b, 4)
local c = assert(p:mmap{len = 2 * P, prot = "r", flags = "shared|anonymous"})
assert(p:read(c, 1))

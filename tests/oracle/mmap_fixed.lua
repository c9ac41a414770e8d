-- MAP_FIXED replaces what was there: the old pages are gone, the new
-- mapping has the new protection, neighbours are split.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 8 * P, "w"))
assert(p:write(a + 3 * P, "old"))
local b = p:mmap{addr = a + 2 * P, len = 3 * P, prot = "r", flags = "private|anonymous|fixed"}
p:read(a + 3 * P, 3)
p:mmap{addr = a + 6 * P, len = 2 * P, prot = "rw", flags = "private|anonymous|fixed"}
p:mmap{addr = a + 4097, len = P, prot = "rw", flags = "private|anonymous|fixed"}
mmsim.checkpoint("replaced")
-- a fixed mapping in a hole far away
p:mmap{addr = a - 64 * P, len = P, prot = "rw", flags = "private|anonymous|fixed"}

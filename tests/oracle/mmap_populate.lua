-- MAP_POPULATE faults every page in at mmap (counted as minor faults), so
-- later writes take none; MAP_POPULATE of a read-only mapping maps pages
-- that a read then finds.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw", flags = "private|anonymous|populate"})
assert(p:touch(a, 16 * P, "w"))
local b = assert(p:mmap{len = 8 * P, prot = "r", flags = "private|anonymous|populate"})
assert(p:touch(b, 8 * P, "r"))
local c = assert(p:mmap{len = 4 * P, prot = "none", flags = "private|anonymous|populate"})

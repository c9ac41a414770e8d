-- The stack guard gap in placement (Linux 6.18's unmapped_area_topdown): a
-- VMA that grows down keeps 256 pages below it free of new mappings when it
-- is the VMA right above the free range found, even where a smaller VMA sits
-- inside that guard gap: the search starts again below the guard gap. A
-- free range above a small VMA whose neighbour above does not grow down is
-- used as it is.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local g = assert(p:mmap{len = 6 * P, prot = "rw", flags = "private|anonymous|growsdown"})
assert(p:mmap{addr = g - 3 * P, len = P, prot = "r", flags = "private|anonymous|fixed"})
local a = assert(p:mmap{len = P, prot = "rw"})        -- not between the two
local b = assert(p:mmap{len = 2 * P, prot = "rw"})    -- below a
mmsim.checkpoint("placed")
-- Bottom-up (MAP_32BIT places from 1 GiB up): the guard gap of a VMA that
-- grows down pushes a mapping that would touch it past that VMA.
local low = assert(p:mmap{len = 8 * P, prot = "rw", flags = "private|anonymous|32bit|growsdown"})
local c = assert(p:mmap{len = P, prot = "rw", flags = "private|anonymous|32bit"})
mmsim.checkpoint("bottom-up")

-- MREMAP_DONTUNMAP: the pages move, the old range stays mapped but empty
-- (a read there faults in a fresh zero page).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(a, 4 * P, "w"))
assert(p:write(a, "moved"))
local b = p:mremap(a, 4 * P, 4 * P, "maymove|dontunmap")
if b then p:read(b, 5) end
p:read(a, 5)
p:mremap(a, 4 * P, 8 * P, "maymove|dontunmap")

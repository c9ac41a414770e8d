-- MAP_GROWSDOWN: an access just below the mapping grows it downwards (a
-- stack of the script's own; the helper's real stack is not the script's);
-- far below, beyond what a stack may grow into, it is SIGSEGV.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local top = assert(p:mmap{len = 4 * P, prot = "rw", flags = "private|anonymous|growsdown"})
assert(p:write(top, "top"))
p:write(top - P, "below")
p:write(top - 3 * P + 8, "further")
mmsim.checkpoint("grown")
p:read(top - 3 * P, 7)

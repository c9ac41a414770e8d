-- brk: the raw system call returns the break it set, unaligned as asked;
-- the heap VMA ends at the page after it; shrinking releases pages.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local b0 = p:brk(0)
p:brk(b0 + 100)
p:write(b0, "heap")
p:brk(b0 + 5 * P + 1)
p:touch(b0, 6 * P, "w")
mmsim.checkpoint("grown")
p:brk(b0 + 2 * P)
p:read(b0 + 3 * P, 1)

-- brk's edges: below the start it is refused (the old break comes back);
-- growing into a mapping is refused; growing far beyond memory is refused;
-- brk(0) and brk(current) leave it alone.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local b0 = p:brk(0)
p:brk(b0 - P)
p:brk(b0)
p:brk(b0 + 2 * P)
local wall = p:mmap{addr = b0 + 8 * P, len = P, prot = "r", flags = "private|anonymous|fixed"}
p:brk(b0 + 8 * P)
p:brk(b0 + 7 * P)
p:brk(b0 + (1 << 40))
p:brk(0)
p:munmap(b0 + 8 * P, P)
p:brk(b0 + 9 * P)
p:brk(b0 + 3)

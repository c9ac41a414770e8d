-- Copy-on-write over three generations: each writes some pages; the
-- exclusive bits and fault counts follow who shares what.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 12 * P, prot = "rw"})
for i = 0, 11 do assert(p:write(a + i * P, "gen0-" .. i)) end
local c1 = assert(p:fork())
c1:touch(a, 4 * P, "w")
local c2 = assert(c1:fork())
c2:touch(a + 2 * P, 4 * P, "w")
local c3 = assert(c2:fork())
c3:touch(a + 4 * P, 4 * P, "w")
mmsim.checkpoint("three generations")
c2:exit()
c3:touch(a, 12 * P, "w")
c1:touch(a, 12 * P, "w")
p:touch(a, 12 * P, "w")
for _, q in ipairs{p, c1, c3} do q:read(a + 11 * P, 7) end

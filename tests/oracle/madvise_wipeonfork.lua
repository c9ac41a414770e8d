-- MADV_WIPEONFORK: the child gets the VMA empty (zeros); KEEPONFORK undoes it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:write(a, "secret"))
assert(p:write(a + 2 * P, "secret2"))
p:madvise(a, 2 * P, "wipeonfork")
local c = assert(p:fork())
c:read(a, 6)
c:read(a + 2 * P, 7)
p:madvise(a, 2 * P, "keeponfork")
local d = assert(p:fork())
d:read(a, 6)
local s = assert(p:mmap{len = P, prot = "rw", flags = "shared|anonymous"})
p:madvise(s, P, "wipeonfork")

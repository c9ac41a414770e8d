-- MREMAP_FIXED moves to a chosen address, replacing what was there.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
local dst = assert(p:mmap{len = 8 * P, prot = "r"})
assert(p:write(a, "fixed"))
p:mremap(a, 4 * P, 4 * P, "maymove|fixed", dst + 2 * P)
p:read(dst + 2 * P, 5)
p:mremap(dst + 2 * P, 4 * P, 4 * P, "fixed", dst)
p:mremap(dst + 2 * P, 4 * P, 4 * P, "maymove|fixed", dst + 3 * P)

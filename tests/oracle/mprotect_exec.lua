-- mprotect adding PROT_EXEC: fetches work afterwards; removing it makes
-- them fail (the present page gives error code 0x15).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 2 * P, prot = "rw"})
assert(p:write(a, "\xc3"))
p:mprotect(a, 2 * P, "rx")
p:fetch(a, 1)
p:mprotect(a, 2 * P, "r")
p:read(a, 1)
p:fetch(a, 1)

-- mlock2(MLOCK_ONFAULT) locks without faulting anything in; pages are locked
-- as they are touched.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:mlock2(a, 8 * P, "onfault")
mmsim.checkpoint("onfault")
p:touch(a, 3 * P, "w")
mmsim.checkpoint("touched")
p:mlock2(a, 8 * P, 0)
p:mlock2(a, 8 * P, 0x10)
p:munlock(a, 8 * P)

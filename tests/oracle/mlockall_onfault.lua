-- mlockall(MCL_CURRENT|MCL_ONFAULT): every VMA locked, nothing faulted in.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:mlockall("current|onfault")
p:touch(a, 2 * P, "w")
mmsim.checkpoint("onfault")
p:mlockall("future|onfault")
local b = assert(p:mmap{len = 4 * P, prot = "rw"})
mmsim.checkpoint("future")
p:munlockall()

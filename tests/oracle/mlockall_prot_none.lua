-- mlockall(MCL_CURRENT) faults in every VMA it can and goes past those it
-- cannot (a PROT_NONE mapping, wherever it is: Linux's mm_populate ignores
-- the error), down to [vdso] at the top; mlock stops at the PROT_NONE VMA
-- with ENOMEM. mlockall(current|onfault) afterwards faults nothing in.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
local n = assert(p:mmap{len = 4 * P, prot = "none"})
local b = assert(p:mmap{len = 8 * P, prot = "rw"})
local s = assert(p:mmap{len = 2 * P, prot = "none", flags = "shared|anonymous"})
p:mlockall("current")
mmsim.checkpoint("current")
p:munlockall()
local c = assert(p:mmap{len = 4 * P, prot = "rw"})
local z = assert(p:mmap{len = 4 * P, prot = "none"})
local d = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mlock(d, 12 * P)
mmsim.checkpoint("mlock")
p:munlockall()
local e = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mlockall("current|future")
p:mlockall("current|onfault")
local f = assert(p:mmap{len = 4 * P, prot = "rw"})
mmsim.checkpoint("onfault")

-- A read of PROT_NONE memory: SIGSEGV with SEGV_ACCERR, no page mapped.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4 * 4096, prot = "none"})
p:read(a + 4096, 1)
p:alive()

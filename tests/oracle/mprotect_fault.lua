-- A write after mprotect read-only: SIGSEGV with SEGV_ACCERR at the
-- address, error code 7 (present, write, user); the process is dead.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 2 * 4096, prot = "rw"})
assert(p:write(a, "data"))
assert(p:mprotect(a, 2 * 4096, "r"))
p:read(a, 4)
p:write(a + 4096 + 10, "x")
p:alive()
p:read(a, 1)

-- Read faults on private anonymous memory: with the zero page (Linux's
-- default) they map it read-only and a write faults again; without it (this
-- host boots with pvm_no_zero_page=1; diff configures the simulator the
-- same way) a read fault maps a fresh writable page and a write takes none.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:touch(a, 8 * P, "r")
mmsim.checkpoint("read")
p:touch(a, 8 * P, "w")
local r = assert(p:mmap{len = 4 * P, prot = "r"})
p:touch(r, 4 * P, "r")

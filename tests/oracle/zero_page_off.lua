-- Read faults on private anonymous memory: with the zero page (Linux's
-- default) they map it read-only and a write faults again; without it (a
-- PVM guest booted with pvm_no_zero_page=1; diff configures the simulator
-- as the host is) a read fault maps a fresh writable page and a write takes
-- none. tests/lua/host_settings.lua checks both on the simulator.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:touch(a, 8 * P, "r")
mmsim.checkpoint("read")
p:touch(a, 8 * P, "w")
local r = assert(p:mmap{len = 4 * P, prot = "r"})
p:touch(r, 4 * P, "r")

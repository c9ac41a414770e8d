-- A hint address is taken when the range is free and ignored (the usual
-- top-down placement) when it is not, or when it is not page-aligned.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mmap{addr = a - 64 * P, len = 2 * P, prot = "rw"}
p:mmap{addr = a + P, len = 2 * P, prot = "rw"}
p:mmap{addr = a - 128 * P + 5, len = P, prot = "rw"}
p:mmap{addr = 0x200000000, len = P, prot = "rw"}

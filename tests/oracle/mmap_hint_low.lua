-- A hint below the kernel's mmap_min_addr is raised to it (round_hint_to_min),
-- and free-area searches stop there too; that floor is the larger of
-- vm.mmap_min_addr and CONFIG_LSM_MMAP_MIN_ADDR (65536 by default), so with
-- vm.mmap_min_addr at 4096 a MAP_FIXED mapping may go lower than any hint.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = p:mmap{addr = 0x3000, len = P, prot = "r"}
local b = p:mmap{addr = 0x3000, len = P, prot = "r"}
local c = p:mmap{addr = 0x11000, len = P, prot = "r"}
local f = p:mmap{addr = 0x1000, len = 8 * P, prot = "r", flags = "private|anonymous|fixed"}
local d = p:mmap{addr = 0x2000, len = P, prot = "r"}
p:munmap(a, P)
local e = p:mmap{addr = 0x9000, len = P, prot = "r"}
mmsim.checkpoint("low")

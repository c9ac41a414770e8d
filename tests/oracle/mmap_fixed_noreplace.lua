-- MAP_FIXED_NOREPLACE: EEXIST over anything mapped, even one page of the
-- range; the exact address in a hole.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mmap{addr = a, len = P, prot = "rw", flags = "private|anonymous|fixed_noreplace"}
p:mmap{addr = a - 2 * P, len = 3 * P, prot = "rw", flags = "private|anonymous|fixed_noreplace"}
p:mmap{addr = a - 2 * P, len = 2 * P, prot = "rw", flags = "private|anonymous|fixed_noreplace"}
p:mmap{addr = a + 64 * P, len = P, prot = "r", flags = "private|anonymous|fixed_noreplace"}
p:mmap{addr = a + 100, len = P, prot = "r", flags = "private|anonymous|fixed_noreplace"}

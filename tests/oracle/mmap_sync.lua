-- MAP_SYNC gives any mapping VM_SYNC ("sf" in VmFlags; calc_vm_flag_bits),
-- though only MAP_SHARED_VALIDATE checks that the file supports it: a
-- private or shared anonymous mapping with MAP_SYNC is sf, and it does not
-- merge with a neighbour without it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
local b = assert(p:mmap{addr = a - 4 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed|sync"})
local s = assert(p:mmap{len = 2 * P, prot = "r", flags = "shared|anonymous|sync"})
local c = assert(p:mmap{addr = b - 2 * P, len = 2 * P, prot = "rw", flags = "private|anonymous|fixed|sync"})
p:touch(c, 6 * P, "w")
mmsim.checkpoint("mapped")
p:mprotect(b, 4 * P, "r")
p:mmap{len = P, prot = "rw", flags = "shared_validate|anonymous|sync"}

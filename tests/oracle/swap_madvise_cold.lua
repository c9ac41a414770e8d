-- MADV_COLD deactivates private pages and clears their Accessed bits and
-- PG_referenced without any I/O: smaps Referenced drops to 0, nothing goes
-- to swap, and reads afterwards take no fault.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:touch(a, 16 * P, "w"))
mmsim.checkpoint("written")
p:madvise(a, 8 * P, "cold")
mmsim.checkpoint("cold", {"VmSwap"})
p:touch(a, 16 * P, "r")
mmsim.checkpoint("read again", {"VmSwap"})

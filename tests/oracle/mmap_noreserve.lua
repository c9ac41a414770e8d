-- Overcommit (heuristic mode): a private writable mapping larger than RAM
-- fails with ENOMEM; with MAP_NORESERVE, or read-only, it is not charged.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local huge = 1 << 40                   -- 1 TiB: more than either machine has
p:mmap{len = huge, prot = "rw"}
local a = p:mmap{len = huge, prot = "rw", flags = "private|anonymous|noreserve"}
if a then p:write(a + (huge >> 1), "x") end
local b = p:mmap{len = huge, prot = "r"}
p:mmap{len = huge, prot = "rw", flags = "shared|anonymous"}
if a then p:munmap(a, huge) end
if b then p:munmap(b, huge) end

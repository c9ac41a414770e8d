-- MAP_32BIT places the mapping in the first 2 GiB (x86-64's window from
-- 1 GiB to 2 GiB, bottom-up: Linux's find_start_end).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = p:mmap{len = 4 * P, prot = "rw", flags = "private|anonymous|32bit"}
local b = p:mmap{len = 4 * P, prot = "rw", flags = "private|anonymous|32bit"}
if a then p:write(a, "low") end

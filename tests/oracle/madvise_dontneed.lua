-- MADV_DONTNEED drops private anonymous pages: reads return zeros, each
-- page faults again; pages before and after the range keep their data.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
for i = 0, 7 do assert(p:write(a + i * P, "page" .. i)) end
p:madvise(a + 2 * P, 4 * P, "dontneed")
mmsim.checkpoint("dropped")
p:read(a + P, 5)
p:read(a + 3 * P, 5)
p:touch(a, 8 * P, "w")
p:madvise(a, 8 * P, "dontneed")
p:touch(a, 8 * P, "r")

-- Writes to read-only memory: a present page (read first) gives a protection
-- fault (error code 7), a missing one a not-present fault (error code 6).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4 * 4096, prot = "r"})
assert(p:read(a, 1))
p:write(a, "x")
local q = m:spawn{name = "oracle2"}
local b = assert(q:mmap{len = 4 * 4096, prot = "r"})
q:write(b + 2 * 4096, "x")

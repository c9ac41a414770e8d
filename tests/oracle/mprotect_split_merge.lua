-- mprotect of a middle range splits a VMA in three; giving the permission
-- back merges them into one again (REFERENCE.md's example).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:touch(a, 16 * P, "w"))
p:mprotect(a + 4 * P, 4 * P, "r")
mmsim.checkpoint("split")
p:mprotect(a + 4 * P, 4 * P, "rw")
mmsim.checkpoint("merged")
p:mprotect(a, 2 * P, "none")
p:mprotect(a + 14 * P, 2 * P, "rwx")
p:mprotect(a + 2 * P, 12 * P, "r")
p:write(a + 15 * P, "x")

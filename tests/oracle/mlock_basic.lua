-- mlock faults every page in (counted) and marks the VMA locked (lo, Locked
-- in smaps); the locked part is split off; munlock merges it back.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
p:mlock(a + 4 * P, 8 * P)
mmsim.checkpoint("locked")
p:touch(a, 16 * P, "w")
p:munlock(a + 4 * P, 8 * P)
mmsim.checkpoint("unlocked")
p:mlock(a + 64 * P, P)
p:mlock(a + 1, P)
local r = assert(p:mmap{len = 4 * P, prot = "r"})
p:mlock(r, 4 * P)

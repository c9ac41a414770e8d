-- fork and locks: locks are not inherited (the child's VMAs lose lo); the
-- child's locked-looking pages are copy-on-write like any others.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:mlock(a, 8 * P)
local c = assert(p:fork())
mmsim.checkpoint("after fork")
c:touch(a, 8 * P, "w")
p:touch(a, 8 * P, "w")

-- fork with copy-on-write (REFERENCE.md's measurements): the child reads
-- without faults; its writes take one fault per page; the parent then takes
-- one per page it writes (a copy where still shared, a reuse where not).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:touch(a, 16 * P, "w"))
assert(p:write(a, "parent"))
local c = assert(p:fork())
c:info()
c:read(a, 6)
c:touch(a, 16 * P, "r")
mmsim.checkpoint("shared")
c:touch(a, 8 * P, "w")
mmsim.checkpoint("child wrote half")
p:touch(a, 16 * P, "w")
c:write(a, "child!")
p:read(a, 6)
c:read(a, 6)

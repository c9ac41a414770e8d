-- A parent exits: its child lives on with its memory (now alone with its
-- pages: writes reuse them); the parent's pid answers ESRCH.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(a, 4 * P, "w"))
local c = assert(p:fork())
p:exit(3)
p:alive()
p:read(a, 1)
c:alive()
c:touch(a, 4 * P, "w")
c:info()
m:tasks()

-- The stack guard gap: a MAP_GROWSDOWN mapping does not grow to within 256
-- pages of the mapping below it (SIGSEGV); a PROT_NONE neighbour does not
-- count. Growing itself counts one fault per page touched.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local top = assert(p:mmap{len = 512 * P, prot = "none"})
assert(p:munmap(top, 512 * P))
local stack = p:mmap{addr = top + 500 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|growsdown|fixed"}
local below = p:mmap{addr = top, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"}
p:write(top + 495 * P, "grow")
p:write(top + 261 * P, "near")
mmsim.checkpoint("grown")
p:write(top + 259 * P, "too near")
local q = m:spawn{name = "oracle2"}
local t2 = assert(q:mmap{len = 512 * P, prot = "none"})
assert(q:munmap(t2, 512 * P))
q:mmap{addr = t2, len = 4 * P, prot = "none", flags = "private|anonymous|fixed"}
q:mmap{addr = t2 + 500 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|growsdown|fixed"}
q:write(t2 + 100 * P, "past none")

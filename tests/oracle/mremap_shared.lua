-- mremap of shared anonymous memory: growing past the object's size maps
-- pages that are beyond the end of the shared object: SIGBUS.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local s = assert(p:mmap{len = 2 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:write(s, "obj"))
local t = p:mremap(s, 2 * P, 4 * P, "maymove")
if t then
  p:read(t, 3)
  p:read(t + 3 * P, 1)
end

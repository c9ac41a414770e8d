-- One parent, three children: the page's sharers write one after the other;
-- each copy costs one fault, the last sharer reuses the page.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 2 * P, prot = "rw"})
assert(p:write(a, "shared"))
local kids = {}
for i = 1, 3 do kids[i] = assert(p:fork()) end
mmsim.checkpoint("four sharers")
for i = 1, 3 do kids[i]:write(a, "kid" .. i) end
p:write(a, "mine")
for i = 1, 3 do kids[i]:read(a, 4) end
p:read(a + P, 1)

-- The [vdso]'s pages are kernel pages mapped like a file's: once faulted
-- in, pagemap shows them present and "file" (bit 61), never exclusive
-- (every process maps them); [vvar] (VM_PFNMAP) reads as not present.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local maps = p:maps()
local a = tonumber(maps:match("(%x+)%-%x+ [^\n]*%[vdso%]"), 16)
local v = tonumber(maps:match("(%x+)%-%x+ [^\n]*%[vvar%]"), 16)
p:pagemap(a, 2)
p:read(a, 1)
p:touch(a + 4096, 1, "r")
p:pagemap(a, 2)
p:pagemap(v, 4)
local c = p:fork()
c:read(a, 1)
c:pagemap(a, 2)

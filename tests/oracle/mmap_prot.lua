-- Every PROT_ combination of a private anonymous mapping: VmFlags, and
-- which accesses work. Each mapping is touched by the access it allows.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
for _, prot in ipairs{"none", "r", "w", "rw", "x", "rx", "wx", "rwx"} do
  local a = assert(p:mmap{len = 2 * P, prot = prot})
  if prot:find("r") or prot:find("w") or prot == "x" then assert(p:read(a, 1)) end
  if prot:find("w") then assert(p:write(a + P, "w")) end
end

-- The vDSO and vvar pages: this host's kernel refuses to unmap, replace or
-- change them (EINVAL); Linux 6.18 as released lets a process do all three,
-- and so does the simulator (docs/fidelity.md).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = P, prot = "rw"})   -- right below [vvar]
mmsim.expect_difference("fidelity.md#the-vdso-and-vvar-on-this-host", "MAP_FIXED over [vvar]", "result")
p:mmap{addr = a + P, len = P, prot = "r", flags = "private|anonymous|fixed"}

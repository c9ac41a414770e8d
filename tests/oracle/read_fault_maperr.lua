-- Accesses outside any VMA: SEGV_MAPERR with the address; a kernel address
-- is SEGV_MAPERR with a protection error code (sanitize_error_code); a
-- non-canonical one is #GP (SI_KERNEL, address 0).
local m = mmsim.machine{}
for _, addr in ipairs{0, 0x10000, 0xffffffff81000000, 0x800000000000} do
  local p = m:spawn{name = "oracle"}
  p:read(addr, 1)
  p:alive()
end
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4096, prot = "rw"})
p:write(a + 4095, "xy")

-- Accesses outside any VMA: SEGV_MAPERR with the address; a kernel address
-- is SEGV_MAPERR with a protection error code; a non-canonical one is #GP
-- (SI_KERNEL, address 0).
local m = mmsim.machine{}
for _, addr in ipairs{0, 0x10000, 0xffffffff81000000, 0x800000000000} do
  local p = m:spawn{name = "oracle"}
  if addr == 0xffffffff81000000 then
    mmsim.expect_difference("fidelity.md#kernel-addresses-in-user-page-tables",
                            "error code 0x4 here, 0x5 on Linux", "result")
  end
  p:read(addr, 1)
  p:alive()
end
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4096, prot = "rw"})
p:write(a + 4095, "xy")

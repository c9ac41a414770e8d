-- MAP_FIXED at an address at or above 2^63 maps nothing. Linux's
-- __get_unmapped_area first takes the address as a possible error code
-- (IS_ERR_VALUE: the top 4095 values, so -1 is EPERM, -22 EINVAL and -4095
-- an errno of 4095), then refuses a range past TASK_SIZE (ENOMEM), then an
-- unaligned one (EINVAL): a kernel address, 2^63 and -4096 are ENOMEM.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
for _, addr in ipairs{0xffff888000000000, 0x8000000000000000, -4096, -8192, -1, -22, -12, -4095,
		      0x7ffffffff000, 0x800000000000, 0xfffffffffffff001} do
  p:mmap{addr = addr, len = P, prot = "rw", flags = "private|anonymous|fixed"}
  p:mmap{addr = addr, len = P, prot = "rw", flags = "private|anonymous|fixed_noreplace"}
end
-- as a hint, the same addresses are only hints: the mapping goes elsewhere
p:mmap{addr = 0x8000000000000000, len = P, prot = "rw"}
p:mmap{addr = -4096, len = P, prot = "rw"}
-- the highest page a 4-level process can have still works
p:mmap{addr = 0x7fffffffe000 - 16 * P, len = P, prot = "rw", flags = "private|anonymous|fixed"}

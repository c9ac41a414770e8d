-- A user access at or above TASK_SIZE_MAX (0x7ffffffff000 with 4-level
-- paging) is SIGSEGV with SEGV_MAPERR, and the signal's #PF error code has
-- the protection bit whatever the hardware said: Linux's
-- sanitize_error_code hides the kernel's page-table layout from user space
-- (a read 0x5, a write 0x7, a fetch 0x15). Below TASK_SIZE_MAX, the
-- hardware's code stays (a not-present read 0x4).
local m = mmsim.machine{}
local P = 4096
local cases = {
  { 0x7ffffffff000, "r" }, { 0x7ffffffff000, "w" }, { 0x7ffffffff000, "x" },
  { 0x7ffffffffff8, "r" },
  { 0xffff888000000000, "r" }, { 0xffff888000000000, "w" }, { 0xffff888000000000, "x" },
  { 0xffffffff81000000, "r" }, { 0xffffffff81000000, "w" },
  { 0xffffffffff600000, "r" }, { 0xffffffffff600000, "w" },
  { 0xfffffffffffff000, "r" },
}
for _, c in ipairs(cases) do
  local p = m:spawn{name = "oracle"}
  p:touch(c[1], 1, c[2])
  p:alive()
end
-- an 8-byte store whose last bytes cross TASK_SIZE_MAX faults on the page
-- above the stack
local p = m:spawn{name = "oracle"}
p:write(0x7fffffffeffc, 0x1122334455667788, 8)
-- below TASK_SIZE_MAX an unmapped page keeps the hardware's code
p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 2 * P, prot = "rw"})
p:munmap(a + P, P)
p:touch(a + P, 1, "w")

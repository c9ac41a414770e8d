-- munmap's errors and no-ops: EINVAL for an unaligned address or length 0,
-- success for an unmapped range, ranges ending past TASK_SIZE refused.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:munmap(a + 1, P)
p:munmap(a, 0)
p:munmap(a + 64 * P, 4 * P)
p:munmap(0x7ffffffff000, 2 * P)
p:munmap(a, 4 * P)
p:munmap(a, 4 * P)
p:read(a, 1)

-- madvise's errors: EINVAL for an unaligned start or an unknown advice;
-- ENOMEM when the range is not all mapped (the mapped part is advised).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(a, 4 * P, "w"))
p:madvise(a + 1, P, "dontneed")
p:madvise(a, P, 99)
p:madvise(a, 8 * P, "dontneed")
p:read(a + 3 * P, 1)
p:madvise(a, 0, "dontneed")
p:madvise(a, 4 * P, "remove")

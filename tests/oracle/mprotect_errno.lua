-- mprotect's errors: EINVAL for an unaligned start or unknown bits, ENOMEM
-- when the range has a hole (the part before the hole is changed).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
local b = assert(p:mmap{addr = a - 6 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|fixed"})
p:mprotect(a + 1, P, "r")
p:mprotect(a, P, 0x80)
p:mprotect(b, 10 * P, "r")
mmsim.checkpoint("partial")
p:mprotect(a + 64 * P, P, "r")
p:mprotect(a, 0, "r")
p:mprotect(a, P, "r|growsdown")

-- Swapped-out pages given up: MADV_DONTNEED and MADV_FREE drop their swap
-- entries and free the slots (VmSwap and smaps Swap fall), and the next
-- read maps the zero page; munmap frees the rest.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 24 * P, prot = "rw"})
assert(p:madvise(a, 24 * P, "nohugepage"))
assert(p:touch(a, 24 * P, "w"))
p:madvise(a, 24 * P, "pageout")
mmsim.checkpoint("paged out", {"VmSwap"})
p:madvise(a, 8 * P, "dontneed")
p:madvise(a + 8 * P, 8 * P, "free")
mmsim.checkpoint("dropped", {"VmSwap"})
p:touch(a, 16 * P, "r")
mmsim.checkpoint("read", {"VmSwap"})
p:munmap(a + 16 * P, 8 * P)
mmsim.checkpoint("unmapped", {"VmSwap"})

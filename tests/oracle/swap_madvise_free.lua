-- MADV_FREE pages that are still clean when reclaim comes are discarded
-- without any I/O: MADV_PAGEOUT drops them (nothing in swap, VmSwap 0) and
-- the next read maps the zero page; a page written again after MADV_FREE is
-- dirty and goes to swap instead, keeping its bytes.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:touch(a, 16 * P, "w"))
p:madvise(a, 16 * P, "free")
p:write(a + 12 * P, "kept")
p:madvise(a, 16 * P, "pageout")
mmsim.checkpoint("paged out", {"VmSwap"})
p:read(a, 1)
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:read(a + 12 * P, 4)
mmsim.checkpoint("read", {"VmSwap"})

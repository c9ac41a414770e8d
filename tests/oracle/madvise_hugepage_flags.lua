-- MADV_HUGEPAGE and MADV_NOHUGEPAGE set VmFlags hg and nh, splitting and
-- merging VMAs as any flag change does. The VMAs are small, so no huge page
-- can be used and the faults are 4 KiB ones on both.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
p:madvise(a + 4 * P, 4 * P, "hugepage")
p:madvise(a + 8 * P, 4 * P, "nohugepage")
mmsim.checkpoint("flags")
p:touch(a, 16 * P, "w")
p:madvise(a + 4 * P, 8 * P, "nohugepage")
mmsim.checkpoint("nohuge")
p:madvise(a, 16 * P, 0x7f)

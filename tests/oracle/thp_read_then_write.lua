-- A read fault in MADV_HUGEPAGE memory maps the huge zero page: all 512
-- pages present, none anonymous ("file" in pagemap), no Rss; a write
-- after it gets a whole THP at once (one fault, AnonHugePages 2048 kB,
-- every page exclusive), not a split and a 4 KiB copy.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4 << 20, prot = "rw"})
p:madvise(a, 4 << 20, "hugepage")
p:touch(a, 4096, "r")
p:touch(a + 4096, 4096, "r")
mmsim.checkpoint("read", {"VmPTE"})
p:touch(a + 8192, 4096, "w")
mmsim.checkpoint("written", {"VmPTE"})
p:read(a + 8192, 1)
p:touch(a + (2 << 20), 4096, "w")
mmsim.checkpoint("second written first", {"VmPTE"})

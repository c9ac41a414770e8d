-- VMA merging (REFERENCE.md): rw [0,8) and [16,24), then [8,16) mapped
-- between them gives one 24-page VMA; different flags do not merge.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local base = assert(p:mmap{len = 32 * P, prot = "none"})
assert(p:munmap(base, 32 * P))
p:mmap{addr = base, len = 8 * P, prot = "rw", flags = "private|anonymous|fixed"}
p:mmap{addr = base + 16 * P, len = 8 * P, prot = "rw", flags = "private|anonymous|fixed"}
mmsim.checkpoint("two")
p:mmap{addr = base + 8 * P, len = 8 * P, prot = "rw", flags = "private|anonymous|fixed"}
mmsim.checkpoint("merged")
p:mmap{addr = base + 24 * P, len = 4 * P, prot = "r", flags = "private|anonymous|fixed"}
p:mmap{addr = base + 28 * P, len = 4 * P, prot = "rw", flags = "private|anonymous|noreserve|fixed"}

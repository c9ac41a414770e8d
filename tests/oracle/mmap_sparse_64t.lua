-- A 64 TiB reservation with a few pages written far apart, and a 1 TiB one
-- read once: a state costs what is mapped, not the size of the VMAs
-- (pagemap is read in runs, with PAGEMAP_SCAN on the host).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 1 << 46, prot = "rw", flags = "private|anonymous|noreserve"})
assert(p:madvise(a, 1 << 46, "nohugepage"))
for i = 0, 15 do p:write(a + i * (1 << 42) + 4096 * i, "x") end
mmsim.checkpoint("sparse")
local b = assert(p:mmap{len = 1 << 40, prot = "r", flags = "private|anonymous|noreserve"})
p:read(b + (1 << 39), 1)
mmsim.checkpoint("two")
assert(p:munmap(a + (1 << 45), 1 << 44))

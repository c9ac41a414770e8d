-- The top-down search (Linux 6.1+, unmapped_area_topdown over the maple
-- tree) takes the highest free gap where the mapping fits; when the VMA
-- above it grows down and its 1 MiB guard gap reaches into the gap, it
-- searches again below that guard gap, skipping the free space between:
-- here a page fits in a hole above the growsdown VMAs' neighbours, and
-- right below the lowest of them (inside the guard gap of the other), but
-- lands below the guard gap of the VMA above the hole.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local x = assert(p:mmap{len = 5 * P, prot = "r"})
assert(p:mmap{addr = x + P, len = 2 * P, prot = "rw", flags = "private|anonymous|fixed|growsdown"})
p:munmap(x + 3 * P, P)
assert(p:mmap{addr = x + 4 * P, len = P, prot = "rw", flags = "private|anonymous|fixed|growsdown"})
local a = p:mmap{len = P, prot = "r"}
local b = p:mmap{len = P, prot = "rw"}
mmsim.checkpoint("placed")
p:mremap(x, P, P, "maymove|dontunmap")

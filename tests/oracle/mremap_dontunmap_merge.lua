-- MREMAP_DONTUNMAP leaves the old VMA whole: Linux 6.18's
-- dontunmap_complete takes the lock off all of it, without a split, and
-- when the whole VMA moved drops its anon_vma, after which mprotect to
-- read-only drops its charge (no `ac`). A moved range merges with a
-- matching neighbour; old_len 0 (a second mapping of shared memory) unmaps
-- nothing, so nothing is split.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 3 * P, prot = "rw"})
assert(p:touch(a, 3 * P, "w"))
p:mremap(a + P, P, P, "maymove|dontunmap")
mmsim.checkpoint("middle page moved")
p:mremap(a, 2 * P, 8 * P)
local l = assert(p:mmap{len = 4 * P, prot = "rw", flags = "private|anonymous|locked"})
p:mremap(l + P, P, P, "maymove|dontunmap")
mmsim.checkpoint("part of a locked VMA moved")
local w = assert(p:mmap{len = 4 * P, prot = "rw", flags = "private|anonymous|populate"})
p:mremap(w, 4 * P, 4 * P, "maymove|dontunmap")
p:mprotect(w + P, 2 * P, "r")
mmsim.checkpoint("whole VMA moved")
local s = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
p:mremap(s + 2 * P, 0, P, "maymove")

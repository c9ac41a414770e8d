-- MADV_COLD and MADV_PAGEOUT refuse a locked VMA with EINVAL, as
-- MADV_DONTNEED does (Linux: can_madv_lru_vma, checked by madvise_cold and
-- madvise_pageout): mlock, mlock2(MLOCK_ONFAULT), MAP_LOCKED and
-- mlockall(MCL_CURRENT). madvise_walk_vmas goes on past a hole and notes
-- ENOMEM, but a locked VMA after the hole stops it with EINVAL; a hole
-- alone is ENOMEM.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:touch(a, 8 * P, "w")
p:mlock(a + 4 * P, 4 * P)
p:madvise(a + 4 * P, P, "cold")
p:madvise(a + 4 * P, P, "pageout")
p:madvise(a, 8 * P, "cold")                  -- unlocked, then locked
p:madvise(a, 4 * P, "cold")                  -- the unlocked part alone
p:madvise(a, 4 * P, "pageout")
-- a hole before a locked VMA: EINVAL; a hole before an unlocked one: ENOMEM
p:munmap(a + 3 * P, P)
p:madvise(a + 2 * P, 3 * P, "pageout")
p:madvise(a + 2 * P, 3 * P, "cold")
p:madvise(a + 1 * P, 2 * P, "cold")
p:munlock(a + 4 * P, 4 * P)
p:madvise(a + 2 * P, 3 * P, "cold")
-- lock on fault, MAP_LOCKED
local b = assert(p:mmap{len = 2 * P, prot = "rw"})
p:mlock2(b, 2 * P, "onfault")
p:madvise(b, P, "pageout")
p:madvise(b, P, "cold")
local c = assert(p:mmap{len = 2 * P, prot = "rw", flags = "private|anonymous|locked"})
p:madvise(c, 2 * P, "cold")
-- shared memory, unlocked: accepted
local s = assert(p:mmap{len = 2 * P, prot = "rw", flags = "shared|anonymous"})
p:madvise(s, 2 * P, "cold")
p:madvise(s, 2 * P, "pageout")
-- mlockall(MCL_CURRENT) locks them all; on a host with swap the pages
-- paged out above come back, and how many of them readahead brought in
-- depends on the host's swap history (swap_pageout_reread.lua)
mmsim.tolerate_faults(4, "the host's swap readahead depends on its history")
p:mlockall("current")
p:madvise(s, 2 * P, "cold")
p:madvise(a, P, "pageout")
mmsim.checkpoint("locked")

-- MADV_FREE on pages a fork shares (Linux: madvise_free_pte_range): a page
-- whose dirtiness is only in its PTEs (anonymous memory) has the caller's
-- entry cleaned and made old and the page marked lazily freeable, although
-- another process maps it: the caller's smaps shows it Shared_Clean, the
-- other process's still Shared_Dirty, and both count it LazyFree. A page
-- the child wrote after the fork is its own and freed as usual. (MADV_COLD
-- on an empty VMA drains the host's per-CPU lazy-free batch before a state,
-- as in madvise_free.lua.)
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local drain = assert(p:mmap{len = P, prot = "r"})
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 8 * P, "w"))
local c = assert(p:fork())
assert(c:write(a + 6 * P, "mine"))
assert(c:madvise(a, 8 * P, "free"))
assert(c:madvise(drain, P, "cold"))
mmsim.checkpoint("child freed")
assert(p:madvise(a, 4 * P, "free"))
assert(p:madvise(drain, P, "cold"))
mmsim.checkpoint("parent freed half")

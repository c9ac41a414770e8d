-- MADV_FREE marks private anonymous pages lazily freeable: with no memory
-- pressure they keep their data (LazyFree in smaps) until written again.
-- Linux queues them in a per-CPU batch (lru_lazyfree) and smaps counts them
-- only once it drains, which other work on the CPU may do at any time;
-- MADV_COLD drains this CPU's batches first (lru_add_drain), so the script
-- advises an empty VMA cold before each state to make the host's count
-- certain.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local drain = assert(p:mmap{len = P, prot = "r"})
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 6 * P, "w"))
assert(p:write(a, "lazy"))
p:madvise(a, 8 * P, "free")
assert(p:madvise(drain, P, "cold"))
mmsim.checkpoint("freed")
p:read(a, 4)
p:write(a + P, "again")
p:madvise(a + 1, P, "free")
p:madvise(a + P, P, "free")
assert(p:madvise(drain, P, "cold"))

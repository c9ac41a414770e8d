-- MADV_FREE marks private anonymous pages lazily freeable: with no memory
-- pressure they keep their data (LazyFree in smaps) until written again.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 6 * P, "w"))
assert(p:write(a, "lazy"))
p:madvise(a, 8 * P, "free")
-- The host counts LazyFree only once a per-CPU batch of 31 pages drains.
mmsim.expect_difference("fidelity.md#lazyfree-right-after-madv_free", "batched on the host", "LazyFree")
mmsim.checkpoint("freed")
p:read(a, 4)
p:write(a + P, "again")
p:madvise(a + 1, P, "free")
mmsim.expect_difference("fidelity.md#lazyfree-right-after-madv_free", "batched on the host", "LazyFree")

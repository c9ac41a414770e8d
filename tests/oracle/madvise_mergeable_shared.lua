-- MADV_MERGEABLE on memory KSM cannot merge (shared memory here): Linux's
-- ksm_madvise ignores the advice, so the VMA keeps its flags (no "mg") and
-- is not split; on private anonymous memory it sets "mg" on the range.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local s = assert(p:mmap{len = 8 * P, prot = "rw", flags = "shared|anonymous"})
p:madvise(s + 2 * P, 4 * P, "mergeable")
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:madvise(a + 2 * P, 4 * P, "mergeable")
mmsim.checkpoint("advised")

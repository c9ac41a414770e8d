-- Memory pressure (issue 12 §7): 8 MiB written and given back with
-- MADV_FREE in a 16 MiB memory cgroup, then 16 MiB more written: reclaim
-- drops the lazily freed pages without I/O (they read back as zeros), and
-- swaps the rest. Not within the tolerance yet: on the host the last pages
-- MADV_FREE marks wait in the per-CPU lru_lazyfree batch (54 pages stay
-- mapped, LazyFree) and reclaim swaps about 100 more pages; the simulator
-- has no per-CPU folio batches (fidelity.md), so both states are expected
-- to differ.
local m = mmsim.machine{swap = "256M", memory_max = "16M"}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local f = assert(p:mmap{len = 8 * MB, prot = "rw"})
local a = assert(p:mmap{len = 16 * MB, prot = "rw"})
assert(p:madvise(f, 8 * MB, "nohugepage"))
assert(p:madvise(a, 16 * MB, "nohugepage"))
p:touch(f, 8 * MB, "w")
assert(p:madvise(f, 8 * MB, "free"))
mmsim.tolerate_pages(64, "the host cgroup's own charges and asynchronous swap writeback (pressure_seq.lua)")
p:touch(a, 16 * MB, "w")
mmsim.expect_difference("fidelity.md#lazyfree-right-after-madv_free", "the last lazily freed pages wait in a per-CPU batch on the host")
mmsim.checkpoint("after the pressure")
mmsim.expect_difference("fidelity.md#lazyfree-right-after-madv_free", "the last lazily freed pages wait in a per-CPU batch on the host")

-- MADV_POPULATE_WRITE over pages that are present and writable but clean
-- (shared memory that mlock faulted in for reading): GUP's FOLL_WRITE marks
-- each page dirty (folio_mark_dirty) without a fault, so smaps counts it
-- dirty.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 2 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:mlock(a, 2 * P))
mmsim.checkpoint("locked")
assert(p:madvise(a, P, "populate_write"))
mmsim.checkpoint("populated")

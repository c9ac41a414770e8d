-- MADV_DONTNEED_LOCKED (Linux 5.18): MADV_DONTNEED that may also drop locked
-- memory. The pages go (Rss and Locked fall to 0) though the VMA stays
-- locked; a read afterwards sees zeros. MADV_DONTNEED itself refuses locked
-- memory (EINVAL); over a hole both say ENOMEM.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:write(a, "locked"))
assert(p:mlock(a, 4 * P))
p:madvise(a, 4 * P, "dontneed")
mmsim.checkpoint("refused")
p:madvise(a, 4 * P, "dontneed_locked")
mmsim.checkpoint("dropped")
p:read(a, 6)
p:madvise(a + 4 * P, P, "dontneed_locked")
mmsim.checkpoint("read again")

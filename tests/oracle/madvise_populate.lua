-- MADV_POPULATE_READ and _WRITE fault pages in (counted), without the
-- accesses; a populate-read range faults again when written; populate
-- fails with ENOMEM on a hole and EINVAL... on PROT_NONE it is EFAULT.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:madvise(a, 4 * P, "populate_read")
p:madvise(a + 4 * P, 4 * P, "populate_write")
p:touch(a, 8 * P, "w")
local n = assert(p:mmap{len = 2 * P, prot = "none"})
p:madvise(n, 2 * P, "populate_read")
local r = assert(p:mmap{len = 2 * P, prot = "r"})
p:madvise(r, 2 * P, "populate_write")
p:madvise(r, 2 * P, "populate_read")
p:madvise(a + 64 * P, P, "populate_read")

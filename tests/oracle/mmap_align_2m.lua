-- An anonymous mapping whose length is a multiple of 2 MiB comes back
-- 2 MiB-aligned (THP alignment in __get_unmapped_area); MADV_NOHUGEPAGE keeps
-- huge pages out of the faults that follow.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local M2 = 2 << 20
local a = assert(p:mmap{len = 4096, prot = "rw"})
local b = assert(p:mmap{len = M2, prot = "rw"})
local c = assert(p:mmap{len = 2 * M2, prot = "rw"})
local d = assert(p:mmap{len = M2 + 4096, prot = "rw"})
local e = assert(p:mmap{len = 3 * 4096, prot = "rw"})
for _, x in ipairs{b, c} do assert(p:madvise(x, M2, "nohugepage")) end
assert(p:madvise(d, M2 + 4096, "nohugepage"))
assert(p:touch(b, 4 * 4096, "w"))
assert(p:touch(c + M2 - 4096, 2 * 4096, "w"))

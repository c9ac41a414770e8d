-- Private anonymous mmap: placement top-down below the previous mapping,
-- demand faults (one per page written), reads of untouched pages.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 8 * 4096, prot = "rw", flags = "private|anonymous"})
assert(p:madvise(a, 8 * 4096, "nohugepage"))
local b = assert(p:mmap{len = 4096, prot = "r", flags = "private|anonymous"})
assert(p:touch(a, 4 * 4096, "w"))
assert(p:write(a + 5 * 4096, "hello"))
assert(p:read(a + 5 * 4096, 5) == "hello")
assert(p:read(a + 7 * 4096, 16))
assert(p:read(b, 8))
mmsim.checkpoint("touched")
assert(p:munmap(a + 2 * 4096, 4096))

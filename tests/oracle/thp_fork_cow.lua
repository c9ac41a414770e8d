-- fork copies the huge PMD (both sides read-only); a write on either side
-- splits its own PMD and copies only the 4 KiB page written (Linux 6.x);
-- once the child has exited, the parent's next write reuses its pages in
-- place.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local a = assert(p:mmap{len = 4 << 20, prot = "rw"})
p:madvise(a, 4 << 20, "hugepage")
assert(p:touch(a, 4096, "w"))
local c = assert(p:fork())
mmsim.checkpoint("forked", {"VmPTE"})
assert(c:touch(a + 4096, 4096, "w"))
mmsim.checkpoint("child wrote")
assert(p:touch(a + 3 * 4096, 4096, "w"))
mmsim.checkpoint("parent wrote")
c:exit(0)
assert(p:touch(a + 5 * 4096, 4096, "w"))
mmsim.checkpoint("parent alone")

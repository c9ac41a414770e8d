-- A private MAP_HUGETLB mapping with a pool of 4 huge pages of 2 MiB
-- (tests/oracle/run.sh sets the host's vm.nr_hugepages to 4 under flock
-- and restores it): mmap reserves every huge page of the range, and fails
-- with ENOMEM when the pool cannot cover it; a read fault maps a zeroed
-- huge page read-only, the write that follows makes it writable in place
-- (one more fault); a write fault maps it writable at once. fork shares
-- the pages read-only; the child's write copies the whole huge page; the
-- parent, then its only mapper, writes in place. munmap and mprotect of
-- less than a huge page are EINVAL.
local m = mmsim.machine{nr_hugepages = 4}
local p = m:spawn{name = "oracle"}
local H = 2 << 20
local a = assert(p:mmap{len = 2 * H, prot = "rw", flags = "private|anonymous|hugetlb"})
p:mmap{len = 3 * H, prot = "rw", flags = "private|anonymous|hugetlb"}
local b = p:mmap{len = 2 * H, prot = "r", flags = "private|anonymous|hugetlb"}
p:mmap{len = H, prot = "rw", flags = "private|anonymous|hugetlb"}
p:munmap(b, 2 * H)
mmsim.checkpoint("reserved")
p:touch(a, 4096, "r")
p:read(a + 100, 4)
mmsim.checkpoint("read")
p:touch(a + 8, 8, "w")
p:write(a + H + 5, "hello")
mmsim.checkpoint("written", {"HugetlbPages"})
local c = assert(p:fork())
mmsim.checkpoint("forked")
c:read(a + H + 5, 5)
c:write(a + H + 5, "HELLO")
c:read(a + H + 5, 5)
p:read(a + H + 5, 5)
mmsim.checkpoint("child copied", {"HugetlbPages"})
p:write(a + H + 5, "howdy")
p:write(a + 5, "x")
mmsim.checkpoint("parent wrote")
c:exit(0)
p:munmap(a + 4096, 4096)
p:munmap(a, H + 4096)
p:mprotect(a, 4096, "r")
p:mprotect(a + H, H, "r")
p:read(a + H + 5, 5)
mmsim.checkpoint("read-only")
p:munmap(a, H)
mmsim.checkpoint("half unmapped")
p:mmap{len = 3 * H, prot = "rw", flags = "private|anonymous|hugetlb"}
p:write(a + H + 5, "x")
-- MADV_DONTNEED drops whole huge pages from a huge page boundary (the end
-- rounded down; EINVAL off a boundary); the owner's reservation comes
-- back, so the next fault finds its page even with the pool taken.
p = m:spawn{name = "oracle2"}
local d = assert(p:mmap{len = 2 * H, prot = "rw", flags = "private|anonymous|hugetlb"})
p:write(d + 3, "abc")
p:write(d + H + 3, "def")
p:madvise(d + 4096, H, "dontneed")
p:madvise(d, H + 4096, "dontneed")
p:read(d + 3, 3)
p:read(d + H + 3, 3)
mmsim.checkpoint("dontneed")
p:madvise(d, 2 * H, "dontneed")
local e = p:mmap{len = 2 * H, prot = "rw", flags = "private|anonymous|hugetlb"}
p:mmap{len = H, prot = "rw", flags = "private|anonymous|hugetlb"}
p:write(d + 3, "ghi")
p:write(d + H + 3, "jkl")
p:write(e, "e")
mmsim.checkpoint("reservations restored", {"HugetlbPages"})

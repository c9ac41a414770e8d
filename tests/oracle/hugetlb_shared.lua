-- Shared hugetlb memory with a pool of 4 huge pages of 2 MiB: a shared
-- MAP_HUGETLB mapping reserves its pages at mmap; fork does not copy its
-- page tables (the child faults them in again, finding the same pages);
-- a write on either side is seen by the other. A hugetlbfs file made by
-- memfd_create(MFD_HUGETLB) takes sizes in whole huge pages only
-- (EINVAL), refuses write() (EINVAL) but reads; two shared mappings of it
-- share its pages, a private one copies on write.
local m = mmsim.machine{nr_hugepages = 4}
local p = m:spawn{name = "oracle"}
local H = 2 << 20
local s = assert(p:mmap{len = 2 * H, prot = "rw", flags = "shared|anonymous|hugetlb"})
p:write(s + 7, "shared")
local c = assert(p:fork())
c:read(s + 7, 6)
c:write(s + H, "child")
p:read(s + H, 5)
mmsim.checkpoint("forked")
c:exit(0)
p:munmap(s, 2 * H)
local fd = assert(p:memfd_create("huge", "hugetlb"))
p:ftruncate(fd, 4096)
p:ftruncate(fd, 2 * H)
p:pwrite(fd, "x", 0)
local x = assert(p:mmap{len = 2 * H, prot = "rw", flags = "shared", fd = fd})
local y = assert(p:mmap{len = H, prot = "r", flags = "shared", fd = fd, offset = H})
p:write(x + H + 3, "file")
p:read(y + 3, 4)
p:pread(fd, 4, H + 3)
mmsim.checkpoint("file mapped twice", {"HugetlbPages"})
local z = assert(p:mmap{len = H, prot = "rw", flags = "private", fd = fd, offset = H})
p:read(z + 3, 4)
p:write(z + 3, "copy")
p:read(y + 3, 4)
mmsim.checkpoint("private copy")
p:mmap{len = 2 * H, prot = "rw", flags = "shared", fd = fd, offset = 4096}
p:mmap{len = 4 * H, prot = "rw", flags = "shared|anonymous|hugetlb"}

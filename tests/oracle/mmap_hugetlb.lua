-- MAP_HUGETLB maps a new hugetlbfs file, "/anon_hugepage (deleted)", of
-- len rounded up to the huge page (2 MiB, or 1 GiB with MAP_HUGE_1GB),
-- aligned to it (a hint rounded up, a MAP_FIXED address must be aligned:
-- EINVAL). No huge pages are reserved on the host (vm.nr_hugepages 0), as
-- in the simulator: without MAP_NORESERVE the reservation fails (ENOMEM,
-- the last check); with it the mapping exists (VmFlags "de nr ht",
-- KernelPageSize 2048 kB, never charged or locked) and a fault in it is
-- SIGBUS. It takes MAP_SHARED_VALIDATE with legacy flags only
-- (EOPNOTSUPP), no MAP_GROWSDOWN, and an offset at a huge page within
-- MAX_LFS_FILESIZE (EINVAL, EOVERFLOW). It splits only at huge pages.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P, H = 4096, 0x200000
local a = assert(p:mmap{len = 0x10000, prot = "rw", flags = "private|anonymous|hugetlb|noreserve"})
p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb"}
p:mmap{addr = 0x300001000, len = P, prot = "r", flags = "private|anonymous|hugetlb|noreserve|fixed"}
local f = p:mmap{addr = 0x300000000, len = P, prot = "r", flags = "private|anonymous|hugetlb|noreserve|fixed"}
p:mmap{addr = 0x300000000, len = P, prot = "r", flags = "private|anonymous|hugetlb|fixed_noreplace"}
local h = p:mmap{addr = 0x300001000, len = P, prot = "r", flags = "private|anonymous|hugetlb|noreserve"}
local s = p:mmap{len = P, prot = "rw", flags = "shared_validate|anonymous|hugetlb|noreserve|populate"}
p:mmap{len = P, prot = "rw", flags = "shared_validate|anonymous|hugetlb|noreserve|sync"}
p:mmap{len = P, prot = "rw", flags = "shared|anonymous|hugetlb|noreserve|sync"}
p:mmap{len = P, prot = "rw", flags = "anonymous|hugetlb|noreserve"}
p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve|growsdown"}
p:mmap{len = P, prot = "rw", flags = "shared|anonymous|hugetlb|noreserve|growsdown"}
p:mmap{len = 0, prot = "rw", flags = "private|anonymous|hugetlb|noreserve"}
p:mmap{len = -P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve"}
p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve", offset = P}
local o = p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve|locked", offset = H}
p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve", offset = 0x7ffffffffffff000}
p:mmap{len = P, prot = "rw", flags = "private|anonymous|hugetlb|noreserve|32bit"}
p:mmap(0, P, "r", (29 << 26) | 0x40000 | 0x4000 | 0x22)
local g = p:mmap(0, P, "r", (30 << 26) | 0x40000 | 0x4000 | 0x22)
mmsim.checkpoint("mapped")
p:munmap(a + P, P)
p:mprotect(a, P, "r")
p:mprotect(a, H, "r")
p:mlock(a, P)
p:munmap(h, H)
mmsim.checkpoint("changed")
local c = p:fork()
c:touch(a, 1, "r")
mmsim.checkpoint("forked")

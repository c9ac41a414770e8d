-- One 1 GiB huge page (MAP_HUGETLB | MAP_HUGE_1GB) from a pool of one
-- (tests/oracle/run.sh sets hugepages-1048576kB/nr_hugepages to 1 and
-- restores it; the script is skipped where the host has no 1 GiB pages
-- or cannot allocate one): the address is 1 GiB-aligned, a second
-- mapping cannot be reserved (ENOMEM), one fault maps the whole GiB (a
-- PUD leaf), munmap of less than 1 GiB is EINVAL.
local m = mmsim.machine{nr_hugepages_1g = 1}
local p = m:spawn{name = "oracle"}
local G = 1 << 30
local huge_1g = (30 << 26) | 0x40000 | 0x20 | 0x02     -- MAP_HUGE_1GB | MAP_HUGETLB | anonymous | private
local a = assert(p:mmap(0, G, "rw", huge_1g))
p:mmap(0, G, "rw", huge_1g)
p:write(a + G - 4, "last")
p:read(a + 12345, 4)
p:read(a + G - 4, 4)
mmsim.checkpoint("faulted", {"HugetlbPages"})
p:munmap(a, 2 << 20)
p:mprotect(a, G, "r")
p:read(a + G - 4, 4)
mmsim.checkpoint("read-only")

-- mmap's errors come in do_mmap's order: the length, the placement
-- (ENOMEM past TASK_SIZE, EPERM below vm.mmap_min_addr), MAP_FIXED_NOREPLACE's
-- EEXIST and the locking limit before the map type is checked (neither
-- shared nor private, shared growing down: EINVAL); an offset is only
-- checked for page alignment (anonymous memory ignores it).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mmap{addr = a + P, len = 2 * P, prot = "r", flags = "anonymous|fixed_noreplace"}
p:mmap{addr = a, len = P, prot = "r", flags = "shared|anonymous|fixed_noreplace|growsdown"}
p:mmap{addr = a, len = P, prot = "r", flags = "private|shared|anonymous|fixed_noreplace"}
p:mmap{addr = 0x7ffffffff000, len = 3 * P, prot = "rw", flags = "anonymous|fixed"}
p:mmap{addr = a, len = 0x800000000000, prot = "rw", flags = "shared|anonymous|growsdown|fixed"}
p:mmap{addr = 0, len = 2 * P, prot = "rw", flags = "private|shared|anonymous|fixed"}
p:mmap{addr = 0, len = 2 * P, prot = "rw", flags = "anonymous|fixed"}
p:mmap{len = 0x1000000, prot = "rw", flags = "anonymous|locked"}
p:mmap{len = 0, prot = "rw", flags = "anonymous"}
p:mmap{len = 0, prot = "rw", flags = "private"}
p:mmap{len = P, prot = "rw", flags = "anonymous"}
p:mmap{len = P, prot = "rw", flags = "shared_validate|anonymous"}
p:mmap{len = P, prot = "rw", flags = "shared|anonymous|growsdown"}
p:mmap{len = P, prot = "rw", flags = "private|anonymous", offset = 0x7ffffffffffff000}
p:mmap{len = P, prot = "rw", flags = "private|anonymous", offset = -P}
p:mmap{len = P, prot = "rw", flags = "anonymous", offset = 1}
p:mmap{len = -P, prot = "rw", flags = "private|anonymous"}
p:mmap{len = -P, prot = "rw", flags = "anonymous"}

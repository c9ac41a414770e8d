-- mmap's errors: EINVAL for length 0, no type, unaligned fixed address or
-- offset, bad flags combinations; EBADF for a file mapping without a file.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
p:mmap{len = 0, prot = "rw"}
p:mmap{len = P, prot = "rw", flags = "anonymous"}
p:mmap{addr = 0x10000001, len = P, prot = "rw", flags = "private|anonymous|fixed"}
p:mmap{len = P, prot = "rw", flags = "private|anonymous", offset = 100}
p:mmap{len = P, prot = "rw", flags = "private", fd = -1}
p:mmap{len = P, prot = "rw", flags = "private", fd = 7}
p:mmap{len = -P, prot = "rw"}
p:mmap{len = P, prot = "rw", flags = "shared_validate|anonymous|uninitialized"}
p:mmap{addr = 0x7ffffffff000, len = 2 * P, prot = "rw", flags = "private|anonymous|fixed"}
p:mmap{addr = 0x1000, len = P, prot = "rw", flags = "private|anonymous|fixed_noreplace"}

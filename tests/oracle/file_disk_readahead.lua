-- Readahead on a cold disk file ("/", ext4 on the host), seen through the
-- faults of mappings: MADV_RANDOM reads only the faulting page (every
-- fault on a new page is major), MADV_SEQUENTIAL reads the window ahead,
-- MADV_WILLNEED and POSIX_FADV_WILLNEED read a range before any fault
-- (the faults are then minor), read() shares its pages with mappings, and
-- POSIX_FADV_RANDOM turns read()'s readahead off.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/ra", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("r", 1024 * P), 0)
p:fsync(fd)
local function cold()
	p:fadvise(fd, 0, 0, "dontneed")
end
cold()
local a = p:mmap{len = 1024 * P, prot = "r", flags = "private", fd = fd}
p:madvise(a, 1024 * P, "random")
p:touch(a, 1, "r")
p:touch(a + P, 1, "r")
p:touch(a + 600 * P, 1, "r")
p:touch(a + 2 * P, 16 * P, "r")
p:munmap(a, 1024 * P)
cold()
a = p:mmap{len = 1024 * P, prot = "r", flags = "private", fd = fd}
p:madvise(a, 1024 * P, "willneed")
p:touch(a, 64 * P, "r")
p:touch(a + 900 * P, 16 * P, "r")
p:munmap(a, 1024 * P)
cold()
p:fadvise(fd, 256 * P, 64 * P, "willneed")
a = p:mmap{len = 1024 * P, prot = "r", flags = "private", fd = fd}
p:touch(a + 256 * P, 64 * P, "r")
p:munmap(a, 1024 * P)
cold()
a = p:mmap{len = 1024 * P, prot = "r", flags = "private", fd = fd}
p:madvise(a, 1024 * P, "sequential")
p:touch(a + 10 * P, 1, "r")
p:touch(a, 128 * P, "r")
p:munmap(a, 1024 * P)
cold()
p:pread(fd, 4 * P, 100 * P)
a = p:mmap{len = 1024 * P, prot = "r", flags = "private", fd = fd}
p:touch(a + 100 * P, 1, "r")
p:munmap(a, 1024 * P)
mmsim.checkpoint("advised")
p:close(fd)
p:unlink("/ra")

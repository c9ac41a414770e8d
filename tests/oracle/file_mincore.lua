-- mincore shows what readahead brought in: a cold disk file ("/", ext4 on
-- the host) read through a mapping has ra_pages (the disk's read_ahead_kb
-- / 4) resident around each fault that missed the cache (read-around),
-- and read() brings in its initial window; POSIX_FADV_DONTNEED empties it
-- again. A tmpfs file is resident once written; anonymous memory once
-- touched; errnos: EINVAL for an unaligned address, ENOMEM for a hole.
-- The host's readahead completes in the background (the fault waits for
-- its own page only): the script sleeps before each mincore of a disk
-- file so that the reads are done (the simulator's complete at once).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local N = 4096                       -- 16 MiB
local fd = p:open("/mc", "rdwr|creat", "0644")
p:pwrite(fd, string.rep("c", N * P), 0)
p:fsync(fd)
p:fadvise(fd, 0, 0, "dontneed")
local a = p:mmap{len = N * P, prot = "r", flags = "private", fd = fd}
p:mincore(a, N * P)
p:touch(a + 100 * P, 1, "r")
m:sleep(200)
p:mincore(a, N * P)
p:touch(a + 3000 * P, 1, "r")
m:sleep(200)
p:mincore(a, N * P)
p:fadvise(fd, 0, 0, "dontneed")
p:mincore(a, N * P)
p:munmap(a, N * P)
p:fadvise(fd, 0, 0, "dontneed")
p:pread(fd, 8 * P, 0)
m:sleep(200)
a = p:mmap{len = 64 * P, prot = "r", flags = "shared", fd = fd}
p:mincore(a, 64 * P)
local t = p:open("/tmp/mc", "rdwr|creat", "0644")
p:pwrite(t, string.rep("t", 5 * P), 0)
local b = p:mmap{len = 8 * P, prot = "r", flags = "shared", fd = t}
p:mincore(b, 8 * P)
local c = p:mmap{len = 8 * P, prot = "rw", flags = "private|anonymous"}
p:touch(c + 2 * P, 3 * P, "w")
p:mincore(c, 8 * P - 100)
p:mincore(c + 1, P)
p:munmap(c + 4 * P, P)
p:mincore(c, 8 * P)
p:mincore(c, 0)
mmsim.checkpoint("resident")

-- A tmpfs file unlinked while mapped stays alive (maps: "(deleted)"), and a
-- truncate under the mapping unmaps the pages past the new end (private
-- copies too): SIGBUS there, zeros past the end in the straddling page.
-- A forked child shares the descriptors and the mapping. memfd too.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local fd = p:open("/tmp/t", "rdwr|creat")
p:pwrite(fd, string.rep("z", 3 * P), 0)
local s = p:mmap{len = 3 * P, prot = "rw", flags = "shared", fd = fd}
local q = p:mmap{len = 3 * P, prot = "rw", flags = "private", fd = fd}
p:touch(s, 3 * P, "r")
p:touch(q + 2 * P, P, "w")
p:unlink("/tmp/t")
mmsim.checkpoint("unlinked")
local c = p:fork()
c:pread(fd, 4, 0)
c:read(s, 4)
p:ftruncate(fd, P + 100)
mmsim.checkpoint("truncated")
p:read(s + P + 99, 2)
c:read(s + P + 100, 1)
p:read(q + 2 * P, 1)
local mfd = c:memfd_create("child")
c:ftruncate(mfd, 2 * P)
local ms = c:mmap{len = 2 * P, prot = "rw", flags = "shared", fd = mfd}
c:write(ms + P, "memfd")
c:pread(mfd, 5, P)
mmsim.checkpoint("memfd")
c:read(s + 2 * P, 1)

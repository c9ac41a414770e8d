-- MADV_REMOVE on a shared mapping of a file punches a hole in it (Linux:
-- vfs_fallocate with FALLOC_FL_PUNCH_HOLE: shmem_fallocate on tmpfs,
-- ext4_punch_hole on the disk): the pages go from the page cache and from
-- every shared mapping, and on the disk their blocks go too, so the range
-- reads as zeros through the mapping, through pread and after the cache is
-- dropped; a private mapping keeps the pages it copied (they are anonymous)
-- and reads zeros where it only read the file. EACCES on a private
-- mapping and on a shared one of a read-only descriptor (a read-only
-- mapping of a writable one is punched); shared anonymous memory (shmem)
-- is punched too.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
for _, path in ipairs({ "/dev/shm/punch", "/punch" }) do
	local fd = p:open(path, "rdwr|creat", "0644")
	p:pwrite(fd, string.rep("x", 8 * P), 0)
	p:fsync(fd)
	local shr = p:mmap{len = 8 * P, prot = "rw", flags = "shared", fd = fd}
	local priv = p:mmap{len = 8 * P, prot = "rw", flags = "private", fd = fd}
	p:write(priv + P, "P")                       -- a private copy of page 1
	p:read(priv + 2 * P, 1)                      -- page 2 mapped from the file
	p:read(shr + P, 1)
	p:madvise(shr + P, 3 * P, "remove")
	p:read(shr + P, 1)
	p:read(shr + 3 * P, 1)
	p:read(shr + 4 * P, 1)
	p:read(priv + P, 1)
	p:read(priv + 2 * P, 1)
	p:pread(fd, 1, 2 * P)
	p:fadvise(fd, 0, 0, "dontneed")
	p:pread(fd, 1, 3 * P)
	p:pread(fd, 1, 5 * P)
	p:madvise(priv, P, "remove")                 -- EACCES: private
	local ro = p:mmap{len = P, prot = "r", flags = "shared", fd = fd}
	p:madvise(ro, P, "remove")                   -- read-only, but may be made writable: punched
	p:munmap(ro, P)
	local rofd = p:open(path)
	local rom = p:mmap{len = P, prot = "r", flags = "shared", fd = rofd}
	p:madvise(rom, P, "remove")                  -- EACCES: a read-only descriptor
	p:munmap(rom, P)
	p:close(rofd)
	mmsim.checkpoint("punched " .. path)
	p:munmap(shr, 8 * P)
	p:munmap(priv, 8 * P)
	p:close(fd)
	p:unlink(path)
end
local anon = p:mmap{len = P, prot = "rw", flags = "shared|anonymous"}
p:write(anon, "a")
p:madvise(anon, P, "remove")
p:read(anon, 1)

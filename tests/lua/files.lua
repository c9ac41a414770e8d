-- Files through the module: p:open/close/dup/pread/pwrite/ftruncate/unlink/
-- fstat/memfd_create with their errnos, mappings of files (shared, private,
-- unlinked, truncated), descriptors across fork and exit, the flag kinds
-- "open" and "mfd", and the host, which has no file calls yet.
local T = require "check"
local PG = 4096

-- ---- descriptors and data -------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn()
	local fd = p:open("/dev/shm/a", "rdwr|creat", "0600")
	T.eq(fd, 3, "0, 1 and 2 are /dev/null")
	T.eq(p:pwrite(fd, "hello", 10), 5)
	T.eq(p:pread(fd, 100, 8), "\0\0hello", "short at the end of the file")
	T.eq(p:pread(fd, 10, 100), "", "past the end")
	local st = p:fstat(fd)
	T.eq(st.size, 15)
	T.eq(st.mode, 0x8000 | 384, "S_IFREG | 0600")
	T.raises("not octal digits", p.open, p, "/tmp/y", "rdwr|creat", "0999")
	local y = p:open("/tmp/y", "rdwr|creat", "777")
	T.eq(p:fstat(y).mode, 0x8000 | 493, "0777 less the umask 022")
	T.eq(p:close(y), 0)
	T.eq(st.nlink, 1)
	T.eq(st.dev, "00:19")
	T.eq(st.blocks, 8)
	T.eq(p:fstat(0).rdev, "1:3", "/dev/null")
	T.eq(p:dup(fd), 4)
	T.eq(p:close(4), 0)
	T.errno("EBADF", p:close(4))
	T.errno("ENOENT", p:open("/dev/shm/none"))
	T.errno("EEXIST", p:open("/dev/shm/a", "creat|excl"))
	T.errno("EISDIR", p:open("/tmp", "rdwr"))
	T.errno("ENOENT", p:open("/home/x", "rdwr|creat"))
	T.errno("ENAMETOOLONG", p:open("/tmp/" .. string.rep("n", 256), "rdwr|creat"))
	T.errno("EINVAL", p:pread(fd, 1, -1))
	local ro = p:open("/dev/shm/a")
	T.errno("EBADF", p:pwrite(ro, "x"))
	T.errno("EINVAL", p:ftruncate(ro, 0))
	T.errno("EACCES", p:mmap{ len = PG, prot = "rw", flags = "shared", fd = ro })
	T.errno("ENODEV", p:mmap{ len = PG, prot = "r", flags = "shared", fd = 0 })
	T.errno("EBADF", p:mmap{ len = PG, prot = "r", flags = "shared", fd = 77 })
	T.raises("unknown", p.open, p, "/tmp/x", "rdwr|sideways")
	T.eq(mmsim.flags("open", 0x42), "rdwr|creat")
	T.consistent(m)
end

-- ---- mappings -------------------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn()
	local fd = p:open("/dev/shm/map", "rdwr|creat")
	T.eq(p:ftruncate(fd, 4 * PG), 0)
	local s = p:mmap{ len = 4 * PG, prot = "rw", flags = "shared", fd = fd }
	local q = p:mmap{ len = 4 * PG, prot = "rw", fd = fd }
	T.ok(p:write(s, "shared"))
	T.eq(p:pread(fd, 6, 0), "shared", "a write through a shared mapping is the file's")
	T.eq(p:read(q, 6), "shared", "a private mapping reads the page cache")
	T.ok(p:write(q, "PRIVATE"))
	T.eq(p:pread(fd, 7, 0), "shared\0", "a private write is a copy")
	p:pwrite(fd, "pwrite", PG)
	T.eq(p:read(s + PG, 6), "pwrite", "pwrite is seen through the shared mapping")
	T.has(p:maps(), "rw-s 00000000 00:19 2                          /dev/shm/map\n")
	T.eq(p:unlink("/dev/shm/map"), 0)
	T.has(p:maps(), "/dev/shm/map (deleted)\n", "mapped after unlink")
	T.eq(p:ftruncate(fd, PG + 1), 0)
	T.eq(p:read(s + PG + 1, 1), "\0", "zeroed past the new end")
	T.fault({ signal = "SIGBUS" }, p:read(s + 2 * PG, 1))
	T.consistent(m)
end

-- ---- fork, exit and memfd -------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn()
	local before = m:vmstat("nr_file_pages")
	local fd = p:memfd_create("buf", "cloexec")
	T.eq(fd, 3)
	p:pwrite(fd, string.rep("x", 2 * PG))
	local a = p:mmap{ len = 2 * PG, prot = "r", flags = "shared", fd = fd }
	T.has(p:maps(), "r--s 00000000 00:01 ", "the internal tmpfs")
	T.has(p:maps(), "/memfd:buf (deleted)\n")
	local c = p:fork()
	T.eq(c:pread(fd, 1, 0), "x", "the child has the descriptor")
	T.eq(c:read(a, 1), "x", "and the mapping")
	T.errno("EINVAL", p:memfd_create(string.rep("n", 250)))
	local hfd = p:memfd_create("h", "hugetlb")
	T.eq(type(hfd), "number", "a hugetlbfs memfd")
	T.errno("EINVAL", p:ftruncate(hfd, PG))          -- hugetlbfs sizes are whole huge pages
	T.errno("EINVAL", p:pwrite(hfd, "x", 0))         -- and it takes no write()
	T.eq(m:vmstat("nr_file_pages"), before + 2)
	c:exit()
	p:exit()
	T.eq(m:vmstat("nr_file_pages"), before, "the last close freed the page cache")
	T.consistent(m)
end

-- ---- the host: the same calls in a directory of the run's, removed at the end ----------------------------
do
	local dir
	do
		local h <close> = mmsim.host()
		local p = h:spawn()
		local fd = p:open("/dev/shm/x", "rdwr|creat", "600")
		T.eq(fd, 3, "the helper's channels are out of the way")
		T.eq(p:pwrite(fd, "host", 4), 4)
		T.eq(p:pread(fd, 10, 2), "\0\0host")
		T.eq(p:fstat(fd).size, 8)
		local big = string.rep("0123456789abcdef", 12500)       -- 200,000 bytes: four requests
		T.eq(p:pwrite(fd, big, 8), #big)
		T.eq(p:pread(fd, #big + 100, 8), big, "long reads and writes go in pieces")
		T.errno("EEXIST", p:open("/dev/shm/x", "creat|excl"))
		T.errno("ENOENT", p:open("/home/x", "rdwr|creat"))
		local a = p:mmap{ len = 4096, prot = "r", flags = "shared", fd = fd }
		T.eq(p:read(a + 4, 4), "host")
		dir = p:maps():match("(/dev/shm/mmsim%-[%w]+)/shm/x\n")
		T.ok(dir, "the run's directory")
		T.eq(p:unlink("/dev/shm/x"), 0)
		T.ok(p:maps():find(dir .. "/shm/x (deleted)", 1, true), "unlinked while mapped")
		local q = io.open(dir .. "/shm", "r")
		T.ok(q, "the directory exists while the machine does")
		q:close()
	end
	collectgarbage()
	T.eq(io.open(dir .. "/shm", "r"), nil, "removed with the machine")
end

-- ---- the machine's files: m:file, m:files, m:mount -----------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn{name = "lister"}
	T.eq(m:file("/data", string.rep("d", PG + 10)), true, "a disk file with bytes")
	T.eq(m:file("/tmp/holes", 3 * PG), true, "a tmpfs file of holes")
	T.errno("EEXIST", m:file("/data", "again"))
	T.errno("ENOENT", m:file("/no/such/dir", "x"))
	T.errno("EISDIR", m:file("/tmp", "x"))
	T.errno("EPERM", m:file("/dev/x", "x"))
	T.raises("size", m.file, m, "/tmp/neg", -1)
	local byname = {}
	for _, f in ipairs(m:files()) do
		byname[f.path] = f
	end
	local d = T.ok(byname["/data"], "listed")
	T.eq(d.fs, "ext4")
	T.eq(d.dev, "08:01")
	T.eq(d.size, PG + 10)
	T.eq(d.cached, 2, "clean in the page cache")
	T.eq(d.dirty, 0)
	T.eq(d.mode, 0x8000 | 420, "S_IFREG | 0644")
	local h = T.ok(byname["/tmp/holes"])
	T.eq(h.dev, "00:1a")
	T.eq(h.size, 3 * PG)
	T.eq(h.cached, 0, "holes take no pages")
	T.ok(byname["/usr/bin/lister"], "the program's file")
	T.ok(byname["/dev/null"], "/dev/null")
	local paths = {}
	for _, f in ipairs(m:files()) do
		paths[#paths + 1] = f.path
	end
	local sorted = { table.unpack(paths) }
	table.sort(sorted)
	T.eq(table.concat(paths, " "), table.concat(sorted, " "), "sorted by path")
	-- processes see them
	local fd = T.ok(p:open("/data"))
	T.eq(p:pread(fd, 3, PG + 8), "dd", "the bytes, up to the end")
	T.eq(p:fstat(fd).ino, d.ino)
	local before = p:stats().majflt
	local a = T.ok(p:mmap{len = 2 * PG, prot = "r", flags = "private", fd = fd})
	T.eq(p:read(a + PG, 1), "d")
	T.eq(p:stats().majflt, before, "cached: a minor fault")
	T.eq(p:fadvise(fd, 0, 0, "dontneed"), 0)
	T.eq(p:pread(fd, 1, 0), "d", "and on the device")
	-- a tmpfs mount
	T.eq(m:mount{fs = "tmpfs", at = "/mnt"}, true)
	T.errno("EBUSY", m:mount{at = "/mnt"})
	T.errno("ENODEV", m:mount{fs = "ext4", at = "/disk2"})
	T.errno("EINVAL", m:mount{at = "relative"})
	T.errno("EINVAL", m:mount{at = "/"})
	T.errno("ENOTDIR", m:mount{at = "/data"})
	T.raises("at", m.mount, m, {fs = "tmpfs"})
	T.raises("size", m.mount, m, {at = "/x", size = 1})
	local mfd = T.ok(p:open("/mnt/f", "rdwr|creat"))
	T.eq(p:pwrite(mfd, "mounted", 0), 7)
	T.eq(p:fstat(mfd).dev, "00:1b", "the next anonymous device")
	local ma = T.ok(p:mmap{len = PG, prot = "r", flags = "shared", fd = mfd})
	T.eq(p:read(ma, 7), "mounted")
	T.match(p:maps(), " 00:1b 2 +/mnt/f\n", "maps names it")
	T.eq(m:file("/mnt/g", "made"), true, "m:file on the new mount")
	T.eq(p:pread(T.ok(p:open("/mnt/g")), 4, 0), "made")
	T.consistent(m)
end

-- ---- the page cache in /proc/meminfo and /proc/vmstat ---------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn()
	local function mi(k)
		return tonumber(m:proc("/proc/meminfo"):match("\n" .. k .. ":%s+(%d+) kB"))
	end
	local cached, files, pgpgout = mi("Cached"), m:vmstat("nr_file_pages"), m:vmstat("pgpgout")
	local fd = p:open("/data", "rdwr|creat")
	T.eq(p:pwrite(fd, string.rep("x", 64 * PG), 0), 64 * PG)
	T.eq(mi("Cached"), cached + 256, "Cached: 64 more pages")
	T.eq(m:vmstat("nr_file_pages"), files + 64)
	T.eq(mi("Dirty"), 256, "Dirty")
	T.eq(m:vmstat("nr_dirty"), 64)
	T.eq(mi("Mapped"), 0)
	local a = p:mmap{len = 64 * PG, prot = "r", flags = "shared", fd = fd}
	T.ok(p:touch(a, 64 * PG, "r"))
	T.eq(mi("Mapped"), 256, "Mapped: the pages in page tables")
	T.eq(m:vmstat("nr_mapped"), 64)
	T.eq(p:fsync(fd), 0)
	T.eq(mi("Dirty"), 0, "written back")
	T.eq(mi("Writeback"), 0, "and done (the device completes at once)")
	T.eq(m:vmstat("nr_writeback"), 0)
	T.eq(m:vmstat("pgpgout"), pgpgout + 256, "pgpgout: KiB written")
	T.eq(mi("Buffers"), 0, "no buffer heads: metadata is not cached")
	local shm = mi("Shmem")
	local t = p:open("/dev/shm/s", "rdwr|creat")
	T.eq(p:pwrite(t, string.rep("y", 16 * PG), 0), 16 * PG)
	T.eq(mi("Shmem"), shm + 64, "tmpfs pages are Shmem")
	T.eq(mi("Cached"), cached + 256 + 64, "and Cached")
	T.eq(mi("Dirty"), 0, "tmpfs is never written back: not Dirty")
end

T.done()

-- Programs are files: m:spawn{name=} maps /usr/bin/NAME, a file of the disk
-- filesystem ("/", 08:01) that its first spawn installs (on the device, and
-- clean in the page cache); processes running the same program share its
-- pages (kpagecount 2, Pss halved, Shared_Clean), a write to the data
-- segment copies the page (anonymous from then on), the heap starts after
-- the image, and the file's pages leave the cache and come back from the
-- device (a major fault) like any file's.
local T = require "check"
local PG = 4096

local smaps_block = T.smaps_block

do
	local m <close> = T.machine()
	local p = m:spawn{name = "prog"}
	local base = tonumber(p:maps():match("^(%x+)"), 16)
	local text, data = base + PG, base + 4 * PG
	-- the five VMAs of the image: one file, /usr/bin/prog on the disk
	local n = 0
	for line in p:maps():gmatch("[^\n]+") do
		if line:find("/usr/bin/prog", 1, true) then
			n = n + 1
			T.match(line, " 08:01 1048576 +/usr/bin/prog$", "the disk's device and the program's inode")
		end
	end
	T.eq(n, 5, "header, text, rodata, relro, data")
	local fd = T.ok(p:open("/usr/bin/prog"), "the program is a file of /")
	local st = p:fstat(fd)
	T.eq(st.dev, "08:01")
	T.eq(st.ino, 1048576)
	T.eq(st.size, 0x3080, "header, text, rodata and data")
	T.eq(p:pread(fd, 4, 0), "\127ELF", "its bytes: an ELF header")
	T.eq(p:mincore(base, 5 * PG), "11111", "installed: in the page cache")
	T.errno("ENOENT", p:open("/usr/bin/other"))
	T.errno("ENOENT", p:open("/usr/bin/new", "rdwr|creat"))   -- nothing else can be made in /usr/bin
	T.errno("ENOTDIR", p:open("/usr/bin/prog/"))

	-- two processes of the program share its pages
	local q = m:spawn{name = "prog"}
	T.eq(q:maps():match("^%x+"), p:maps():match("^%x+"), "the same layout (no ASLR)")
	T.eq(p:read(text, 1), "\0")
	T.eq(q:read(text, 1), "\0")
	local e = p:pagemap(text)[1]
	T.eq(e.file, true, "a file page: pagemap bit 61")
	T.eq(e.pfn, q:pagemap(text)[1].pfn, "one frame for both")
	T.eq(m:kpagecount(e.pfn), 2, "mapped twice")
	local _, names = m:kpageflags(e.pfn)
	T.ok(not names:find("ANON", 1, true), "not anonymous: " .. names)
	T.has(names, "LRU", "on the file LRU")
	local f = smaps_block(p:smaps(), text)
	T.eq(f.Rss, 4)
	T.eq(f.Pss, 2, "Pss halves")
	T.eq(f.Shared_Clean, 4, "Shared_Clean")
	T.eq(f.Private_Clean + f.Private_Dirty + f.Anonymous, 0)

	-- a write to the data segment copies the page
	T.eq(q:read(data, 1), "\0")
	T.ok(p:write(data, "x"))
	e = p:pagemap(data)[1]
	T.eq(e.file, false, "the copy is anonymous: no bit 61")
	_, names = m:kpageflags(e.pfn)
	T.has(names, "ANON", "kpageflags ANON")
	T.eq(q:read(data, 1), "\0", "the other process still reads the file's page")
	T.eq(p:pread(fd, 1, 3 * PG), "\0", "and so does the file")
	f = smaps_block(p:smaps(), data)
	T.eq(f.Anonymous, 4)
	T.eq(f.Private_Dirty, 4)

	-- the heap starts after the image
	T.eq(p:brk() >= base + 5 * PG, true, "the heap is above the data segment")

	-- the file's pages leave the cache and come back from the device
	T.eq(p:fadvise(fd, 0, 0, "dontneed"), 0)
	T.eq(p:mincore(base, 5 * PG), "01001", "the mapped text stays, the data copy is p's; the rest goes")
	T.eq(q:mincore(data, PG), "1", "q maps the file's data page: it stays")
	T.eq(p:madvise(text, PG, "pageout"), 0)
	T.eq(p:mincore(text, PG), "1", "a page another process maps is left alone")
	q:exit()
	T.eq(p:madvise(text, PG, "pageout"), 0)
	T.eq(p:mincore(text, PG), "0", "paged out: clean, dropped without I/O")
	local before, pgpgin = p:stats().majflt, m:vmstat("pgpgin")
	T.eq(p:read(text, 1), "\0")
	T.eq(p:stats().majflt, before + 1, "a major fault: read from the device")
	T.eq(m:vmstat("pgpgin") > pgpgin, true, "pgpgin counts it")
	T.eq(p:pread(fd, 4, 0), "\127ELF", "the header, read back from the device")
	T.consistent(m)
end
T.done()

-- Page migration through the module: p:migrate_page moves a page's bytes to
-- another frame and every mapping follows (fork-shared, shmem), pagemap and
-- virt_to_phys show the new frame, vmstat counts it, the errors, the
-- narration, and the host, which refuses.
local T = require "check"
local P = T.PAGE

-- ---- an anonymous page --------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn({ name = "mig" })
	local a = assert(p:mmap({ len = 2 * P, prot = "rw" }))
	local data = string.rep("0123456789abcdef", P // 16)
	p:write(a, data)
	local old = p:virt_to_phys(a) >> 12
	local new = p:migrate_page(a + 100)
	T.ok(new and new ~= old, "another frame")
	T.eq(p:virt_to_phys(a) >> 12, new)
	T.eq(p:pagemap(a)[1].pfn, new, "pagemap shows the new frame")
	T.eq(p:read(a, P), data, "the bytes moved")
	T.eq(m:vmstat("pgmigrate_success"), 1)
	T.eq(m:vmstat("pgmigrate_fail"), 0)
	T.eq(m:page(new).kind, "anon")
	T.ok(m:page(old).kind ~= "anon", "the old frame is free")
	p:write(a, "after")
	T.eq(p:read(a, 5), "after")
	T.consistent(m, "after a migration")

	T.errno("EFAULT", p:migrate_page(a + P))                 -- never touched
	T.errno("EFAULT", p:migrate_page(0x1000))                -- no VMA
	p:read(a + P, 1)
	T.errno("EFAULT", p:migrate_page(a + P))                 -- the zero page does not move

	-- a forked child shares the page: both follow it
	p:write(a, "shared")
	local c = p:fork()
	T.eq(c:read(a, 6), "shared")
	local moved = c:migrate_page(a)
	T.eq(p:virt_to_phys(a) >> 12, moved)
	T.eq(c:virt_to_phys(a) >> 12, moved)
	T.eq(m:page(moved).mapcount, 2)
	c:write(a, "child!")
	T.eq(p:read(a, 6), "shared", "still copy-on-write")
	T.eq(m:vmstat("pgmigrate_success"), 2)
	T.consistent(m, "after fork and migration")
end

-- ---- shmem --------------------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn({ name = "shm" })
	local a = assert(p:mmap({ len = P, prot = "rw", flags = "shared|anonymous" }))
	p:write(a, "tmpfs page")
	local c = p:fork()
	T.eq(c:read(a, 10), "tmpfs page")
	local new = p:migrate_page(a)
	T.eq(c:virt_to_phys(a) >> 12, new, "the other mapper follows")
	T.ok(p:pagemap(a)[1].file, "a file page")
	c:write(a, "TMPFS")
	T.eq(p:read(a, 10), "TMPFS page", "still one page, shared")
	T.consistent(m, "shmem")
end

-- ---- narration -----------------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn({ name = "told" })
	local a = assert(p:mmap({ len = P, prot = "rw" }))
	p:write(a, "x")
	local lines = {}
	m:explain(function(line) lines[#lines + 1] = line end)
	p:migrate_page(a)
	m:explain(false)
	local text = table.concat(lines, "\n")
	T.has(text, "try_to_migrate_one: PTE at", "the PTE becomes a migration entry")
	T.has(text, "migration entry for pfn")
	T.has(text, "remove_migration_pte: PTE at")
end

-- ---- compaction's knobs ------------------------------------------------------------------------------
do
	local m <close> = T.machine()
	local p = m:spawn({ name = "c" })
	local a = assert(p:mmap({ len = 64 * P, prot = "rw" }))
	for i = 0, 63 do p:write(a + i * P, string.pack("<I4", i)) end
	for i = 0, 63, 2 do p:madvise(a + i * P, P, "dontneed") end
	T.eq(m:set("vm.compact_memory", 1), true)
	T.ok(m:vmstat("compact_migrate_scanned") > 0, "the migration scanner ran")
	for i = 1, 63, 2 do T.eq(string.unpack("<I4", p:read(a + i * P, 4)), i) end
	T.errno("EINVAL", m:set("vm.compact_memory", 2))
	local _, e, msg = m:get("vm.compact_memory")
	T.eq(e, "EACCES")
	T.has(msg, "can only be written")
	T.eq(m:get("vm.compaction_proactiveness"), 20)
	T.eq(m:get("vm.extfrag_threshold"), 500)
	T.eq(m:get("vm.compact_unevictable_allowed"), 1)
	T.errno("EINVAL", m:set("vm.compaction_proactiveness", 101))
	T.eq(m:set("vm.compaction_proactiveness", 0), true)
	T.eq(m:vmstat("compact_stall"), 0)
	T.consistent(m, "after compaction")
end

-- ---- a page charged to a memory cgroup keeps its charge ------------------------------------------------
do
	local m <close> = mmsim.machine({ ram = "64M" })
	assert(m:cgroup({ name = "box", max = "16M" }))
	local p = m:spawn({ name = "boxed" })
	assert(p:cgroup("box"))
	local a = assert(p:mmap({ len = 4 * P, prot = "rw" }))
	assert(p:write(a, "charged"))
	local before = m:proc("/sys/fs/cgroup/box/memory.current")
	local old = p:virt_to_phys(a) >> 12
	local new = p:migrate_page(a)
	T.ok(new and new ~= old, "the page moved")
	T.eq(m:proc("/sys/fs/cgroup/box/memory.current"), before, "memory.current unchanged by the move")
	T.eq(p:read(a, 7), "charged")
	T.consistent(m, "the new page is on the cgroup's own LRU and charged to it")
	assert(p:munmap(a, 4 * P))
	T.match(m:proc("/sys/fs/cgroup/box/memory.stat"), "^anon 0\n", "freeing the new page uncharges it")
	T.consistent(m, "uncharged (memory.current keeps the CPU's stock)")
end

-- ---- the host refuses -----------------------------------------------------------------------------------
do
	local h <close> = mmsim.host()
	local p = h:spawn({ name = "probe" })
	local a = assert(p:mmap({ len = P, prot = "rw" }))
	p:write(a, "x")
	local _, e, msg = p:migrate_page(a)
	T.eq(e, "EOPNOTSUPP")
	T.has(msg, "move_pages")
end

T.done()

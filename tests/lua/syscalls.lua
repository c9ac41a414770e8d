-- The memory system calls of a process: mmap (table and positional forms,
-- every flag word), munmap, mprotect, mremap, brk, madvise, mlock, mlock2,
-- munlock, mlockall, munlockall, set_vma_name; their Linux errno cases.
-- Effects are checked through accesses, faults and page tables, not return
-- values alone (the /proc/PID views are in views.lua).
local T = require "check"
local PAGE = T.PAGE
local MIB = 1 << 20

local m = T.machine()
local p = m:spawn("sys")

local function present(proc, va)
	return proc:virt_to_phys(va) ~= nil
end
local function minflt(proc)
	return proc:stats().minflt
end
-- A fresh process for an access that kills it.
local function victim()
	return m:spawn("victim")
end

-- ---- mmap: the two forms ------------------------------------------------------------
local a = p:mmap({ len = PAGE, prot = "rw" })
T.eq(a, 0x7ffff7ff6000, "the first mmap, just below the vDSO (no ASLR)")
T.eq(a % PAGE, 0, "page aligned")
T.eq(present(p, a), false, "demand paging: nothing mapped yet")
local f0 = minflt(p)
T.ok(p:write(a, "hello"), "write")
T.eq(minflt(p), f0 + 1, "the first touch faults once")
T.eq(p:read(a, 5), "hello", "read back")
T.ok(present(p, a), "now mapped")
local b = p:mmap(0, 2 * PAGE, "rw", "private|anonymous")
T.eq(b, a - 2 * PAGE, "positional form; top-down allocation")
local c = p:mmap(0, PAGE, 3, 0x22, -1, 0)
T.eq(c, b - PAGE, "positional form with integers, fd and offset")
local d = p:mmap({ addr = 0, len = PAGE, prot = 3, flags = 0x22, fd = -1, offset = 0 })
T.eq(d, c - PAGE, "table form with every field")
T.eq(p:mmap({ len = 100, prot = "r" }) % PAGE, 0, "a length is rounded up to pages")

-- PROT_NONE by default in the table form
local none = victim()
local nv = none:mmap({ len = PAGE })
T.fault({ signal = "SIGSEGV", code = "SEGV_ACCERR", addr = nv, trapno = 14, error_code = 4 }, none:read(nv, 1))
T.eq(none:alive(), false, "a fatal fault kills the process")

-- ---- mmap: addresses ----------------------------------------------------------------------
local hint = 0x200000000
T.eq(p:mmap({ addr = hint, len = PAGE, prot = "rw" }), hint, "a free hint is taken")
T.ok(p:mmap({ addr = hint, len = PAGE, prot = "rw" }) ~= hint, "a taken hint is not")
p:write(hint, "old")
T.eq(p:mmap({ addr = hint, len = PAGE, prot = "rw", flags = "private|anonymous|fixed" }), hint, "MAP_FIXED")
T.eq(p:read(hint, 3), "\0\0\0", "MAP_FIXED replaced the old mapping")
T.has(T.errno("EEXIST", p:mmap({ addr = hint, len = PAGE, prot = "rw", flags = "private|anonymous|fixed_noreplace" })),
      "mmap", "MAP_FIXED_NOREPLACE over a mapping")
T.eq(p:mmap({ addr = hint + PAGE, len = PAGE, prot = "rw", flags = "private|anonymous|fixed_noreplace" }), hint + PAGE,
     "MAP_FIXED_NOREPLACE on free space")
T.errno("EINVAL", p:mmap({ addr = hint + 1, len = PAGE, prot = "rw", flags = "private|anonymous|fixed" }))
T.errno("EPERM", p:mmap({ addr = 0x1000, len = PAGE, prot = "rw", flags = "private|anonymous|fixed" }))
local low = p:mmap({ addr = 0x1000, len = PAGE, prot = "rw" })
T.ok(low >= 0x10000, "a hint below vm.mmap_min_addr is raised")
-- Linux places MAP_32BIT mappings bottom-up in [1 GiB, 2 GiB)
local m32 = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|32bit" })
T.ok(m32 >= 0x40000000 and m32 + PAGE <= 0x80000000, "MAP_32BIT lands in the second gigabyte")

-- ---- mmap: flags --------------------------------------------------------------------------
-- populate and locked: present at once, no fault later
local pop = p:mmap({ len = 4 * PAGE, prot = "rw", flags = "private|anonymous|populate" })
T.ok(present(p, pop) and present(p, pop + 3 * PAGE), "MAP_POPULATE maps every page")
f0 = minflt(p)
p:touch(pop, 4 * PAGE, "w")
T.eq(minflt(p), f0, "no fault on populated pages")
local nb = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|populate|nonblock" })
T.eq(present(p, nb), false, "MAP_NONBLOCK cancels MAP_POPULATE")
local lk = p:mmap({ len = 2 * PAGE, prot = "rw", flags = "private|anonymous|locked" })
T.ok(present(p, lk + PAGE), "MAP_LOCKED populates")
T.has(m:page(p:virt_to_phys(lk) >> 12).flags, "mlocked", "and mlocks")
T.errno("EAGAIN", p:mmap({ len = 9 * MIB, prot = "rw", flags = "private|anonymous|locked" }))
-- accepted and ignored, as Linux does for anonymous private mappings
for _, w in ipairs({ "denywrite", "executable", "stack", "sync", "uninitialized", "growsdown", "noreserve" }) do
	local r = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|" .. w })
	T.ok(r, "map flag " .. w)
	T.ok(p:write(r, w), "writable with " .. w)
end
T.has(T.errno("ENOMEM", p:mmap({ len = 2 * PAGE, prot = "rw", flags = "private|anonymous|hugetlb" })), "mmap",
      "MAP_HUGETLB with no huge pages reserved")
-- overcommit: more than RAM is refused unless MAP_NORESERVE
T.errno("ENOMEM", p:mmap({ len = 128 * MIB, prot = "rw" }))
T.ok(p:mmap({ len = 128 * MIB, prot = "rw", flags = "private|anonymous|noreserve" }), "MAP_NORESERVE is not charged")
-- MAP_SHARED: fork shares the pages
local sh = p:mmap({ len = PAGE, prot = "rw", flags = "shared|anonymous" })
p:write(sh, "before")
local child = p:fork()
T.ok(child:write(sh, "after!"), "the child writes the shared page")
T.eq(p:read(sh, 6), "after!", "the parent sees it")
T.eq(m:page(p:virt_to_phys(sh) >> 12).kind, "shmem", "shared anonymous memory is shmem")
child:exit()
-- argument checks, in Linux's order
T.errno("EBADF", p:mmap({ len = PAGE, prot = "r", flags = "private" }))
T.errno("EBADF", p:mmap({ len = PAGE, prot = "r", flags = "private", fd = 3 }))
T.ok(p:mmap({ len = PAGE, prot = "r", flags = "private|anonymous", fd = 3 }), "fd is ignored with MAP_ANONYMOUS")
T.errno("EINVAL", p:mmap({ len = PAGE, prot = "r", offset = 1 }))
T.errno("EINVAL", p:mmap({ len = 0, prot = "r" }))
T.errno("EINVAL", p:mmap({ len = PAGE, prot = "r", flags = "anonymous" }))
T.errno("EINVAL", p:mmap({ len = PAGE, prot = "r", flags = "shared_validate|anonymous" }))
T.errno("EINVAL", p:mmap({ len = PAGE, prot = "r", flags = "shared|anonymous|growsdown" }))
T.errno("EBADF", p:mmap(0, PAGE, "rw"))        -- positional flags default to 0: not anonymous
T.errno("ENOMEM", p:mmap({ len = -1, prot = "r" }))
T.errno("ENOMEM", p:mmap({ len = 1 << 47, prot = "r" }))
T.has(T.errno("EINVAL", p:mmap({ len = 0, prot = "r" })), "mmap: EINVAL", "the message names the call")
-- bad flag words are Lua errors naming the word
T.raises("mmap: 'private|anonymus': unknown map flag 'anonymus'", p.mmap, p,
	 { len = PAGE, prot = "rw", flags = "private|anonymus" })
T.raises("mmap: 'rwz': unknown prot flag 'rwz'", p.mmap, p, { len = PAGE, prot = "rwz" })
T.raises("mmap: 'bogus': unknown map flag 'bogus'", p.mmap, p, 0, PAGE, "rw", "bogus")
T.raises("mmap: len is required", p.mmap, p, { prot = "rw" })
T.raises("mmap: len must be an integer, got a string", p.mmap, p, { len = "4096" })
T.raises("mmap: addr must be an integer, got a float", p.mmap, p, { addr = 0.5, len = PAGE })
T.raises("number expected, got no value", p.mmap, p)

-- ---- munmap ------------------------------------------------------------------------------------
local u = p:mmap({ len = 3 * PAGE, prot = "rw" })
p:touch(u, 3 * PAGE, "w")
p:write(u, "first")
p:write(u + 2 * PAGE, "third")
T.eq(p:munmap(u + PAGE, PAGE), 0, "munmap the middle page")
T.eq(present(p, u + PAGE), false, "its PTE is gone")
T.eq(p:read(u, 5), "first", "the page below stays")
T.eq(p:read(u + 2 * PAGE, 5), "third", "the page above stays")
T.eq(p:munmap(u + PAGE, PAGE), 0, "munmap of nothing succeeds")
T.errno("EINVAL", p:munmap(u + 1, PAGE))
T.errno("EINVAL", p:munmap(u, 0))
T.errno("EINVAL", p:munmap(1 << 47, PAGE))
T.errno("EINVAL", p:munmap(u, -PAGE))
T.raises("number expected, got no value", p.munmap, p, u)
do
	local v = victim()
	local va = v:mmap({ len = PAGE, prot = "rw" })
	v:munmap(va, PAGE)
	T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", addr = va + 8, trapno = 14, error_code = 6 }, v:write(va + 8, "x"))
end

-- ---- mprotect -----------------------------------------------------------------------------------
do
	local v = victim()
	local va = v:mmap({ len = 2 * PAGE, prot = "rw" })
	v:write(va, "data")
	T.eq(v:mprotect(va, PAGE, "r"), 0, "mprotect read-only")
	T.eq(v:read(va, 4), "data", "still readable")
	T.ok(v:write(va + PAGE, "w"), "the other page stays writable")
	T.fault({ signal = "SIGSEGV", code = "SEGV_ACCERR", addr = va, error_code = 7 }, v:write(va, "x"))
end
do
	local v = victim()
	local va = v:mmap({ len = PAGE, prot = "rw" })
	v:write(va, "\xc3")            -- ret
	T.fault({ code = "SEGV_ACCERR", error_code = 0x15 }, v:fetch(va, 1))
end
do
	local v = victim()
	local va = v:mmap({ len = PAGE, prot = "rw" })
	v:write(va, "\x90\xc3")
	T.eq(v:mprotect(va, PAGE, "r-x"), 0, "mprotect r-x")
	T.eq(v:fetch(va, 2), "\x90\xc3", "instruction fetch from an executable page")
	T.eq(v:mprotect(va, PAGE, "none"), 0, "mprotect none")
	T.fault({ code = "SEGV_ACCERR", error_code = 4 }, v:read(va, 1))   -- PROT_NONE PTEs are not present on x86
end
local mp = p:mmap({ len = 3 * PAGE, prot = "rw" })
T.eq(p:mprotect(mp, 0, "r"), 0, "a zero length does nothing")
T.errno("EINVAL", p:mprotect(mp + 1, PAGE, "r"))
T.errno("ENOMEM", p:mprotect(0x100000000, PAGE, "r"))
p:munmap(mp + PAGE, PAGE)
T.has(T.errno("ENOMEM", p:mprotect(mp, 3 * PAGE, "r")), "mprotect", "a hole in the range")
T.errno("EINVAL", p:mprotect(mp, PAGE, 0x10))
T.errno("EINVAL", p:mprotect(mp, PAGE, "read|growsup"))
T.errno("EINVAL", p:mprotect(mp, PAGE, "read|growsdown"))
local gd = p:mmap({ len = 2 * PAGE, prot = "rw", flags = "private|anonymous|growsdown" })
T.eq(p:mprotect(gd + PAGE, PAGE, "read|growsdown"), 0, "PROT_GROWSDOWN on a MAP_GROWSDOWN mapping")
local vvar = 0x7ffff7ff7000
T.has(T.errno("EACCES", p:mprotect(vvar, PAGE, "rw")), "mprotect", "[vvar] may never be writable")
T.raises("mprotect: 'rwq': unknown prot flag 'rwq'", p.mprotect, p, mp, PAGE, "rwq")

-- ---- mremap ----------------------------------------------------------------------------------------
local base = 0x300000000
local r = p:mmap({ addr = base, len = PAGE, prot = "rw", flags = "private|anonymous|fixed" })
p:write(r, "remap")
T.eq(p:mremap(r, PAGE, 3 * PAGE), r, "grow in place")
T.ok(p:write(r + 2 * PAGE, "x"), "the new pages are usable")
T.eq(p:mremap(r, 3 * PAGE, PAGE), r, "shrink in place")
T.eq(present(p, r + 2 * PAGE), false, "the tail is unmapped")
p:mmap({ addr = r + PAGE, len = PAGE, prot = "r", flags = "private|anonymous|fixed" })
T.errno("ENOMEM", p:mremap(r, PAGE, 2 * PAGE))
local moved = p:mremap(r, PAGE, 2 * PAGE, "maymove")
T.ok(moved ~= r, "MREMAP_MAYMOVE moves it")
T.eq(p:read(moved, 5), "remap", "with its contents")
T.eq(present(p, r), false, "the old address is unmapped")
local target = 0x310000000
T.eq(p:mremap(moved, 2 * PAGE, 2 * PAGE, "maymove|fixed", target), target, "MREMAP_FIXED")
T.eq(p:read(target, 5), "remap", "contents at the new address")
local du = p:mremap(target, 2 * PAGE, 2 * PAGE, "maymove|dontunmap")
T.eq(p:read(du, 5), "remap", "MREMAP_DONTUNMAP moves the pages")
T.eq(p:read(target, 5), "\0\0\0\0\0", "and leaves an empty mapping behind")
T.errno("EINVAL", p:mremap(du, PAGE, PAGE, "fixed", base))
T.errno("EINVAL", p:mremap(du, PAGE, 2 * PAGE, "maymove|dontunmap"))
T.errno("EINVAL", p:mremap(du + 1, PAGE, PAGE))
T.errno("EINVAL", p:mremap(du, PAGE, 0))
T.errno("EINVAL", p:mremap(du, PAGE, PAGE, 8))
T.errno("EINVAL", p:mremap(du, PAGE, PAGE, "maymove|fixed", du + 1))
T.errno("EFAULT", p:mremap(0x320000000, PAGE, 2 * PAGE))
T.errno("EFAULT", p:mremap(du, 4 * PAGE, 5 * PAGE))
T.errno("EFAULT", p:mremap(vvar, PAGE, 2 * PAGE, "maymove"))
local ml = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|locked" })
T.errno("EAGAIN", p:mremap(ml, PAGE, 16 * MIB, "maymove"))
T.raises("mremap: 'maymove|far': unknown mremap flag 'far'", p.mremap, p, du, PAGE, PAGE, "maymove|far")

-- ---- brk -------------------------------------------------------------------------------------------
do
	local q = m:spawn("heap")
	local start = q:brk()
	T.eq(start, 0x555555559000, "the initial break, after the image (no ASLR)")
	T.eq(q:brk(0), start, "brk(0) asks")
	T.eq(q:brk(start + 3 * PAGE), start + 3 * PAGE, "grow the heap")
	T.ok(q:write(start + 2 * PAGE, "heap"), "the heap is usable")
	T.eq(q:read(start + 2 * PAGE, 4), "heap", "and keeps data")
	T.eq(q:brk(start + PAGE + 1), start + PAGE + 1, "shrink it (the break need not be aligned)")
	T.eq(present(q, start + 2 * PAGE), false, "the pages above are gone")
	T.eq(q:brk(0x1000), start + PAGE + 1, "a refused break returns the old one")
	T.eq(q:brk(1 << 46), start + PAGE + 1, "so does one too high")
	T.fault({ code = "SEGV_MAPERR", addr = start + 2 * PAGE }, q:read(start + 2 * PAGE, 1))
end

-- ---- madvise ------------------------------------------------------------------------------------------
local mv = p:mmap({ len = 4 * PAGE, prot = "rw" })
p:write(mv, "keep")
p:write(mv + PAGE, "drop")
T.eq(p:madvise(mv + PAGE, PAGE, "dontneed"), 0, "MADV_DONTNEED")
T.eq(present(p, mv + PAGE), false, "drops the page")
f0 = minflt(p)
T.eq(p:read(mv + PAGE, 4), "\0\0\0\0", "the next read sees zeros")
T.eq(minflt(p), f0 + 1, "after a new fault")
T.eq(p:read(mv, 4), "keep", "the page beside it keeps its data")
local lazy = m:vmstat("pglazyfree")
p:write(mv + 2 * PAGE, "lazy")
T.eq(p:madvise(mv + 2 * PAGE, PAGE, "free"), 0, "MADV_FREE")
T.eq(m:vmstat("pglazyfree"), lazy + 1, "one page lazily freed")
T.eq(p:read(mv + 2 * PAGE, 4), "lazy", "without memory pressure the data stays")
for _, w in ipairs({ "normal", "random", "sequential", "willneed", "cold", "pageout", "mergeable", "unmergeable",
		     "hugepage", "nohugepage", "dontdump", "dodump", "keeponfork", "dofork" }) do
	T.eq(p:madvise(mv, 4 * PAGE, w), 0, "advice " .. w)
end
T.eq(p:madvise(mv, 4 * PAGE, 4), 0, "advice as an integer")
T.eq(p:read(mv, 4), "\0\0\0\0", "MADV_DONTNEED (4) over the whole range")
T.eq(p:madvise(mv, 4 * PAGE, "populate_write"), 0, "MADV_POPULATE_WRITE")
T.ok(present(p, mv + 3 * PAGE), "populates")
T.eq(p:madvise(mv, 0, "dontneed"), 0, "a zero length")
-- fork-time advice
do
	local q = m:spawn("forking")
	local keep = q:mmap({ len = PAGE, prot = "rw" })
	local wipe = q:mmap({ len = PAGE, prot = "r" })
	local gone = q:mmap({ len = PAGE, prot = "rw" })
	q:write(keep, "keep")
	q:mprotect(wipe, PAGE, "rw")
	q:write(wipe, "wipe")
	q:write(gone, "gone")
	T.eq(q:madvise(wipe, PAGE, "wipeonfork"), 0, "MADV_WIPEONFORK")
	T.eq(q:madvise(gone, PAGE, "dontfork"), 0, "MADV_DONTFORK")
	local ch = q:fork()
	T.eq(ch:read(keep, 4), "keep", "an ordinary page is inherited")
	T.eq(ch:read(wipe, 4), "\0\0\0\0", "a wipe-on-fork page is zero in the child")
	T.eq(q:read(wipe, 4), "wipe", "but not in the parent")
	T.fault({ code = "SEGV_MAPERR", addr = gone }, ch:read(gone, 1))
	q:exit()
end
-- guard pages: markers in the page tables, no VMA split
do
	local q = m:spawn("guarded")
	local g = q:mmap({ len = 4 * PAGE, prot = "rw" })
	q:write(g + PAGE, "gone")
	local before = q:maps()
	T.eq(q:madvise(g + PAGE, 2 * PAGE, "guard_install"), 0, "MADV_GUARD_INSTALL")
	T.eq(q:maps(), before, "no VMA split")
	local e = q:pagemap(g + PAGE)[1]
	T.eq(e.guard, true, "pagemap: a guard region (bit 58)")
	T.eq(e.swapped, true, "and a swap entry (bit 62), as Linux shows its PTE markers")
	T.eq(e.present, false, "not present")
	local sd = 1 << 55                      -- the VMA is soft-dirty (the default kernel has CONFIG_MEM_SOFT_DIRTY)
	T.eq(e.raw, (1 << 62) | (1 << 58) | sd | 0x9f, "frame field: swap type 31 (markers), offset 4 (guard)")
	T.eq(q:pagemap(g + PAGE, 1, { unprivileged = true })[1].raw, (1 << 62) | (1 << 58) | sd, "hidden unprivileged")
	T.eq(q:pagemap(g)[1].guard, false, "the page beside it is no guard")
	T.has(q:smaps(), " gu ", "VmFlags gu")
	T.eq(q:madvise(g, 4 * PAGE, 102), 0, "MADV_GUARD_INSTALL as 102")
	T.consistent(m, "guard markers")
	local ch = q:fork()
	T.eq(ch:pagemap(g + PAGE)[1].guard, true, "fork copies the markers")
	T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", addr = g + PAGE, error_code = 4 }, ch:read(g + PAGE, 1))
	T.eq(q:madvise(g, 4 * PAGE, "dontneed"), 0, "MADV_DONTNEED")
	T.eq(q:pagemap(g + 2 * PAGE)[1].guard, true, "leaves the markers")
	T.eq(q:madvise(g + 2 * PAGE, PAGE, "guard_remove"), 0, "MADV_GUARD_REMOVE")
	T.eq(q:pagemap(g + 2 * PAGE)[1].raw, sd, "takes a marker away")
	T.eq(q:read(g + 2 * PAGE, 4), "\0\0\0\0", "the page reads again: zeros, the data was zapped")
	T.has(q:smaps(), " gu ", "VmFlags gu stays")
	T.eq(q:madvise(g, 4 * PAGE, 103), 0, "MADV_GUARD_REMOVE as 103")
	T.consistent(m, "guard markers removed")
	T.eq(q:mlock(g, PAGE), 0, "mlock")
	T.errno("EINVAL", q:madvise(g, PAGE, "guard_install"))
	T.eq(q:madvise(g, PAGE, "guard_remove"), 0, "removing from locked memory is fine")
	T.errno("EINVAL", q:madvise(vvar, PAGE, "guard_install"))
	q:exit()
end
-- MADV_REMOVE punches a hole in shared memory
local shm = p:mmap({ len = 2 * PAGE, prot = "rw", flags = "shared|anonymous" })
p:write(shm, "shm")
T.eq(p:madvise(shm, PAGE, "remove"), 0, "MADV_REMOVE on shared memory")
T.eq(p:read(shm, 3), "\0\0\0", "the data is gone")
T.errno("EINVAL", p:madvise(mv, PAGE, "remove"))
T.errno("EINVAL", p:madvise(shm, PAGE, "wipeonfork"))
T.errno("EINVAL", p:madvise(vvar, PAGE, "dodump"))
T.errno("EINVAL", p:madvise(mv + 1, PAGE, "dontneed"))
T.errno("EINVAL", p:madvise(mv, PAGE, 99))
T.errno("ENOMEM", p:madvise(0x100000000, PAGE, "dontneed"))
p:munmap(mv + PAGE, PAGE)
p:write(mv + 2 * PAGE, "data")
T.errno("ENOMEM", p:madvise(mv, 4 * PAGE, "dontneed"))
T.eq(p:read(mv + 2 * PAGE, 4), "\0\0\0\0", "the advice applied to the mapped part anyway")
T.raises("advice expected", p.madvise, p, mv, PAGE)
T.raises("madvise: 'dontneed|free': madv takes one value, not several", p.madvise, p, mv, PAGE, "dontneed|free")
T.raises("madvise: 'never': unknown madv flag 'never'", p.madvise, p, mv, PAGE, "never")

-- ---- mlock, mlock2, munlock ------------------------------------------------------------------------------
do
	local q = m:spawn("locker")
	local va = q:mmap({ len = 4 * PAGE, prot = "rw" })
	T.eq(q:mlock(va, 2 * PAGE), 0, "mlock")
	T.ok(present(q, va) and present(q, va + PAGE), "mlock faults the pages in")
	T.eq(present(q, va + 2 * PAGE), false, "only those")
	T.has(m:page(q:virt_to_phys(va) >> 12).flags, "mlocked", "PG_mlocked")
	T.errno("EINVAL", q:madvise(va, PAGE, "dontneed"))
	T.eq(q:munlock(va, 2 * PAGE), 0, "munlock")
	T.eq(q:madvise(va, PAGE, "dontneed"), 0, "MADV_DONTNEED once unlocked")
	T.eq(q:mlock(va + 100, 10), 0, "mlock rounds to pages")
	T.ok(present(q, va), "the page of va + 100")
	T.eq(q:munlock(va, PAGE), 0, "munlock")
	T.eq(q:mlock2(va + 2 * PAGE, 2 * PAGE, "onfault"), 0, "mlock2 MLOCK_ONFAULT")
	T.eq(present(q, va + 2 * PAGE), false, "does not populate")
	q:write(va + 2 * PAGE, "x")
	T.has(m:page(q:virt_to_phys(va + 2 * PAGE) >> 12).flags, "mlocked", "a faulted page is locked")
	T.eq(q:mlock2(va, PAGE), 0, "mlock2 without flags is mlock")
	T.ok(present(q, va), "and populates")
	T.eq(q:mlock2(va, PAGE, 0), 0, "mlock2 with 0")
	T.errno("EINVAL", q:mlock2(va, PAGE, 2))
	T.errno("ENOMEM", q:mlock(0x100000000, PAGE))
	local big = q:mmap({ len = 9 * MIB, prot = "rw" })
	T.has(T.errno("ENOMEM", q:mlock(big, 9 * MIB)), "mlock", "beyond RLIMIT_MEMLOCK (8 MiB)")
	T.eq(q:munlock(0x100000000, PAGE), nil, "munlock of nothing fails")
	T.errno("ENOMEM", q:munlock(0x100000000, PAGE))
	T.raises("mlock2: 'onfault|now': unknown mlock flag 'now'", q.mlock2, q, va, PAGE, "onfault|now")
	T.raises("number expected, got no value", q.mlock, q, va)
	q:exit()
end

-- ---- mlockall, munlockall -------------------------------------------------------------------------------
do
	local q = m:spawn("lockall")
	local va = q:mmap({ len = 2 * PAGE, prot = "rw" })
	T.eq(q:mlockall("current"), 0, "mlockall(MCL_CURRENT)")
	T.ok(present(q, va + PAGE), "populates what is mapped")
	local later = q:mmap({ len = PAGE, prot = "rw" })
	T.eq(present(q, later), false, "but not what comes later")
	T.eq(q:mlockall("current|future"), 0, "MCL_FUTURE")
	local locked = q:mmap({ len = PAGE, prot = "rw" })
	T.ok(present(q, locked), "later mappings are locked and populated")
	T.eq(q:munlockall(), 0, "munlockall")
	local after = q:mmap({ len = PAGE, prot = "rw" })
	T.eq(present(q, after), false, "no more locking")
	T.eq(q:madvise(va, PAGE, "dontneed"), 0, "unlocked pages can be dropped")
	T.eq(q:mlockall("future|onfault"), 0, "MCL_FUTURE|MCL_ONFAULT")
	local onf = q:mmap({ len = PAGE, prot = "rw" })
	T.eq(present(q, onf), false, "locked on fault: not populated")
	q:munlockall()
	T.errno("EINVAL", q:mlockall(0))
	T.errno("EINVAL", q:mlockall("onfault"))
	T.errno("EINVAL", q:mlockall(8))
	q:mmap({ len = 9 * MIB, prot = "rw" })
	T.errno("ENOMEM", q:mlockall("current"))
	T.raises("mlockall: 'everything': unknown mcl flag 'everything'", q.mlockall, q, "everything")
	q:exit()
end

-- ---- set_vma_name ---------------------------------------------------------------------------------------------
local nm = p:mmap({ len = 2 * PAGE, prot = "rw" })
T.eq(p:set_vma_name(nm, 2 * PAGE, "buffer"), 0, "name an anonymous mapping")
T.eq(p:set_vma_name(nm, PAGE, nil), 0, "clear the name of part of it")
T.eq(p:set_vma_name(nm, 0, "x"), 0, "a zero length")
T.errno("EINVAL", p:set_vma_name(nm, PAGE, "bad[name]"))
T.errno("EINVAL", p:set_vma_name(nm, PAGE, "tab\there"))
T.errno("EINVAL", p:set_vma_name(nm, PAGE, string.rep("n", 80)))
T.eq(p:set_vma_name(nm, PAGE, string.rep("n", 79)), 0, "79 characters are allowed")
T.errno("EINVAL", p:set_vma_name(nm + 1, PAGE, "x"))
T.errno("ENOMEM", p:set_vma_name(0x100000000, PAGE, "x"))
-- [vdso]: a special mapping without a file; Linux names it (maps still says [vdso])
T.eq(p:set_vma_name(0x7ffff7ffd000, PAGE, "x"), 0, "the vDSO has no file: Linux lets it be named")
T.errno("EBADF", p:set_vma_name(0x555555554000, PAGE, "x"))     -- the program image
T.eq(p:set_vma_name(shm, PAGE, "shared"), 0, "shared anonymous memory can be named")

T.consistent(m, "after every system call")
T.done()

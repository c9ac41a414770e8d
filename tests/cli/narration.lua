-- Drives every narrated step of the simulated kernel once, for
-- tests/cli/cases/narration.sh (run with `mmsim explain`).
local m = mmsim.machine{ram = "64M", cores = 2}
local p = m:spawn{name = "narrate", core = 0}

-- The start of the first line of p's maps that matches pattern.
local function vma(pattern)
  for line in p:maps():gmatch("[^\n]+") do
    if line:find(pattern) then
      return tonumber(line:match("^(%x+)"), 16)
    end
  end
  error("no VMA matches " .. pattern)
end

-- A child process that dies of access(child), for the fatal paths.
local function dies(access)
  local c = assert(p:fork{core = 1})
  local ok, fault = access(c)
  assert(not ok and fault, "the child should have died")
end

-- Anonymous memory: the zero page, a new page, copy-on-write after fork.
local a = assert(p:mmap{len = 8192, prot = "rw"})
assert(p:read(a, 1))
assert(p:write(a, "x"))
local c = assert(p:fork{core = 1})
assert(p:write(a, "y"))
assert(c:write(a, "z"))
assert(c:exit(0))
-- A thread on the other core: mprotect shoots its TLB down.
local t = assert(p:thread{core = 1})
assert(t:read(a, 1))
assert(p:mprotect(a, 4096, "r"))
-- The program image: a read fault and a private copy of its data page; the
-- vDSO; the stack growing down.
assert(p:read(vma("r%-xp .*/usr/bin/narrate"), 1))
assert(p:write(vma("rw%-p .*/usr/bin/narrate"), "d"))
assert(p:read(vma("%[vdso%]"), 1))
assert(p:write(vma("%[stack%]") - 4096, "s"))
-- Shared memory: shared faults, then fault-around after MADV_DONTNEED.
local s = assert(p:mmap{len = 4 * 4096, prot = "rw", flags = "shared|anonymous"})
assert(p:touch(s, 4 * 4096, "w"))
assert(p:madvise(s, 4 * 4096, "dontneed"))
assert(p:read(s + 3 * 4096, 1))
-- MADV_DONTNEED of a whole 2 MiB block frees its page table.
local big = assert(p:mmap{len = 4 << 20, prot = "rw"})
local block = (big + (2 << 20) - 1) & ~((2 << 20) - 1)
assert(p:write(block, "b"))
assert(p:madvise(block, 2 << 20, "dontneed"))
-- Guard pages: markers over a mapped page, a child dying of one, removal.
local guard = assert(p:mmap{len = 2 * 4096, prot = "rw"})
assert(p:write(guard, "g"))
assert(p:madvise(guard, 2 * 4096, "guard_install"))
dies(function(child) return child:read(guard, 1) end)
assert(p:madvise(guard, 2 * 4096, "guard_remove"))
-- mremap grows a VMA in place where there is room, else moves page
-- tables; munmap clears them.
local b = assert(p:mmap{len = 2 * 4096, prot = "rw"})
assert(p:munmap(b + 4096, 4096))
assert(p:mremap(b, 4096, 2 * 4096) == b)
assert(p:write(b, "m"))
local nb = assert(p:mremap(b, 4096, 64 * 4096, "maymove"))
assert(p:munmap(nb, 64 * 4096))
-- The fatal faults: no VMA, a VMA that forbids the access, a kernel
-- address, and a page past the end of a grown shared object.
dies(function(child) return child:read(0x10000, 1) end)
dies(function(child) return child:write(a, "w") end)
dies(function(child) return child:read(-0x800000000000, 1) end)
local g = assert(p:mremap(s, 4 * 4096, 8 * 4096, "maymove"))
dies(function(child) return child:read(g + 6 * 4096, 1) end)
-- A hugetlb mapping: the pools are empty, a fault is SIGBUS.
local h = assert(p:mmap{len = 4096, prot = "rw", flags = "private|anonymous|hugetlb|noreserve"})
dies(function(child) return child:read(h, 1) end)
-- Segments and TLS: arch_prctl (and a fault on its user copy),
-- set_thread_area, modify_ldt, a segment load, %fs-relative accesses,
-- and a thread switching in with its own bases.
local tls = assert(p:mmap{addr = 0x10000000, len = 4096, prot = "rw", flags = "private|anonymous|fixed"})
assert(p:arch_prctl("set_fs", tls) == 0)
assert(not p:arch_prctl("get_fs", 0x1000))
assert(p:set_thread_area{base = tls, limit = 0xfff, seg_32bit = 1} == 12)
assert(p:modify_ldt(0x11, {entry = 0, base = tls, limit = 0xff, seg_32bit = 1}) == 0)
assert(p:load_segment("es", 7))
assert(p:write{seg = "fs", off = 8, data = "t"})
local th = p:thread{core = 1, tls = true}
assert(th:read{seg = "fs", off = 0, n = 8})
assert(p:modify_ldt(0x11, {entry = 1, base = 0, limit = 0xfffff, seg_32bit = 1, limit_in_pages = 1}) == 0)
p:run_on(1)
assert(p:read{seg = "fs", off = 8, n = 1} == "t")
-- SS from the LDT, then that entry made non-present: the return to user
-- mode (IRET) faults and the process dies.
dies(function(child)
	assert(child:load_segment("ss", 1 * 8 + 7))
	assert(child:modify_ldt(0x11, {entry = 1, base = 0, limit = 0xfffff, seg_32bit = 1, seg_not_present = 1}) == 0)
	return child:read(tls, 1)
end)
assert(p:exit(0))
-- The OOM killer: a small machine runs out of memory; the process with the
-- higher oom_score_adj dies and the faulting one carries on.
local o = mmsim.machine{ram = "32M"}
assert(o:set("vm.overcommit_memory", 1))
o:spawn{name = "init"}
local big = o:spawn{name = "big"}
assert(big:oom_score_adj(1000))
local ba = assert(big:mmap{len = 8 << 20, prot = "rw"})
assert(big:touch(ba, 8 << 20, "w"))
local small = o:spawn{name = "small"}
local sa = assert(small:mmap{len = 24 << 20, prot = "rw"})
assert(small:touch(sa, 24 << 20, "w"))
assert(not big:alive(), "the OOM killer took big")

-- Swap and reclaim: a small machine with swap, filled with narration off,
-- then narrated: kswapd wakes; the LRU's decisions (a hot page activated,
-- the active list refilled); unmapping with a batched shootdown (a thread
-- keeps the mm loaded on CPU 1); the writes, a page of zeros left
-- unwritten, the swap PTEs; major faults with VMA and then cluster
-- readahead; shared memory through its object; direct reclaim for a
-- populating mmap; MADV_PAGEOUT; swapoff and swapon.
local w = mmsim.machine{ram = "16M", cores = 2, swap = "32M"}
w:explain(false)
local sp = w:spawn{name = "swapper", core = 0}
local th = assert(sp:thread(1))
local sh = assert(sp:mmap{len = 1 << 20, prot = "rw", flags = "shared|anonymous"})
local hot = assert(sp:mmap{len = 4 << 20, prot = "rw"})
assert(sp:madvise(hot, 4 << 20, "populate_write"))
assert(sp:madvise(hot, 4 << 20, "populate_read"))     -- used twice: active
local n = 16 << 20
local sa = assert(sp:mmap{len = n, prot = "rw"})
assert(sp:write(sa, "\0"))
local function fill(from, to)
  for off = from, to - 1, 4096 do
    assert(sp:write(sa + off, "p"))
    if off % (16 * 4096) == 0 then
      assert(th:read(sa + 4096, 1))
      assert(sp:read(sa + 2 * 4096, 1))
    end
  end
end
fill(4096, n - (1 << 20))
w:explain(true)
fill(n - (1 << 20), n)
assert(sp:touch(sh, 16 * 4096, "w"))
assert(sp:madvise(sh, 16 * 4096, "pageout"))
for off = 0, 64 * 4096, 4096 do assert(sp:read(sa + off, 1)) end
assert(w:set("kernel/mm/swap/vma_ra_enabled", "false"))
for off = 1 << 20, (1 << 20) + 64 * 4096, 8 * 4096 do assert(sp:read(sa + off, 1)) end
assert(sp:read(sh, 1))
local pop = assert(sp:mmap{len = 8 << 20, prot = "rw", flags = "private|anonymous|populate"})
assert(sp:madvise(sa, 64 * 4096, "pageout"))
w:explain(false)
assert(sp:munmap(pop, 8 << 20))
assert(sp:munmap(sa + (1 << 20), n - (1 << 20)))
w:explain(true)
assert(w:swapoff(0))
assert(w:swapon{size = "4M", device = "hdd"})

-- files on tmpfs: open, pwrite, pread, ftruncate, unlink, memfd_create
local fm = mmsim.machine{preset = "teaching"}
fm:explain(true)
local fp = fm:spawn()
local ffd = assert(fp:open("/dev/shm/narrated", "rdwr|creat"))
assert(fp:pwrite(ffd, "data", 0))
assert(fp:pread(ffd, 4, 0))
assert(fp:ftruncate(ffd, 8192))
assert(fp:unlink("/dev/shm/narrated"))
assert(fp:memfd_create("narrated"))

-- page migration: a page shared by fork moves, both PTEs follow
local mm = mmsim.machine{preset = "teaching"}
local mp = mm:spawn()
local ma = assert(mp:mmap{len = 4096, prot = "rw"})
assert(mp:write(ma, "moves"))
local mc = assert(mp:fork())
assert(mc:read(ma, 5))
mm:explain(true)
assert(mp:migrate_page(ma))
mm:explain(false)
-- Transparent huge pages: the huge zero page, a write replacing it, fork
-- and a split with a 4 KiB copy, reuse in place, a spurious fault on a
-- stale read-only 2 MiB TLB entry, mremap of a whole PMD, a partial munmap,
-- MADV_PAGEOUT splitting the THP, a zap of a whole PMD, and a fault that
-- falls back with no free 2 MiB block.
local hm = mmsim.machine{ram = "64M", cores = 2, swap = "16M"}
hm:explain(true)
local hp = hm:spawn{name = "huge", core = 0}
local ha = assert(hp:mmap{len = 8 << 20, prot = "rw"})
ha = (ha + (2 << 20) - 1) & ~((2 << 20) - 1)
assert(hp:madvise(ha, 8 << 20, "hugepage"))
assert(hp:read(ha, 1))
assert(hp:write(ha, "h"))
local hc = assert(hp:fork{core = 1})
local ht = assert(hp:thread{core = 1})
assert(ht:read(ha, 1))
assert(hc:write(ha + 4096, "c"))
assert(hc:exit(0))
assert(hp:write(ha, "p"))
assert(ht:write(ha, "t"))
assert(hp:write(ha + (2 << 20), "m"))
assert(hp:mremap(ha + (2 << 20), 2 << 20, 2 << 20, "maymove|fixed", ha + (4 << 20)))
assert(hp:munmap(ha + (4 << 20) + 4096, 4096))
assert(hp:madvise(ha, 2 << 20, "pageout"))
assert(hp:write(ha + (6 << 20), "z"))
assert(hp:munmap(ha + (6 << 20), 2 << 20))
-- khugepaged on the clock and MADV_COLLAPSE: a collapse, a block with
-- too many empty PTEs, one with nothing mapped; then memory pressure
-- splits the THP mapped in part from the deferred split queue.
local hs = assert(hp:mmap{len = 4 << 20, prot = "rw"})
hs = (hs + (2 << 20) - 1) & ~((2 << 20) - 1)
assert(hp:touch(hs, 16 * 4096, "w"))
assert(hm:set("kernel/mm/transparent_hugepage/khugepaged/scan_sleep_millisecs", 10))
assert(hm:set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", 100))
assert(hp:madvise(hs, 2 << 20, "hugepage"))
assert(hm:sleep(10))
assert(hm:set("kernel/mm/transparent_hugepage/khugepaged/max_ptes_none", 511))
assert(hm:sleep(10))
hp:madvise(hs, 4 << 20, "collapse")
while hm:alloc_pages(4) do end
local hf = mmsim.machine{ram = "64M"}
while hf:alloc_pages(9) do end
hf:explain(true)
local hfp = hf:spawn{name = "fallback"}
local hfa = assert(hfp:mmap{len = 4 << 20, prot = "rw"})
assert(hfp:madvise(hfa, 4 << 20, "hugepage"))
assert(hfp:write(hfa, "f"))
-- files on the disk filesystem: writeback, readahead, a major fault
local dfd = assert(fp:open("/narrated", "rdwr|creat"))
assert(fp:pwrite(dfd, string.rep("x", 64 * 4096), 0))
assert(fp:fsync(dfd))
assert(fp:fadvise(dfd, 0, 0, "dontneed"))
local da = assert(fp:mmap{len = 64 * 4096, prot = "r", flags = "private", fd = dfd})
assert(fp:touch(da, 64 * 4096, "r"))
assert(fp:pread(dfd, 4096, 0))
local ds = assert(fp:mmap{len = 64 * 4096, prot = "rw", flags = "shared", fd = dfd})
assert(fp:write(ds, "dirty"))
assert(fp:msync(ds, 64 * 4096, "sync"))
-- files the machine makes, a tmpfs mount
assert(fm:file("/made", "bytes"))
assert(fm:mount{fs = "tmpfs", at = "/mnt"})

-- compaction: memory filled and every other page freed; an order-9 request
-- that may not wait wakes kswapd, which wakes kcompactd; then proactive
-- compaction and compact_memory
local cm = mmsim.machine{preset = "teaching", cores = 1}
cm:explain(false)
local cp = cm:spawn()
local half = 32 << 20
local cmaps = {assert(cp:mmap{len = half, prot = "rw"}), assert(cp:mmap{len = half, prot = "rw"})}
local function caddr(i) return cmaps[i * 4096 // half + 1] + i * 4096 % half end
local function pageblocks()
  local n = 0
  for _, z in ipairs{"DMA", "DMA32"} do local c = cm:free_blocks(z); n = n + c[9] + c[10] end
  return n
end
local ci = 0
cm:drain_pages()
while pageblocks() > 0 do
  assert(cp:write(caddr(ci), "f"))
  ci = ci + 1
  if ci % 64 == 0 then cm:drain_pages() end
end
for i = 0, ci - 1, 2 do assert(cp:madvise(caddr(i), 4096, "dontneed")) end
cm:drain_pages()
cm:explain(true)
assert(not cm:alloc_pages(9, "GFP_NOWAIT"))
assert(cp:mmap{len = 4096, prot = "r"})
assert(cm:set("vm.compaction_proactiveness", 100))
assert(cm:set("vm.compact_memory", 1))
cm:explain(false)
-- memory cgroups: mkdir, a process moved in, reclaim at memory.max and over
-- memory.high, then the cgroup's OOM killer with no swap left to it
local cm = mmsim.machine{preset = "teaching", swap = "16M"}
cm:spawn("init")
cm:explain(true)
assert(cm:cgroup{name = "box", max = "1M", high = "512K"})
local cp = cm:spawn()
assert(cp:cgroup("box"))
local ca = assert(cp:mmap{len = 2 << 20, prot = "rw"})
assert(cp:touch(ca, 2 << 20, "w"))
assert(cm:cgroup{name = "box", swap_max = 0, high = "max"})
local cb = assert(cp:mmap{len = 2 << 20, prot = "rw"})
cp:touch(cb, 2 << 20, "w")
-- a cgroup whose only process the OOM killer may not take: the access fails
assert(cm:cgroup{name = "solo", max = "256K", swap_max = 0})
local cs = cm:spawn()
assert(cs:oom_score_adj(-1000))
assert(cs:cgroup("solo"))
local cc = assert(cs:mmap{len = 1 << 20, prot = "rw"})
cs:touch(cc, 1 << 20, "w")
-- the flusher: periodic writeback after m:sleep, background writeback and a throttled writer
assert(fp:pwrite(dfd, "again", 0))
assert(fm:sleep(35000))
assert(fm:set("vm.dirty_background_ratio", "1"))
assert(fm:set("vm.dirty_ratio", "2"))
assert(fp:pwrite(dfd, string.rep("y", 4 << 20), 0))
-- hugetlbfs: a pool of two 2 MiB pages; a read fault maps one read-only,
-- the write reuses it in place, fork and the child's write copy it
local hgm = mmsim.machine{nr_hugepages = 2}
hgm:explain(true)
local hgp = hgm:spawn{name = "hugetlb"}
local hh = assert(hgp:mmap{len = 2 << 20, prot = "rw", flags = "private|anonymous|hugetlb"})
assert(hgp:read(hh, 1))
assert(hgp:write(hh, "h"))
local hgc = assert(hgp:fork())
assert(hgc:write(hh, "c"))
hgm:explain(false)
-- NUMA: a task's memory policy, then a fault placed by it
local nm = mmsim.machine{ram = "64M", nodes = 2}
local np = nm:spawn()
assert(np:set_mempolicy("interleave", {0, 1}))
local na = assert(np:mmap{len = 2 * 4096, prot = "rw"})
np:touch(na, 2 * 4096, "w")

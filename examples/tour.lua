-- A guided tour of mmsim: the seeds' walkthroughs, one screen each.
-- `make run` runs it; `mmsim run examples/tour.lua --machine zen4` runs it on
-- another machine. Each step's details are in its own example script.

local m = mmsim.machine{}
local function title(s) print(("\n== %s\n"):format(s)) end
local function keep(patterns)         -- narrate only lines matching one pattern
  m:explain(function(line)
    for _, pat in ipairs(patterns) do
      if line:find(pat) then print(line) return end
    end
  end)
end

print(tostring(m))

title("1. *p = 42 (seed 003 §2.5): TLB miss, page walk, page fault, PTE, retry")
local p = m:spawn{name = "tour"}
local heap = assert(p:mmap{len = 1 << 20, prot = "rw"})     -- malloc(1 MiB)
keep{"write 4 bytes", "offset", "STLB", "walk ", "#PF error", "kernel (%S+):", "fill", "physical"}
assert(p:write(heap + 500000, 42, 4))                       -- buffer[500000] = 42
m:explain(false)
print(("one store, %d page fault; the value reads back as %d"):format(p:stats().minflt,
      p:read(heap + 500000, 1):byte()))

title("2. mprotect, then a write (seed 000): SIGSEGV with SEGV_ACCERR")
keep{"mprotect_fixup", "change_protection", "INVLPG", "bad_area"}
assert(p:mprotect(heap, 1 << 20, "r"))
local ok, fault = p:write(heap + 500000, 43, 4)
m:explain(false)
print(("the write: %s, %s at %#x; the process is dead: %s"):format(fault.signal, fault.code,
      fault.addr, tostring(not p:alive())))

title("3. fork and copy-on-write (seed 003 §7.3)")
local parent = m:spawn{name = "parent", core = 0}
local a = assert(parent:mmap{len = 4096, prot = "rw"})
assert(parent:write(a, "parent"))
local pfn = parent:virt_to_phys(a) >> 12
local child = parent:fork{core = 1}
print(("after fork: frame %#x has refcount %d and mapcount %d (shared, read-only)"):format(pfn,
      m:page(pfn).refcount, m:page(pfn).mapcount))
keep{"wp_page"}
assert(child:write(a, "child!"))
m:explain(false)
print(("after the child's write: the child has frame %#x, the parent's %#x is back to refcount %d")
      :format(child:virt_to_phys(a) >> 12, pfn, m:page(pfn).refcount))
print(("parent reads '%s', child reads '%s'"):format(parent:read(a, 6), child:read(a, 6)))

title("4. A TLB shootdown (seed 003 Q2)")
local t1 = parent:thread{core = 1}          -- a second thread, on the other core
local b = assert(parent:mmap{len = 4096, prot = "rw"})
assert(parent:write(b, "shared"))            -- CPU 0 caches the translation
assert(t1:read(b, 6))                        -- and so does CPU 1
keep{"flush_tlb", "IPI"}
assert(parent:mprotect(b, 4096, "r"))        -- the PTE changes: both TLBs must forget it
m:explain(false)
print(("nr_tlb_remote_flush = %d, nr_tlb_remote_flush_received = %d"):format(
      m:vmstat("nr_tlb_remote_flush"), m:vmstat("nr_tlb_remote_flush_received")))
child:exit()
parent:exit()

title("5. Context switches with PCIDs (seed 003 §3.2)")
local x, y = m:spawn{name = "x", core = 0}, m:spawn{name = "y", core = 0}
local vx = assert(x:mmap{len = 16 * 4096, prot = "rw", flags = "private|anonymous|populate"})
local vy = assert(y:mmap{len = 16 * 4096, prot = "rw", flags = "private|anonymous|populate"})
for _ = 1, 5 do assert(x:touch(vx, 16 * 4096)); assert(y:touch(vy, 16 * 4096)) end
print(("x and y alternate on CPU 0, 5 turns of 16 pages each: %d and %d page walks")
      :format(x:stats().walks, y:stats().walks))
print("(PCID keeps both address spaces in the TLB; examples/context_switch.lua compares with it off)")
x:exit()
y:exit()

title("6. The buddy allocator (seed 003 §4.1) and the slab allocator (§5)")
local blk = assert(m:alloc_pages(2))
print(("alloc_pages(order 2) -> pfn %#x, 4 pages; freed again"):format(blk))
assert(m:free_pages(blk, 2))
local cache = assert(m:kmem_cache_create{name = "tour_obj", size = 200, ctor = "CTOR"})
local o = assert(cache:alloc())
print(("a 200-byte object at %#x holds '%s'; constructor runs: %d (one per slot of its slab)")
      :format(o, m:kread(o, 4), cache:info().ctor_calls))
assert(cache:free(o))
assert(cache:destroy())

title("7. What /proc shows (seed 000, Practical Examples)")
local q = m:spawn{name = "my_program"}
local buf = assert(q:mmap{len = 4 * 4096, prot = "rw"})
assert(q:write(buf, "A"))
io.write(q:maps())
local e = q:pagemap(buf, 1)[1]
print(("pagemap of %#x: present %s, pfn %#x -> physical %#x (virt_to_phys of seed 000)")
      :format(buf, e.present, e.pfn, e.pfn * 4096 + buf % 4096))
q:exit()

title("8. Swap: a 64 MiB machine runs 128 MiB (examples/swap.lua runs 256 MiB)")
do
  local sm <close> = mmsim.machine{ram = "64M", swap = "256M"}
  local big = sm:spawn{name = "big"}
  local n = 128 * 256
  local v = assert(big:mmap{len = n * 4096, prot = "rw"})
  for i = 0, n - 1 do assert(big:write(v + i * 4096, i, 4)) end
  local pe = big:pagemap(v)[1]
  print(("reclaim wrote %d pages to swap; the first page's PTE is swap entry %d:%#x (pagemap bit 62: %s)")
        :format(sm:vmstat("pswpout"), pe.swap_type, pe.swap_offset, pe.swapped))
  sm:explain(function(line) if line:find("major") then print(line) end end)
  assert(big:read_u64(v) & 0xffffffff == 0)
  sm:explain(false)
  local ok = true
  for i = 0, n - 1 do ok = ok and (big:read_u64(v + i * 4096) & 0xffffffff) == i end
  print(("every page reads back: %s; %d major faults, pswpin %d (readahead)")
        :format(ok, big:stats().majflt, sm:vmstat("pswpin")))
end

title("9. Segments and TLS (seed 003 §6)")
local tp = m:spawn{name = "tls", tls = true}
local sg = tp:segments()
print(("FS points at the thread control block: fs_base %#x; %%fs:0x10 holds %#x (its own address)")
      :format(sg.fs_base, string.unpack("<i8", tp:read{seg = "fs", off = 0x10, n = 8})))
print(("code runs with CS %#x (%s); GDT entry 6 of CPU 0: %s")
      :format(sg.cs.sel, sg.cs.kind, m:gdt(0)[7].kind))
tp:exit()

title("10. Hardware virtualization: *p = 42 inside a guest (seed 000: virtualization support)")
local vm = assert(m:vm{virt = "ept", ram = 16 << 20})
assert(vm:map(0x400000, 0x10000, "rw"))
m:explain(true)
local _, run = vm:write(0x400000, 42)
m:explain(false)
print(("%d EPT violations resolved (4 guest page-table frames, then the data frame), %d references over the %d tries;")
      :format(run.exits, run.refs, run.exits + 1))
print("with every entry in place, a cold 2-D walk of a 4-level guest on 4-level EPT reads 24")
local ept = vm:ept(0x10000)
print(("guest-physical 0x10000 is host-physical %#x (frame %#x, refcount %d)")
      :format(ept.hpa, ept.host_pfn, m:page(ept.host_pfn).refcount))
assert(vm:close())
-- The same store in a machine that is a guest: its kernel takes the #PF,
-- its hypervisor the EPT violations of the retried store.
local g = mmsim.machine{preset = "teaching", virt = "ept"}
local gp = g:spawn{name = "guest42"}
local ga = assert(gp:mmap{len = 4096, prot = "rw"})
print("*p = 42 in a machine with virt = \"ept\" (the guest kernel's and the host's steps):")
g:explain(function(line)
	if line:find("kernel do_anonymous_page") or line:find("VM exit") or line:find("host kernel") then
		print((line:gsub("^%s+", "  ")))
	end
end)
assert(gp:write(ga, 42, 4))
g:explain(false)
print(("the guest kernel's #PF, then %d EPT violations the host resolved")
      :format(g:hypervisor():info().exits_ept_violation))
g:close()

title("11. Past the MMU: caches, coherence, the store buffer, DRAM (seed 003 §2.5)")
-- A zen5 machine has its caches on: *p = 42 again, narrated from the
-- physical address on (the MMU's lines are left out here). The page fault's
-- kernel clears the page tables and the page through CPU 0's caches (from
-- DRAM), so the store the CPU re-executes finds its lines in the L1d.
local z = mmsim.machine{preset = "zen5", ram = "256M"}
local zp = z:spawn{name = "store42", core = 0}
local zt = assert(zp:thread{core = 1})
local zv = assert(zp:mmap{len = 4096, prot = "rw"})
local function past_mmu(f)
	z:explain(function(line)
		if line:find("store buffer") or line:find(" line 0x") or line:find("through its caches") then
			print((line:gsub("^%s+", "  ")))
		end
	end)
	f()
	z:explain(false)
end
print("*p = 42 (after its page fault):")
past_mmu(function() assert(zp:write(zv, 42, 4)) end)
print("*p = 43:")
past_mmu(function() assert(zp:write(zv, 43, 4)) end)
print("a thread on CPU 1 reads *p: the line moves between the cores (MOESI)")
past_mmu(function() assert(zt:read(zv, 4)) end)
local fx, fy = zv + 128, zv + 192            -- two flags, 0, on lines of their own
local r = z:interleave{ {zp, "store", fx, 1}, {zt, "store", fy, 1}, {zp, "load", fy}, {zt, "load", fx} }
print(("store buffering: each thread stores its flag, then loads the other's: %d and %d"):format(r[1], r[2]))
print("(x86-TSO lets both loads pass the stores still in the buffers; an MFENCE forbids it)")
print("(docs/caches.md; examples/false_sharing.lua; `mmsim explain --machine zen5 examples/store42.lua`)")
z:close()

title("12. Huge pages: one TLB entry for 512 pages (seed 003 §7.1)")
local hm = mmsim.machine{ram = "256M"}
local hp = hm:spawn{name = "huge"}
local function reads(advice)
  local a = assert(hp:mmap{len = 32 << 20, prot = "rw"})
  assert(hp:madvise(a, 32 << 20, advice))
  local f0 = hp:stats().minflt
  assert(hp:touch(a, 32 << 20, "w"))
  local faults, w0, seed = hp:stats().minflt - f0, hm:stats().walks, 7
  for _ = 1, 2000 do
    seed = (seed * 1103515245 + 12345) % 2147483648
    assert(hp:read(a + (seed % (4 << 20)) * 8, 1))
  end
  print(("%-10s %5d faults for 32 MiB, %4d page walks for 2000 random reads"):format(
    advice == "hugepage" and "THP:" or "4 KiB:", faults, hm:stats().walks - w0))
end
reads("nohugepage")
reads("hugepage")
print("(examples/hugepages.lua compares walks, STLB misses and cycles on two machines)")
hm:close()

title("13. NUMA: first touch and remote memory (seed 003 §7.2)")
local nm = mmsim.machine{preset = "sapphire-rapids-2s", ram = "512M", caches = 1,
                         ["l2.size"] = "256K", ["l3.size"] = "960K",   -- small caches: reads reach memory
                         ["lfb.entries"] = 1}                           -- latency: one miss at a time
local np = nm:spawn{name = "numa", core = 0}
local nt = np:thread{core = 4}
local na = assert(np:mmap{len = 4 << 20, prot = "rw"})
assert(np:touch(na, 4 << 20, "w"))           -- core 0 touches first: node 0
print(("core 0 (node 0) wrote 4 MiB first: numa_maps %s"):format(
  np:numa_maps():match(("%x[^\n]*"):format(na)):match("N%d=%d+")))
local function line_cost(t)
  local core, s0 = t:info().core, nm:stats()
  assert(t:read(na, 4 << 20))
  local c0, c1 = s0["cpu" .. core], nm:stats()["cpu" .. core]
  return (c1.cycles - c0.cycles) / (4 << 20 >> 6), c1.mem.dram.remote - c0.mem.dram.remote
end
local lc = line_cost(np:thread{core = 1})
local rc, remote = line_cost(nt)
print(("reading it: %.0f cycles a line from core 1 (node 0), %.0f from core 4 (node 1: %d remote reads, distance 21)")
      :format(lc, rc, remote))
print("(examples/numa.lua; docs/numa.md)")
nm:close()

title("14. Files and the page cache: programs share their text, a cold file faults in")
-- A program is a file of the disk ("/usr/bin/NAME"): two processes of it
-- map the same text page. A file written, synced and dropped from the page
-- cache is read through a mapping: the first fault reads ahead from the
-- device (major), the rest find the page cache (minor).
local fm = mmsim.machine{ram = "256M", read_ahead_kb = 64}
local f1, f2 = fm:spawn{name = "editor"}, fm:spawn{name = "editor"}
local text = tonumber(f1:maps():match("\n(%x+)%-%x+ r%-xp"), 16)
assert(f1:read(text, 1) and f2:read(text, 1))
print(f1:maps():match("[^\n]*r%-xp[^\n]*"))
print(("its text page is mapped by both: kpagecount %d, Pss %s kB of Rss %s kB"):format(
  fm:kpagecount(f1:pagemap(text)[1].pfn), f1:smaps():match("r%-xp.-\nPss:%s+(%d+)"),
  f1:smaps():match("r%-xp.-\nRss:%s+(%d+)")))
local fd = assert(f1:open("/data", "rdwr|creat"))
assert(f1:pwrite(fd, string.rep("x", 1 << 20), 0) and f1:fsync(fd) == 0)
assert(f1:fadvise(fd, 0, 0, "dontneed") == 0)                 -- cold: only on the disk
local fa = assert(f1:mmap{len = 1 << 20, prot = "r", flags = "private", fd = fd})
fm:explain(function(line) if line:find("do_page_cache_ra") or line:find("do_read_fault") then print(line) end end)
assert(f1:read(fa, 1))                                         -- the first page: major
fm:explain(false)
assert(f1:touch(fa, 1 << 20, "r"))
local fs = f1:stats()
print(("1 MiB read through the mapping: %d major fault, %d minor (fault-around, readahead ahead)"):format(
  fs.majflt, fs.minflt))
print("(examples/file_mmap.lua: shared and private mappings, msync, truncate and SIGBUS)")
fm:close()

title("Where to go next")
print("examples/*.lua show each step in full; `mmsim explain SCRIPT` narrates everything;")
print("`mmsim shell` is a REPL; docs/user-guide.md maps the seeds' concepts to the API.")
print(("consistency check of the kernel: %d problems"):format(m:check()))

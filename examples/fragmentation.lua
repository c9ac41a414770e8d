-- External fragmentation and compaction (seed 003 section 4.2; seed 000:
-- "the kernel can move pages in physical memory (during compaction)").
--
-- A process fills the memory of a 64 MiB machine with pages, then frees
-- every other one. Half of memory is free again, but in single pages with a
-- used page between each two: /proc/buddyinfo has nothing above order 0 and
-- the unusable free space index for order 9 (the share of free memory in
-- blocks too small for 2 MiB) is 1.000. A request for 2 MiB of contiguous
-- frames (order 9) that may not wait for compaction fails, although 30 MiB
-- are free. Writing 1 to /proc/sys/vm/compact_memory compacts every zone:
-- the migration scanner walks up from the bottom of the zone and isolates
-- the used pages, the free scanner walks down from the top and isolates
-- free ones, and each used page migrates into a free one (its PTE points
-- to the new frame; the process never notices). The bottom of the zone is
-- left free, in whole pageblocks: the same request succeeds.
--
-- The same for a transparent huge page: with transparent_hugepage/defrag
-- set to never (no direct compaction in the fault), a write to 2 MiB of
-- MADV_HUGEPAGE memory falls back to a 4 KiB page (thp_fault_fallback);
-- after compaction the next 2 MiB gets a THP (thp_fault_alloc).

local m = mmsim.machine{preset = "teaching", cores = 1}
local P = 4096
local zone = "DMA32"

local function pageblocks()               -- free blocks of order 9 and 10, every zone
  local n = 0
  for _, z in ipairs{"DMA", "DMA32"} do
    local c = m:free_blocks(z)
    n = n + c[9] + c[10]
  end
  return n
end

local function line(path)                 -- this zone's line of a view
  return m:proc(path):match("[^\n]*zone%s+" .. zone .. " [^\n]*")
end

local function show(what)
  print(what)
  print("  buddyinfo:       " .. line("/proc/buddyinfo"))
  print("  unusable_index:  " .. line("/sys/kernel/debug/extfrag/unusable_index"))
  local free = tonumber(m:proc("/proc/meminfo"):match("MemFree:%s+(%d+)"))
  print(string.format("  MemFree %d kB", free))
end

-- Fill memory: touch pages until no free pageblock is left. Two 32 MiB
-- mappings: the overcommit heuristic refuses one as large as memory.
local p = m:spawn{name = "filler"}
local half = 32 << 20
local maps = {assert(p:mmap{len = half, prot = "rw"}), assert(p:mmap{len = half, prot = "rw"})}
local function addr(i) return maps[i * P // half + 1] + i * P % half end
local n = 0
m:drain_pages()
while pageblocks() > 0 do
  p:write(addr(n), string.pack("<I4", n))
  n = n + 1
  if n % 64 == 0 then m:drain_pages() end
end
-- Free every other page.
for i = 0, n - 1, 2 do assert(p:madvise(addr(i), P, "dontneed")) end
m:drain_pages()
show(string.format("%d pages touched, every other one freed:", n))

assert(m:set("kernel.mm.transparent_hugepage.defrag", "never"))
local t = m:spawn{name = "thp"}
local h = assert(t:mmap{len = 4 << 20, prot = "rw"})      -- 2 MiB-aligned
assert(t:madvise(h, 4 << 20, "hugepage"))
assert(t:write(h, "a"))
local function thp(what)
  print(string.format("%s: thp_fault_alloc %d, thp_fault_fallback %d, AnonHugePages %s kB", what,
                      m:vmstat("thp_fault_alloc"), m:vmstat("thp_fault_fallback"),
                      t:smaps():match(("%x-"):format(h) .. ".-AnonHugePages:%s+(%d+)")))
end
thp("a THP fault with no free 2 MiB block (defrag never)")

local pfn, err = m:alloc_pages(9, "GFP_NOWAIT")
print(string.format("alloc_pages(9, GFP_NOWAIT): %s (no free block of order 9 or more)", tostring(err)))
assert(not pfn)

local moved = m:vmstat("pgmigrate_success")
assert(m:set("vm.compact_memory", 1))
show("after echo 1 > /proc/sys/vm/compact_memory:")
print(string.format("  %d pages migrated, %d scanned by the migration scanner, %d by the free scanner",
                    m:vmstat("pgmigrate_success") - moved, m:vmstat("compact_migrate_scanned"),
                    m:vmstat("compact_free_scanned")))

assert(t:write(h + (2 << 20), "b"))
thp("the next 2 MiB after compaction")

pfn = assert(m:alloc_pages(9, "GFP_NOWAIT"))
print(string.format("alloc_pages(9, GFP_NOWAIT): pfn %#x, 2 MiB-aligned", pfn))
assert(pfn % 512 == 0)
assert(m:free_pages(pfn, 9))

-- The process never noticed: each page it kept holds its number.
for i = 1, n - 1, 2 do assert(string.unpack("<I4", p:read(addr(i), 4)) == i) end
print(string.format("the %d pages left still hold their numbers", n // 2))
assert(m:check() == 0)

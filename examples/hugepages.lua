-- Why huge pages exist (seed 003 §7.1; seed 000: "Transparent huge pages
-- ... reducing TLB misses"): the same random reads over 128 MiB of
-- anonymous memory, once with 4 KiB pages (MADV_NOHUGEPAGE) and once with
-- transparent huge pages (MADV_HUGEPAGE), on an Intel and a Zen 4 machine.
-- A 4 KiB page needs a TLB entry per 4 KiB: 128 MiB is 32768 of them, far
-- beyond the STLB, so nearly every read walks four levels. A 2 MiB page
-- covers 512 times more: 64 entries reach the whole 128 MiB, the walk
-- stops at the PMD, and the TLB keeps almost all of them.

local LEN, READS = 128 << 20, 10000

-- The hardware counter at a dotted path of m:stats().
local function stat(m, path)
  local v = m:stats()
  for key in path:gmatch("[^.]+") do v = v[key] end
  return v
end

local function run(preset, advice)
  local m = mmsim.machine{preset = preset, ram = "512M"}
  local p = m:spawn{name = advice}
  local a = assert(p:mmap{len = LEN, prot = "rw"})
  assert(p:madvise(a, LEN, advice))
  assert(p:touch(a, LEN, "w"))                       -- fault everything in first
  local faults = p:stats().minflt
  local before = {}
  for _, k in ipairs{"walks", "walk_refs", "tlb.l2.miss.4k", "tlb.l2.miss.2m", "cycles"} do
    before[k] = stat(m, k)
  end
  local seed = 12345
  for _ = 1, READS do                                 -- the same addresses both times
    seed = (seed * 1103515245 + 12345) % 2147483648
    assert(p:read(a + (seed % (LEN // 8)) * 8, 1))
  end
  local d = function(k) return stat(m, k) - before[k] end
  print(("  %-10s %6d faults to populate; per read: %5.3f walks, %5.2f walk references, "
         .. "%5.3f STLB misses, %6.1f cycles; AnonHugePages %s kB"):format(
    advice == "hugepage" and "THP" or "4 KiB", faults - 0, d("walks") / READS, d("walk_refs") / READS,
    (d("tlb.l2.miss.4k") + d("tlb.l2.miss.2m")) / READS, d("cycles") / READS,
    m:proc("/proc/meminfo"):match("AnonHugePages:%s+(%d+)")))
  m:close()
end

for _, preset in ipairs{"default", "zen4"} do
  print(("%s, %d random reads over %d MiB:"):format(preset, READS, LEN >> 20))
  run(preset, "nohugepage")
  run(preset, "hugepage")
end

-- hugetlbfs (seed 003 §7.1: 2 MiB and 1 GiB pages reduce the walk and
-- increase TLB reach): the same random reads over 1 GiB of memory with
-- 4 KiB pages, with transparent huge pages, and with one 1 GiB page from
-- the hugetlb pool (MAP_HUGETLB | MAP_HUGE_1GB), on an Intel and a Zen 4
-- machine. 1 GiB in 4 KiB pages is 262144 TLB entries; in 2 MiB pages 512,
-- more than the L1 dTLB holds; in one 1 GiB page a single PUD leaf, whose
-- walk is two levels long. The pools and the reservation show in meminfo.

local LEN, READS = 1 << 30, 4000
local MAP_HUGE_1GB = 30 << 26

-- One run: kind is "4k", "thp" or "1g".
local function run(preset, kind)
  local m = mmsim.machine{preset = preset, ram = "3G", nr_hugepages_1g = kind == "1g" and 1 or 0}
  local p = m:spawn{name = kind}
  local a
  if kind == "1g" then
    a = assert(p:mmap(0, LEN, "rw", MAP_HUGE_1GB | 0x40000 | 0x20 | 0x02))   -- hugetlb|anonymous|private
    local dir = "/sys/kernel/mm/hugepages/hugepages-1048576kB/"
    local function pool(f) return (m:proc(dir .. f):gsub("%s+$", "")) end
    print(("  the 1 GiB pool after mmap: nr_hugepages %s, free_hugepages %s, resv_hugepages %s; meminfo %s"):format(
      pool("nr_hugepages"), pool("free_hugepages"), pool("resv_hugepages"),
      m:proc("/proc/meminfo"):match("Hugetlb:%s+%d+ kB")))
  else
    a = assert(p:mmap{len = LEN, prot = "rw"})
    assert(p:madvise(a, LEN, kind == "thp" and "hugepage" or "nohugepage"))
  end
  local before_faults = p:stats().minflt
  assert(p:touch(a, LEN, "w"))
  local faults = p:stats().minflt - before_faults
  local before = m:stats()
  local seed = 12345
  for _ = 1, READS do
    seed = (seed * 1103515245 + 12345) % 2147483648
    assert(p:read(a + (seed % (LEN // 8)) * 8, 1))
  end
  local after = m:stats()
  local d = function(k) return after[k] - before[k] end
  print(("  %-5s %6d faults to populate; per read: %5.3f walks, %5.2f walk references, %6.1f cycles"):format(
    kind, faults, d("walks") / READS, d("walk_refs") / READS, d("cycles") / READS))
  m:close()
end

for _, preset in ipairs{"default", "zen4"} do
  print(("%s, %d random reads over 1 GiB:"):format(preset, READS))
  for _, kind in ipairs{"4k", "thp", "1g"} do run(preset, kind) end
end

-- The same address walked with 4-level and 5-level paging (seed 003,
-- sections 1.2 and 2.2; Q3).
--
-- With 4-level paging a virtual address has 48 significant bits: four
-- 9-bit indexes (PML4, PDPT, PD, PT) and a 12-bit offset. With 5-level
-- paging (CR4.LA57) a fifth level, PML5, takes bits 56-48. Below 47 bits
-- Linux keeps the same layout on both, so the same program maps the same
-- address; the walk has one more step. Addresses above 47 bits exist only
-- with 5 levels, and mmap hands them out only when asked to (a hint).
-- Q3 of seed 003: a process using one page needs one table per level, not
-- a giant flat table: the walk below touches exactly one entry per level.

local function show_walk(m, p, a)
  m:explain(function(line)
    if line:find("offset") or line:find("walk ") or line:find("physical") then print(line) end
  end)
  assert(p:read(a, 1))
  m:explain(false)
end

local machines = {}
for _, levels in ipairs{4, 5} do
  local m = mmsim.machine{ram = "256M", paging = levels}
  local p = m:spawn{name = "walker"}
  -- MAP_POPULATE: the kernel fills the page table now; the TLB stays cold.
  local a = assert(p:mmap{len = 4096, prot = "rw", flags = "private|anonymous|populate"})
  print(string.format("%d-level paging (the address space ends at %#x):", levels,
                      levels == 5 and (1 << 56) - 4096 or (1 << 47) - 4096))
  show_walk(m, p, a)
  print()
  machines[levels] = {m = m, p = p, a = a}
end
print(string.format("the same address on both machines: %s",
                    tostring(machines[4].a == machines[5].a)))
print()

local m5, p5 = machines[5].m, machines[5].p
local high = assert(p5:mmap{addr = 1 << 52, len = 4096, prot = "rw", flags = "private|anonymous|populate"})
print(string.format("5-level, with a hint above 47 bits: mmap returns %#x", high))
show_walk(m5, p5, high)
local low = assert(machines[4].p:mmap{addr = 1 << 52, len = 4096, prot = "rw"})
print(string.format("4-level, the same hint is ignored: mmap returns %#x", low))

-- A context switch with and without PCID (seed 003, section 3.2).
--
-- Two processes take turns on one core, each reading its own 16 pages.
-- Every switch loads the next process's page tables into CR3. Without
-- PCIDs that load flushes the TLB, so each turn starts cold and walks the
-- page tables again. With PCIDs the kernel gives each address space a tag
-- (Linux keeps 6 per core) and loads CR3 with the no-flush bit: both
-- processes' translations stay in the TLB, told apart by their tags.

local PAGES, ROUNDS = 16, 10

local function run(pcid)
  local m = mmsim.machine{ram = "256M", pcid = pcid}
  local a = m:spawn{name = "A", core = 0}
  local b = m:spawn{name = "B", core = 0}
  local len = PAGES * 4096
  local va = assert(a:mmap{len = len, prot = "rw", flags = "private|anonymous|populate"})
  local vb = assert(b:mmap{len = len, prot = "rw", flags = "private|anonymous|populate"})
  print(string.format("PCID %s:", pcid == 1 and "on" or "off"))
  for round = 1, ROUNDS do
    if round == 2 then       -- narrate one switch back to A
      m:explain(function(line)
        if line:find("context_switch") or line:find("load_new_mm_cr3") or line:find("MOV to CR3") then
          print(line)
        end
      end)
    end
    assert(a:touch(va, len, "r"))
    m:explain(false)
    assert(b:touch(vb, len, "r"))
  end
  local sa, sb = a:stats(), b:stats()
  print(string.format("  A: %d reads, %d TLB hits, %d page walks", sa.accesses, sa.tlb.hit, sa.walks))
  print(string.format("  B: %d reads, %d TLB hits, %d page walks", sb.accesses, sb.tlb.hit, sb.walks))
  local ms = m:stats()
  print(string.format("  CR3 loads that flushed: %d, that kept the TLB: %d", ms.cr3_flush, ms.cr3_noflush))
  print()
  return sa.walks + sb.walks
end

local with, without = run(1), run(0)
print(string.format("page walks: %d with PCID, %d without (%.0fx as many)", with, without, without / with))

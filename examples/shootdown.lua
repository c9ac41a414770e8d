-- A TLB shootdown between two threads on two cores (seed 003, Q2).
--
-- Two threads of one process run on cores 0 and 1; both have read a page,
-- so both cores' TLBs hold its translation. Thread 0 then makes the page
-- read-only. Changing the PTE is not enough: core 1 would keep writing
-- through its cached, writable translation. So the kernel invalidates the
-- entry on its own core (INVLPG) and sends an inter-processor interrupt to
-- every other core where the address space is live; each flushes the entry
-- too (Linux: flush_tlb_mm_range, flush_tlb_func). The counters
-- nr_tlb_remote_flush and nr_tlb_remote_flush_received of /proc/vmstat
-- count them, and the IPI's cost shows in the cost model's cycles.

local m = mmsim.machine{ram = "256M", cores = 2}
local t0 = m:spawn{name = "threads", core = 0}
local t1 = t0:thread{core = 1}
local page = assert(t0:mmap{len = 4096, prot = "rw"})
assert(t0:write(page, "shared"))
assert(t1:read(page, 6))               -- core 1 caches the translation too
print(string.format("threads %d (CPU 0) and %d (CPU 1) both use %#x", t0.pid, t1.pid, page))

local sent, received = m:vmstat("nr_tlb_remote_flush"), m:vmstat("nr_tlb_remote_flush_received")
print("thread 0: mprotect(page, 4096, PROT_READ)")
m:explain(function(line)
  if line:find("kernel ") or line:find("INVLPG") then print(line) end
end)
assert(t0:mprotect(page, 4096, "r"))
m:explain(false)
print(string.format("shootdowns sent: %d, received: %d", m:vmstat("nr_tlb_remote_flush") - sent,
                    m:vmstat("nr_tlb_remote_flush_received") - received))

print("thread 1 writes to the page:")
local ok, fault = t1:write(page, "X")
print(string.format("  %s: %s (%s) -- core 1 no longer has the writable translation",
                    ok and "it worked?!" or "it faulted", fault and fault.signal, fault and fault.code))

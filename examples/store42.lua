-- *p = 42, from the store to the frame (seed 003, section 2.5).
--
-- A C program does:   int *p = malloc(sizeof *p);   *p = 42;
-- malloc has reserved virtual memory (here an mmap, as glibc does for a
-- fresh arena); nothing is behind it yet. The store is handed to the MMU,
-- which misses in every TLB, walks the four levels of page tables from CR3,
-- finds no page table entry, and raises a page fault. The kernel finds the
-- VMA, allocates a zeroed frame from the buddy allocator, writes the PTE and
-- returns; the CPU re-executes the store, which now walks to the new PTE,
-- fills the TLBs and writes 42 into the frame. A second store hits the TLB.
--
-- Run it:   mmsim run examples/store42.lua   (add --machine teaching for a
-- smaller machine, or use `mmsim explain` to narrate everything it does).

local m = mmsim.machine{ram = "256M"}
local p = m:spawn{name = "store42", core = 0}

-- malloc: reserve a page of virtual memory; no frame, no PTE yet.
local heap = assert(p:mmap{len = 4096, prot = "rw", flags = "private|anonymous"})
local ptr = heap + 0x10
print(string.format("p = %#x (reserved by mmap; nothing maps it yet)", ptr))
print(string.format("minor faults so far: %d", p:stats().minflt))
print()

-- *p = 42, narrated step by step by the machine itself.
print("*p = 42:")
m:explain(function(line) print(line) end)
assert(p:write(ptr, 42, 4))
m:explain(false)
print()

local pa = p:virt_to_phys(ptr)
print(string.format("the store landed at physical address %#x (frame %#x, offset %#x)",
                    pa, pa >> 12, pa & 0xfff))
print(string.format("reading it back: %d", p:read(ptr, 4):byte()))
print(string.format("minor faults: %d (one, for the first touch)", p:stats().minflt))
print()

-- A second store to the same page: the translation is in the TLB now.
print("*p = 43:")
m:explain(function(line) print(line) end)
assert(p:write(ptr, 43, 4))
m:explain(false)
local s = p:stats()
print()
print(string.format("this process: %d translations, %d TLB hits, %d page walks, %d page faults",
                    s.accesses, s.tlb.hit, s.walks, s.page_faults))

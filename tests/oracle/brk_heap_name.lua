-- maps names "[heap]" a VMA that overlaps [start_brk, brk) (Linux:
-- vma_is_initial_heap, strict bounds): neither a mapping placed at the
-- start of an empty heap nor one that starts at the break is the heap.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local b = p:brk()
local a = assert(p:mmap{addr = b, len = 3 * P, prot = "r", flags = "private|anonymous|fixed_noreplace"})
mmsim.checkpoint("at the start of an empty heap")
p:munmap(a, 3 * P)
p:brk(b + 2 * P)
local c = assert(p:mmap{addr = b + 2 * P, len = 2 * P, prot = "r", flags = "private|anonymous|fixed_noreplace"})
mmsim.checkpoint("at the break")

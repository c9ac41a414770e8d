-- fork copies the page tables of a VMA that needs them (VM_PFNMAP such as
-- [vvar], anonymous memory) by allocating the child's page table wherever
-- the parent has one, before looking at its entries (Linux:
-- copy_pte_range): a read fault next to [vvar] gives the parent a page
-- table there, and the child gets one too, empty, through [vvar]. VmPTE,
-- which the states compare, shows it.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 2 * P, prot = "r"})      -- below [vvar], in its 2 MiB
p:touch(a, P, "r")                                      -- the zero page: no anon_vma
local c = assert(p:fork())
mmsim.checkpoint("forked", { "VmPTE" })
c:read(a, 1)
local b = assert(p:mmap{addr = 0x300000000, len = 2 * P, prot = "r", flags = "private|anonymous|fixed"})
p:touch(b, P, "r")                                      -- nothing there needs copying
local d = assert(p:fork())
mmsim.checkpoint("second fork", { "VmPTE" })

-- Shared anonymous memory swaps through its shmem object: MADV_PAGEOUT
-- unmaps the pages and writes them to swap, the object keeps the swap
-- entries, the PTEs are left empty: pagemap shows the pages not present
-- (no bit 62), smaps Swap counts them, SwapPss is 0 and VmSwap leaves them
-- out. A read brings a page back from the object (a major fault).
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:touch(a, 16 * P, "w"))
p:madvise(a, 8 * P, "pageout")
mmsim.checkpoint("paged out", {"VmSwap"})
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:read(a, 1)
mmsim.checkpoint("read", {"VmSwap"})

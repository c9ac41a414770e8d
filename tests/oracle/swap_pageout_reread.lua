-- MADV_PAGEOUT sends private anonymous pages to swap at once: their PTEs
-- become swap entries (pagemap bit 62), smaps Swap and VmSwap count them.
-- The pages here are dirty but all zeros, so Linux writes nothing (the
-- swap device's zero map notes them: swpout_zero) and reads them back
-- without I/O. Each fault that finds its page in the swap cache is minor,
-- each that reads is major and reads ahead. How far ahead depends on the
-- host: with a rotational swap device Linux reads the aligned block of
-- slots around the fault (swap_cluster_readahead), sized from system-wide
-- history (swapin_nr_pages' last offset, window and hits), and where the
-- slots lie on the device differs between runs; with VMA readahead a data
-- page's read may still be in flight when the next fault finds it, which
-- then counts as major on its retry. So the reads' split between major and
-- minor faults is not compared (tolerate_faults), their sum and the states
-- are. A page read back keeps its slot while swap is less than half full;
-- a write then drops the slot, and paging the written pages out again
-- writes them to the device.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 32 * P, prot = "rw"})
assert(p:madvise(a, 32 * P, "nohugepage"))
assert(p:madvise(a, 32 * P, "populate_write"))
p:madvise(a, 16 * P, "pageout")
mmsim.checkpoint("paged out", {"VmSwap"})
mmsim.tolerate_faults(16, "the host's readahead depends on its history, its slots and reads in flight")
p:touch(a, 16 * P, "r")
mmsim.checkpoint("read back", {"VmSwap"})
p:madvise(a, 16 * P, "pageout")
mmsim.tolerate_faults(4, "the host's readahead depends on its history, its slots and reads in flight")
p:touch(a + 4 * P, 4 * P, "w")
mmsim.checkpoint("written", {"VmSwap"})
p:madvise(a, 32 * P, "pageout")
mmsim.checkpoint("paged out again", {"VmSwap"})
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:read(a + 4 * P, 1)
mmsim.checkpoint("read again", {"VmSwap"})

-- mprotect keeps swap entries: a read-only range of swapped pages still
-- counts in VmSwap, a read brings a page back read-only (a major fault), a
-- write to it is SIGSEGV, and after PROT_READ|PROT_WRITE again a write
-- to a swapped page needs one fault.
local m = mmsim.machine{swap = "64M"}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 16 * P, prot = "rw"})
assert(p:madvise(a, 16 * P, "nohugepage"))
assert(p:touch(a, 16 * P, "w"))
p:madvise(a, 16 * P, "pageout")
p:mprotect(a, 16 * P, "r")
mmsim.checkpoint("read-only", {"VmSwap"})
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:read(a + 4 * P, 1)
p:write(a + 4 * P, "x")
p:mprotect(a, 16 * P, "rw")
p:madvise(a, 16 * P, "pageout")
mmsim.tolerate_faults(1, "the host's readahead depends on its history, its slots and reads in flight")
p:write(a + 12 * P, "y")
mmsim.checkpoint("written", {"VmSwap"})

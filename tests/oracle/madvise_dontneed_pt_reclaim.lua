-- MADV_DONTNEED frees the page table of every whole, aligned 2 MiB block it
-- empties (Linux 6.18 with CONFIG_PT_RECLAIM, x86-64's default: the end of
-- zap_pte_range): VmPTE in /proc/PID/status drops 4 kB per block, 128 kB
-- for 64 MiB, and the next fault there allocates one again. A zap of part
-- of a block, one not aligned, MADV_FREE and a block shared by two VMAs
-- keep their tables. The states compare VmPTE of /proc/PID/status.
-- (MADV_COLD on an empty VMA drains the host's per-CPU lazy-free batch
-- before a state, as in madvise_free.lua.)
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local MB = 1 << 20
local PT = { "VmPTE" }                 -- each state compares the page tables too
local drain = assert(p:mmap{len = 4096, prot = "r"})
local r = assert(p:mmap{len = 80 * MB, prot = "rw"})
local a = (r + 2 * MB - 1) & ~(2 * MB - 1)
p:touch(a, 64 * MB, "w")
mmsim.checkpoint("touched", PT)
p:madvise(a, 2 * MB, "dontneed")                  -- one block: -4 kB
mmsim.checkpoint("one block", PT)
p:madvise(a + 2 * MB + 4096, 2 * MB, "dontneed")  -- not aligned: parts of two blocks
p:madvise(a + 6 * MB, MB, "dontneed")             -- half a block
p:madvise(a + 8 * MB, 2 * MB, "free")             -- MADV_FREE zaps nothing
-- (about one run in ten the host still showed one page of that block young
-- (Referenced +4 kB); a read of the block makes all of them young on both sides)
p:touch(a + 8 * MB, 2 * MB, "r")
p:madvise(drain, 4096, "cold")
mmsim.checkpoint("partial", PT)
p:touch(a, 1, "w")                                -- a fault there: a new table
mmsim.checkpoint("refault", PT)
p:mprotect(a + 11 * MB, 2 * MB, "r")              -- blocks 5 and 6 split between VMAs
p:madvise(a + 10 * MB, 4 * MB, "dontneed")
mmsim.checkpoint("split", PT)
p:madvise(a + 16 * MB, 48 * MB, "dontneed")       -- 24 blocks
mmsim.checkpoint("48M", PT)
p:madvise(a, 64 * MB, "dontneed")
mmsim.checkpoint("64M", PT)
p:touch(a + 4 * MB, 1, "r")
p:madvise(a, 64 * MB, "dontneed")                 -- again: a table with the zero page goes too
mmsim.checkpoint("again", PT)

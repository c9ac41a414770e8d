-- /proc/PID/numa_maps on one node (Linux: show_numa_map): a private
-- anonymous region written in part and read in part (the zero page counts
-- nothing), the heap, shared anonymous memory (file=/dev/zero (deleted),
-- mapped= pages), a transparent huge page (512 pages at once), and
-- status's Mems_allowed. The checkpoints compare each VMA's numa_maps line.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
assert(p:touch(a, 3 * P, "w"))
assert(p:touch(a + 4 * P, 2 * P, "r"))
mmsim.checkpoint("private anonymous", {"numa_maps", "Mems_allowed", "Mems_allowed_list"})
local b = p:brk()
p:brk(b + 4 * P)
assert(p:touch(b, 2 * P, "w"))
local s = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
assert(p:touch(s, 2 * P, "w"))
local f = p:fork()
assert(f:touch(s + 2 * P, P, "w"))
mmsim.checkpoint("heap and shared anonymous, shared with a child", {"numa_maps"})
local H = 2 << 20
local h = assert(p:mmap{len = 2 * H, prot = "rw"})
local ha = (h + H - 1) & ~(H - 1)
assert(p:madvise(ha, H, "hugepage"))
assert(p:touch(ha, P, "w"))
mmsim.checkpoint("a transparent huge page", {"numa_maps"})

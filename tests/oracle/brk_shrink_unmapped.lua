-- brk shrinks only when something is mapped between the new and the old
-- break (Linux's brk: vma_find of [newbrk, oldbrk)); over an unmapped
-- heap it returns the old break and changes nothing. Whatever is mapped
-- there, the heap or not, is unmapped by a shrink.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local b = p:brk()
p:brk(b + 8 * P)
p:munmap(b + 4 * P, 4 * P)
p:brk(b + 6 * P)
mmsim.checkpoint("half unmapped")
p:brk(b + 2 * P)
mmsim.checkpoint("shrunk")
p:munmap(b, 2 * P)
p:brk(b + P)
local a = assert(p:mmap{addr = b + P, len = P, prot = "r", flags = "private|anonymous|fixed"})
p:brk(b)
mmsim.checkpoint("a mapping in the heap")
p:brk(b + 3 * P)

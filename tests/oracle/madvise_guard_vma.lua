-- Guard regions and the VMAs around them. VM_MAYBE_GUARD ("gu") never
-- keeps VMAs apart and a merge keeps it (a sticky flag), but a guard
-- install gives an anonymous VMA its anon_vma, and two VMAs with different
-- anon_vmas do not merge. mremap moves the markers with the pages; munmap
-- drops them. mlock and MADV_POPULATE stop at a guard page: ENOMEM and
-- EFAULT, the pages before it faulted in, the VMA locked anyway.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local function fixed(addr, pages, prot) return assert(p:mmap{addr = addr, len = pages * P, prot = prot,
                                                             flags = "private|anonymous|fixed"}) end
-- install then remove, then a neighbour: one VMA, with "gu"
local y = assert(p:mmap{len = 2 * P, prot = "rw"})
p:madvise(y, P, "guard_install")
p:madvise(y, P, "guard_remove")
fixed(y - 2 * P, 2, "rw")
-- mprotect merges a plain VMA into a guarded one
local b = fixed(0x320000000, 2, "r")
local b2 = fixed(0x320002000, 2, "rw")
p:madvise(b2, P, "guard_install")
p:mprotect(b, 2 * P, "rw")
-- mprotect splits a guarded VMA: both parts keep "gu"
local s = fixed(0x330000000, 4, "rw")
p:madvise(s, P, "guard_install")
p:mprotect(s + 2 * P, 2 * P, "r")
-- two guarded VMAs have anon_vmas of their own: no merge
local g1 = fixed(0x300000000, 2, "r")
local g2 = fixed(0x300002000, 2, "rw")
p:madvise(g1, P, "guard_install")
p:madvise(g2, P, "guard_install")
p:mprotect(g1, 2 * P, "rw")
mmsim.checkpoint("merges")
-- mremap carries the markers
local mv = assert(p:mmap{len = 4 * P, prot = "rw"})
p:touch(mv, 4 * P, "w")
p:madvise(mv + P, P, "guard_install")
local nv = p:mremap(mv, 4 * P, 4 * P, "maymove|fixed", 0x340000000)
p:mremap(nv, 4 * P, 8 * P, "maymove")
-- munmap drops them
p:munmap(nv + P, P)
fixed(nv + P, 1, "rw")
p:touch(nv + P, P, "w")
mmsim.checkpoint("moved")
-- mlock and populate stop at a guard page
local g = assert(p:mmap{len = 4 * P, prot = "rw"})
p:madvise(g + P, P, "guard_install")
p:mlock(g, 4 * P)
local h = assert(p:mmap{len = 4 * P, prot = "rw"})
p:madvise(h + 2 * P, P, "guard_install")
p:madvise(h, 4 * P, "populate_read")
p:madvise(h, 4 * P, "populate_write")
mmsim.checkpoint("populated")

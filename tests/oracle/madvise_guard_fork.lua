-- Guard markers survive fork: a VMA with VM_MAYBE_GUARD has its page
-- tables copied (Linux: vma_needs_copy, VM_COPY_ON_FORK), even when it has
-- no anonymous pages, so the child has the markers (and, for shared
-- memory, the parent's mapped pages, without faulting). The child dies of
-- a guard page as the parent would.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local untouched = assert(p:mmap{len = 4 * P, prot = "rw"})
p:madvise(untouched + P, 2 * P, "guard_install")
local private = assert(p:mmap{len = 4 * P, prot = "rw"})
p:touch(private, 4 * P, "w")
p:madvise(private + 3 * P, P, "guard_install")
local shared = assert(p:mmap{addr = 0x300000000, len = 4 * P, prot = "rw", flags = "shared|anonymous|fixed"})
p:touch(shared, 4 * P, "w")
p:madvise(shared + P, P, "guard_install")
local plain = assert(p:mmap{addr = 0x300010000, len = 4 * P, prot = "rw", flags = "shared|anonymous|fixed"})
p:touch(plain, 4 * P, "w")
local c = assert(p:fork())
mmsim.checkpoint("forked")
c:read(shared, 1)                                   -- mapped already: no fault
c:read(plain, 1)                                    -- not copied: a fault
c:read(private, 1)
c:madvise(untouched + P, P, "guard_remove")
c:write(untouched + P, "child")
mmsim.checkpoint("child")
c:read(untouched + 2 * P, 1)                        -- SIGSEGV
c = assert(p:fork())
c:write(shared + P, "x")                            -- SIGSEGV
p:read(shared + P - 2, 2)

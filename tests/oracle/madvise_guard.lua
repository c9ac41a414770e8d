-- MADV_GUARD_INSTALL (Linux 6.13) puts a guard marker in each page table
-- entry of the range: no VMA split, pagemap says swapped and guard region
-- (bits 62 and 58), smaps VmFlags says "gu" for the whole VMA (this host's
-- 6.18 sets VM_MAYBE_GUARD and never clears it), an access is SIGSEGV with
-- SEGV_MAPERR. Pages mapped in the range are zapped; MADV_DONTNEED,
-- MADV_FREE and mprotect leave the markers; MADV_GUARD_REMOVE takes them
-- away, and only them. Locked, special (vDSO) memory: EINVAL.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local drain = assert(p:mmap{len = P, prot = "r"})   -- MADV_COLD drains lazy-free batches
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:madvise(a + 2 * P, 3 * P, "guard_install")        -- on empty entries: a page table, no fault
mmsim.checkpoint("installed")
p:touch(a, 2 * P, "w")
p:pagemap(a, 8)
local c = assert(p:fork())
c:read(a + 2 * P, 1)                                -- SIGSEGV, SEGV_MAPERR
c = assert(p:fork())
c:write(a + 4 * P + 8, 42, 8)
-- over populated pages: they are zapped
local b = assert(p:mmap{len = 8 * P, prot = "rw"})
p:touch(b, 8 * P, "w")
p:madvise(b + 2 * P, 3 * P, "guard_install")
mmsim.checkpoint("zapped")
p:madvise(b, 8 * P, "dontneed")                     -- the markers stay
p:touch(b, 2 * P, "w")
p:madvise(b, 8 * P, "free")
p:madvise(drain, P, "cold")
p:mprotect(b, 8 * P, "r")
mmsim.checkpoint("kept")
p:mprotect(b, 8 * P, "rw")
p:madvise(b + 3 * P, P, "guard_remove")             -- one marker goes, "gu" stays
p:read(b + 3 * P, 1)
p:write(b + 3 * P, "back")
mmsim.checkpoint("removed one")
p:madvise(b, 8 * P, "guard_remove")
mmsim.checkpoint("removed all")
-- zero-page entries are zapped too; a second install changes nothing
local z = assert(p:mmap{len = 4 * P, prot = "r"})
p:touch(z, 4 * P, "r")
p:madvise(z, 2 * P, "guard_install")
p:madvise(z, 4 * P, "guard_install")
-- where it is refused, and where not
local l = assert(p:mmap{len = 2 * P, prot = "rw"})
p:mlock(l, 2 * P)
p:madvise(l, P, "guard_install")                    -- locked: EINVAL
p:madvise(l, P, "guard_remove")                     -- removing is fine
local o = assert(p:mmap{len = 2 * P, prot = "rw"})
p:mlock2(o, 2 * P, "onfault")
p:madvise(o, P, "guard_install")
local n = assert(p:mmap{len = 2 * P, prot = "none"})
p:madvise(n, P, "guard_install")
local s = assert(p:mmap{len = 2 * P, prot = "rw", flags = "shared|anonymous"})
p:madvise(s, P, "guard_install")
p:madvise(n - 100 * P, 102 * P, "guard_install")    -- a hole: ENOMEM, the rest guarded
p:madvise(a + 1, P, "guard_install")
p:madvise(a, 0, "guard_install")
for line in p:maps():gmatch("[^\n]+") do
  if line:find("%[vdso%]") then p:madvise(tonumber(line:match("^%x+"), 16), P, "guard_install") end
end
mmsim.checkpoint("refusals")

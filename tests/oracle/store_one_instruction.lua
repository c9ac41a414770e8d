-- A store of 1, 2, 4 or 8 bytes is one x86 instruction (a MOV): when it
-- straddles two pages and the second faults, nothing is stored, not even
-- the bytes of the first page (the CPU translates both before it stores).
-- A longer string write is a copy loop, as memcpy: the bytes before the
-- faulting page land. The writer is a child; its parent sees the bytes
-- through shared memory. The fault is reported at the second page.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local s = assert(p:mmap{len = 4 * P, prot = "rw", flags = "shared|anonymous"})
p:write(s, string.rep("\xaa", 4 * P))
local function child_writes(at, ...)
  local c = assert(p:fork())
  c:mprotect(s + P, P, "r")                   -- the child's second page is read-only
  c:munmap(s + 3 * P, P)                      -- and its fourth unmapped
  c:write(at, ...)
  c:alive()
end
child_writes(s + P - 4, 0x1122334455667788, 8)    -- into the read-only page
p:read(s + P - 8, 8)
child_writes(s + P - 2, 0x1234, 4)
child_writes(s + P - 1, 0x12, 2)
child_writes(s + P - 4, "abcdefgh")               -- 8 bytes: one instruction too
p:read(s + P - 8, 16)
child_writes(s + P - 4, "0123456789")             -- 10 bytes: a copy loop
p:read(s + P - 8, 16)
child_writes(s + 3 * P - 4, 0x55aa55aa55aa55aa)   -- into the unmapped page
p:read(s + 3 * P - 8, 8)
child_writes(s + 3 * P - 3, "xyzxyz")
p:read(s + 3 * P - 8, 8)
-- a load straddling into the unmapped page faults at the page
local c = assert(p:fork())
c:munmap(s + 3 * P, P)
c:read(s + 3 * P - 4, 8)
c = assert(p:fork())
c:munmap(s + 3 * P, P)
c:read_u64(s + 3 * P - 2)
mmsim.checkpoint("written")

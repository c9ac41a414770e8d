-- Fault-around on shared memory (Linux: do_fault_around): a read fault maps
-- the cached pages of a window of fault_around_bytes (64 KiB, 16 pages).
-- The window starts at the fault's 16-page boundary or, when the VMA
-- starts after that, at the VMA's start, and ends 16 pages after its start,
-- clamped to the VMA and to the page table. A child reading 16 pages its
-- parent wrote, in a VMA that starts mid-window, faults once.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local function written(addr, pages)
  local s = assert(p:mmap{addr = addr, len = pages * P, prot = "rw", flags = "shared|anonymous|fixed"})
  p:touch(s, pages * P, "w")
  return s
end
local a = written(0x300008000, 16)      -- starts 8 pages into a window
local b = written(0x300108000, 32)      -- starts 8 pages into a window, 32 pages
local c = written(0x3001f8000, 16)      -- 8 pages before the end of a page table
local d = written(0x300403000, 5)       -- shorter than a window
local e = written(0x300500000, 40)      -- aligned
local k = assert(p:fork())
k:touch(a, 16 * P, "r")                 -- Linux: one fault
k:touch(b + 20 * P, P, "r")             -- the fault's window: pages 8 to 23
mmsim.checkpoint("b")
k:touch(b, 32 * P, "r")
k:touch(c, 16 * P, "r")                 -- two faults: the window stops at the table's end
k:touch(d + 3 * P, P, "r")
k:touch(e + 37 * P, 3 * P, "r")
mmsim.checkpoint("read")
-- the parent's mlock of pages a child wrote: one fault maps the window
local f = assert(p:mmap{addr = 0x300608000, len = 16 * P, prot = "rw", flags = "shared|anonymous|fixed"})
local w = assert(p:fork())
w:touch(f, 16 * P, "w")
p:mlock(f + 3 * P, 9 * P)
mmsim.checkpoint("locked")

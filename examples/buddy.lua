-- The buddy allocator: an order-2 request served from an order-4 block, and
-- the block coalescing back when it is freed (seed 003, section 4.1).
--
-- Free memory is kept in blocks of 2^order pages, one free list per order
-- (/proc/buddyinfo counts them). Asking for order 2 (16 KiB) when the
-- smallest free block is of order 4 (64 KiB) splits it: 64 -> 32 + 32, one
-- 32 KiB half goes on the order-3 list; 32 -> 16 + 16, one half on the
-- order-2 list, the other to the caller. Freeing the block finds its buddy
-- (pfn xor 2^order) free at each order and merges back up to 64 KiB.
--
-- A fresh machine has free blocks of every order, so the script first sets
-- aside (allocates and keeps) every free order-2 and order-3 block, to be
-- in the seed's situation. It works in the Movable blocks of the zone user
-- pages come from: Normal above 4 GiB; on this 256 MiB machine, DMA32.

local m = mmsim.machine{ram = "256M", cores = 1}
local GFP = "GFP_HIGHUSER_MOVABLE"
local zone = m:free_blocks("Normal") and "Normal" or "DMA32"

local function movable() return m:free_blocks(zone, "Movable") end
local function row(label)
  local c = movable()
  local cells = {}
  for o = 0, 10 do cells[#cells + 1] = string.format("%5d", c[o]) end
  print(string.format("  %-30s%s", label, table.concat(cells, " ")))
  return c
end

m:drain_pages()                       -- per-CPU lists back into the buddy lists
local held = {}
for order = 2, 3 do
  while movable()[order] > 0 do held[#held + 1] = {m:alloc_pages(order, GFP), order} end
end
if movable()[4] == 0 then held[#held + 1] = {m:alloc_pages(4, GFP), 4} end

local function buddyinfo()              -- this zone's line of /proc/buddyinfo
  return m:proc("/proc/buddyinfo"):match("[^\n]*zone%s+" .. zone .. " [^\n]*")
end

local head = {}
for o = 0, 10 do head[#head + 1] = string.format("%5d", o) end
print(string.format("free Movable blocks of zone %s by order:", zone))
print(string.format("  %-30s%s", "order", table.concat(head, " ")))
local before = row("before")
local info_before = buddyinfo()
local pfn = assert(m:alloc_pages(2, GFP))
local after = row("after alloc_pages(2)")
local info_after = buddyinfo()
print(string.format("  -> pfn %#x: order 4 lost a block (%d -> %d), orders 3 and 2 gained one each",
                    pfn, before[4], after[4]))
assert(after[4] == before[4] - 1 and after[3] == before[3] + 1 and after[2] == before[2] + 1)
print(string.format("  its buddies: order 2 at pfn %#x, order 3 at pfn %#x", pfn ~ 4, (pfn & ~7) ~ 8))
assert(m:free_pages(pfn, 2))
local back = row("after free_pages(2)")
for o = 0, 10 do assert(back[o] == before[o], "coalesced back") end
print("  -> the freed block merged with its free buddies: 16+16 -> 32, 32+32 -> 64 KiB")

local info_back = buddyinfo()
print()
print("/proc/buddyinfo (all migratetypes) around the allocation:")
print("  before: " .. info_before)
print("  after:  " .. info_after)
print("  freed:  " .. info_back)
for i = #held, 1, -1 do assert(m:free_pages(held[i][1], held[i][2])) end

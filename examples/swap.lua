-- Swap: a 64 MiB machine runs a 256 MiB working set (issue 12).
--
-- The process writes 256 MiB, four times the machine's memory. When free
-- memory falls below the low watermark, the allocator wakes kswapd, which
-- scans the inactive anonymous list from its tail: a page whose PTE has the
-- Accessed bit clear is unmapped from every process (try_to_unmap: the PTE
-- becomes a swap entry, x86-64's __swp_entry with the offset's bits
-- inverted), the TLBs of the CPUs that may cache it are flushed in one batch,
-- and the page is written to a slot of the swap device (pswpout). When
-- kswapd cannot keep up, the allocating task reclaims itself (direct
-- reclaim, allocstall). Reading a swapped page faults on the swap PTE:
-- do_swap_page reads the slot from the device, a major fault (majflt,
-- pgmajfault), and reads the following slots with it (swap readahead), so
-- a sequential reader finds the next pages in the swap cache (minor faults).

local m = mmsim.machine{ram = "64M", swap = "512M"}
io.write(m:proc("/proc/swaps"))

local p = m:spawn{name = "big"}
local pages = 256 * 256                         -- 256 MiB of 4 KiB pages
local a = assert(p:mmap{len = pages * 4096, prot = "rw"})
local function content(i) return ("%07x|"):format(i):rep(512) end   -- 4096 bytes naming the page

for i = 0, pages - 1 do assert(p:write(a + i * 4096, content(i))) end
print(("wrote 256 MiB: pswpout %d, pgsteal_kswapd %d, pgsteal_direct %d, allocstall_movable %d")
      :format(m:vmstat("pswpout"), m:vmstat("pgsteal_kswapd"), m:vmstat("pgsteal_direct"),
              m:vmstat("allocstall_movable")))

-- The first page went out long ago: its PTE is a swap entry, which the MMU
-- sees as not present and pagemap shows with bit 62, the type and the offset.
local e = p:pagemap(a)[1]
print(("pagemap of the first page: present %s, swapped %s, raw %#x: swap type %d, offset %#x")
      :format(e.present, e.swapped, e.raw, e.swap_type, e.swap_offset))
local status = p:status()
print(("VmRSS %s, VmSwap %s"):format(status:match("VmRSS:%s*(%d+ kB)"), status:match("VmSwap:%s*(%d+ kB)")))

-- One read of it, narrated: the swap PTE, the major fault, the readahead.
m:explain(function(line)
  if line:find("swap") or line:find("readahead") or line:find("major") then print(line) end
end)
assert(p:read(a, 1) == "0")
m:explain(false)

-- Every byte reads back.
local maj, pswpin = p:stats().majflt, m:vmstat("pswpin")
local wrong = 0
for i = 0, pages - 1 do
  if p:read(a + i * 4096, 4096) ~= content(i) then wrong = wrong + 1 end
end
print(("read 256 MiB back: %d pages differ; %d major faults, pswpin %d (readahead read the rest)")
      :format(wrong, p:stats().majflt - maj, m:vmstat("pswpin") - pswpin))
print(("swap_ra %d, swap_ra_hit %d; pswpout now %d"):format(m:vmstat("swap_ra"), m:vmstat("swap_ra_hit"),
      m:vmstat("pswpout")))
p:exit()
print(("after exit: SwapFree equals SwapTotal: %s; consistency check: %d problems")
      :format(tostring(m:proc("/proc/meminfo"):match("SwapTotal:%s*(%d+)") ==
                       m:proc("/proc/meminfo"):match("SwapFree:%s*(%d+)")), m:check()))

-- NUMA: first touch and the cost of remote memory (seed 003 §7.2: "CPU 0
-- is closer to RAM Bank 0 ... Accessing remote RAM can be slower.
-- First-Touch Policy: Linux generally allocates physical frames on the
-- node that first writes to the page"). A two-socket Sapphire Rapids
-- machine (with 512 MiB here): node 0 holds cores 0-3 and half the RAM,
-- node 1 cores 4-7 and the other half, 21 apart in the firmware's distance
-- table (10 is local). With the
-- memory hierarchy on, a read that misses every cache costs the DRAM
-- latency, 2.1 times that when the line lives on the other node.

local LEN = 16 << 20          -- 16 MiB: twice the caches, so reads reach memory

-- The latency: one miss in flight per core (lfb.entries = 1), as a pointer
-- chase has. With the preset's 16 fill buffers a sequential read overlaps
-- its misses and shows bandwidth, not latency.
local m = mmsim.machine{preset = "sapphire-rapids-2s", ram = "512M", caches = 1, ["lfb.entries"] = 1}
print(m:numa_hardware())

-- The N0=/N1= fields of numa_maps for the VMA at a.
local function nodes_of(p, a)
  local line = p:numa_maps():match(("%x[^\n]*"):format(a))
  return line:match("(N%d=%d+.-) kernelpagesize") or "(no pages)"
end

-- A process on core 0 writes 16 MiB: each page faults in on node 0.
local p = m:spawn{name = "first-touch", core = 0}
local a = assert(p:mmap{len = LEN, prot = "rw"})
assert(p:touch(a, LEN, "w"))
print(("pid %d on core 0 (node 0) wrote 16 MiB: numa_maps %s"):format(p.pid, nodes_of(p, a)))

-- Its thread on core 4 (node 1) writes another 16 MiB: node 1's pages.
local t4 = p:thread{core = 4}
local b = assert(p:mmap{len = LEN, prot = "rw"})
assert(t4:touch(b, LEN, "w"))
print(("its thread on core 4 (node 1) wrote another 16 MiB right below it (one VMA now): numa_maps %s")
      :format(nodes_of(p, b)))

-- Read the first region from a core of each node: the same 262144 lines,
-- from local or from remote memory.
local function read_from(t)
  local core, s0 = t:info().core, m:stats()
  assert(t:read(a, LEN))
  local s1 = m:stats()
  local c0, c1 = s0["cpu" .. core], s1["cpu" .. core]
  return c1.cycles - c0.cycles, c1.mem.dram.reads - c0.mem.dram.reads,
         c1.mem.dram.remote - c0.mem.dram.remote
end
local t1 = p:thread{core = 1}
local lc, lr = read_from(t1)
local rc, rr, rrem = read_from(t4)
print(("core 1 (node 0) reads the node-0 region: %d memory reads, %.0f cycles a line"):format(lr, lc / (LEN / 64)))
print(("core 4 (node 1) reads it:                %d memory reads (%d remote), %.0f cycles a line"):format(
  rr, rrem, rc / (LEN / 64)))
print(("remote costs %.2f times local (lat.dram %d, distance 21: 2.1 x lat.dram plus the DRAM's own timing)")
      :format(rc / lc, m:get("lat.dram")))
print("(memory policies, migrate_pages and NUMA balancing, which would move these pages, are not simulated yet)")
for n = 0, 1 do
  local s = m:proc("/sys/devices/system/node/node" .. n .. "/numastat")
  print(("node %d numastat: numa_hit %s, numa_miss %s, local_node %s, other_node %s"):format(n,
    s:match("numa_hit (%d+)"), s:match("numa_miss (%d+)"), s:match("local_node (%d+)"), s:match("other_node (%d+)")))
end
print(("consistency check: %d problems"):format(m:check()))
m:close()

-- NUMA machines (docs/numa.md): the node keys, first-touch placement by
-- the faulting core's node, fallback to the nearest node with numa_miss
-- and numa_foreign, and the views (numa_maps, /sys/devices/system/node,
-- m:numa_hardware). Linux's rules: Documentation/admin-guide/mm/
-- numa_memory_policy.rst (the default policy allocates on "the local
-- node"), mm/page_alloc.c zone_statistics (the counters).
local T = require "check"
local P = T.PAGE

-- The keys, and the errors of impossible topologies.
T.raises("node.mem: the nodes' sizes add up to 1073741824 bytes, but ram is 268435456", mmsim.machine,
	{ ram = "256M", nodes = 2, ["node.mem"] = "512M,512M" })
T.raises("node.cpus: node 0 needs a core", mmsim.machine, { ram = "256M", nodes = 2, ["node.cpus"] = "0,2" })
T.raises("node.distance: from node 0 to node 1 is 5", mmsim.machine,
	{ ram = "256M", nodes = 2, ["node.distance"] = "10,5" })
T.raises("nodes: '0' is not a number from 1 to 64", mmsim.machine, { nodes = 0 })

local m <close> = mmsim.machine({ ram = "512M", cores = 4, nodes = 2, ["node.distance"] = "10,31" })
T.eq(m:get("nodes"), 2, "m:get(nodes)")
T.eq(m:get("node.distance"), "10,31")
T.eq(m:proc("/sys/devices/system/node/online"), "0-1\n")
T.eq(m:proc("/sys/devices/system/node/node1/cpulist"), "2-3\n")
T.eq(m:proc("/sys/devices/system/node/node0/distance"), "10 31\n")
T.has(m:numa_hardware(), "available: 2 nodes (0-1)\nnode 0 cpus: 0 1\n")
T.has(m:numa_hardware(), "node 1 size: 256 MB\n")
T.has(m:numa_hardware(), "node distances:\nnode   0   1 \n  0:  10  31 \n  1:  31  10 \n")

-- First touch: the core that faults a page in decides its node.
local p = m:spawn({ name = "first", core = 1 })
local t = p:thread({ core = 2 })
local a = assert(p:mmap({ len = 16 * P, prot = "rw" }))
assert(p:touch(a, 8 * P, "w"))               -- core 1: node 0
assert(t:touch(a + 8 * P, 8 * P, "w"))       -- core 2: node 1
local line = p:numa_maps():match(string.format("%x[^\n]*", a))
T.has(line, " anon=16 dirty=16 active=0 N0=8 N1=8 kernelpagesize_kB=4", "numa_maps")
T.has(m:proc("/sys/devices/system/node/node1/numastat"), "numa_miss 0\n")
local hit1 = tonumber(m:proc("/sys/devices/system/node/node1/numastat"):match("numa_hit (%d+)"))
T.ok(hit1 >= 8, "node 1 served its 8 pages as hits")
T.has(p:status(), "Mems_allowed_list:\t0-1\n")
T.consistent(m, "two nodes")

-- A full node: the next one serves, and the counters say so.
local small <close> = mmsim.machine({ ram = "256M", cores = 2, nodes = 2, ["node.mem"] = "192M,64M" })
local q = small:spawn({ name = "fill", core = 1 })  -- core 1 is node 1's
local b = assert(q:mmap({ len = 96 << 20, prot = "rw" }))
assert(q:touch(b, 96 << 20, "w"))
local function ev(node, name)
	return tonumber(small:proc("/sys/devices/system/node/node" .. node .. "/numastat"):match(name .. " (%d+)"))
end
T.ok(ev(0, "numa_miss") > 0, "node 0 served what node 1 could not")
T.eq(ev(1, "numa_foreign"), ev(0, "numa_miss"), "each miss is a foreign on the preferred node")
T.eq(ev(0, "other_node"), ev(0, "numa_miss"), "served for a CPU of node 1: other")
local l = q:numa_maps():match(string.format("%x[^\n]*", b))
local n0, n1 = l:match(" N0=(%d+) N1=(%d+) ")
T.ok(tonumber(n0) > 0 and tonumber(n1) > 8000, "both nodes hold the region: " .. l)
T.consistent(small, "after the fallback")

-- Memory policies (mm/mempolicy.c): bind keeps pages on its nodes,
-- interleave spreads a VMA's pages by their offset, numa_maps names the policy.
local pm <close> = mmsim.machine({ ram = "256M", cores = 4, nodes = 4 })
local pp = pm:spawn({ name = "policy", core = 0 })
assert(pp:set_mempolicy("bind", { 2, 3 }))
local pa = assert(pp:mmap({ len = 8 * P, prot = "rw" }))
assert(pp:touch(pa, 8 * P, "w"))
local mode, mask = pp:get_mempolicy()
T.eq(mode, 2, "bind")
T.eq(mask, 12, "nodes 2 and 3")
T.has(pp:numa_maps(), string.format("%x bind:2-3 anon=8 dirty=8 active=0 N2=8 kernelpagesize_kB=4\n", pa))
assert(pp:set_mempolicy("interleave", 15))
local pb = assert(pp:mmap({ len = 8 * P, prot = "rw" }))
assert(pp:touch(pb, 8 * P, "w"))
-- (the new region merged with the first: its 8 bound pages stay on node 2)
T.has(pp:numa_maps(), string.format("%x interleave:0-3 anon=16 dirty=16 active=0 N0=2 N1=2 N2=10 N3=2 ", pb))
T.eq(pp:get_mempolicy({ flags = "addr|node", addr = pb + P }), ((pb >> 12) + 1) % 4, "page 1's node")
T.errno("EINVAL", pp:set_mempolicy("bind", { 7 }))
T.errno("EINVAL", pp:set_mempolicy("interleave|numa_balancing", { 0 }))
T.consistent(pm, "policies")

-- One node: numa_maps as Linux prints it for a private anonymous region.
local one <close> = mmsim.machine({ ram = "64M" })
local r = one:spawn({ name = "one" })
local c = assert(r:mmap({ len = 2 * P, prot = "rw" }))
assert(r:touch(c, P, "w"))
T.has(r:numa_maps(), string.format("%x default anon=1 dirty=1 active=0 N0=1 kernelpagesize_kB=4\n", c))
T.has(r:numa_maps(), " default stack anon=")
T.done()

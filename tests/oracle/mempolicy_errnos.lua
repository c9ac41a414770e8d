-- set_mempolicy(2) and get_mempolicy(2) on one node: Linux's argument
-- checks (mm/mempolicy.c: sanitize_mpol_flags, get_nodes, mpol_new,
-- do_get_mempolicy, copy_nodes_to_user). Node masks are read as maxnode - 1
-- bits; node 1 and up are offline here.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
p:set_mempolicy("default")
p:set_mempolicy("default", {0}, 2)
p:set_mempolicy("default", {}, 2)
p:set_mempolicy("default", {0}, 0)
p:set_mempolicy("bind", {0}, 0)
p:set_mempolicy("bind", {0}, 2)
p:set_mempolicy("bind", {0}, 1)
p:set_mempolicy("bind", {1}, 2)
p:set_mempolicy("bind", {1}, 3)
p:set_mempolicy("bind", {0, 1}, 3)
p:set_mempolicy("bind", {}, 64)
p:set_mempolicy("bind", nil, 64)
p:set_mempolicy("preferred", {}, 64)
p:set_mempolicy("preferred", {0}, 64)
p:set_mempolicy("preferred|static_nodes", {}, 64)
p:set_mempolicy("preferred|relative_nodes", {}, 64)
p:set_mempolicy("local")
p:set_mempolicy("local", {0}, 64)
p:set_mempolicy("local|static_nodes")
p:set_mempolicy("interleave", {0}, 64)
p:set_mempolicy("interleave", {1}, 64)
p:set_mempolicy("preferred_many", {0}, 64)
p:set_mempolicy("weighted_interleave", {0}, 64)
p:set_mempolicy(7, {0}, 64)
p:set_mempolicy("bind|static_nodes|relative_nodes", {0}, 64)
p:set_mempolicy("bind|numa_balancing", {0}, 64)
p:set_mempolicy("interleave|numa_balancing", {0}, 64)
p:set_mempolicy("preferred_many|numa_balancing", {0}, 64)
p:set_mempolicy("bind|static_nodes", {1}, 64)
p:set_mempolicy("bind|relative_nodes", {1}, 64)
p:set_mempolicy("bind", {0, 200}, 1025)
p:set_mempolicy("bind", {0}, 4097 * 8 + 1)
p:get_mempolicy()
p:set_mempolicy("interleave|static_nodes", {0, 5})
p:get_mempolicy()
p:get_mempolicy{flags = "node"}
p:get_mempolicy{maxnode = 0}
p:get_mempolicy{flags = "mems_allowed"}
p:get_mempolicy{flags = "mems_allowed|node"}
p:get_mempolicy{flags = "addr"}
p:get_mempolicy{addr = 0x1000}
p:get_mempolicy{flags = 8}
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
p:get_mempolicy{flags = "addr", addr = a}
p:get_mempolicy{flags = "addr|node", addr = a + P}
p:set_mempolicy("default")
p:get_mempolicy{flags = "node"}
p:get_mempolicy()
mmsim.checkpoint("end", {"numa_maps"})

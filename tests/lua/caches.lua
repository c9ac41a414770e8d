-- The memory hierarchy from Lua (docs/caches.md): its keys, its counters in
-- m:stats(), the narration of a store through the store buffer and the
-- caches to DRAM, false sharing between two threads, and m:interleave's
-- store-buffering litmus test (x86-TSO).
local T = require "check"
local PAGE = T.PAGE

-- ---- keys ----------------------------------------------------------------------------
local m = T.machine({ caches = 1 })
T.eq(m:get("caches"), 1, "caches on")
T.eq(m:get("coherence"), "mesi", "teaching's protocol")
T.eq(m:get("l1d.size"), "1K", "a size with its suffix")
T.eq(m:get("sb.entries"), 4, "teaching's store buffer")
T.eq(mmsim.machine({ preset = "zen5" }):get("l3.policy"), "exclusive", "zen5's victim L3")
T.raises("l3.repl: 'random' must be lru, plru or rrip", mmsim.machine, { preset = "teaching", ["l3.repl"] = "random" })
T.raises("caches=1 needs an l2", mmsim.machine, { preset = "teaching", caches = 1, ["l2.size"] = 0 })

-- ---- counters and narration -------------------------------------------------------------
local p = m:spawn("c")
local a = p:mmap({ len = PAGE, prot = "rw", flags = "private|anonymous|populate" })
local before = m:stats()
local lines = {}
m:explain(function(l) lines[#lines + 1] = l end)
T.ok(p:write(a, 42, 4), "*p = 42")
m:explain(false)
local text = table.concat(lines, "\n")
T.has(text, "placed in the store buffer (4 entries) and drained at once into the L1d line", "the store buffer")
T.match(text, "store line 0x%x+: [^\n]*in state M", "the store leaves its line in M")
local s = m:stats()
T.eq(s.mem.l1d.hit + s.mem.l1d.miss - before.mem.l1d.hit - before.mem.l1d.miss,
     s.walk_refs - before.walk_refs + 1, "the walk's entries and the store went to the L1d")
T.eq(s.cost.tlb + s.cost.pwc + s.cost.walk + s.cost.data + s.cost.invalidate + s.cost.ipi + s.cost.sb, s.cycles,
     "the cost breakdown adds up to cycles")
T.ok(s.mem.dram.reads > 0, "memory was read")
T.eq(s.mem.dram.row_hit + s.mem.dram.row_miss + s.mem.dram.row_conflict >= s.mem.dram.reads, true,
     "every memory read met a row buffer")

-- without caches the counters stay 0 and cost.data is 0
local plain = T.machine()
local q = plain:spawn("plain")
local b = q:mmap({ len = PAGE, prot = "rw" })
T.ok(q:write(b, 1, 8), "a store without caches")
T.eq(plain:stats().mem.l1d.miss, 0, "no caches, no misses")
T.eq(plain:stats().cost.data, 0, "no data cost")

-- ---- false sharing ------------------------------------------------------------------------
local t = assert(p:thread({ core = 1 }))
-- core 1 walks to the page once first: the page-table lines, which the
-- kernel wrote through core 0's caches, move to it then, not in the count
assert(t:read(a + 2048, 8))
local function ping(off, n)
	local c0 = m:stats().mem.c2c
	for i = 1, n do
		assert(p:write(a, i, 8))
		assert(t:write(a + off, i, 8))
	end
	return m:stats().mem.c2c - c0
end
T.eq(ping(8, 50), 99, "one line: every store but the first (core 0 holds it) takes it from the other core")
T.eq(ping(64, 50), 2, "two lines: only each core's first store moves a line (a from core 1, its last "
     .. "writer; a + 64 from core 0, whose caches the kernel zeroed the page through)")

-- ---- the store-buffering litmus test --------------------------------------------------------
local x, y = a + 128, a + 192
local function sb(fence)
	assert(p:write(x, 0, 8))
	assert(p:write(y, 0, 8))
	local steps = { { p, "store", x, 1 }, { t, "store", y, 1 } }
	if fence then
		steps[#steps + 1] = { p, "mfence" }
		steps[#steps + 1] = { t, "mfence" }
	end
	steps[#steps + 1] = { p, "load", y }
	steps[#steps + 1] = { t, "load", x }
	return m:interleave(steps)
end
local r = sb(false)
T.eq(r[1] .. "," .. r[2], "0,0", "without fences both loads pass their own stores")
r = sb(true)
T.eq(r[1] .. "," .. r[2], "1,1", "MFENCE drains the buffers first")
T.eq(p:read_u64(x) + p:read_u64(y), 2, "every store drained by the end")
-- forwarding, and a drain placed by the script
r = m:interleave({ { p, "store", x, 7 }, { p, "load", x }, { t, "load", x }, { p, "drain" }, { t, "load", x } })
T.eq(table.concat(r, ","), "7,1,7", "own store forwarded; visible to the other core once drained")
-- errors
T.raises("interleave: step 1: 'jump' is not store, load, mfence or drain", m.interleave, m, { { p, "jump" } })
T.raises("step 1: the first item must be a process", m.interleave, m, { { 1, "load", x } })
T.errno("EINVAL", m:interleave({ { p, "load", x, 3 } }))
local st = m:stats()
T.ok(st.sb.stores == 5 and st.sb.forwards >= 1 and st.sb.fences >= 2, "the store buffers counted")
T.consistent(m, "after the litmus tests")
T.done()

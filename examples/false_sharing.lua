-- False sharing: two threads writing different words of one cache line.
--
-- Two threads of one process, on cores 0 and 1, each write their own 8-byte
-- counter 1000 times. When the counters share a 64-byte line, every write
-- needs the line in M in the writer's L1d, so the line ping-pongs between
-- the cores: each write takes it from the other core (a cache-to-cache
-- transfer) and invalidates the other core's copy. Put the counters on two
-- lines and each core keeps its own line in M: every write is an L1d hit.
-- The writes retire into each core's store buffer (104 entries on zen5),
-- which drains them one line after another: a core waits once its buffer
-- is full of writes still waiting for the line, and at the MFENCE that
-- ends each run for the rest (cost.sb), so the cycles below are the data
-- references' and the store buffer's. (Each run starts with an MFENCE:
-- the kernel's stores that zeroed the page went through core 0's buffer.)
--
-- Run it:   mmsim run examples/false_sharing.lua   (the zen5 preset has its
-- caches on; any preset works with -o caches=1).

local m = mmsim.machine{preset = "zen5"}
local p = m:spawn{name = "counters", core = 0}
local t = assert(p:thread{core = 1})
local a = assert(p:mmap{len = 4096, prot = "rw", flags = "private|anonymous|populate"})

-- n rounds of: thread 0 writes its counter at a, thread 1 its counter at b.
local function run(b, n)
	m:interleave{ {p, "mfence"}, {t, "mfence"} }      -- start with empty store buffers
	local before = m:stats()
	for i = 1, n do
		assert(p:write(a, string.pack("<i8", i)))
		assert(t:write(b, string.pack("<i8", i)))
	end
	m:interleave{ {p, "mfence"}, {t, "mfence"} }      -- wait for the writes still draining
	local s = m:stats()
	local function d(k1, k2, k3)
		local x, y = s[k1][k2], before[k1][k2]
		if k3 then x, y = x[k3], y[k3] end
		return x - y
	end
	return { c2c = d("mem", "c2c"), inval = d("mem", "invalidated"), hits = d("mem", "l1d", "hit"),
		 misses = d("mem", "l1d", "miss"),
		 cycles = s.cost.data + s.cost.sb - before.cost.data - before.cost.sb }
end

local function show(what, r, n)
	print(string.format("%-30s %6d transfers %6d invalidations  L1d %5d hits %5d misses  %8d cycles (%.0f a write)",
			    what, r.c2c, r.inval, r.hits, r.misses, r.cycles, r.cycles / (2 * n)))
end

local n = 1000
show("counters 8 bytes apart:", run(a + 8, n), n)
show("counters 64 bytes apart:", run(a + 64, n), n)

-- The script generator of `make fuzz-oracle` (docs/oracle.md): from a seed,
-- a random script of memory-management calls for `mmsim diff`.
--
-- A script is a fixed prelude and one line per operation. An operation names
-- the results it uses, never an address the kernel chose: R[k] is what
-- operation k returned (an address) and A(k, off) is R[k] + off, P[k] the
-- process or thread operation k made and X(k) that task, or the first live
-- one when it is gone. Every subset of the operation lines is therefore a
-- script that runs (the reducer removes lines): an address whose operation
-- was removed, or failed, falls back to NOWHERE, where nothing is mapped, and
-- a task that was removed or died falls back to another live one (or a new
-- process when none is left). The prelude keeps an untouched 1 MiB
-- PROT_NONE spacer between the generated mappings and [vvar], so that no
-- operation reaches the processes' own VMAs.
--
-- Plain Lua 5.4, no module: the generation depends only on the seed and the
-- options (its own random generator, splitmix64), so the same seed gives the
-- same script, byte for byte, on every machine.
local G = {}

G.VERSION = 3
G.PRELUDE_LINES = nil -- set by render: the number of lines before the first operation

local PAGE = 4096

-- ---- the random generator: splitmix64 on Lua's 64-bit integers --------------------------

local Rng = {}
Rng.__index = Rng

-- The splitmix64 finalizer: a 64-bit value whose bits all depend on x's.
local function mix(z)
	z = (z ~ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ~ (z >> 27)) * 0x94d049bb133111eb
	return z ~ (z >> 31)
end

-- A generator seeded with the integer seed (the state is the seed mixed, so
-- that the streams of neighbouring seeds are unrelated).
function G.rng(seed)
	return setmetatable({ x = mix(mix(seed) + 0x2545f4914f6cdd1d) }, Rng)
end

-- The next 64-bit value.
function Rng:next()
	self.x = self.x + 0x9e3779b97f4a7c15
	return mix(self.x)
end

-- An integer in [lo, hi].
function Rng:int(lo, hi)
	return lo + (self:next() >> 1) % (hi - lo + 1)
end

-- True with probability pct percent.
function Rng:pct(pct)
	return self:int(0, 9999) < pct * 100
end

-- One element of the array t.
function Rng:pick(t)
	return t[self:int(1, #t)]
end

-- One key of a table {key = weight, ...}, walked in the order of keys (an array
-- of {key, weight} pairs keeps the choice deterministic).
function Rng:weighted(pairs_)
	local total = 0
	for _, kw in ipairs(pairs_) do total = total + kw[2] end
	local r = self:int(1, total)
	for _, kw in ipairs(pairs_) do
		r = r - kw[2]
		if r <= 0 then return kw[1] end
	end
end

-- ---- formatting ---------------------------------------------------------------------------

-- An integer as Lua source: small ones in decimal, the rest in hex (negative
-- ones as -0x...; hex literals above 2^63 wrap to negative values in Lua 5.4,
-- which is what the kernel sees).
local function num(n)
	if n >= 0 and n < 10 then return tostring(n) end
	if n < 0 and n > -10 then return tostring(n) end
	if n < 0 and n ~= math.mininteger then return string.format("-0x%x", -n) end
	return string.format("0x%x", n)
end
G.num = num

-- A flags argument as Lua source: a number as it is, words as a string.
local function quote(s)
	if tonumber(s) then return s end
	return string.format("%q", s)
end

-- ---- the vocabulary ----------------------------------------------------------------------

local PROTS = {
	{ "none", 6 }, { "r", 14 }, { "rw", 40 }, { "rwx", 5 }, { "r-x", 6 }, { "x", 2 }, { "-w-", 2 },
	{ "read|write|growsdown", 2 }, { "read|growsup", 1 }, { "read|growsdown|growsup", 1 },
	{ "8", 1 }, { "0x20", 1 }, { "read|exec|growsdown", 1 },
}

-- Extra mmap flags, each with its own probability (percent).
local MAP_EXTRAS = {
	{ "populate", 8 }, { "locked", 5 }, { "noreserve", 5 }, { "growsdown", 4 }, { "32bit", 4 },
	{ "stack", 2 }, { "nonblock", 1 }, { "denywrite", 1 }, { "executable", 1 }, { "uninitialized", 1 },
	{ "sync", 1 }, { "hugetlb", 1 },
}

local ADVICE = {
	{ "normal", 3 }, { "random", 3 }, { "sequential", 3 }, { "willneed", 5 }, { "dontneed", 12 },
	{ "free", 8 }, { "remove", 4 }, { "dontfork", 4 }, { "dofork", 3 }, { "mergeable", 2 },
	{ "unmergeable", 2 }, { "hugepage", 3 }, { "nohugepage", 3 }, { "dontdump", 3 }, { "dodump", 2 },
	{ "wipeonfork", 4 }, { "keeponfork", 3 }, { "cold", 5 }, { "pageout", 5 },
	{ "populate_read", 5 }, { "populate_write", 5 },
	-- MADV_COLLAPSE, MADV_HWPOISON, MADV_SOFT_OFFLINE, MADV_GUARD_INSTALL,
	-- MADV_GUARD_REMOVE, and values Linux does not know.
	{ "25", 1 }, { "100", 1 }, { "101", 1 }, { "102", 4 }, { "103", 2 }, { "24", 1 }, { "200", 1 },
}

local MREMAP_FLAGS = {
	{ "", 20 }, { "maymove", 40 }, { "maymove|fixed", 15 }, { "maymove|dontunmap", 12 },
	{ "maymove|fixed|dontunmap", 5 }, { "fixed", 2 }, { "dontunmap", 2 }, { "8", 1 },
}

local MLOCKALL_FLAGS = {
	{ "current", 3 }, { "future", 2 }, { "current|future", 2 }, { "current|onfault", 2 },
	{ "future|onfault", 1 }, { "current|future|onfault", 1 }, { "onfault", 1 }, { "0", 1 }, { "8", 1 },
}

-- Addresses no generated mapping is near: below mmap_min_addr, the 32-bit
-- boundary, the end of the 47-bit user space, non-canonical and kernel
-- addresses, the top of the address space.
local FAR = {
	0, 0x1000, 0x10000, 0x7ffffffff000, 0x800000000000, 0x1000000000000, 0x8000000000000000,
	0xffff888000000000, 0xffffffff81000000, -PAGE,
}

-- The fixed zone: a few pages far from everything else, where `fixed`
-- mappings land when they do not reuse an earlier mapping's address.
local FIXED_ZONE = 0x300000000

-- Huge lengths, from 1 TiB (past the RAM of any host, so that the heuristic
-- overcommit refuses it on the host as on the simulator, whose RAM is its
-- preset's) to past the address space. Only in a call that unmaps what it
-- got at once (op_huge).
local HUGE = { 1 << 40, 1 << 42, 1 << 44, 1 << 46, 1 << 47 }

-- ---- the generator -------------------------------------------------------------------------
--
-- The generator keeps a rough model of what the script makes, only to choose
-- arguments that mostly make sense: the tasks (and their address spaces, a
-- "group" per process), and the mappings, each with, per address space that
-- has it, its permissions, whether it is gone, and whether the generator is
-- sure it is there as made (an access it allows is then safe). Accesses the
-- model cannot vouch for are made by forked children (Y), so that a fatal
-- fault rarely ends the first process. The model is never exact (the
-- generator does not know which calls fail): it only steers.

local Gen = {}
Gen.__index = Gen

-- The defaults of the options generate() takes.
G.DEFAULTS = {
	ops = 150,           -- operations per script
	-- Pages all mmaps, mremaps (their whole new range) and brks of a script
	-- may create together: below 512, no VMA can span a 2 MiB-aligned range,
	-- so the host never backs anything with a transparent huge page.
	max_pages = 400,
	huge = true,         -- huge lengths (mapped and unmapped again in one line)
	threads = true,      -- p:thread
	checkpoint_every = 30, -- about one mmsim.checkpoint per this many operations
	exclude = {},        -- texts no operation line may contain (its operation is drawn again)
}

local function new_gen(seed, opts)
	local o = {}
	for k, v in pairs(G.DEFAULTS) do o[k] = v end
	for k, v in pairs(opts or {}) do
		if G.DEFAULTS[k] == nil then error("gen: unknown option '" .. tostring(k) .. "'", 3) end
		o[k] = v
	end
	return setmetatable({
		rng = G.rng(seed), seed = seed, opts = o, budget = o.max_pages,
		lines = {},
		-- Tasks: {k = operation number, group = that of its process, child = forked, dead =}.
		tasks = { { k = 0, group = 0 } },
		-- Mappings: {k =, pages =, shared =, heap =, st = {[group] = {perms =, sure =, gone =}}}.
		maps = { { k = 0, pages = 0, heap = true, st = { [0] = { perms = "rw" } } } },
		forks = 0, threads = 0,
	}, Gen)
end

-- Take n pages from the budget: n when they fit, else what is left (at least 1).
function Gen:take(n)
	if n > self.budget then n = math.max(1, self.budget) end
	self.budget = math.max(0, self.budget - n)
	return n
end

-- A length in pages for a new mapping.
function Gen:pages()
	local r = self.rng
	local n = r:weighted{ { 1, 20 }, { 2, 12 }, { 3, 8 }, { 4, 10 }, { 0, 40 }, { -1, 10 } }
	if n == 0 then n = r:int(5, 16) elseif n == -1 then n = r:int(17, 64) end
	return self:take(n)
end

-- A length in bytes for n pages: mostly exact, sometimes unaligned or 0.
function Gen:bytes(n)
	local r = self.rng
	if r:pct(2) then return 0 end
	if r:pct(4) then return n * PAGE - r:int(1, PAGE - 1) end
	return n * PAGE
end

-- The permissions a prot string gives, as a set of letters ("rw", "rx", ...).
local function perms_of(prot)
	local t = { none = "", r = "r", rw = "rw", rwx = "rwx", ["r-x"] = "rx", x = "x", ["-w-"] = "w",
		["read|write|growsdown"] = "rw", ["read|growsup"] = "r", ["read|exec|growsdown"] = "rx" }
	return t[prot]
end

-- Whether mapping mp should, as far as the generator can tell, allow an
-- access that needs permission need (a letter: r, w or x) in address space g.
local function safe(mp, need, g)
	local st = mp.st[g]
	return st ~= nil and st.sure and not st.gone and mp.pages > 0 and (st.perms or ""):find(need, 1, true) ~= nil
end

-- Whether mapping mp may still be there in some address space.
local function present(mp)
	for _, st in pairs(mp.st) do
		if not st.gone then return true end
	end
	return false
end

-- Change the state of mapping mp in address space g (when it has one): set the
-- fields of t.
local function update(mp, g, t)
	local st = mp.st[g]
	if not st then return end
	for k, v in pairs(t) do st[k] = v end
end

-- A mapping the script made, the recent ones more often; with need, one that
-- should allow that access in address space g, when there is one.
function Gen:map(need, g)
	local r, maps = self.rng, self.maps
	local cand = {}
	for i = #maps, 1, -1 do
		local mp = maps[i]
		if need and safe(mp, need, g) or not need and mp.pages > 0 and present(mp) then
			cand[#cand + 1] = mp
		end
		if #cand == 8 then break end
	end
	if #cand > 0 and r:pct(90) then return cand[r:int(1, #cand)] end
	return r:pick(maps)
end

-- A task to make a call: the first process mostly, else a recent one the
-- generator believes alive.
function Gen:task()
	local r, live = self.rng, {}
	for _, t in ipairs(self.tasks) do
		if not t.dead then live[#live + 1] = t end
	end
	if #live > 1 and r:pct(35) then return live[r:int(math.max(2, #live - 3), #live)] end
	return live[1] or self.tasks[1]
end

-- The forked children (and their threads) the generator believes alive.
function Gen:kids()
	local kids = {}
	for _, t in ipairs(self.tasks) do
		if t.child and not t.dead then kids[#kids + 1] = t end
	end
	return kids
end

-- Count task t's process dead, with all its threads.
function Gen:kill(t)
	for _, u in ipairs(self.tasks) do
		if u.group == t.group then u.dead = true end
	end
end

-- A live forked child (or a thread of one) to make an access that may be
-- fatal, counted dead from then on; nil when there is none.
function Gen:victim()
	local kids = self:kids()
	if #kids == 0 then return nil end
	local t = kids[self.rng:int(math.max(1, #kids - 2), #kids)]
	self:kill(t)
	return t
end

-- An address expression in or near mapping mp: a page offset inside it
-- mostly, else from 2 pages before it to 2 pages past its end (never below
-- the heap), sometimes unaligned. Returns the expression and the offset.
function Gen:addr_in(mp, unaligned_pct)
	local r = self.rng
	local lo = mp.heap and 0 or -2
	local hi = math.max(mp.pages, 1) + 2
	local off
	if r:pct(70) then off = r:int(0, math.max(mp.pages - 1, 0)) * PAGE else off = r:int(lo, hi) * PAGE end
	if r:pct(unaligned_pct or 3) then off = off + r:pick{ 1, 8, PAGE // 2, PAGE - 1 } end
	return string.format("A(%d, %s)", mp.k, num(off)), off
end

-- A length in pages from offset off (bytes) of mapping mp: mostly to its end
-- or before, sometimes past it.
function Gen:len_in(mp, off)
	local r = self.rng
	local left = math.max(mp.pages - math.max(off, 0) // PAGE, 1)
	if r:pct(80) then return r:int(1, left) end
	return r:int(1, left + 2)
end

-- Whether a range [off, off + n pages) covers all of mapping mp.
local function whole(mp, off, n)
	return off <= 0 and off + n * PAGE >= mp.pages * PAGE
end

-- An access of n bytes in or near mapping mp: inside mostly, else across one
-- of its edges. Returns the address expression, whether the access may leave
-- the mapping, and the offset.
function Gen:access_addr(mp, n)
	local r = self.rng
	local pages = math.max(mp.pages, 1)
	local off, out
	if r:pct(80) then
		off = r:int(0, pages - 1) * PAGE
		if r:pct(40) and off > 0 then off = off - r:int(0, math.min(n, PAGE)) end
		if off + n > pages * PAGE then off = math.max(0, pages * PAGE - n) end
		out = off + n > pages * PAGE
	else
		off = r:pick{ 0, pages } * PAGE - r:int(0, math.min(n, PAGE))
		out = true
	end
	if mp.heap and off < 0 then off = 0 end
	return string.format("A(%d, %s)", mp.k, num(off)), out, off
end

-- A far address for calls and reads (never written to).
function Gen:far()
	return num(self.rng:pick(FAR))
end

function Gen:emit(fmt, ...)
	self.lines[#self.lines + 1] = string.format(fmt, ...)
end

-- Remember a new mapping made by the current operation in address space g;
-- sure: the generator expects the call to succeed.
function Gen:remember(pages, shared, perms, sure, g)
	self.maps[#self.maps + 1] = { k = self.k, pages = pages, shared = shared,
		st = { [g] = { perms = perms, sure = sure } } }
end

-- ---- one generator per kind of operation ------------------------------------------------

-- Where a fixed mapping or move of task t goes: near an earlier mapping
-- mostly, else in the fixed zone or at a far address. Returns the address
-- expression and where ("near", "zone" or "far"); a mapping it may land on is
-- no longer sure. Near the heap means two pages or more past its end: a
-- range reaches up to two pages below the mapping it is near, and must not
-- reach the program image below the heap.
function Gen:target(t)
	local r = self.rng
	local where = r:weighted{ { "near", 72 }, { "zone", 20 }, { "far", 8 } }
	if where == "near" then
		local mp = self:map()
		if mp.heap then
			return string.format("A(0, %s)", num((mp.pages + 2 + r:int(0, 3)) * PAGE)), where
		end
		update(mp, t.group, { sure = false })
		return (self:addr_in(mp, 2)), where
	end
	if where == "zone" then return num(FIXED_ZONE + r:int(0, 63) * PAGE), where end
	return self:far(), where
end

function Gen:op_mmap()
	local r = self.rng
	local t = self:task()
	local kind = r:weighted{ { "private", 82 }, { "shared", 14 }, { "shared_validate", 1 },
		{ "private|shared", 1 }, { "", 1 } }
	local flags = { kind }
	if not r:pct(2) then flags[#flags + 1] = "anonymous" end
	local fixed = r:weighted{ { "", 78 }, { "fixed", 16 }, { "fixed_noreplace", 6 } }
	if fixed ~= "" then flags[#flags + 1] = fixed end
	for _, e in ipairs(MAP_EXTRAS) do
		if r:pct(e[2]) then flags[#flags + 1] = e[1] end
	end
	local fl = table.concat(flags, "|"):gsub("^|", "")
	local pages = self:pages()
	local args, where = {}, nil
	if fixed ~= "" or r:pct(15) then
		local a
		a, where = self:target(t)
		args[#args + 1] = "addr = " .. a
	end
	local len = self:bytes(pages)
	args[#args + 1] = "len = " .. num(len)
	local prot = r:weighted(PROTS)
	args[#args + 1] = "prot = " .. quote(prot)
	args[#args + 1] = string.format("flags = %q", fl)
	local odd = r:pct(3)
	if odd then args[#args + 1] = "offset = " .. num(r:pick{ PAGE, 1, 0x7ffffffffffff000 }) end
	self:emit("R[%d] = D(X(%d):mmap{%s})", self.k, t.k, table.concat(args, ", "))
	local plain = (kind == "private" or kind == "shared") and fl:find("anonymous", 1, true)
		and not fl:find("hugetlb", 1, true) and not fl:find("sync", 1, true)
		and not fl:find("fixed_noreplace", 1, true)
	self:remember(pages, kind ~= "private", perms_of(prot),
		plain and len > 0 and not odd and where ~= "far" and perms_of(prot) ~= nil, t.group)
end

-- The task, mapping, address expression, offset and length in pages of a
-- call on a range in or near one mapping.
function Gen:range()
	local t = self:task()
	local mp = self:map()
	local a, off = self:addr_in(mp)
	return t, mp, a, off, self:len_in(mp, off)
end

function Gen:op_munmap()
	local t, mp, a, off, n = self:range()
	self:emit("D(X(%d):munmap(%s, %s))", t.k, a, num(self:bytes(n)))
	update(mp, t.group, { sure = false, gone = whole(mp, off, n) and not mp.heap })
end

function Gen:op_mprotect()
	local r = self.rng
	local t, mp, a, off, n = self:range()
	local prot = r:weighted(PROTS)
	self:emit("D(X(%d):mprotect(%s, %s, %s))", t.k, a, num(self:bytes(n)), quote(prot))
	if whole(mp, off, n) and perms_of(prot) then
		update(mp, t.group, { perms = perms_of(prot) })
	else
		update(mp, t.group, { sure = false })
	end
end

function Gen:op_mremap()
	local r = self.rng
	local t = self:task()
	local mp = self:map()
	local a, off = self:addr_in(mp, 2)
	local old
	local shape = r:weighted{ { "whole", 50 }, { "part", 25 }, { "past", 10 }, { "zero", 8 }, { "wrap", 2 },
		{ "unaligned", 5 } }
	if shape == "whole" then
		old = num(math.max(mp.pages * PAGE - math.max(off, 0), PAGE))
	elseif shape == "part" then
		old = num(r:int(1, math.max(mp.pages, 1)) * PAGE)
	elseif shape == "past" then
		old = num((mp.pages + r:int(1, 4)) * PAGE)
	elseif shape == "zero" then
		old = "0"
	elseif shape == "wrap" then
		old = string.format("-A(%d, 0)", mp.k)
	else
		old = num(r:int(1, 4) * PAGE - 100)
	end
	local flags = r:weighted(MREMAP_FLAGS)
	local size = r:weighted{ { "same", 25 }, { "grow", 40 }, { "shrink", 25 }, { "zero", 3 } }
	local n
	if size == "same" then
		n = math.max(mp.pages, 1)
	elseif size == "grow" then
		n = mp.pages + r:int(1, 16)
	elseif size == "shrink" then
		n = r:int(1, math.max(mp.pages, 1))
	else
		n = 0
	end
	-- The whole new range counts: with dontunmap, or an old length of 0, the
	-- old range stays mapped too.
	if n > 0 then n = self:take(n) end
	local new_len = n * PAGE
	if r:pct(3) then new_len = new_len - r:int(1, PAGE - 1) end
	local args = { a, old, num(new_len) }
	if flags ~= "" then args[#args + 1] = quote(flags) end
	local where
	if flags:find("fixed") then
		local to
		to, where = self:target(t)
		args[#args + 1] = to
	end
	self:emit("R[%d] = D(X(%d):mremap(%s))", self.k, t.k, table.concat(args, ", "))
	local st = mp.st[t.group]
	local moved = (flags == "maymove" or flags == "maymove|fixed" and where == "zone") and shape == "whole"
		and off == 0 and n > 0 and new_len == n * PAGE
	self:remember(math.max(n, 1), mp.shared, st and st.perms, moved and st ~= nil and st.sure, t.group)
	update(mp, t.group, { sure = false, gone = moved })
end

function Gen:op_madvise()
	local r = self.rng
	local t, mp, a, _, n = self:range()
	local adv = r:weighted(ADVICE)
	if adv == "102" then update(mp, t.group, { sure = false }) end
	self:emit("D(X(%d):madvise(%s, %s, %s))", t.k, a, num(self:bytes(n)), quote(adv))
end

function Gen:op_mlock()
	local r = self.rng
	local mp = self:map()
	local a, off = self:addr_in(mp)
	local len = num(self:bytes(self:len_in(mp, off)))
	local t = self:task().k
	local which = r:weighted{ { "mlock", 5 }, { "mlock2", 3 }, { "onfault", 4 }, { "munlock", 6 },
		{ "mlockall", 2 }, { "munlockall", 2 }, { "bad", 1 } }
	if which == "mlock" then
		self:emit("D(X(%d):mlock(%s, %s))", t, a, len)
	elseif which == "mlock2" then
		self:emit("D(X(%d):mlock2(%s, %s))", t, a, len)
	elseif which == "onfault" then
		self:emit("D(X(%d):mlock2(%s, %s, \"onfault\"))", t, a, len)
	elseif which == "bad" then
		self:emit("D(X(%d):mlock2(%s, %s, 2))", t, a, len)
	elseif which == "munlock" then
		self:emit("D(X(%d):munlock(%s, %s))", t, a, len)
	elseif which == "mlockall" then
		self:emit("D(X(%d):mlockall(%s))", t, quote(r:weighted(MLOCKALL_FLAGS)))
	else
		self:emit("D(X(%d):munlockall())", t)
	end
end

function Gen:op_brk()
	local r = self.rng
	local t = self:task()
	local heap = self.maps[1]
	local shape = r:weighted{ { "query", 2 }, { "grow", 6 }, { "shrink", 3 }, { "below", 1 }, { "unaligned", 1 } }
	if shape == "query" then
		self:emit("R[%d] = D(X(%d):brk())", self.k, t.k)
		return
	end
	local pages
	if shape == "grow" then
		pages = heap.pages + self:take(r:int(1, 8))
		heap.pages = math.max(heap.pages, pages)
		update(heap, t.group, { sure = true, perms = "rw" })
	elseif shape == "shrink" then
		pages = r:int(0, heap.pages)
		heap.pages = pages
	else
		pages = shape == "below" and -r:int(1, 4) or r:int(0, heap.pages + 1)
	end
	local off = pages * PAGE + (shape == "unaligned" and r:int(1, PAGE - 1) or 0)
	self:emit("R[%d] = D(X(%d):brk(A(0, %s)))", self.k, t.k, num(off))
end

-- An access that needs permission need (a letter) of n bytes (or pages, for a
-- touch: then n is the length in bytes too): the address and the task
-- expression, X(k) when the model says it is safe, else Y(k) with a child
-- that may die; nil when no child is left (the caller forks one instead).
-- Also returns the mapping and the offset.
function Gen:access(need, n)
	local t = self:task()
	local mp = self:map(need, t.group)
	local a, out, off = self:access_addr(mp, n)
	if not out and safe(mp, need, t.group) then return a, string.format("X(%d)", t.k), mp, off end
	local v = self:victim()
	if not v then return nil end
	return a, string.format("Y(%d)", v.k), mp, off
end

-- After a write that may be fatal into shared memory, a read of the bytes it
-- stored in its first page, by the first process (on the same line): a store
-- that faults part way must have stored nothing (issue 11, 2.10), and only
-- another process can see it. Empty when the read would not be safe.
function Gen:read_back(t, mp, a, off, n)
	if not t:find("^Y") or not mp or not mp.shared or off < 0 or not safe(mp, "r", 0) then return "" end
	return string.format(" D(X(0):read(%s, %d))", a, math.min(n, PAGE - off % PAGE))
end

function Gen:op_touch()
	local r = self.rng
	local kind = r:weighted{ { "r", 45 }, { "w", 45 }, { "x", 10 } }
	if r:pct(3) then
		local v = self:victim()
		if not v then return self:op_fork() end
		self:emit("D(Y(%d):touch(%s, %s, %q))", v.k, self:far(), num(r:int(1, 2) * PAGE), kind)
		return
	end
	local len = r:weighted{ { 1, 40 }, { 2, 20 }, { 4, 20 }, { 16, 10 }, { 64, 10 } } * PAGE
	if r:pct(20) then len = len - r:int(1, PAGE - 1) end
	local a, t = self:access(kind, len)
	if not a then return self:op_fork() end
	self:emit("D(%s:touch(%s, %s, %q))", t, a, num(len), kind)
end

function Gen:op_read()
	local r = self.rng
	local which = r:weighted{ { "read", 6 }, { "u64", 2 }, { "fetch", 2 }, { "far", 1 } }
	if which == "far" then
		local v = self:victim()
		if not v then return self:op_fork() end
		self:emit("D(Y(%d):read(%s, %d))", v.k, self:far(), r:int(1, 8))
	elseif which == "read" then
		local n = r:pct(85) and r:int(1, 16) or r:int(1, 2 * PAGE)
		local a, t = self:access("r", n)
		if not a then return self:op_fork() end
		self:emit("D(%s:read(%s, %s))", t, a, num(n))
	elseif which == "u64" then
		local a, t = self:access("r", 8)
		if not a then return self:op_fork() end
		self:emit("D(%s:read_u64(%s))", t, a)
	else
		local n = r:int(1, 8)
		local a, t = self:access("x", n)
		if not a then return self:op_fork() end
		self:emit("D(%s:fetch(%s, %d))", t, a, n)
	end
end

function Gen:op_write()
	local r = self.rng
	if r:pct(50) then
		local size = r:pick{ 1, 2, 4, 8, 8 }
		local v = r:int(0, 0x7fffffff)
		if size < 8 then v = v % (1 << (8 * size)) end
		local a, t, mp, off = self:access("w", size)
		if not a then return self:op_fork() end
		self:emit("D(%s:write(%s, %s, %d))%s", t, a, num(v), size, self:read_back(t, mp, a, off, size))
	else
		local n = r:int(1, 24)
		local s = {}
		for i = 1, n do s[i] = string.char(r:int(97, 122)) end
		local a, t, mp, off = self:access("w", n)
		if not a then return self:op_fork() end
		self:emit("D(%s:write(%s, %q))%s", t, a, table.concat(s), self:read_back(t, mp, a, off, n))
	end
end

-- A fork: the child's address space is a copy of its parent's.
function Gen:op_fork()
	if self.forks >= 8 then return self:op_checkpoint() end
	self.forks = self.forks + 1
	local t = self:task()
	self:emit("FK(%d, X(%d):fork())", self.k, t.k)
	self.tasks[#self.tasks + 1] = { k = self.k, group = self.k, child = true }
	for _, mp in ipairs(self.maps) do
		local st = mp.st[t.group]
		if st then mp.st[self.k] = { perms = st.perms, sure = st.sure, gone = st.gone } end
	end
end

function Gen:op_thread()
	if not self.opts.threads or self.threads >= 6 then return self:op_fork() end
	self.threads = self.threads + 1
	local t = self:task()
	self:emit("TH(%d, X(%d):thread())", self.k, t.k)
	self.tasks[#self.tasks + 1] = { k = self.k, group = t.group, child = t.child }
end

-- Exit a forked child (or a thread of one): never the first process.
function Gen:op_exit()
	local kids = self:kids()
	if #kids == 0 then return self:op_fork() end
	local t = self.rng:pick(kids)
	self:emit("if L(%d) then P[%d]:exit(0) dead[G[%d]] = true end", t.k, t.k, t.k)
	self:kill(t)
end

-- A huge mapping or growth, unmapped again on the same line when it worked
-- (a state with terabytes mapped takes too long to record today).
function Gen:op_huge()
	local r = self.rng
	local len = r:pick(HUGE)
	local t = self:task()
	if r:pct(50) then
		local fl = r:pick{ "private|anonymous|noreserve", "private|anonymous", "shared|anonymous|noreserve" }
		self:emit("R[%d] = D(X(%d):mmap{len = %s, prot = \"rw\", flags = %q}) if R[%d] then P[cur]:munmap(R[%d], %s) end",
			self.k, t.k, num(len), fl, self.k, self.k, num(len))
	else
		local mp = self:map()
		local flags = r:pick{ "", "maymove", "maymove" }
		self:emit("R[%d] = D(X(%d):mremap(A(%d, 0), %s, %s%s)) if R[%d] then P[cur]:munmap(R[%d], %s) end",
			self.k, t.k, mp.k, num(math.max(mp.pages, 1) * PAGE), num(len),
			flags == "" and "" or string.format(", %q", flags), self.k, self.k, num(len))
		update(mp, t.group, { sure = false })
	end
end

function Gen:op_checkpoint()
	self:emit("mmsim.checkpoint(\"c%d\")", self.k)
end

local KINDS = {
	{ "mmap", 16 }, { "munmap", 6 }, { "mprotect", 8 }, { "mremap", 9 }, { "madvise", 11 },
	{ "mlock", 6 }, { "brk", 3 }, { "touch", 16 }, { "read", 6 }, { "write", 7 },
	{ "fork", 3 }, { "thread", 1 }, { "exit", 2 }, { "huge", 1 },
}

-- The number of mappings of the first process the model believes there.
function Gen:live_maps()
	local n = 0
	for _, mp in ipairs(self.maps) do
		local st = mp.st[0]
		if st and not st.gone and not mp.heap then n = n + 1 end
	end
	return n
end

-- Whether line contains one of the excluded texts.
function Gen:excluded(line)
	for _, x in ipairs(self.opts.exclude) do
		if line:find(x, 1, true) then return true end
	end
	return false
end

-- Generate one operation of kind; while its line contains an excluded text,
-- forget it (its mappings, tasks and budget) and draw another kind.
function Gen:draw(kind)
	for _ = 1, 50 do
		local lines, maps, tasks, budget = #self.lines, #self.maps, #self.tasks, self.budget
		local forks, threads = self.forks, self.threads
		self["op_" .. kind](self)
		if not self:excluded(self.lines[#self.lines]) then return end
		for i = #self.lines, lines + 1, -1 do self.lines[i] = nil end
		for i = #self.maps, maps + 1, -1 do self.maps[i] = nil end
		for i = #self.tasks, tasks + 1, -1 do self.tasks[i] = nil end
		self.budget, self.forks, self.threads = budget, forks, threads
		kind = self.rng:weighted(KINDS)
	end
	self:op_checkpoint()
end

-- The operations of the script of seed: an array of lines of Lua, one per
-- operation, and the options used (opts: see G.DEFAULTS).
function G.generate(seed, opts)
	local g = new_gen(seed, opts)
	local r = g.rng
	local every = g.opts.checkpoint_every
	for k = 1, g.opts.ops do
		g.k = k
		local kind
		if every > 0 and r:int(1, every) == 1 then
			kind = "checkpoint"
		else
			kind = r:weighted(KINDS)
			if g:live_maps() < 2 and r:pct(60) then kind = "mmap" end
			if kind == "huge" and not g.opts.huge then kind = "mmap" end
			if g.budget == 0 and (kind == "mmap" or kind == "mremap" or kind == "brk") then
				kind = "touch"
			end
		end
		g:draw(kind)
	end
	return g.lines, g.opts
end

-- ---- rendering -----------------------------------------------------------------------------

local PRELUDE = [==[
-- mmsim fuzz-oracle (tests/fuzz/gen.lua, generator %d): seed %d, %d operations%s.
-- R[k]: what operation k returned; A(k, off): R[k] + off, or NOWHERE + off when
-- operation k is gone or failed. P[k]: the task operation k made; X(k): P[k],
-- or the first live task when it died (a new process when none is left); Y(k):
-- P[k], or a new child of X(0) when P[k] died (for accesses that may be fatal).
local m = mmsim.machine{}
local P, G, R, dead, order, cur = {}, {}, {}, {}, {}, 0
local NOWHERE = 0x100000000000
local function add(k, p, g) P[k], G[k] = p, g; order[#order + 1] = k end
local function L(k) return P[k] ~= nil and not dead[G[k]] end
local function spawn(k) add(k, m:spawn{name = "oracle"}, k); P[k]:mmap{len = 0x100000, prot = "none"} end
local function X(k)
  if not L(k) then
    k = nil
    for _, j in ipairs(order) do if L(j) then k = j break end end
    if not k then k = -1 - #order spawn(k) end
  end
  cur = k
  return P[k]
end
local function Y(k)
  if L(k) then cur = k return P[k] end
  local p = X(0)
  local c = p:fork()
  if not c then return p end
  k = -1 - #order add(k, c, k) cur = k
  return c
end
local function D(r, e) if type(e) == "table" or e == "ESRCH" then dead[G[cur]] = true end return r end
local function FK(k, p, e) D(p, e) if p then add(k, p, k) end end
local function TH(k, p, e) local g = G[cur] D(p, e) if p then add(k, p, g) end end
local function A(k, off) local b = R[k] if math.type(b) ~= "integer" then b = NOWHERE end return b + off end
spawn(0)
R[0] = P[0]:brk()
]==]

-- The number of lines of the prelude: operation i is on line PRELUDE_LINES + i.
local _, nl = PRELUDE:gsub("\n", "")
G.PRELUDE_LINES = nl

-- The script text of the operation lines ops of seed, generated with opts:
-- all of them, or those whose indices are listed in keep, in order.
function G.render(seed, opts, ops, keep)
	local note = G.describe(opts)
	if keep then note = note .. string.format("; reduced to %d of them", #keep) end
	local out = { string.format(PRELUDE, G.VERSION, seed, #ops, note) }
	if keep then
		for _, i in ipairs(keep) do out[#out + 1] = ops[i] .. "\n" end
	else
		for _, line in ipairs(ops) do out[#out + 1] = line .. "\n" end
	end
	return table.concat(out)
end

-- The options in the form fuzz.lua takes them, for the header of a script.
function G.describe(opts)
	local t = {}
	for _, k in ipairs{ "max_pages", "huge", "threads", "checkpoint_every" } do
		if opts[k] ~= G.DEFAULTS[k] then t[#t + 1] = k .. "=" .. tostring(opts[k]) end
	end
	for _, x in ipairs(opts.exclude or {}) do t[#t + 1] = string.format("exclude=%q", x) end
	return #t > 0 and (" (" .. table.concat(t, ", ") .. ")") or ""
end

return G

-- Tests of the fuzzer itself (make fuzz-tests, part of make test), without
-- the host: the generator is deterministic per seed and matches its golden
-- script; the scripts it makes, and any subset of their operations, run on
-- the simulator without a Lua error; ddmin finds exactly a planted cause and
-- its result is 1-minimal; the report reader decodes JSON and names
-- differences. Run: MMSIM=build/mmsim lua5.4 tests/fuzz/selftest.lua
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local G = require "gen"
local Reduce = require "reduce"
local Report = require "report"
local MMSIM = os.getenv("MMSIM") or "build/mmsim"

local checks, failed = 0, 0
local function check(ok, what)
	checks = checks + 1
	if not ok then
		failed = failed + 1
		print("FAIL " .. what)
	end
end

local read_file = require("files").read

-- The value of an integer as gen.lua writes it (9, 0x1f, -0x1000).
local function num(text)
	local sign, hex = text:match("^(%-?)0x(%x+)$")
	if hex then return (sign == "-" and -1 or 1) * tonumber(hex, 16) end
	return math.tointeger(tonumber(text))
end

local function script(seed, opts, keep)
	local ops, o = G.generate(seed, opts)
	return G.render(seed, o, ops, keep), ops, o
end

-- ---- determinism ---------------------------------------------------------------------------

for _, seed in ipairs{ 0, 1, 2, 77, 123456789 } do
	check(script(seed) == script(seed), "seed " .. seed .. ": the same script twice")
end
check(script(1) ~= script(2), "seeds 1 and 2 give different scripts")
do -- neighbouring seeds are not shifted copies of one stream
	local _, a = script(10)
	local _, b = script(11)
	local same = 0
	for i = 1, #a - 1 do
		if a[i + 1] == b[i] then same = same + 1 end
	end
	check(same < 10, "seed 11 is not seed 10 shifted by one operation (" .. same .. " lines alike)")
end
do -- options change the script, and are named in its header
	local s = script(5, { ops = 20, max_pages = 50, huge = false, threads = false, exclude = { "mremap" } })
	check(not s:find(":mremap(", 1, true), "--exclude mremap leaves out every mremap")
	check(not s:find(":thread(", 1, true), "no threads without threads")
	check(s:find("max_pages=50, huge=false, threads=false, exclude=\"mremap\"", 1, true) ~= nil,
		"the header names the options")
	local _, ops = script(5, { ops = 20 })
	check(#ops == 20, "20 operations give 20 lines")
	check(not pcall(G.generate, 1, { opps = 3 }), "an unknown option is an error")
end

do -- a write into shared memory that may be fatal is read back by the first
	-- process on the same line, within the page the write starts in
	local found, ok = 0, true
	for seed = 1, 100 do
		for _, line in ipairs(select(2, script(seed))) do
			local w, off, r, n = line:match("^D%(Y%(%d+%):write%((A%(%d+, ([-%w]+)%)).-%)%) D%(X%(0%):read%((A%(%d+, [-%w]+%)), (%d+)%)%)$")
			if w then
				found = found + 1
				local o = num(off)
				if r ~= w or o < 0 or o % 4096 + tonumber(n) > 4096 then ok = false end
			end
		end
	end
	check(found > 0 and ok, "fatal writes into shared memory are read back in their first page (" .. found .. ")")
end

-- The golden script: the generator gives the same bytes on every machine
-- and in every version (the regression seeds of make test depend on it).
-- After a deliberate change of the generator, bump G.VERSION, run `make
-- golden`, and choose the regression seeds again (docs/oracle.md).
do
	local golden = read_file(here .. "/golden/seed-1-40.lua")
	check(golden ~= nil, "tests/fuzz/golden/seed-1-40.lua exists")
	check(script(1, { ops = 40 }) == golden, "seed 1, 40 operations: the golden script, byte for byte")
end

-- ---- the scripts run ------------------------------------------------------------------------

-- Run text with mmsim run: true when it ran to its end without a Lua error
-- (else the output is printed, under name, unless name is nil).
local function runs(text, name)
	local path = os.tmpname()
	require("files").write(path, text)
	local out = io.popen(string.format("%s run %s 2>&1; echo \"exit $?\"", MMSIM, path))
	local res = out:read("a")
	out:close()
	os.remove(path)
	local ok = res:match("exit 0\n$") ~= nil
	if not ok and name then print(name .. ": " .. res:sub(1, 400)) end
	return ok
end

local lcg = G.rng(42)
for _, seed in ipairs{ 1, 2, 3 } do
	local text, ops, o = script(seed)
	check(runs(text, "seed " .. seed), "seed " .. seed .. " runs on the simulator")
	-- Any subset of the operations is a script that runs: what it refers to
	-- may be gone, and falls back.
	for trial = 1, 2 do
		local keep = {}
		for i = 1, #ops do
			if lcg:pct(trial == 1 and 30 or 70) then keep[#keep + 1] = i end
		end
		check(runs(G.render(seed, o, ops, keep), "seed " .. seed .. " subset " .. trial),
			string.format("seed %d: a subset of %d operations runs", seed, #keep))
	end
end
do -- no VMA a script makes reaches 2 MiB (so no transparent huge page on
	-- the host): checked at the end of each script, in every live process
	local check_line = [[for _, k in ipairs(order) do if L(k) then for a, b in P[k]:maps():gmatch("(%x+)%-(%x+)") do ]]
		.. [[assert(tonumber(b, 16) - tonumber(a, 16) < 0x200000, "a VMA of 2 MiB or more: " .. a .. "-" .. b) ]]
		.. [[end end end]]
	for _, seed in ipairs{ 5, 6, 7, 8 } do
		local _, ops, o = script(seed)
		ops[#ops + 1] = check_line
		check(runs(G.render(seed, o, ops), "seed " .. seed .. " VMA sizes"), "seed " .. seed .. ": every VMA under 2 MiB")
	end
	local _, ops, o = script(5, { ops = 10 })
	ops[#ops + 1] = "R[99] = X(0):mmap{len = 0x200000, prot = \"r\"}"
	ops[#ops + 1] = check_line
	check(not runs(G.render(5, o, ops), nil), "the VMA size check sees a 2 MiB VMA")
end
do -- a script whose first process dies at once still runs to its end
	local _, ops, o = script(4, { ops = 30 })
	table.insert(ops, 1, "D(X(0):write(0, 1, 8))")
	check(runs(G.render(4, o, ops), "seed 4 with a fatal first write"), "a script goes on after its process died")
end

-- ---- ddmin ----------------------------------------------------------------------------------

local function contains_all(list, want)
	local have = {}
	for _, x in ipairs(list) do have[x] = true end
	for _, x in ipairs(want) do
		if not have[x] then return false end
	end
	return true
end

do -- a planted cause of three items among 150
	local items = {}
	for i = 1, 150 do items[i] = i end
	local planted = { 17, 42, 99 }
	local got, tests = Reduce.ddmin(items, function(l) return contains_all(l, planted) end)
	check(table.concat(got, ",") == "17,42,99", "ddmin finds exactly 17,42,99 (got " .. table.concat(got, ",") .. ")")
	check(tests < 300, "ddmin needs few tests for 3 of 150 (" .. tests .. ")")
end
do -- a cause that needs an order: 5 before 9, and at least 2 of 20..30
	local items = {}
	for i = 1, 60 do items[i] = i end
	local function fails(l)
		local pos, n = {}, 0
		for i, x in ipairs(l) do
			pos[x] = i
			if x >= 20 and x <= 30 then n = n + 1 end
		end
		return pos[5] ~= nil and pos[9] ~= nil and pos[5] < pos[9] and n >= 2
	end
	local got = Reduce.ddmin(items, fails)
	check(fails(got) and #got == 4, "ddmin keeps 5, 9 and two of 20..30 (got " .. table.concat(got, ",") .. ")")
	local minimal = true
	for i = 1, #got do -- 1-minimal: without any one item it passes
		local rest = {}
		for j, x in ipairs(got) do
			if j ~= i then rest[#rest + 1] = x end
		end
		if fails(rest) then minimal = false end
	end
	check(minimal, "the result is 1-minimal")
end
do -- every item needed, and none
	check(#Reduce.ddmin({ 1, 2, 3 }, function(l) return #l == 3 end) == 3, "ddmin keeps everything when all is needed")
	check(#Reduce.ddmin({ 1, 2, 3 }, function() return true end) == 0, "ddmin keeps nothing when nothing is needed")
end
do -- the reducer on a generated script, with a fake "differs": the script
	-- differs while it has two planted operation lines
	local _, ops, o = script(9)
	local a, b = ops[12], ops[97]
	local items = {}
	for i = 1, #ops do items[i] = i end
	local keep = Reduce.ddmin(items, function(list)
		local text = G.render(9, o, ops, list)
		return text:find("\n" .. a .. "\n", 1, true) ~= nil and text:find("\n" .. b .. "\n", 1, true) ~= nil
	end)
	local text = G.render(9, o, ops, keep)
	local nlines = select(2, text:gsub("\n", ""))
	check(#keep == 2 and nlines == G.PRELUDE_LINES + 2, "the planted difference reduces to its 2 lines")
	check(load(text, "reduced", "t", {}) ~= nil, "the reduced script is valid Lua")
	check(text:find("reduced to 2 of them", 1, true) ~= nil, "the reduced script says so")
end

-- ---- reading reports ------------------------------------------------------------------------

do
	local d = Report.decode('{"a": [1, -2, 3.5, true, false, null, "x\\n\\u00e9\\"y"], "b": {}, "c": []}')
	check(d.a[1] == 1 and d.a[2] == -2 and d.a[3] == 3.5 and d.a[4] == true and d.a[5] == false,
		"json: numbers and booleans")
	check(d.a[6] == Report.null and d.a[7] == 'x\n\u{e9}"y', "json: null and string escapes")
	check(next(d.b) == nil and #d.c == 0, "json: empty object and array")
	check(not pcall(Report.decode, '{"a": 1'), "json: a truncated text is an error")
	check(not pcall(Report.decode, '[1] x'), "json: trailing text is an error")
	local e = Report.decode('{"keep": [1, {"x": "]"}], "states": [{"a": "[heap] \\"}"}, [[]], 7], "after": 2}',
		{ states = true })
	check(e.states == nil and e.after == 2 and e.keep[2].x == "]", "json: a member left out is scanned over, brackets in strings too")
end
do
	local d = Report.decode([[{
	  "simulator": {"operations": [
	    {"n": 4, "call": "P1:madvise(r2, 0x1000, 0x66)", "result": "EINVAL", "minflt": 0},
	    {"n": 5, "call": "P1:touch(r2, 0x4000, \"r\")", "result": "true", "minflt": 2}]},
	  "host": {"operations": [
	    {"n": 4, "call": "P1:madvise(r2, 0x1000, 0x66)", "result": "0", "minflt": 0},
	    {"n": 5, "call": "P1:touch(r2, 0x4000, \"r\")", "result": "true", "minflt": 1}]},
	  "report": [
	    {"kind": "operation", "where": "#4 s.lua:31", "what": "result", "simulator": "EINVAL", "host": "0"},
	    {"kind": "operation", "where": "#5 s.lua:32", "what": "minflt", "simulator": "true", "host": "true"},
	    {"kind": "state", "where": "P1 r2..vvar rw-p ", "what": "pages", "simulator": "-*4", "host": "SG*1 -*3"},
	    {"kind": "state", "where": "P1 r2..vvar rw-p ", "what": "VmFlags", "simulator": "rd wr", "host": "rd wr gu"},
	    {"kind": "state", "where": "P1 r9..r2 rw-p ", "what": "LazyFree", "simulator": "8 kB", "host": "0 kB"},
	    {"kind": "state", "where": "P1 r9..r2 rw-p ", "what": "Rss", "simulator": "8 kB", "host": "4 kB",
	     "expected": "fidelity.md#x: y"}]}]])
	local diffs = Report.differences(d, { LazyFree = true })
	local sigs = {}
	for _, x in ipairs(diffs) do sigs[#sigs + 1] = x.sig end
	check(#diffs == 3, "report: expected and ignored differences do not count, a VMA counts once (" .. #diffs .. ")")
	check(sigs[1] == "op madvise(0x66) result: EINVAL | 0", "report: an operation's signature: " .. tostring(sigs[1]))
	check(sigs[2] == 'op touch("r") minflt: sim>host', "report: a fault count's signature: " .. tostring(sigs[2]))
	check(sigs[3] == "state pages: flags sim+ host+GS", "report: a VMA's signature is its pages: " .. tostring(sigs[3]))
	check(diffs[1].line == 31 and diffs[1].n == 4, "report: an operation's line and number")
	-- On a host with swap, faults that only split otherwise between minor
	-- and major (asynchronous swap I/O) do not count with "fault split";
	-- a different sum still does.
	local function split_report(swap, smin, smaj, hmin, hmaj)
		return Report.decode(string.format([[{"host_settings": {"swap_bytes": %d},
		  "simulator": {"operations": [{"n": 3, "call": "P1:touch(r2, 0x2000, \"w\")", "minflt": %d, "majflt": %d}]},
		  "host": {"operations": [{"n": 3, "call": "P1:touch(r2, 0x2000, \"w\")", "minflt": %d, "majflt": %d}]},
		  "report": [{"kind": "operation", "where": "#3 s.lua:9", "what": "minflt, majflt",
		    "simulator": "true", "host": "true"}]}]], swap, smin, smaj, hmin, hmaj))
	end
	local split = { ["fault split"] = true }
	check(#Report.differences(split_report(1 << 28, 2, 1, 3, 0), split) == 0,
		"report: a fault split on a host with swap does not count")
	check(#Report.differences(split_report(0, 2, 1, 3, 0), split) == 1,
		"report: a fault split on a host without swap counts")
	check(#Report.differences(split_report(1 << 28, 2, 1, 4, 0), split) == 1,
		"report: faults of another sum count")
	check(#Report.differences(split_report(1 << 28, 2, 1, 3, 0), {}) == 1,
		"report: a fault split counts unless ignored")
	check(Report.class("SIGSEGV SEGV_MAPERR at r4 (trap 14, error code 0x6)") == "SIGSEGV SEGV_MAPERR 0x6",
		"report: a signal's class")
	check(Report.class("r12+0x3000") == "addr" and Report.class("<7 bytes 1a2b3c4d>") == "bytes",
		"report: address and bytes classes")
end

-- ---- the command line -----------------------------------------------------------------------

do
	local p = io.popen(string.format("lua5.4 %s/fuzz.lua --print 3 --ops 25 --no-huge", here))
	local out = p:read("a")
	p:close()
	check(out == script(3, { ops = 25, huge = false }), "fuzz.lua --print prints the seed's script")
	local _, _, rc = os.execute(string.format("lua5.4 %s/fuzz.lua --sedes 3 2>/dev/null", here))
	check(rc == 2, "fuzz.lua: an unknown option exits 2")
	_, _, rc = os.execute(string.format("lua5.4 %s/fuzz.lua --seeds x 2>/dev/null", here))
	check(rc == 2, "fuzz.lua: a bad number exits 2")
end

print(string.format("fuzz-tests: %d passed, %d failed", checks - failed, failed))
os.exit(failed == 0 and 0 or 1)

-- `make fuzz-oracle`: a differential fuzzer of mmsim against this machine's
-- kernel (docs/oracle.md#make-fuzz-oracle). For each seed it generates a
-- random script (gen.lua), runs it through `mmsim diff`, and on a difference
-- confirms it with a second run, then reduces the script to a 1-minimal one
-- that still shows the difference (reduce.lua) and saves it with its report.
-- Run with lua5.4 from anywhere: lua5.4 tests/fuzz/fuzz.lua --help.
local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
package.path = here .. "/?.lua;" .. package.path
local G = require "gen"
local Report = require "report"
local Reduce = require "reduce"
local Files = require "files"

local USAGE = [[
usage: lua5.4 tests/fuzz/fuzz.lua [OPTIONS]
Generate random scripts from seeds, run each through `mmsim diff`, and stop
at the first difference with the seed, a reduced script and the report.

  --mmsim PATH         the mmsim command (default: $MMSIM, else build/mmsim)
  --seeds N            how many seeds (default 100)
  --start S            the first seed (default 1)
  --seed-list LIST     these seeds instead: a comma-separated list, or a file
                       with one seed a line (# starts a comment)
  --ops N              operations per script (default 150)
  --max-pages N        pages a script's mmaps, mremaps and brks may create
                       together (default 400: no VMA reaches 2 MiB)
  --no-huge            no huge mappings (mapped and unmapped on one line)
  --no-threads         no p:thread
  --checkpoint-every N about one checkpoint per N operations (default 30)
  --exclude TEXT       generate no operation whose line contains TEXT (repeat)
  --keep-going         do not stop: collect every difference, reduce each new
                       signature once, and print a table of signatures
  --no-reduce          report differences without reducing them
  --out DIR            where scripts, reduced cases and reports go
                       (default build/fuzz-oracle)
  --timeout SEC        per mmsim diff run (default 120)
  --max-runs N         mmsim diff runs one reduction may take (default 600;
                       past it the script is as reduced as it got)
  --ignore FIELD       a state field whose differences do not count (repeat;
                       default LazyFree and "fault split": on a host with
                       swap, an operation whose minor and major faults
                       only split otherwise, their sum the same, as
                       asynchronous swap I/O makes them; see docs/fidelity.md)
  --print SEED         print the script of SEED and exit
  --quiet              one line per difference, no progress
  --name NAME          the name the summary lines start with (fuzz-oracle)
Exit status: 0 every seed agrees, 1 a difference, 2 usage error, 3 this host
cannot run the comparison (mmsim diff said SKIPPED).]]

local function die(msg, code)
	io.stderr:write("fuzz-oracle: ", msg, "\n")
	os.exit(code or 2)
end

-- ---- options ---------------------------------------------------------------------------------

local o = {
	mmsim = os.getenv("MMSIM") or "build/mmsim", seeds = 100, start = 1, list = nil,
	gen = { exclude = {} }, keep_going = false, reduce = true, out = "build/fuzz-oracle",
	timeout = 120, ignore = nil, print = nil, quiet = false, max_runs = 600, name = "fuzz-oracle",
}

local function int_arg(name, v, min)
	local n = math.tointeger(tonumber(v or ""))
	if not n or n < (min or 0) then die(string.format("%s wants an integer >= %d, not '%s'", name, min or 0, tostring(v))) end
	return n
end

do
	local i = 1
	local function val(name)
		i = i + 1
		if arg[i] == nil then die(name .. " wants a value") end
		return arg[i]
	end
	while arg[i] do
		local a = arg[i]
		local name, inline = a:match("^(%-%-[%w-]+)=(.*)$")
		if name then
			a = name
			table.insert(arg, i + 1, inline)
		end
		if a == "--help" or a == "-h" then print(USAGE) os.exit(0)
		elseif a == "--mmsim" then o.mmsim = val(a)
		elseif a == "--seeds" then o.seeds = int_arg(a, val(a), 1)
		elseif a == "--start" then o.start = int_arg(a, val(a), 0)
		elseif a == "--seed-list" then o.list = val(a)
		elseif a == "--ops" then o.gen.ops = int_arg(a, val(a), 1)
		elseif a == "--max-pages" then o.gen.max_pages = int_arg(a, val(a), 1)
		elseif a == "--no-huge" then o.gen.huge = false
		elseif a == "--no-threads" then o.gen.threads = false
		elseif a == "--checkpoint-every" then o.gen.checkpoint_every = int_arg(a, val(a), 0)
		elseif a == "--exclude" then table.insert(o.gen.exclude, val(a))
		elseif a == "--keep-going" then o.keep_going = true
		elseif a == "--no-reduce" then o.reduce = false
		elseif a == "--out" then o.out = val(a)
		elseif a == "--timeout" then o.timeout = int_arg(a, val(a), 1)
		elseif a == "--max-runs" then o.max_runs = int_arg(a, val(a), 1)
		elseif a == "--ignore" then o.ignore = o.ignore or {} o.ignore[val(a)] = true
		elseif a == "--print" then o.print = int_arg(a, val(a), 0)
		elseif a == "--quiet" then o.quiet = true
		elseif a == "--name" then o.name = val(a)
		else die("unknown option '" .. a .. "' (see --help)") end
		i = i + 1
	end
	o.ignore = o.ignore or { LazyFree = true, ["fault split"] = true }
end

-- The seeds to run, in order.
local function seed_list()
	local seeds = {}
	if not o.list then
		for s = o.start, o.start + o.seeds - 1 do seeds[#seeds + 1] = s end
		return seeds
	end
	local text = o.list
	if not text:match("^[%d,%s]+$") then
		local f = io.open(text)
		if not f then die("--seed-list: cannot read '" .. text .. "'") end
		text = f:read("a"):gsub("#[^\n]*", "")
		f:close()
	end
	for w in text:gmatch("[^,%s]+") do seeds[#seeds + 1] = int_arg("--seed-list", w, 0) end
	if #seeds == 0 then die("--seed-list: no seeds in '" .. o.list .. "'") end
	return seeds
end

if o.print then
	local ops, opts = G.generate(o.print, o.gen)
	io.write(G.render(o.print, opts, ops))
	os.exit(0)
end

-- ---- running mmsim diff -----------------------------------------------------------------------

local function sh(s)
	return "'" .. s:gsub("'", "'\\''") .. "'"
end

local write_file, read_file = Files.write, Files.read

-- With THP "always" the host backs any 2 MiB-aligned range of a VMA with a
-- huge page, which the simulator does not have; below 512 pages in all, a
-- script has no such range (gen.lua's max_pages).
if (o.gen.max_pages or G.DEFAULTS.max_pages) >= 512 then
	local f = io.open("/sys/kernel/mm/transparent_hugepage/enabled")
	local thp = f and f:read("a"):match("%[(%w+)%]")
	if f then f:close() end
	if thp == "always" then
		print(o.name .. ": SKIPPED: this kernel's transparent_hugepage/enabled is always; "
			.. "the simulator has no huge pages yet (see docs/fidelity.md)")
		os.exit(3)
	end
end

os.execute("mkdir -p " .. sh(o.out .. "/work"))
local work = o.out .. "/work"

-- Run script text through mmsim diff as file path s (its report goes beside
-- it). Returns {status = "agree" | "differ" | "skipped" | "timeout" |
-- "failed", diffs = the differences that count, text = the report, reason =}.
local function diff_as(text, s)
	local j, t = s:gsub("%.lua$", ".json"), s:gsub("%.lua$", ".txt")
	write_file(s, text)
	os.remove(j)
	local _, _, rc = os.execute(string.format("timeout -k 10 %d %s diff --json %s %s >%s 2>&1",
		o.timeout, sh(o.mmsim), sh(j), sh(s), sh(t)))
	local out = read_file(t) or ""
	if rc == 124 or rc == 137 then return { status = "timeout", text = out, diffs = {} } end
	if rc == 3 then return { status = "skipped", text = out, reason = out:match("SKIPPED: ([^\n]*)") or out } end
	local js = read_file(j)
	if (rc ~= 0 and rc ~= 1) or not js then
		return { status = "failed", text = out, diffs = {}, reason = string.format("mmsim diff exited %s", tostring(rc)) }
	end
	local ok, d = pcall(Report.decode, js, { states = true })
	if not ok then return { status = "failed", text = out, diffs = {}, reason = d } end
	local diffs = Report.differences(d, o.ignore)
	return { status = #diffs > 0 and "differ" or "agree", text = out, diffs = diffs }
end

-- The same for a script of the work directory called name.
local function diff(text, name)
	return diff_as(text, work .. "/" .. name .. ".lua")
end

-- The set of signatures of a result.
local function sigset(res)
	local t = {}
	for _, x in ipairs(res.diffs or {}) do t[x.sig] = t[x.sig] or x end
	return t
end

-- ---- reduction -------------------------------------------------------------------------------

-- Reduce the operations ops of seed to a 1-minimal subset whose report still
-- has signature sig (first seen as difference first). Returns the kept
-- indices, the final result, and the number of mmsim diff runs.
local function reduce(seed, opts, ops, sig, first)
	local runs = 0
	local function shows(keep)
		runs = runs + 1
		local res = diff(G.render(seed, opts, ops, keep), "reduce")
		return sigset(res)[sig] ~= nil, res
	end
	local all = {}
	for i = 1, #ops do all[i] = i end
	-- Cut what follows the difference: everything after its operation, or
	-- after the first checkpoint that shows it.
	local function prefix(n)
		local t = {}
		for i = 1, n do t[i] = i end
		return t
	end
	local start = all
	if first.line and first.line > G.PRELUDE_LINES then
		local p = prefix(math.min(first.line - G.PRELUDE_LINES, #ops))
		if shows(p) then start = p end
	elseif first.kind == "state" then
		for i, line in ipairs(ops) do
			if line:match("^mmsim%.checkpoint") then
				local p = prefix(i)
				if shows(p) then start = p break end
			end
		end
	end
	local keep = Reduce.ddmin(start, function(list)
		if runs >= o.max_runs then return false end
		return (shows(list))
	end)
	local _, res = shows(keep)
	return keep, res, runs
end

-- ---- the run ----------------------------------------------------------------------------------

local seeds = seed_list()
local summary = assert(io.open(o.out .. "/summary.txt", "w"))
local function log(fmt, ...)
	local s = string.format(fmt, ...)
	summary:write(s, "\n")
	summary:flush()
	print(s)
end

local known = {}        -- signature -> {count =, seeds =, best = {seed =, pos =, x =}, case =}
local order = {}        -- signatures in the order first seen
local counts = { agree = 0, differ = 0, timeout = 0, failed = 0, flaky = 0 }
local cases = 0
local first_failure
local sigfile = assert(io.open(o.out .. "/signatures.tsv", "w"))

-- Save a reduced case: its script and its report (run again under its own
-- name). Returns its file name.
local function save_case(seed, sig, keep, ops, opts, runs)
	cases = cases + 1
	local base = string.format("%s/case-%03d-seed-%d", o.out, cases, seed)
	local res = diff_as(G.render(seed, opts, ops, keep), base .. ".lua")
	os.remove(base .. ".json")
	write_file(base .. ".txt", string.format("signature: %s\nseed: %d\noperations: %d of %d (%d mmsim diff runs)%s\n\n%s",
		sig, seed, #keep, #ops, runs, sigset(res)[sig] and "" or " -- NOT SHOWN IN THIS RUN (flaky)", res.text))
	return base .. ".lua"
end

-- Reduce the script of seed to one that still shows signature sig (first
-- seen as difference x) and save it.
local function reduce_case(seed, sig, x)
	local k = known[sig]
	local ops, opts = G.generate(seed, o.gen)
	local keep, rres, runs = reduce(seed, opts, ops, sig, x)
	if sigset(rres)[sig] then
		k.case = save_case(seed, sig, keep, ops, opts, runs)
		log("    %s: reduced to %d operations (%d runs): %s", sig, #keep, runs, k.case)
	else
		log("    %s: not reduced: the difference did not show again", sig)
	end
end

-- A call that differs only shows that the runs went apart earlier: the
-- earlier difference is the one to reduce.
local function consequence(sig)
	return sig:find("went apart", 1, true) ~= nil
end

-- Pass 1: every seed through mmsim diff (twice when it differs).
local t0 = os.time()
for idx, seed in ipairs(seeds) do
	local ops, opts = G.generate(seed, o.gen)
	local text = G.render(seed, opts, ops)
	local res = diff(text, "seed")
	if res.status == "skipped" then
		log("%s: SKIPPED: %s", o.name, res.reason)
		os.exit(3)
	end
	if res.status == "differ" then
		-- A second run: only the signatures both runs show count, the others
		-- are flaky (the host is not always the same twice).
		local again = sigset(diff(text, "seed"))
		local stable, flaky = {}, {}
		for _, x in ipairs(res.diffs) do
			if again[x.sig] then stable[#stable + 1] = x else flaky[x.sig] = true end
		end
		local fl = {}
		for sg in pairs(flaky) do fl[#fl + 1] = sg end
		table.sort(fl)
		if #stable == 0 then
			counts.flaky = counts.flaky + 1
			log("seed %d: flaky: %s", seed, table.concat(fl, "; "))
		else
			counts.differ = counts.differ + 1
			write_file(string.format("%s/seed-%d.lua", o.out, seed), text)
			write_file(string.format("%s/seed-%d.txt", o.out, seed), res.text)
			local pos, new = 0, {}
			local seen_here = {}
			for _, x in ipairs(stable) do
				if not seen_here[x.sig] then
					seen_here[x.sig] = true
					pos = pos + 1
					sigfile:write(string.format("%d\t%d\t%s\n", seed, pos, x.sig))
					local k = known[x.sig]
					if not k then
						k = { count = 0, seeds = {} }
						known[x.sig] = k
						order[#order + 1] = x.sig
						new[#new + 1] = x.sig
					end
					k.count = k.count + 1
					if #k.seeds < 8 then k.seeds[#k.seeds + 1] = seed end
					-- The seed where it comes earliest among the differences
					-- is the one to reduce: the least else happened before.
					if not k.best or pos < k.best.pos then k.best = { seed = seed, pos = pos, x = x } end
				end
			end
			sigfile:flush()
			log("seed %d: %d differences%s%s", seed, pos, #new > 0 and "; new: " or "", table.concat(new, "; "))
			if #fl > 0 and not o.quiet then log("seed %d: also flaky: %s", seed, table.concat(fl, "; ")) end
			if not first_failure then first_failure = { seed = seed, sig = stable[1].sig, x = stable[1] } end
			if not o.keep_going then break end
		end
	elseif res.status == "agree" then
		counts.agree = counts.agree + 1
	else
		counts[res.status] = counts[res.status] + 1
		write_file(string.format("%s/seed-%d.lua", o.out, seed), text)
		write_file(string.format("%s/seed-%d.txt", o.out, seed), res.text)
		log("seed %d: %s %s", seed, res.status, res.reason or "")
	end
	if not o.quiet and idx % 50 == 0 then
		io.stderr:write(string.format("fuzz-oracle: %d/%d seeds, %d differ, %d s\n", idx, #seeds, counts.differ,
			os.time() - t0))
	end
end
sigfile:close()
local ran = counts.agree + counts.differ + counts.timeout + counts.failed + counts.flaky
log("%s: %d seeds x %d operations: %d agree, %d differ, %d flaky, %d timed out, %d failed (%d s)",
	o.name, ran, o.gen.ops or G.DEFAULTS.ops, counts.agree, counts.differ, counts.flaky, counts.timeout, counts.failed,
	os.time() - t0)

-- Pass 2: reduce the first difference (or, with --keep-going, one seed of
-- each signature, those that come first in their seed first).
if o.reduce and first_failure then
	if not o.keep_going then
		reduce_case(first_failure.seed, first_failure.sig, first_failure.x)
	else
		local todo = {}
		for _, sg in ipairs(order) do
			if not consequence(sg) then todo[#todo + 1] = sg end
		end
		table.sort(todo, function(a, b)
			local x, y = known[a].best, known[b].best
			if x.pos ~= y.pos then return x.pos < y.pos end
			return known[a].count > known[b].count
		end)
		log("reducing %d signatures", #todo)
		for _, sg in ipairs(todo) do
			local b = known[sg].best
			reduce_case(b.seed, sg, b.x)
		end
	end
end

-- ---- the summary -------------------------------------------------------------------------------

if #order > 0 then
	log("%-6s %-66s %s", "seeds", "signature", "reduced case, or the first seeds")
	for _, sg in ipairs(order) do
		local k = known[sg]
		local seeds_s = {}
		for _, x in ipairs(k.seeds) do seeds_s[#seeds_s + 1] = tostring(x) end
		log("%-6d %-66s %s", k.count, sg, k.case or table.concat(seeds_s, ","))
	end
end
if first_failure and not o.keep_going then
	local k = known[first_failure.sig]
	log("")
	log("first difference: seed %d: %s", first_failure.seed, first_failure.sig)
	if k.case then
		print("reduced script (" .. k.case .. "):")
		io.write(read_file(k.case))
		print("its report:")
		io.write(read_file((k.case:gsub("%.lua$", ".txt"))))
	else
		io.write(read_file(string.format("%s/seed-%d.txt", o.out, first_failure.seed)))
	end
end
local bad = counts.differ + counts.timeout + counts.failed
log("%s: %d passed, %d failed", o.name, ran - bad, bad)
summary:close()
os.exit(bad > 0 and 1 or 0)

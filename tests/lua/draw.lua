-- The machine's state for pictures (p:page_tables, p:walk, m:tlb, m:frames)
-- and the pictures themselves (m:draw, p:draw): what they read must be what
-- the MMU and the kernel hold, reading must change nothing, and every SVG
-- must be well-formed XML (checked with xmllint, from libxml2-utils: make
-- deps), the same bytes for the same state, and small for a large machine.
local T = require "check"
local PAGE = T.PAGE or 4096

local function has_xmllint()
	local ok = os.execute("command -v xmllint >/dev/null 2>&1")
	return ok == true or ok == 0
end
if not has_xmllint() then
	T.skip("xmllint (Debian package libxml2-utils, installed by make deps) is not here")
end

-- Is svg well-formed XML whose root is an <svg> of class mmsim-WHAT?
local function valid_svg(svg, what)
	local path = os.tmpname()
	local f = assert(io.open(path, "w"))
	f:write(svg)
	f:close()
	local h = assert(io.popen("xmllint --noout " .. path .. " 2>&1; echo rc=$?"))
	local out = h:read("a")
	h:close()
	os.remove(path)
	T.has(out, "rc=0", what .. ": xmllint accepts it (" .. out:sub(1, 200) .. ")")
	T.match(svg, '^<%?xml version="1.0" encoding="UTF%-8"%?>\n<svg xmlns="http://www.w3.org/2000/svg" class="mmsim%-'
		.. what .. '"', what .. ": an SVG document of its class")
end

-- ---- p:page_tables -----------------------------------------------------------------
local m = T.machine()
local p = m:spawn{ name = "drawn", core = 0 }
local heap = assert(p:mmap{ len = 4 * PAGE, prot = "rw", flags = "private|anonymous" })
assert(p:write(heap + 0x10, 42, 4))
local pa = assert(p:virt_to_phys(heap + 0x10))

local pt = assert(p:page_tables(heap, heap + PAGE))
T.eq(pt.levels, 4, "4-level paging by default")
T.ok(pt.root > 0 and pt.root % PAGE == 0, "the root table is a frame")
T.eq(#pt, 4, "one entry per level maps the page")
for i, e in ipairs(pt) do
	T.eq(e.level, 5 - i, "depth first, from the PML4 down")
	T.ok(e.present, "entry " .. i .. " present")
	T.eq(e.index, (heap >> (12 + 9 * (e.level - 1))) & 511, "entry " .. i .. "'s index is the address's field")
end
T.eq(pt[1].table, "PML4", "the top table's name")
T.eq(pt[1].entry_pa, pt.root + 8 * pt[1].index, "the PML4 entry sits in the root table")
T.eq(pt[4].table, "PT", "the leaf's table")
T.ok(pt[4].leaf, "the PT entry maps the page")
T.eq(pt[4].pfn, pa >> 12, "the leaf's frame is where the store landed")
T.eq(pt[4].va, heap, "the leaf maps the page's address")
T.has(pt[4].flags, "D", "the store made the PTE dirty")
T.has(pt[4].flags, "NX", "a data page is not executable")
-- the untouched pages have no PTE: a wider range still has one leaf
local wide = assert(p:page_tables(heap, heap + 4 * PAGE))
T.eq(#wide, 4, "pages never touched have no PTE")
T.errno("EINVAL", p:page_tables(heap + PAGE, heap))

-- ---- p:walk -----------------------------------------------------------------------------
local ro = assert(p:mmap{ len = PAGE, prot = "r", flags = "private|anonymous|populate" })
local tlb_before = m:tlb(0)
local st_before = p:stats()
local w = assert(p:walk(heap + 0x10, "write"))
T.eq(w.fault, nil, "the mapped page translates")
T.eq(w.pa, pa, "to where the store went")
T.eq(w.page_size, PAGE, "a 4K page")
T.eq(#w.steps, 4, "four entries read")
T.eq(w.steps[1].entry_pa, w.root + 8 * w.steps[1].index, "the first from CR3's table")
T.eq(w.why, "allowed", "the rule that decided")

local miss = assert(p:walk(heap + PAGE, "read"))
T.ok(miss.fault, "an untouched page does not translate")
T.eq(miss.fault.vector, 14, "#PF")
T.eq(miss.fault.name, "#PF", "named")
T.eq(miss.fault.error_code & 1, 0, "P=0 in the error code: no translation")
T.eq(miss.fault.error_code & 4, 4, "a user access")
T.eq(#miss.steps, 4, "it read down to the PT")
T.has(miss.fault.why, "P=0", "the rule says what was missing")
T.eq(miss.pa, nil, "no physical address")

local wro = assert(p:walk(ro, "write"))
T.eq(wro.fault and wro.fault.vector, 14, "a write to a read-only page faults")
T.eq(wro.fault.error_code & 3, 3, "present, write")

local gp = assert(p:walk(0x0000800000000000))
T.eq(gp.fault and gp.fault.vector, 13, "a non-canonical address is #GP")
T.raises("access 'poke'", p.walk, p, heap, "poke")

-- reading changed nothing: no TLB fill, no fault counted, no A bit set
local tlb_after = m:tlb(0)
for i, c in ipairs(tlb_before) do
	T.eq(tlb_after[i].valid, c.valid, c.name .. ": the walks filled nothing")
end
local st_after = p:stats()
T.eq(st_after.minflt, st_before.minflt, "no fault handled")
T.eq(#assert(p:page_tables(heap, heap + 4 * PAGE)), 4, "no table allocated")

-- ---- m:tlb ---------------------------------------------------------------------------------
local caches = assert(m:tlb(0))
T.ok(#caches >= 4, "TLBs and paging-structure caches")
local found_tlb, found_pwc = false, false
for _, c in ipairs(caches) do
	T.ok(c.sets > 0 and c.ways > 0, c.name .. ": a geometry")
	T.eq(#c.entries, c.valid, c.name .. ": one entry per valid slot")
	for _, e in ipairs(c.entries) do
		T.ok(e.set < c.sets and e.way < c.ways, c.name .. ": entry within the geometry")
		if c.level > 0 and e.va == heap and e.pa == pa - (pa % PAGE) then
			found_tlb = true
			T.ok(e.w and e.u and e.xd and e.d, "the store's translation: writable, user, XD, dirty")
			T.eq(e.page_size, PAGE, "of a 4K page")
		end
		if c.level == 0 and e.pa == pt[4].entry_pa - pt[4].index * 8 then
			found_pwc = true
		end
	end
end
T.ok(found_tlb, "a TLB holds the store's translation")
T.ok(found_pwc, "the PDE cache holds the PT's address")
T.errno("EINVAL", m:tlb(99))

-- ---- m:frames ------------------------------------------------------------------------------
local runs = assert(m:frames())
local total, next_pfn, kinds = 0, 0, {}
for _, r in ipairs(runs) do
	T.eq(r.pfn, next_pfn, "runs follow each other")
	next_pfn = r.pfn + r.count
	total = total + r.count
	kinds[r.kind] = (kinds[r.kind] or 0) + r.count
end
T.eq(total, 64 * 1024 * 1024 // PAGE, "the runs cover every frame of the 64M machine")
T.ok(kinds.anon and kinds.anon >= 2, "the two touched pages are anon (" .. tostring(kinds.anon) .. ")")
T.ok(kinds.pagetable and kinds.pagetable >= 4, "the page tables")
T.ok(kinds.free and kinds.free > total // 2, "most is free")
local page_of_store = nil
for _, r in ipairs(runs) do
	if pa >> 12 >= r.pfn and pa >> 12 < r.pfn + r.count then
		page_of_store = r
	end
end
T.eq(page_of_store.kind, "anon", "the stored-to frame is anon")
T.errno("EINVAL", m:frames(1 << 40))

-- a terabyte of memory is a few runs, not millions
local big = mmsim.machine{ ram = "1T" }
local bruns = assert(big:frames())
T.ok(#bruns < 200, "1 TiB in " .. #bruns .. " runs")

-- ---- pictures -------------------------------------------------------------------------------
local pictures = { "pagetable", "walk", "vmas", "physmem", "buddy", "tlb" }
for _, what in ipairs(pictures) do
	local svg = assert(p:draw(what, { addr = heap + 0x10 }))
	valid_svg(svg, what)
	T.eq(assert(p:draw(what, { addr = heap + 0x10 })), svg, what .. ": the same state, the same bytes")
	local text = assert(p:draw(what, { addr = heap + 0x10, format = "text" }))
	T.ok(not text:find("<svg", 1, true) and #text > 40, what .. ": a text form for the terminal")
end
local ptsvg = p:draw("pagetable", { addr = heap + 0x10 })
T.has(ptsvg, string.format('data-level="4" data-index="%d"', (heap >> 39) & 511) , "the path's PML4 entry")
T.has(ptsvg, string.format("%d", (heap >> 21) & 511), "the PD index")
local wsvg = p:draw("walk", { addr = heap + PAGE })
T.has(wsvg, 'data-vector="14"', "the walk of an untouched page shows the #PF")
T.has(p:draw("walk", { addr = heap + 0x10, access = "write" }), string.format("%#x", pa), "and a translation its address")
T.has(p:draw("vmas"), "[stack]", "the stack's VMA")
T.has(m:draw("tlb"), 'data-key="dtlb4k"', "the L1 dTLB")
T.has(m:draw("buddy"), 'data-zone="DMA32"', "the zones")
T.has(m:draw("physmem"), 'data-kind="pagetable"', "page-table frames")
-- m:draw with pid, p:draw of another process
local q = m:spawn{ name = "other" }
T.has(m:draw("vmas", { pid = p }), "drawn", "pid by process")
T.has(m:draw("vmas", { pid = q.pid, format = "text" }), "other", "pid by number")
T.errno("ESRCH", m:draw("vmas", { pid = 999 }))
T.raises("no picture called 'nope'", m.draw, m, "nope")
T.raises("walk", p.draw, p, "walk")          -- an address is needed
T.raises("format 'png'", m.draw, m, "tlb", { format = "png" })
T.raises("unknown", m.draw, m, "tlb", { colour = 1 })

-- a title with XML's special characters stays well-formed
valid_svg(m:draw("buddy", { title = "a < b & \"c\" 'd'" }), "buddy")

-- plots
local plot = assert(m:draw("plot", { series = { { name = "faults", values = { 0, 1, 3, 7 } },
						{ name = "tlb misses", values = { 5, 2, 2, 9 } } },
				      xlabel = "step", ylabel = "count" }))
valid_svg(plot, "plot")
T.has(plot, 'data-name="faults"', "one series")
T.has(plot, 'data-name="tlb misses"', "the other")
T.eq(m:draw("plot", { series = { b = { 1, 2 }, a = { 3, 4 } } }),
     m:draw("plot", { series = { a = { 3, 4 }, b = { 1, 2 } } }), "series by name: the table's order does not matter")
T.raises("not a number", m.draw, m, "plot", { series = { { name = "x", values = { 1, "z" } } } })

-- a replay's time series as a chart (docs/lua-api.md, m:replay): its
-- samples' columns are the plot's series, the accesses its x
local tpath = os.tmpname()
local tw = assert(mmsim.trace_create(tpath))
for i = 0, 299 do
	assert(tw:write { type = "access", tid = 1, addr = 0x400000 + (i < 150 and i % 8 or i) * 4096, size = 8, kind = "load" })
end
assert(tw:close())
local rep = assert(mmsim.machine{ preset = "teaching" }:replay(tpath, { interval = 50 }))
os.remove(tpath)
local cols = { accesses = {}, walks = {}, faults = {} }
for _, sample in ipairs(rep.series) do
	for k, col in pairs(cols) do col[#col + 1] = sample[k] end
end
T.eq(#cols.accesses, 6, "a sample every 50 accesses; the end (300) falls on one: not repeated")
T.eq(cols.accesses[6], 300, "the last sample is the end")
local rplot = assert(m:draw("plot", { series = { walks = cols.walks, faults = cols.faults }, x = cols.accesses,
					xlabel = "accesses", ylabel = "cumulative" }))
valid_svg(rplot, "plot")
T.has(rplot, 'data-name="walks" data-points="6"', "the walks, a point per sample")
T.has(rplot, 'data-name="faults" data-points="6"', "the faults")

-- a large machine's pictures stay small
local bp = big:spawn{}
assert(bp:mmap{ len = 1 << 30, prot = "rw", flags = "private|anonymous|populate" })
for _, what in ipairs{ "physmem", "buddy", "pagetable", "vmas" } do
	local svg = assert(bp:draw(what))
	valid_svg(svg, what)
	T.ok(#svg < 300000, what .. " of a 1 TiB machine with 1 GiB touched: " .. #svg .. " bytes")
end

-- the host backend cannot see page tables, TLBs or frames
local ok, h = pcall(mmsim.host, {})
if ok then
	local hp = h:spawn{}
	T.errno("EOPNOTSUPP", hp:page_tables(0, 1 << 47))
	T.errno("EOPNOTSUPP", h:frames())
	T.errno("EOPNOTSUPP", h:draw("physmem"))
	h:close()
else
	T.note("draw.lua: no host backend here: its EOPNOTSUPP branch not checked")
end

T.done()

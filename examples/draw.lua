-- Pictures of the machine: *p = 42 seen as the walk before and after the
-- fault, the page-table path, the TLBs, and a chart of the faults as a
-- process touches its heap (docs/draw.md).
--
-- Run it:   mmsim run examples/draw.lua          (text pictures)
--           mmsim run examples/draw.lua out/     (and SVG files in out/)
--           mmsim draw plot -o faults.svg examples/draw.lua
--                                                (the chart this script returns)
--           mmsim draw pagetable --text examples/draw.lua

local dir = arg and arg[1]
local m = mmsim.machine{preset = "teaching"}
local p = m:spawn{name = "drawn", core = 0}

-- Save a picture as SVG when a directory was given.
local function save(name, svg)
	if dir then
		local f = assert(io.open(dir .. "/" .. name .. ".svg", "w"))
		f:write(svg)
		f:close()
	end
end

local heap = assert(p:mmap{len = 16 * 4096, prot = "rw", flags = "private|anonymous"})
local ptr = heap + 0x10

-- Before the store: the walk ends at a missing entry, a #PF.
print(p:draw("walk", {addr = ptr, access = "write", format = "text"}))
save("walk-before", p:draw("walk", {addr = ptr, access = "write"}))

assert(p:write(ptr, 42, 4))

-- After: four entries read, the last one pointing to the new frame.
print(p:draw("walk", {addr = ptr, access = "write", format = "text"}))
save("walk-after", p:draw("walk", {addr = ptr, access = "write"}))
print(p:draw("pagetable", {addr = ptr, format = "text"}))
save("pagetable", p:draw("pagetable", {addr = ptr}))
print(m:draw("tlb", {format = "text"}))
save("tlb", m:draw("tlb"))

-- Touch the heap page by page and count the faults.
local faults = {}
for i = 0, 15 do
	assert(p:write(heap + i * 4096, i, 1))
	faults[#faults + 1] = p:stats().minflt
end
print(string.format("after touching 16 pages: %d faults", faults[#faults]))
save("vmas", p:draw("vmas"))
save("physmem", m:draw("physmem"))
save("buddy", m:draw("buddy"))
save("faults", m:draw("plot", {series = {minflt = faults}, xlabel = "pages touched", ylabel = "faults"}))

return {series = {minflt = faults}, xlabel = "pages touched", ylabel = "minor faults"}

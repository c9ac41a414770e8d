-- The reference cannot drift from the binding: every function, method and
-- field the module has is documented in docs/lua-api.md, and everything
-- documented there exists. Entries are the headings "### mmsim.NAME...",
-- "### m:NAME...", "### p:NAME...", "### p.NAME", "### c:NAME...", "### v:NAME..."; every
-- "###" heading must be one, and each entry must show a Lua example.
local T = require "check"

local DOC = "docs/lua-api.md"

-- ---- what the module has ----------------------------------------------------------
local real = {}
local function add(name, what)
	real[name] = what
end

for k, v in pairs(mmsim) do
	add("mmsim." .. k, type(v))
end

local m = T.machine()
local mt = getmetatable(m)
T.eq(type(mt.__index), "table", "machine methods sit in the metatable's __index table")
for k in pairs(mt.__index) do
	add("m:" .. k, "method")
end

local p = m:spawn()
local pt = getmetatable(p)
T.eq(type(pt.__index), "function", "process methods sit behind an __index function")
local upname, methods = debug.getupvalue(pt.__index, 1)
T.eq(type(methods), "table", "its first upvalue is the method table (" .. tostring(upname) .. ")")
for k in pairs(methods) do
	add("p:" .. k, "method")
end
-- the fields __index serves besides the methods
T.eq(p.pid, 1, "p.pid")
T.ok(p.machine == m, "p.machine")
add("p.pid", "field")
add("p.machine", "field")

local c = m:kmem_cache_create({ name = "doc", size = 8 })
local ct = getmetatable(c)
T.eq(type(ct.__index), "table", "cache methods sit in the metatable's __index table")
for k in pairs(ct.__index) do
	add("c:" .. k, "method")
end

local v = m:vm()
local vt = getmetatable(v)
T.eq(type(vt.__index), "table", "VM methods sit in the metatable's __index table")
for k in pairs(vt.__index) do
	add("v:" .. k, "method")
end

-- metamethods are described in the text, by name or by use
local metas = {}
for _, meta in ipairs({ mt, pt, ct, vt }) do
	for k in pairs(meta) do
		if k ~= "__index" and k ~= "__name" and k ~= "__gc" then
			metas[k] = true
		end
	end
end

-- ---- what the reference documents -------------------------------------------------------
local f = assert(io.open(DOC, "r"), "cannot open " .. DOC .. " (run from the top of the tree)")
local text = f:read("a")
f:close()

local documented, order, malformed = {}, {}, {}
local current
local examples = {}
local lineno = 0
for line in (text .. "\n"):gmatch("([^\n]*)\n") do
	lineno = lineno + 1
	local heading = line:match("^### (.*)$")
	if heading then
		local name = heading:match("^(mmsim%.[%a_][%w_]*)") or heading:match("^([mpcv]:[%a_][%w_]*)")
			     or heading:match("^(p%.[%a_][%w_]*)$")
		local rest = name and heading:sub(#name + 1)
		if not name or not (rest == "" or rest:match("^[%({]")) then
			malformed[#malformed + 1] = DOC .. ":" .. lineno .. ": " .. line
			current = nil
		else
			if documented[name] then
				malformed[#malformed + 1] = DOC .. ":" .. lineno .. ": documented twice: " .. name
			end
			documented[name] = lineno
			order[#order + 1] = name
			current = name
		end
	elseif line:match("^##? ") then
		current = nil
	elseif current and line:match("^```lua") then
		examples[current] = true
	end
end

-- ---- compare ---------------------------------------------------------------------------------
local undocumented, missing, no_example = {}, {}, {}
for name in pairs(real) do
	if not documented[name] then
		undocumented[#undocumented + 1] = name
	end
end
for _, name in ipairs(order) do
	if not real[name] then
		missing[#missing + 1] = name .. " (" .. DOC .. ":" .. documented[name] .. ")"
	elseif not examples[name] then
		no_example[#no_example + 1] = name
	end
end
table.sort(undocumented)

local problems = {}
local function report(list, what)
	if #list > 0 then
		problems[#problems + 1] = what .. ":\n    " .. table.concat(list, "\n    ")
	end
end
report(undocumented, "in the module but not in " .. DOC)
report(missing, "in " .. DOC .. " but not in the module")
report(malformed, "headings that are not entries (### mmsim.x / m:x / p:x / p.x / c:x / v:x)")
report(no_example, "entries without a ```lua example")
local metas_missing = {}
for k in pairs(metas) do
	if not text:find(k, 1, true) and not (k == "__eq" and text:find("(`==`)", 1, true))
	   and not (k == "__tostring" and text:find("tostring(", 1, true))
	   and not (k == "__close" and text:find("<close>", 1, true)) then
		metas_missing[#metas_missing + 1] = k
	end
end
report(metas_missing, "metamethods the reference does not mention")
T.ok(#problems == 0, "the reference and the module agree\n" .. table.concat(problems, "\n"))

local n = 0
for _ in pairs(real) do
	n = n + 1
end
T.ok(n >= 60, "the module has its " .. n .. " entries")
print(string.format("api_doc: %d entries documented", n))
T.done()

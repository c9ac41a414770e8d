-- The examples of the user guide run: every ```lua block of
-- docs/user-guide.md is a complete script (its asserts state the claims
-- the text makes), and each must run without error on a fresh state of
-- globals. A failure names the block's line in the guide.
local T = require "check"

local GUIDE = "docs/user-guide.md"
local f = assert(io.open(GUIDE, "r"), "cannot open " .. GUIDE .. " (run from the top of the tree)")
local text = f:read("a")
f:close()

local blocks, lineno, current, start = {}, 0, nil, 0
for line in (text .. "\n"):gmatch("([^\n]*)\n") do
	lineno = lineno + 1
	if current then
		if line == "```" then
			blocks[#blocks + 1] = { line = start, code = table.concat(current, "\n") }
			current = nil
		else
			current[#current + 1] = line
		end
	elseif line == "```lua" then
		current, start = {}, lineno
	end
end
T.ok(#blocks >= 10, "the guide has its examples")

for _, b in ipairs(blocks) do
	local env = setmetatable({}, { __index = _G })
	local chunk, err = load(b.code, "=" .. GUIDE .. ":" .. b.line, "t", env)
	T.ok(chunk, "the example at " .. GUIDE .. ":" .. b.line .. " compiles: " .. tostring(err))
	local ok, msg = pcall(chunk)
	T.ok(ok, "the example at " .. GUIDE .. ":" .. b.line .. " runs: " .. tostring(msg))
end
print(string.format("guide: %d examples ran", #blocks))
T.done()

-- Whole-file reads and writes for the fuzzer's scripts.
local M = {}

-- The contents of the file at path, or nil when it cannot be read.
function M.read(path)
	local f = io.open(path)
	if not f then return nil end
	local t = f:read("a")
	f:close()
	return t
end

-- Write text to the file at path (raises an error when it cannot).
function M.write(path, text)
	local f = assert(io.open(path, "w"))
	f:write(text)
	f:close()
end

return M

-- Delta debugging for `make fuzz-oracle`: Zeller and Hildebrandt's ddmin,
-- which shrinks a list of items (here the operation lines of a script) to a
-- 1-minimal sublist on which a test still fails: removing any one item of
-- the result makes the failure go away.
local M = {}

-- The sublist of items split into n nearly equal chunks: an array of arrays.
local function split(items, n)
	local chunks, start = {}, 1
	for i = 1, n do
		local stop = start + (#items - start + 1) // (n - i + 1) - 1
		local c = {}
		for j = start, stop do c[#c + 1] = items[j] end
		chunks[i] = c
		start = stop + 1
	end
	return chunks
end

-- items without the elements of chunk (both in the order of items).
local function without(items, chunk)
	local drop, out = {}, {}
	for _, x in ipairs(chunk) do drop[x] = true end
	for _, x in ipairs(items) do
		if not drop[x] then out[#out + 1] = x end
	end
	return out
end

-- A 1-minimal sublist of items (an array of distinct values, kept in order)
-- for which fails(sublist) is true; fails(items) must be true. Each sublist is
-- tested at most once. Returns the sublist and the number of tests run.
function M.ddmin(items, fails)
	local cache, tests = {}, 0
	local function test(list)
		local key = table.concat(list, ",")
		if cache[key] == nil then
			tests = tests + 1
			cache[key] = fails(list) and true or false
		end
		return cache[key]
	end
	local n = 2
	while #items >= 2 do
		local chunks = split(items, math.min(n, #items))
		local found = false
		for _, c in ipairs(chunks) do                -- a chunk alone fails: keep it
			if test(c) then
				items, n, found = c, 2, true
				break
			end
		end
		if not found then
			for _, c in ipairs(chunks) do            -- everything but a chunk fails: drop it
				local rest = without(items, c)
				if test(rest) then
					items, n, found = rest, math.max(n - 1, 2), true
					break
				end
			end
		end
		if not found then
			if n >= #items then break end
			n = math.min(2 * n, #items)
		end
	end
	if #items == 1 and test({}) then items = {} end
	return items, tests
end

return M

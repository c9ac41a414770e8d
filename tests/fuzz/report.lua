-- Reading `mmsim diff --json` reports for `make fuzz-oracle`: a small JSON
-- decoder, and the signature of each difference, a short text naming its kind
-- without the addresses and counts that change from script to script
-- ("op madvise(0x66) result: EINVAL | 0", "state VmFlags: host +gu"). Two
-- differences with the same signature probably have the same cause; the
-- reducer keeps a script only while its report still has the signature.
local M = {}

-- ---- JSON ------------------------------------------------------------------------------------

local decode_value
local skip_keys = {}

local function skip(s, i)
	return s:find("[^ \t\r\n]", i) or #s + 1
end

-- The index after the string that starts at i (a quote).
local function skip_string(s, i)
	local k = i + 1
	while true do
		local q = s:find('["\\]', k)
		if not q then error("json: unterminated string at " .. i) end
		if s:byte(q) == 92 then k = q + 2 else return q + 1 end
	end
end

-- The index after the value that starts at i, without building it: from
-- bracket to bracket with string.find (a whole VMA state is skipped fast).
local function skip_value(s, i)
	i = skip(s, i)
	local c = s:sub(i, i)
	if c == '"' then return skip_string(s, i) end
	if c ~= "{" and c ~= "[" then
		local _, e = s:find("^[^,%]}]*", i)
		return e + 1
	end
	local depth = 0
	repeat
		local j = s:find('[%[%]{}"]', i)
		if not j then error("json: unterminated value") end
		local b = s:byte(j)
		if b == 34 then
			i = skip_string(s, j)
		else
			depth = depth + ((b == 91 or b == 123) and 1 or -1)
			i = j + 1
		end
	until depth == 0
	return i
end

local ESC = { ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local function decode_string(s, i)
	local out, j = {}, i + 1
	while true do
		local c = s:sub(j, j)
		if c == "" then error("json: unterminated string at " .. i) end
		if c == '"' then return table.concat(out), j + 1 end
		if c == "\\" then
			local e = s:sub(j + 1, j + 1)
			if e == "u" then
				local cp = tonumber(s:sub(j + 2, j + 5), 16)
				if not cp then error("json: bad \\u escape at " .. j) end
				out[#out + 1] = utf8.char(cp)
				j = j + 6
			elseif ESC[e] then
				out[#out + 1] = ESC[e]
				j = j + 2
			else
				error("json: bad escape at " .. j)
			end
		else
			local k = s:find('["\\]', j) or #s + 1
			out[#out + 1] = s:sub(j, k - 1)
			j = k
		end
	end
end

function decode_value(s, i)
	i = skip(s, i)
	local c = s:sub(i, i)
	if c == "{" then
		local t = {}
		i = skip(s, i + 1)
		if s:sub(i, i) == "}" then return t, i + 1 end
		while true do
			if s:sub(i, i) ~= '"' then error("json: object key expected at " .. i) end
			local k
			k, i = decode_string(s, i)
			i = skip(s, i)
			if s:sub(i, i) ~= ":" then error("json: ':' expected at " .. i) end
			if skip_keys[k] then
				i = skip_value(s, i + 1)
			else
				t[k], i = decode_value(s, i + 1)
			end
			i = skip(s, i)
			local d = s:sub(i, i)
			if d == "}" then return t, i + 1 end
			if d ~= "," then error("json: ',' or '}' expected at " .. i) end
			i = skip(s, i + 1)
		end
	elseif c == "[" then
		local t = {}
		i = skip(s, i + 1)
		if s:sub(i, i) == "]" then return t, i + 1 end
		while true do
			t[#t + 1], i = decode_value(s, i)
			i = skip(s, i)
			local d = s:sub(i, i)
			if d == "]" then return t, i + 1 end
			if d ~= "," then error("json: ',' or ']' expected at " .. i) end
			i = i + 1
		end
	elseif c == '"' then
		return decode_string(s, i)
	elseif s:sub(i, i + 3) == "true" then
		return true, i + 4
	elseif s:sub(i, i + 4) == "false" then
		return false, i + 5
	elseif s:sub(i, i + 3) == "null" then
		return M.null, i + 4
	else
		local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
		if not num or num == "" then error("json: unexpected '" .. c .. "' at " .. i) end
		return math.tointeger(tonumber(num)) or tonumber(num), i + #num
	end
end

-- JSON null.
M.null = setmetatable({}, { __tostring = function() return "null" end })

-- The value of the JSON text s (objects and arrays as tables, null as
-- M.null); the members of objects whose key is in the set leave_out are
-- left out (scanned over, not built).
function M.decode(s, leave_out)
	skip_keys = leave_out or {}
	local v, i = decode_value(s, 1)
	if skip(s, i) <= #s then error("json: trailing text at " .. i) end
	return v
end

-- ---- signatures ------------------------------------------------------------------------------

-- The kind of a recorded result: an errno name, a signal with its code and
-- #PF error code, "addr", "bytes", "pid", a small number or true/false.
function M.class(v)
	if v == nil or v == M.null or v == "-" then return "-" end
	v = tostring(v)
	if v:match("^E[A-Z0-9]+$") then return v end
	local sig, code = v:match("^(SIG%u+) (%S+)")
	if sig then
		local ec = v:match("error code (0x%x+)")
		return sig .. " " .. code .. (ec and (" " .. ec) or "")
	end
	if v:match("^P%d+$") then return "pid" end
	if v == "true" or v == "false" then return v end
	if v:match("^<%d+ bytes") then return "bytes" end
	if v:match("^%d$") then return v end
	if v:match("^%-?%d+$") or v:match("^%-?0x%x+$") then return "num" end
	return "addr"
end

-- The method of a recorded call ("P3:mremap(...)" -> "mremap"), with the
-- argument that tells its variant for madvise (the advice), mremap and
-- mlockall (the flags) and touch (the kind).
function M.method(call)
	local name, args = (call or ""):match("^[%w_]+:([%w_]+)%((.*)%)$")
	if not name then return "?" end
	local last = args:match(',%s*("[^"]*")%s*$') or args:match(",%s*(0x%x+)%s*$") or args:match(",%s*(%d+)%s*$")
	if name == "madvise" or name == "touch" then
		return string.format("%s(%s)", name, last or "")
	elseif name == "mremap" then
		return string.format("mremap(%s)", args:match('"([^"]*)"') or "")
	elseif name == "mlockall" or name == "mlock2" then
		return string.format("%s(%s)", name, args:match('"([^"]*)"') or args:match(",%s*(%d+)%s*$") or args:match("^%s*(%d+)%s*$") or "")
	end
	return name
end

-- The present pages and the set of flag letters of a pages field ("PE*3 -*2").
local function pages_summary(runs)
	local present, letters = 0, {}
	for flags, n in (runs or ""):gmatch("(%S+)%*(%d+)") do
		if flags:find("P", 1, true) then present = present + tonumber(n) end
		for c in flags:gmatch("[^-]") do letters[c] = true end
	end
	return present, letters
end

-- The words of a in b's absence, sorted and joined.
local function minus(a, b)
	local t, seen = {}, {}
	for w in (b or ""):gmatch("%S+") do seen[w] = true end
	for w in (a or ""):gmatch("%S+") do
		if not seen[w] then t[#t + 1] = w end
	end
	table.sort(t)
	return table.concat(t, ",")
end

local function cmp(a, b)
	if a < b then return "sim<host" elseif a > b then return "sim>host" end
	return "sim=host"
end

-- The signature of a state difference: field what, values a (simulator) and
-- b (host).
local function state_signature(what, a, b)
	if what == "VMA" or what == "process" then
		return string.format("state %s: %s | %s", what, a, b)
	elseif what == "pages" then
		local pa, la = pages_summary(a)
		local pb, lb = pages_summary(b)
		if pa ~= pb then return "state pages: present " .. cmp(pa, pb) end
		local sa, sb = {}, {}
		for c in pairs(la) do if not lb[c] then sa[#sa + 1] = c end end
		for c in pairs(lb) do if not la[c] then sb[#sb + 1] = c end end
		table.sort(sa)
		table.sort(sb)
		if #sa + #sb == 0 then return "state pages: the same flags on other pages" end
		return string.format("state pages: flags sim+%s host+%s", table.concat(sa), table.concat(sb))
	elseif what == "VmFlags" then
		return string.format("state VmFlags: sim+%s host+%s", minus(a, b), minus(b, a))
	elseif what == "name" or what == "perms" then
		return string.format("state %s: %s | %s", what, a, b)
	end
	local x, y = tonumber((a or ""):match("^(%d+)")), tonumber((b or ""):match("^(%d+)"))
	if x and y then return string.format("state %s: %s", what, cmp(x, y)) end
	return "state " .. what
end

-- The fields of a VMA in a state, most telling first: a VMA's difference is
-- named by the first of its fields that differs (a page that is present on
-- one side only also changes Rss, Pss, Anonymous...: one cause).
local FIELD_RANK = {}
for i, f in ipairs{ "VMA", "process", "perms", "offset", "name", "pages", "VmFlags", "Size", "Rss", "Locked",
	"Anonymous", "Private_Dirty", "Shared_Dirty", "Private_Clean", "Shared_Clean", "Swap", "AnonHugePages",
	"THPeligible", "Referenced", "Pss", "Pss_Dirty", "SwapPss", "LazyFree" } do
	FIELD_RANK[f] = i
end

-- Is the difference e, of operation so on the simulator and ho on the host,
-- only in how its faults split between minor and major, their sum the same?
local function fault_split(e, so, ho)
	local a, b = tonumber(so.minflt), tonumber(ho.minflt)
	local c, d = tonumber(so.majflt), tonumber(ho.majflt)
	return e.kind == "operation" and e.what == "minflt, majflt" and a and b and c and d and a + c == b + d
end

-- The differences of a decoded report d that count (expected ones, those of
-- a field in ignore, a set, and with ignore["fault split"] on a host with
-- swap an operation's faults that only split otherwise between minor and
-- major, left out): an array of {sig =, kind =, n =
-- operation number or nil, line = script line or nil, where =, simulator =,
-- host =}. The differences of one VMA in one state count once, by the most
-- telling field (FIELD_RANK).
function M.differences(d, ignore)
	local out = {}
	local ops = {}
	for _, side in ipairs{ "simulator", "host" } do
		ops[side] = {}
		for _, o in ipairs((d[side] or {}).operations or {}) do ops[side][o.n] = o end
	end
	local swap = tonumber((d.host_settings or {}).swap_bytes or 0) > 0
	for _, e in ipairs(d.report or {}) do
		local n = e.kind == "operation" and tonumber(e.where:match("^#(%d+)"))
		local split = n and swap and ignore and ignore["fault split"] and
			fault_split(e, ops.simulator[n] or {}, ops.host[n] or {})
		if (e.expected == nil or e.expected == M.null) and not (ignore and ignore[e.what]) and not split then
			local x = { kind = e.kind, where = e.where, simulator = e.simulator, host = e.host }
			if e.kind == "operation" then
				x.n, x.line = n, tonumber(e.where:match(":(%d+)$"))
				local so, ho = ops.simulator[n] or {}, ops.host[n] or {}
				local m = M.method(so.call or ho.call)
				if e.what:find("call", 1, true) then
					x.sig = string.format("op %s call (the runs went apart before)", m)
				elseif e.what:find("result", 1, true) then
					x.sig = string.format("op %s result: %s | %s", m, M.class(e.simulator), M.class(e.host))
				else
					local f = e.what:match("^(%w+)")
					local a, b = tonumber(so[f]), tonumber(ho[f])
					x.sig = string.format("op %s %s: %s", m, e.what, a and b and cmp(a, b) or "?")
				end
			elseif e.kind == "state" then
				x.sig = state_signature(e.what, e.simulator, e.host)
				x.rank = FIELD_RANK[e.what] or #FIELD_RANK + 1
				local prev = out[#out]
				if prev and prev.kind == "state" and prev.where == e.where and not x.where:match("^P%d+$") then
					if x.rank < prev.rank then out[#out] = x end
					x = nil
				end
			elseif e.kind == "error" then
				-- The first line of each side's message, numbers left out.
				local function first(m) return (tostring(m):match("^[^\n]*"):gsub("%d+", "N"):sub(1, 70)) end
				x.sig = "error: " .. first(e.simulator) .. " | " .. first(e.host)
			else
				x.sig = e.kind .. ": " .. tostring(e.what)
			end
			if x then out[#out + 1] = x end
		end
	end
	return out
end

return M

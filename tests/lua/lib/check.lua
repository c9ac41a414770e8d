-- tests/lua/lib/check.lua — assertions for the Lua API tests.
--
-- Each assertion counts one check and, when it fails, raises an error that
-- names the test's file and line (level 2: the caller), so `mmsim run` stops
-- at the first failure with "file:line: what went wrong" and a traceback.
-- A script ends with T.done(), which prints the line the runner looks for.

local T = {}
local checks = 0

-- A value as text for messages: strings quoted, tables shown shallowly.
local function show(v)
	if type(v) == "string" then
		return string.format("%q", v)
	elseif math.type(v) == "integer" and (v > 65535 or v < 0) then
		return string.format("%d (%#x)", v, v)
	elseif type(v) == "table" then
		local parts = {}
		for k, x in pairs(v) do
			parts[#parts + 1] = tostring(k) .. "=" .. (type(x) == "table" and "{...}" or tostring(x))
		end
		table.sort(parts)
		return "{" .. table.concat(parts, ", ") .. "}"
	end
	return tostring(v)
end
T.show = show

local function fail(level, fmt, ...)
	error(string.format(fmt, ...), level + 1)
end

-- got == want
function T.eq(got, want, what)
	checks = checks + 1
	if got ~= want then
		fail(2, "%s: got %s, want %s", what or "value", show(got), show(want))
	end
	return got
end

-- v is truthy
function T.ok(v, what)
	checks = checks + 1
	if not v then
		fail(2, "%s: got %s, want a true value", what or "condition", show(v))
	end
	return v
end

-- s contains plain text (not a pattern)
function T.has(s, text, what)
	checks = checks + 1
	if type(s) ~= "string" or not s:find(text, 1, true) then
		fail(2, "%s: %s does not contain %q", what or "text", show(s), text)
	end
	return s
end

-- s matches the Lua pattern pat
function T.match(s, pat, what)
	checks = checks + 1
	if type(s) ~= "string" or not s:match(pat) then
		fail(2, "%s: %s does not match %q", what or "text", show(s), pat)
	end
	return s:match(pat)
end

-- The failure convention of a call: nil, the errno name, a message.
-- T.errno("EINVAL", p:munmap(1, 4096))
function T.errno(want, r, e, msg)
	checks = checks + 1
	if r ~= nil or e ~= want or type(msg) ~= "string" or msg == "" then
		fail(2, "want nil, %q, message; got %s, %s, %s", want, show(r), show(e), show(msg))
	end
	return msg
end

-- A fatal fault: nil and {signal=, code=, addr=, trapno=, error_code=}.
-- T.fault({signal="SIGSEGV", code="SEGV_MAPERR", addr=16}, p:read(16, 1))
function T.fault(want, r, f)
	checks = checks + 1
	if r ~= nil or type(f) ~= "table" then
		fail(2, "want nil and a fault table; got %s, %s", show(r), show(f))
	end
	for k, v in pairs(want) do
		if f[k] ~= v then
			fail(2, "fault.%s: got %s, want %s (fault %s)", k, show(f[k]), show(v), show(f))
		end
	end
	for _, k in ipairs({ "signal", "code", "addr", "trapno", "error_code" }) do
		if f[k] == nil then
			fail(2, "fault.%s is missing (fault %s)", k, show(f))
		end
	end
	return f
end

-- f(...) raises an error whose message contains text.
function T.raises(text, f, ...)
	checks = checks + 1
	local ok, err = pcall(f, ...)
	if ok then
		fail(2, "want an error containing %q, the call succeeded", text)
	end
	if not tostring(err):find(text, 1, true) then
		fail(2, "want an error containing %q, got %s", text, show(err))
	end
	return err
end

-- A fresh small machine: the teaching preset (64 MiB, 2 cores, a few TLB
-- entries), with overrides.
function T.machine(opts)
	local o = { preset = "teaching" }
	for k, v in pairs(opts or {}) do
		o[k] = v
	end
	return mmsim.machine(o)
end

-- The number of problems m:check() finds must be 0.
function T.consistent(m, what)
	checks = checks + 1
	local n = m:check()
	if n ~= 0 then
		fail(2, "%s: the consistency checker found %d problems:\n%s", what or "machine", n, m:dmesg())
	end
end

-- Leave the script: the test cannot run here (the runner counts a skip).
function T.skip(reason)
	print("SKIP " .. reason)
	os.exit(77, true)
end

-- The smaps block of the VMA starting at addr: its fields in kB (and VmFlags).
function T.smaps_block(text, addr)
	local head = string.format("%x-", addr)
	local f, inside
	for line in text:gmatch("([^\n]*)\n") do
		if line:match("^%x+%-%x+ ") then
			inside = line:sub(1, #head) == head
			if inside then
				f = {}
			end
		elseif inside then
			local k, kb = line:match("^([%w_]+):%s+(%d+) kB$")
			if k then
				f[k] = tonumber(kb)
			end
			f.VmFlags = f.VmFlags or line:match("^VmFlags: (.-) *$")
		end
	end
	return T.ok(f, string.format("an smaps block for %#x", addr))
end

-- Say which branch of a host-dependent test ran ("NOTE file: text"; the
-- runner prints these lines).
function T.note(text)
	print(string.format("NOTE %s: %s", arg and arg[0] and arg[0]:match("[^/]*$") or "?", text))
end

-- The last line of a passing script.
function T.done()
	print(string.format("ok %s: %d checks", arg and arg[0] or "?", checks))
end

T.PAGE = 4096

return T

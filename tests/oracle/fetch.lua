-- Instruction fetches: from executable memory they succeed (and fault pages
-- in like reads); from non-executable memory they die of SIGSEGV with
-- SEGV_ACCERR and PF_INSTR in the error code (0x15 when the page is
-- present, 0x14 when it is not).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local x = assert(p:mmap{len = 4 * P, prot = "rx"})
p:fetch(x, 16)
p:fetch(x + P - 2, 4)
p:touch(x + 2 * P, 2 * P, "x")
local d = assert(p:mmap{len = P, prot = "rw"})
assert(p:write(d, "data"))
p:fetch(d, 1)
local q = m:spawn{name = "oracle2"}
local e = assert(q:mmap{len = P, prot = "rw"})
q:fetch(e, 1)
local r = m:spawn{name = "oracle3"}
r:fetch(0x10000, 1)

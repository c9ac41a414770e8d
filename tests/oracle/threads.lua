-- Threads share the address space: a thread's mmap is the process's; each
-- thread's faults are its own, the leader's counters sum the process.
-- A thread runs on core 1: a host with one CPU skips the script.
local m = mmsim.machine{cores = 2}
local p = m:spawn{name = "oracle"}
local P = 4096
local t = assert(p:thread{core = 1})
t:info()
local a = assert(t:mmap{len = 8 * P, prot = "rw"})
t:touch(a, 4 * P, "w")
p:touch(a, 8 * P, "w")
t:read(a + 6 * P, 1)
local t2 = assert(p:thread{core = 0})
t2:munmap(a, 2 * P)
p:read(a, 1)
p:info()

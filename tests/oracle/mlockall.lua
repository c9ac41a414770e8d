-- mlockall(MCL_CURRENT) locks and populates every VMA, the process's own
-- too; MCL_FUTURE makes later mappings locked and populated; munlockall
-- undoes both. (The process's own pages are present on both sides.)
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local a = assert(p:mmap{len = 8 * P, prot = "rw"})
local r = assert(p:mmap{len = 4 * P, prot = "r"})
p:mlockall("current")
mmsim.checkpoint("current")
p:mlockall("future")
local b = assert(p:mmap{len = 4 * P, prot = "rw"})
local c = p:brk(0)
p:brk(c + 2 * P)
mmsim.checkpoint("future")
p:munlockall()
local d = assert(p:mmap{len = 4 * P, prot = "rw"})
p:mlockall(0)
p:mlockall(0x10)

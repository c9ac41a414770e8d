-- A growth by mremap is charged to Committed_AS as mmap's memory is (Linux
-- 6.18: vrm_calc_charge, through security_vm_enough_memory_mm): 64 TiB more
-- of private writable memory is ENOMEM under the heuristic policy (more
-- than all RAM at once) as under the strict one, whether it would move or
-- grow in place; memory that is not charged (MAP_NORESERVE, read-only)
-- grows.
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local P = 4096
local T = 1 << 44
local a = assert(p:mmap{len = 4 * P, prot = "rw"})
assert(p:touch(a, 4 * P, "w"))
-- (vm.overcommit_memory 1 charges nothing: what grows is unmapped again)
local x = p:mremap(a, 4 * P, 1 << 46, "maymove")
if x then p:munmap(x, 1 << 46) end
-- in place: the second gigabyte (MAP_32BIT) has terabytes free above it
local b = assert(p:mmap{len = P, prot = "rw", flags = "private|anonymous|32bit"})
local y = p:mremap(b, P, T)
if y then p:munmap(y + P, T - P) end
local z = p:mremap(b, P, T, "maymove")
if z then p:munmap(z, T) end
local c = assert(p:mmap{len = P, prot = "rw", flags = "private|anonymous|noreserve"})
local d = p:mremap(c, P, T, "maymove")
if d then p:munmap(d, T) end
local r = assert(p:mmap{len = P, prot = "r", flags = "private|anonymous|32bit"})
local e = p:mremap(r, P, T)
if e then p:munmap(e, T) end

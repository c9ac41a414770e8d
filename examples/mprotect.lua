-- mprotect read-only, then a write (seed 000, "Low-Level Mechanics").
--
--   int result = mprotect(ptr, 4096, PROT_READ);
--   ptr[0] = 'x';                       /* SIGSEGV, SEGV_ACCERR */
--
-- The kernel's five steps, as the seed lists them: find the VMA covering
-- the range; update the VMA's permissions (splitting it when the range is
-- only part of it); rewrite the page-table entries; flush the TLB entries of
-- the affected pages; return. The write that follows finds R/W=0 in the
-- PTE: the MMU raises a protection fault, the kernel sees that the VMA
-- forbids writes, and the process dies of SIGSEGV with code SEGV_ACCERR.

local m = mmsim.machine{ram = "256M"}
local p = m:spawn{name = "mprotect-demo"}

local ptr = assert(p:mmap{len = 3 * 4096, prot = "rw"})
assert(p:write(ptr, "hello"))        -- the page is mapped and in the TLB
print(string.format("ptr = %#x, three pages, rw; the first one written", ptr))

print("mprotect(ptr, 4096, PROT_READ):")
m:explain(function(line)
  if line:find("kernel ") or line:find("INVLPG") or line:find("  = ") then print(line) end
end)
local r = assert(p:mprotect(ptr, 4096, "r"))
m:explain(false)
print(string.format("mprotect returned %d", r))

print(string.format("reading still works: '%s'", p:read(ptr, 5)))
print("ptr[0] = 'x':")
local dead = false
m:explain(function(line)
  if dead then return end       -- then the exit tears the address space down
  if line:find("denied") or line:find("#PF error") or line:find("kernel ") then print(line) end
  dead = line:find("do_group_exit") ~= nil
end)
local ok, fault = p:write(ptr, "x")
m:explain(false)
assert(not ok)
print(string.format("the process died of %s (%s) at %#x; error code %#x (present, write, user)",
                    fault.signal, fault.code, fault.addr, fault.error_code))
print(string.format("is it alive? %s", tostring(p:alive())))

-- virt_to_phys through /proc/<pid>/pagemap (seed 000, "Process Isolation
-- and Physical Address Awareness").
--
-- pagemap holds one 64-bit entry per virtual page: bit 63 says the page is
-- present, bits 0-54 give its page frame number. The seed's C function
-- reads the entry at offset (va / 4096) * 8 and adds the offset within the
-- page. Reading PFNs needs CAP_SYS_ADMIN: without it the kernel returns the
-- flags but zeroes the frame number, because physical addresses help side-
-- channel attacks (the seed's security point).

local m = mmsim.machine{ram = "256M"}
local p = m:spawn{name = "pagemap"}

-- uint64_t virt_to_phys(void *virt_addr, pid_t pid), on pagemap's entries
local function virt_to_phys(proc, va, unprivileged)
  local entry = proc:pagemap(va, 1, {unprivileged = unprivileged})[1]
  if entry.raw & (1 << 63) == 0 then return 0 end          -- not present
  return (entry.raw & ((1 << 55) - 1)) * 4096 + va % 4096
end

local buf = assert(p:mmap{len = 2 * 4096, prot = "rw"})
print(("buf = %#x, two pages, nothing touched yet"):format(buf))
print(("virt_to_phys(buf)        = %#x (page not present: 0)"):format(virt_to_phys(p, buf + 0x123)))

assert(p:write(buf + 0x123, "A"))
local pa = virt_to_phys(p, buf + 0x123)
print(("after a write: %#x -> %#x"):format(buf + 0x123, pa))
assert(pa == p:virt_to_phys(buf + 0x123), "the page tables agree")
print(("the byte there, read as physical memory: '%s'"):format(
      m:kread(0xffff888000000000 + pa, 1)))      -- through the kernel's direct map

local e = p:pagemap(buf, 1)[1]
print(("entry %#018x: present %s, exclusively mapped %s, soft-dirty %s, pfn %#x"):format(
      e.raw, e.present, e.exclusive, e.soft_dirty, e.pfn))
local u = p:pagemap(buf, 1, {unprivileged = true})[1]
print(("without CAP_SYS_ADMIN: %#018x (same flags, PFN hidden)"):format(u.raw))

assert(p:read(buf + 4096, 1))
local z = p:pagemap(buf + 4096, 1)[1]
local flags = select(2, m:kpageflags(z.pfn))
print(("the second page, only read: pfn %#x, kpageflags %s"):format(z.pfn, flags))
print("(a read fault maps the shared zero page; a write would get a private frame)")

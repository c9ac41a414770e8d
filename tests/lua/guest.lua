-- A machine that is a guest (issue 19 §2): mmsim.machine{virt = "ept"}
-- runs the same simulated kernel over guest-physical memory, on a host
-- whose KVM-like hypervisor maps each guest frame at its first EPT
-- violation. The processes are driven as on bare metal; m:hypervisor()
-- is the host's view.
local T = require "check"

local m = T.machine{ virt = "ept" }
local h = m:hypervisor()
local i = h:info()
T.eq(i.virt, "ept", "the host's second stage")
T.eq(i.ram, 64 << 20, "the guest's memory is the machine's ram")
T.eq(i.memslot_base_gfn, 0, "one memslot from guest-physical 0")
T.eq(i.vpid, 1, "the guest's VPID")
local meminfo = m:proc("/proc/meminfo")
local total = tonumber(meminfo:match("MemTotal:%s+(%d+)"))
T.ok(total <= 64 * 1024 and total > 60 * 1024, "/proc/meminfo is the guest's: " .. total .. " kB")

-- the smallest complete slice: a guest process writes a new page
local p = m:spawn{ name = "guest" }
local a = p:mmap{ len = 4 * T.PAGE, prot = "rw" }
local e0, b0 = h:info().exits_ept_violation, h:info().backed_pages
local f0 = p:stats().minflt
local lines = {}
m:explain(function(line) lines[#lines + 1] = line end)
T.ok(p:write(a, 42, 4), "*p = 42 in the guest")
m:explain(false)
local text = table.concat(lines, "\n")
T.eq(p:stats().minflt - f0, 1, "one #PF, taken by the guest kernel")
i = h:info()
T.eq(i.exits_ept_violation - e0, 5, "EPT violations: the 4 guest tables the walk read, then the data frame")
T.eq(i.backed_pages - b0, 5, "each frame mapped by the host at its first violation")
T.has(text, "kernel do_anonymous_page: write fault", "the guest kernel allocates a guest frame")
T.has(text, "VM exit: EPT violation", "the retried access exits")
T.has(text, "host kernel tdp_page_fault: EPT violation", "the host maps the frame")
T.has(text, "VM entry", "and enters the guest again")
T.match(text, "EPT walk %(store%): guest%-physical 0x%x+ %-> host%-physical", "the data's second-stage walk")
T.eq(string.unpack("<I4", p:read(a, 4)), 42, "read back")

-- the host frame behind the guest frame holds the bytes
local gpa = p:virt_to_phys(a)
local e = h:ept(gpa)
T.eq(#e.entries, 4, "a 4-level EPT walk")
T.eq(e.host_pfn, (gpa >> 12) + ((64 << 20) >> 12), "guest-physical g is host frame host_ram/4096 + g")

-- TLB entries are tagged by VPID and PCID: they survive VM exits
local s0 = p:stats()
T.ok(p:write(a + T.PAGE, 1, 1), "a second page: a #PF and an EPT violation")
local s1 = p:stats()
T.ok(p:read(a, 4), "the first page again")
local s2 = p:stats()
T.eq(s2.walks, s1.walks, "a TLB hit: the entry survived the exits of the second page")
T.ok(h:info().exits_ept_violation > e0 + 5 and s1.minflt > s0.minflt, "those exits happened")

-- context switches between two guest processes with PCIDs keep both
local q = m:spawn{ name = "other" }
local b = q:mmap{ len = T.PAGE, prot = "rw" }
T.ok(q:write(b, 9, 1), "the other process on the same CPU")
local w0 = p:stats().walks
T.ok(p:read(a, 4), "back to the first")
T.eq(p:stats().walks, w0, "its entry survived the guest's MOV to CR3 (another PCID, same VPID)")

-- fork and copy-on-write inside the guest
local c = p:fork()
T.ok(c:write(a, 7, 4), "the child writes: COW in the guest kernel")
T.eq(string.unpack("<I4", p:read(a, 4)), 42, "the parent keeps its page")
T.eq(string.unpack("<I4", c:read(a, 4)), 7, "the child has its copy")
T.ok(c:virt_to_phys(a) ~= p:virt_to_phys(a), "in another guest frame")
T.ok(h:ept(c:virt_to_phys(a)).host_pfn, "mapped by the host at its first use")

-- munmap with a thread on the other CPU: the guest's shootdown (INVLPG
-- or INVPCID on each core, in the guest's tags) leaves no stale entry
local t = p:thread{ core = 1 }
T.ok(t:read(a + T.PAGE, 1), "the thread caches the page on CPU 1")
T.ok(p:munmap(a + T.PAGE, T.PAGE), "munmap on CPU 0")
T.fault({ signal = "SIGSEGV", code = "SEGV_MAPERR", addr = a + T.PAGE }, t:read(a + T.PAGE, 1))
T.consistent(m, "the guest")

-- the guest kernel's own instructions that read memory exit too (LLDT's
-- read of the GDT, a segment load's read of the LDT): resumed and retried
local s = m:spawn{ name = "ldt" }
local sa = s:mmap{ len = T.PAGE, prot = "rw" }
T.eq(s:modify_ldt(0x11, { entry = 1, base = sa, limit = 0xff, seg_32bit = 1 }), 0, "an LDT in the guest")
T.ok(s:load_segment("es", 1 * 8 + 4 + 3), "mov $0xf, %es: LLDT and the descriptor read exited, resumed")
T.eq(s:segments().es.sel, 0xf, "ES holds the LDT selector")
local sc = s:fork()
T.ok(s:write(sa, 1, 1) and sc:load_segment("fs", 1 * 8 + 4 + 3), "the child's copy of the LDT, a new guest frame")
T.eq(sc:segments().fs.sel, 0xf, "loaded")
T.consistent(m, "the guest after the LDT loads")

-- what a guest machine refuses, and a bare machine
local r, code, msg = m:vm{}
T.eq(r, nil, "no VM inside the guest")
T.eq(code, "EOPNOTSUPP", "not supported")
T.has(msg, "nested virtualization is not modelled", "and why")
r, code, msg = T.machine():hypervisor()
T.eq(code, "EINVAL", "a bare machine has no hypervisor")
T.has(msg, "not a guest (virt=off)", "and says so")
T.raises("virt: 'vmx'", function() mmsim.machine{ preset = "teaching", virt = "vmx" } end)

-- AMD's nested paging: the same, with #NPF exits
local n = T.machine{ virt = "npt" }
local np = n:spawn{}
local na = np:mmap{ len = T.PAGE, prot = "rw" }
T.ok(np:write(na, 1, 1), "a write in an NPT guest")
T.eq(n:hypervisor():info().exits_npf, 5, "nested page faults instead of EPT violations")
T.consistent(n, "the NPT guest")
T.done()

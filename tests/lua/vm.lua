-- Virtual machines (issue 19 §2): m:vm{...}, the guest's mappings, its
-- accesses through the 2-D walk, EPT violations resolved by the
-- hypervisor (host pages on demand, EPT entries on exits), VPID-tagged
-- TLB entries, NPT, the views, and the frames given back.
local T = require "check"

local m = T.machine()
m:drain_pages()
local free0 = m:vmstat("nr_free_pages")
local v = m:vm{ virt = "ept", ram = 16 << 20 }
local i = v:info()
T.eq(i.virt, "ept", "EPT by default")
T.eq(i.ram, 16 << 20, "16 MiB of guest-physical memory")
T.eq(i.memslot_pages, 4096, "one memslot of 4096 frames")
T.eq(i.backed_pages, 0, "no host page yet")
T.eq(i.tdp_entries, 0, "and no EPT entry")
T.eq(i.vpid, 1, "VPID 1 by default")
T.eq(i.eptp & 0x38, 3 << 3, "EPTP: a 4-level walk")
T.eq(i.eptp & 7, 6, "write-back")

T.ok(v:map(0x400000, 0x10000, "rw"), "the loader maps guest-linear 0x400000")
T.eq(v:info().backed_pages, 4, "its 4 page-table frames got host pages")

-- the first store: an EPT violation for each frame the 2-D walk touches
local ok, run = v:write(0x400010, "hello")
T.eq(ok, true, "the guest's store")
T.eq(run.exits, 5, "5 EPT violations: 4 tables and the data frame")
T.eq(run.exit_reason, 48, "the last was an EPT violation")
T.eq(run.exit_gpa, 0x10010, "at the data's guest-physical address")
T.eq(run.exit_gla, 0x400010, "for guest-linear 0x400010")
T.eq(run.exit_qual, 0x182, "a write (bit 1) to a translated linear address (bits 7, 8)")
i = v:info()
T.eq(i.exits_ept_violation, 5, "counted by reason")
T.eq(i.tdp_entries, 5, "5 EPT leaves")
T.eq(i.backed_pages, 5, "the data frame's host page came on demand")
T.ok(m:vmstat("nr_free_pages") < free0, "from the host's free memory")

local data
data, run = v:read(0x400010, 5)
T.eq(data, "hello", "read back")
T.eq(run.exits, 0, "no exit now")
T.eq(run.refs, 0, "a TLB hit (VPID-tagged, kept over the exits)")

-- the views: the EPT walk of the data's frame and the host page behind it
local e = v:ept(0x10010)
T.eq(#e.entries, 4, "a 4-level EPT walk")
T.eq(e.entries[4].level, 1, "down to the EPT PTE")
T.eq(e.entries[4].entry & 7, 7, "read, write, execute")
T.eq((e.entries[4].entry >> 3) & 7, 6, "memory type WB")
T.eq(e.hpa & 0xfff, 0x10, "the offset")
T.eq(e.host_pfn, e.hpa >> 12, "the host frame")
T.eq(m:page(e.host_pfn).refcount, 1, "a host page like any other")
T.eq(v:ept(0x200000).hpa, nil, "an unmapped guest frame has no host address")

-- what the guest cannot do
local bad, r2 = v:read(0x500000)
T.eq(bad, nil, "an unmapped guest-linear address")
T.eq(r2.vector, 14, "the guest's own #PF (it has no kernel)")
T.eq(r2.cr2, 0x500000, "CR2")
T.ok(v:map(0x401000, 0x11000, "r"), "a read-only page")
bad, r2 = v:write(0x401000, "x")
T.eq(bad, nil, "a store to it")
T.eq(r2.error_code, 7, "#PF: present, write, user")
T.errno("EINVAL", v:map(0x400001, 0x10000))
T.errno("EINVAL", v:map(0x402000, 16 << 20))
T.raises("n must be 1 to 4096", v.read, v, 0x400000, 0)

-- explain narrates the 2-D walk, the exit and the hypervisor's handler
local lines = {}
m:explain(function(line) lines[#lines + 1] = line end)
T.ok(v:map(0x600000, 0x20000, "rw"), "another page")
T.ok(v:write(0x600000, 42), "*p = 42 in the guest")
m:explain(false)
local text = table.concat(lines, "\n")
T.has(text, "VM entry: EPTP", "VM entry")
T.has(text, "EPT walk (page-walk entry): guest-physical", "each guest entry is translated")
T.has(text, "VM exit: EPT violation, qualification 0x182, guest-physical 0x20000", "the exit")
T.has(text, "kernel tdp_page_fault: EPT violation at guest-physical 0x20000", "the handler")
T.has(text, "EPT walk (store): guest-physical 0x20000 -> host-physical", "the data's second stage")

-- nested paging
local n = m:vm{ virt = "npt", ram = 4 << 20, vpid = 2 }
T.ok(n:map(0x400000, 0x3000, "rw"), "NPT guest")
ok, run = n:write(0x400000, "amd")
T.eq(ok, true, "its store")
T.eq(run.exit_reason, 0x400, "#NPF")
T.eq(run.exit_qual, (1 << 32) | 6, "EXITINFO1: final translation, write, user")
T.eq(n:info().exits_npf, 5, "5 of them")
T.eq(n:read(0x400000, 3), "amd", "back")
T.eq(v:read(0x400010, 5), "hello", "the other VM keeps its own")

-- 5-level EPT, and a cold 2-D walk's references
local f = m:vm{ ept_levels = 5, vpid = 3 }
T.ok(f:map(0x400000, 0x1000, "rw"), "5-level EPT guest")
T.ok(f:write(0x400000, "5"), "store")
T.eq(f:info().eptp & 0x38, 4 << 3, "EPTP walk length 5")
T.eq(#f:ept(0x1000).entries, 5, "five EPT levels")

-- 2 MiB EPT pages: a guest frame's first use backs its whole 2 MiB block
local h = m:vm{ ept_pages = "2m", ram = 8 << 20, vpid = 4 }
T.ok(h:map(0x400000, 0x10000, "rw"), "the loader's tables: one block at the top")
ok, run = h:write(0x400000, "huge")
T.eq(ok, true, "store")
T.eq(run.exits, 2, "one EPT violation per 2 MiB block: the tables', the data's")
T.eq(h:info().backed_pages, 1024, "two blocks of 512 frames")
local he = h:ept(0x10000)
T.eq(#he.entries, 3, "the EPT walk ends at a 2 MiB page")
T.eq(he.entries[3].entry & 0x80, 0x80, "PS")
T.eq(h:ept(0x1ff000).host_pfn, he.host_pfn + 0x1ff - 0x10, "one host block behind the guest block")
T.errno("EINVAL", m:vm{ ept_pages = "2m", ram = 3 << 20 })
T.raises("ept_pages '1g'", m.vm, m, { ept_pages = "1g" })
T.ok(h:close(), "close")

-- bad configurations
T.errno("EINVAL", m:vm{ virt = "svm" })
T.errno("EINVAL", m:vm{ ram = 1000 })
T.errno("EINVAL", m:vm{ ept_levels = 3 })
T.errno("EINVAL", m:vm{ core = 9 })
T.raises("unknown key", m.vm, m, { rma = 1 })

-- closing gives every host page back
T.ok(v:close(), "close")
T.ok(n:close(), "close")
T.ok(f:close(), "close")
T.raises("the VM is closed", v.info, v)
T.consistent(m, "after the VMs")
m:drain_pages()
T.eq(m:vmstat("nr_free_pages"), free0, "every host page back (after draining the per-CPU lists)")
T.done()

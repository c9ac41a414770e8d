-- fork with copy-on-write (seed 003, section 7.3; seed 000, "Page Tables and
-- Kernel Management").
--
-- fork() copies no memory: the child's page tables point at the parent's
-- frames, and both sides' entries become read-only. The frame's reference
-- count and map count go from 1 to 2. The first write by either process
-- takes a protection fault; the kernel copies that one page, maps the copy
-- writable for the writer, and the shared frame drops back to one user.
-- When the other side writes later, it is alone: the kernel reuses the
-- frame instead of copying it (do_wp_page's reuse path).

local m = mmsim.machine{ram = "256M"}
local parent = m:spawn{name = "parent", core = 0}
local a = assert(parent:mmap{len = 4096, prot = "rw"})
assert(parent:write(a, "written by the parent"))

local function frame(p) return p:virt_to_phys(a) >> 12 end
local function show(label, pfn)
  local pg = m:page(pfn)
  print(string.format("  %-34s frame %#x: refcount %d, mapcount %d, flags %s",
                      label, pfn, pg.refcount, pg.mapcount, pg.flags))
end

local f = frame(parent)
print("before fork:")
show("the parent's page", f)

local child = parent:fork{core = 1}
print("after fork (nothing copied):")
show("shared by parent and child", f)
print(string.format("  the child reads: '%s' (no fault: its page tables were copied)",
                    child:read(a, 21)))

print("the child writes:")
local before = child:stats().minflt
m:explain(function(line) if line:find("kernel wp_page") or line:find("kernel do_wp") then print(line) end end)
assert(child:write(a, "child!"))
m:explain(false)
print(string.format("  %d fault; the child now has its own frame", child:stats().minflt - before))
show("the parent's page", f)
show("the child's copy", frame(child))
print(string.format("  parent reads '%s', child reads '%s'", parent:read(a, 21), child:read(a, 21)))

print("the parent writes (it is the only user left):")
before = parent:stats().minflt
m:explain(function(line) if line:find("kernel wp_page") then print(line) end end)
assert(parent:write(a, "PARENT"))
m:explain(false)
print(string.format("  %d fault, no copy: the frame is still %#x", parent:stats().minflt - before, frame(parent)))
show("the parent's page", frame(parent))
child:exit()
parent:exit()
print(string.format("consistency check: %d problems", m:check()))

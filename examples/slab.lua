-- Slab object caching (seed 003, section 5).
--
-- Allocating a 4 KiB page for a 200-byte object would waste most of it. A
-- slab cache carves whole pages (a slab) into equal slots, one cache per
-- kind of object. A cache may have a constructor: it initialises each
-- object once, when its slab is created, and a freed object stays
-- initialised on the free list, ready for the next request (5.2, object
-- caching). /proc/slabinfo shows the cache like any of the kernel's own.

local m = mmsim.machine{ram = "256M"}
local cache = assert(m:kmem_cache_create{name = "demo_object", size = 200,
                                          flags = "hwcache_align", ctor = "CTOR"})
local info = cache:info()
print(string.format("cache %s: objects of %d bytes in slots of %d, %d per slab of %d page(s)",
                    info.name, info.object_size, info.objsize, info.objects_per_slab, info.pages_per_slab))

local objs = {}
for i = 1, 3 do objs[i] = assert(cache:alloc()) end
info = cache:info()
print(string.format("3 objects allocated at %#x %#x %#x", objs[1], objs[2], objs[3]))
print(string.format("the constructor ran %d times: once for every slot of the new slab", info.ctor_calls))
print(string.format("object 1 holds '%s'", m:kread(objs[1], 4)))

for i = 1, 3 do assert(cache:free(objs[i])) end
local again = assert(cache:alloc())
info = cache:info()
print(string.format("freed all three, allocated again: %#x, which holds '%s'", again, m:kread(again, 4)))
print(string.format("constructor runs so far: %d (no new runs: free objects stay constructed)", info.ctor_calls))
assert(cache:free(again))

print()
print("its line in /proc/slabinfo:")
for line in m:proc("/proc/slabinfo"):gmatch("[^\n]+") do
  if line:find("^# name") or line:find("^demo_object ") then print(line) end
end
assert(cache:destroy())

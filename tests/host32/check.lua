-- tests/host32/check.lua — the kernel's objects on a 32-bit host: after
-- each kind of call that makes kernel objects (tasks, address spaces,
-- VMAs, anon_vmas, files, fd tables, page tables, slab caches), the
-- kernel's consistency check finds nothing, and what /proc shows of the
-- slab caches and of memory is printed, for tests/host32/run.sh to compare
-- with the native build's output (the frames objects take, their sizes).
local m = mmsim.machine{}

local function checked(what)
  local n = m:check()
  print(("%-34s check: %d problems"):format(what, n))
  if n ~= 0 then print(m:dmesg()) end
  assert(n == 0, what .. ": the kernel's consistency check failed")
end

checked("boot")
local p = m:spawn{name = "a", core = 0}
checked("spawn")
local buf = assert(p:mmap{len = 16 * 4096, prot = "rw"})
for i = 0, 15 do assert(p:write(buf + i * 4096, "x")) end
checked("mmap and 16 writes")
local c = assert(p:fork{core = 1})
assert(c:write(buf, "y"))
checked("fork and a copy-on-write")
assert(p:mprotect(buf, 8 * 4096, "r"))
assert(p:munmap(buf + 12 * 4096, 4 * 4096))
checked("mprotect and munmap")
local fds = {}
for i = 1, 70 do fds[i] = assert(p:memfd_create("f" .. i)) end
assert(p:pwrite(fds[70], "hello"))
checked("70 files (the fd table grows)")
for i = 1, 70 do assert(p:close(fds[i])) end
local cache = assert(m:kmem_cache_create{name = "h32", size = 100})
local objs = {}
for i = 1, 50 do objs[i] = assert(cache:alloc()) end
local k = assert(m:kmalloc(300))
checked("a cache's objects and kmalloc")
for i = 1, 50 do assert(cache:free(objs[i])) end
assert(m:kfree(k))
assert(cache:destroy())
c:exit()
checked("frees and an exit")
print(m:proc("/proc/slabinfo"))
print(m:proc("/proc/meminfo"))
print(p:maps())

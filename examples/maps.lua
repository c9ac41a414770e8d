-- A tour of /proc/<pid>/maps (seed 000, "Practical Examples").
--
-- maps lists a process's VMAs, one per line: the address range, the
-- permissions (r, w, x, then p for private or s for shared), the offset in
-- the file, the device and inode, and the name: the program's path for its
-- image, [heap] for the brk area, [stack], the vDSO, [anon:NAME] for named
-- anonymous memory, "/dev/zero (deleted)" for shared anonymous memory.
-- Each system call below changes the list the way it changes Linux's.

local m = mmsim.machine{ram = "256M"}
local p = m:spawn{name = "my_program"}
local function show(what)
  print(("$ cat /proc/%d/maps    # %s"):format(p.pid, what))
  io.write(p:maps())
  print()
end

show("a freshly started program: its image, vDSO, stack and [vsyscall]")

local brk0 = p:brk(0)
assert(p:brk(brk0 + 3 * 4096 + 100) == brk0 + 3 * 4096 + 100)
local a = assert(p:mmap{len = 8 * 4096, prot = "rw", flags = "private|anonymous"})
local s = assert(p:mmap{len = 4096, prot = "rw", flags = "shared|anonymous"})
assert(p:set_vma_name(a, 4 * 4096, "arena"))
show("after brk(+12 KiB), an 8-page anonymous mmap (half named \"arena\") and a shared page")

assert(p:mprotect(a + 5 * 4096, 4096, "r"))
show("mprotect of one page in the middle splits the VMA in three")

assert(p:mprotect(a + 5 * 4096, 4096, "rw"))
assert(p:munmap(s, 4096))
show("giving it back its permission merges the pieces again; munmap removes the shared page")

print(("VmSize of the process, from /proc/%d/status: %s"):format(p.pid, p:status():match("VmSize:%s*(%d+ kB)")))

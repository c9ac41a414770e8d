-- Bad input to the module's methods: a misspelled key in a table, a string
-- with a NUL byte, an integer that does not fit what it is for. Each raises
-- an error naming the method and what is wrong; nothing is done silently.
local T = require "check"
local PAGE = T.PAGE

local m = T.machine()
local p = m:spawn()
local a = assert(p:mmap({ len = 2 * PAGE, prot = "rw" }))

-- ---- misspelled keys in method tables --------------------------------------------------
T.raises("mmap: unknown key 'prto' (keys: addr, len, prot, flags, fd, offset)", p.mmap, p, { len = PAGE, prto = "rw" })
T.raises("mmap: unknown key 'flag'", p.mmap, p, { len = PAGE, prot = "rw", flag = "shared" })
T.raises("mmap: keys are names, got a number", p.mmap, p, { PAGE, len = PAGE })
T.raises("spawn: unknown key 'nmae' (keys: name, core, tls)", m.spawn, m, { nmae = "x" })
T.raises("kmem_cache_create: unknown key 'ctro' (keys: name, size, align, flags, ctor)", m.kmem_cache_create, m,
	 { name = "c", size = 8, ctro = "AB" })
T.raises("fork: unknown key 'croe' (keys: core)", p.fork, p, { croe = 1 })
T.raises("thread: unknown key 'cores' (keys: core)", p.thread, p, { cores = 1 })
T.raises("pagemap: unknown key 'unprivilged' (keys: unprivileged)", p.pagemap, p, a, 1, { unprivilged = true })
T.raises("mmsim.machine: unknown configuration key 'rma'", mmsim.machine, { preset = "teaching", rma = "64M" })
T.eq(#m:tasks(), 1, "nothing was spawned or forked by the refused calls")
-- the right keys still work
T.ok(p:mmap({ addr = 0, len = PAGE, prot = "rw", flags = "private|anonymous", fd = -1, offset = 0 }), "every mmap key")
T.eq(p:pagemap(a, 1, { unprivileged = true })[1].present, false, "pagemap{unprivileged=}")

-- ---- strings with NUL bytes -------------------------------------------------------------
T.raises("mmap: prot flags: a NUL byte in the text", p.mmap, p, { len = PAGE, prot = "rw\0" })
T.raises("mprotect: prot flags: a NUL byte in the text", p.mprotect, p, a, PAGE, "r\0w")
T.raises("mmsim.flags: map flags: a NUL byte in the text", mmsim.flags, "map", "private\0|shared")
T.raises("NUL byte", mmsim.flags, "prot\0x", "r")
T.raises("NUL byte", m.proc, m, "/proc/meminfo\0junk")
T.raises("NUL byte", m.spawn, m, "a.out\0evil")
T.raises("spawn: name: a NUL byte in the text", m.spawn, m, { name = "a\0b" })
T.raises("NUL byte", m.set, m, "vm.overcommit_memory\0x", 1)
T.raises("NUL byte", m.set, m, "vm.overcommit_memory", "1\0junk")
T.raises("NUL byte", m.get, m, "ram\0")
T.raises("NUL byte", m.vmstat, m, "pgfault\0")
T.raises("NUL byte", m.kmalloc, m, 64, "GFP_KERNEL\0|__GFP_ZERO")
T.raises("NUL byte", m.alloc_pages, m, 0, "GFP_KERNEL\0")
T.raises("NUL byte", m.free_blocks, m, "DMA\0")
T.raises("NUL byte", m.free_blocks, m, "DMA", "Movable\0")
T.raises("kmem_cache_create: name: a NUL byte in the text", m.kmem_cache_create, m, { name = "c\0", size = 8 })
T.raises("kmem_cache_create: ctor: a NUL byte in the text", m.kmem_cache_create, m, { name = "c", size = 8, ctor = "A\0" })
T.raises("NUL byte", p.touch, p, a, PAGE, "w\0")
T.raises("NUL byte", p.set_vma_name, p, a, PAGE, "buf\0fer")
T.raises("mmsim.machine: ram: a NUL byte in the text", mmsim.machine, { preset = "teaching", ram = "64M\0junk" })
T.raises("mmsim.machine: preset: a NUL byte in the text", mmsim.machine, { preset = "teaching\0" })
local c = m:kmem_cache_create({ name = "c", size = 8 })
T.raises("NUL byte", c.alloc, c, "GFP_KERNEL\0")
-- bytes written are data: NUL is allowed there
T.ok(p:write(a, "a\0b"), "p:write takes any bytes")
T.eq(p:read(a, 3), "a\0b", "and stores them all")

-- ---- integers that do not fit ---------------------------------------------------------------
T.raises("touch: length -1 is negative", p.touch, p, a, -1)
T.raises("touch: length -4096 is negative", p.touch, p, a, -PAGE, "w")
T.raises("write: 300 does not fit in 1 byte", p.write, p, a, 300, 1)
T.raises("write: -129 does not fit in 1 byte", p.write, p, a, -129, 1)
T.raises("write: 65536 does not fit in 2 bytes", p.write, p, a, 65536, 2)
T.raises("write: 4294967296 does not fit in 4 bytes", p.write, p, a, 1 << 32, 4)
T.eq(p:read(a, 3), "a\0b", "the refused writes stored nothing")
T.ok(p:write(a, 255, 1) and p:write(a + 1, -128, 1), "255 and -128 fit in a byte")
T.eq(p:read(a, 2), "\xff\x80", "stored as unsigned and as two's complement")
T.ok(p:write(a, -1, 8) and p:write(a + 8, 0xffff, 2) and p:write(a + 10, -32768, 2), "limits of 8 and 2 bytes")
T.eq(p:read_u64(a), -1, "8 bytes take any integer")
T.raises("spawn: core 4294967296 is out of range", m.spawn, m, { core = 1 << 32 })
T.raises("core 4294967296 is out of range", m.spawn, m, { name = "x", core = 1 << 32 })
T.raises("fork: core 4294967296 is out of range", p.fork, p, 1 << 32)
T.raises("thread: core -4294967296 is out of range", p.thread, p, { core = -(1 << 32) })
T.raises("run_on: core 4294967296 is out of range", p.run_on, p, 1 << 32)
T.raises("exit: code 4294967296 is out of range", p.exit, p, 1 << 32)
T.raises("mmap: fd 4294967295 is out of range", p.mmap, p, { len = PAGE, prot = "rw", fd = 0xffffffff })
T.raises("mmap: fd 4294967296 is out of range", p.mmap, p, 0, PAGE, "rw", "private|anonymous", 1 << 32)
T.raises("madvise: madv flags 4294967300 do not fit in an int", p.madvise, p, a, PAGE, (1 << 32) | 4)
T.raises("mlockall: mcl flags 4294967297 do not fit in an int", p.mlockall, p, (1 << 32) | 1)
T.raises("mlock2: mlock flags 4294967297 do not fit in an int", p.mlock2, p, a, PAGE, (1 << 32) | 1)
T.raises("kmalloc: size -1 is negative", m.kmalloc, m, -1)
T.raises("free_pages: pfn -1 is negative", m.free_pages, m, -1, 0)
T.raises("page: pfn -1 is negative", m.page, m, -1)
T.eq(#m:tasks(), 1, "nothing was spawned, forked or threaded by the refused calls")
T.ok(p:alive(), "the refused exit did not exit")
-- values that fit still reach the kernel, which answers as Linux does
T.errno("EINVAL", m:spawn({ core = 7 }))
T.errno("EINVAL", p:madvise(a, PAGE, 1000))
T.errno("EBADF", p:mmap({ len = PAGE, prot = "rw", flags = "private", fd = 12345 }))

-- ---- protection letters, in any case --------------------------------------------------------
T.eq(mmsim.flags("prot", "RW"), 3, "prot \"RW\"")
T.eq(mmsim.flags("prot", "R-X"), 5, "prot \"R-X\"")
T.eq(mmsim.flags("prot", "Read|WRITE"), 3, "prot words in any case")
local b = T.ok(p:mmap({ len = PAGE, prot = "RW" }), "mmap with prot \"RW\"")
T.ok(p:write(b, "x"), "an \"RW\" mapping is writable")
T.raises("unknown prot flag 'RWQ'", mmsim.flags, "prot", "RWQ")

T.consistent(m)
T.done()

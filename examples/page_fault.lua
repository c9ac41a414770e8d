-- malloc(1 MiB), then buffer[500000] = 'A' (seed 000, "what happens during
-- a typical page fault"; seed 003, Q1).
--
-- glibc serves a 1 MiB malloc with its own mmap (above M_MMAP_THRESHOLD):
-- 1 MiB plus a 16-byte chunk header, rounded up to pages. The kernel only
-- records a VMA; the page table stays empty. The write to buffer[500000]
-- is the first touch of page 122 of the mapping: one page fault, handled
-- by the steps below, each named after the Linux function that does it.

local m = mmsim.machine{ram = "256M"}
local p = m:spawn{name = "malloc-demo"}

local len = (1 << 20) + 16
local chunk = assert(p:mmap{len = len, prot = "rw", flags = "private|anonymous"})
local buffer = chunk + 16          -- malloc returns the address after the header
print(string.format("char *buffer = malloc(1024 * 1024);   /* %#x */", buffer))
print(string.format("VMA: %d KiB reserved, %d pages mapped", (len + 4095) // 4096 * 4, 0))

local before = p:stats().minflt
print("buffer[500000] = 'A';")
-- Keep the kernel's and the exception's lines: the handler's steps.
m:explain(function(line)
  if line:find("kernel ") or line:find("#PF") then print(line) end
end)
assert(p:write(buffer + 500000, "A"))
m:explain(false)

local faults = p:stats().minflt - before
local va = buffer + 500000
print(string.format("faults taken: %d (page %d of the mapping, at %#x)",
                    faults, (va - chunk) // 4096, va & ~0xfff))
assert(faults == 1, "one write, one fault")

-- The other 256 pages are still not there: touching them all costs one
-- fault each, except the page already mapped.
before = p:stats().minflt
assert(p:touch(chunk, len, "w"))
print(string.format("touching every page afterwards: %d more faults for %d pages",
                    p:stats().minflt - before, (len + 4095) // 4096))
print(string.format("buffer[500000] is still '%s'", p:read(buffer + 500000, 1)))

-- A 64 TiB mapping does not fit between the heap and mmap_base: the
-- top-down search places it right below the program image. The host
-- helper's image is longer and starts lower than the simulated program's,
-- so the address differs absolutely and from every landmark the script
-- made, but not from the image: mmsim diff compares results from it too.
-- Fuzz campaign 4, case 006 (seed 813).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local T = 1 << 40
local a = assert(p:mmap{len = 64 * T, prot = "rw", flags = "private|anonymous|noreserve"})
p:munmap(a, 64 * T)
local b = assert(p:mmap{len = 64 * T, prot = "rw", flags = "shared|anonymous|noreserve"})
p:munmap(b, 64 * T)
mmsim.checkpoint("unmapped")

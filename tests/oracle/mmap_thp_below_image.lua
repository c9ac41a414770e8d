-- Mappings too large for the space between the program image and
-- mmap_base (about 42 TiB) go below the image, at the top of the gap
-- under it. A private anonymous one whose length is a multiple of 2 MiB is
-- THP-aligned (__get_unmapped_area asks for 2 MiB more, then rounds up to
-- a 2 MiB boundary): it lands at the image's start rounded down to 2 MiB,
-- less its length; one a page longer is not aligned and ends right at the
-- image's start. MAP_NORESERVE: nothing is charged. Fuzz N23: the host
-- helper's image starts lower than the simulated program's, so the
-- aligned result was at different offsets from the shared one before it,
-- though at the same address (mmsim diff now compares the address too).
local m = mmsim.machine{}
local p = m:spawn{name = "oracle"}
local T = 1 << 46
local s = assert(p:mmap{len = T, prot = "rw", flags = "shared|anonymous|noreserve"})
p:munmap(s, T)
local a = assert(p:mmap{len = T, prot = "rw", flags = "private|anonymous|noreserve"})
p:munmap(a, T)
local b = assert(p:mmap{len = T + 4096, prot = "rw", flags = "private|anonymous|noreserve"})
p:munmap(b, T + 4096)

-- The kernel's allocators from scripts: alloc_pages, free_pages,
-- free_blocks, drain_pages, kmalloc, kfree, kread, slab caches and their
-- methods, and m:page.
local T = require "check"
local PAGE = T.PAGE
local PAGE_OFFSET = 0xffff888000000000   -- the direct map, as on x86-64 Linux

local m = T.machine()

-- Free pages of a zone (optionally of one migratetype), from the per-order
-- block counts.
local function free_pages_in(zone, mt)
	local t = m:free_blocks(zone, mt)
	local n = 0
	for o = 0, 10 do
		n = n + t[o] * (1 << o)
	end
	return n
end

-- ---- m:free_blocks ------------------------------------------------------------
local blocks = m:free_blocks("DMA32")
for o = 0, 10 do
	T.eq(math.type(blocks[o]), "integer", "free_blocks()[" .. o .. "]")
end
T.eq(blocks[11], nil, "orders 0 to 10 only")
local all = free_pages_in("DMA32")
local by_type = 0
for _, mt in ipairs({ "Unmovable", "Movable", "Reclaimable", "HighAtomic", "Isolate" }) do
	by_type = by_type + free_pages_in("DMA32", mt)
end
T.eq(by_type, all, "the migratetypes add up to the zone")
T.ok(free_pages_in("DMA") > 0, "zone DMA")
T.has(T.errno("ENOENT", m:free_blocks("Normal")), "Normal", "a 64 MiB machine has no zone Normal")
T.has(T.errno("ENOENT", m:free_blocks("DMA32", "Sticky")), "Sticky", "an unknown migratetype")
T.raises("string expected, got no value", m.free_blocks, m)

-- ---- m:alloc_pages and m:free_pages: the buddy allocator -----------------------
local pfn = m:alloc_pages(3)
T.eq(pfn % 8, 0, "an order-3 block is aligned on 8 frames")
T.eq(free_pages_in("DMA32"), all - 8, "eight frames left the free lists")
local pg = m:page(pfn)
T.eq(pg.pfn, pfn, "m:page().pfn")
T.eq(pg.kind, "kernel", "an allocated block")
T.eq(pg.order, 3, "the head frame knows its order")
T.eq(pg.refcount, 1, "one reference")
T.eq(pg.mapcount, 0, "mapped nowhere")
T.has(T.errno("EINVAL", m:free_pages(pfn, 2)), "not an allocated block", "free with the wrong order")
T.eq(free_pages_in("DMA32"), all - 8, "a refused free changes nothing")
T.eq(m:free_pages(pfn, 3), true, "free_pages")
T.eq(free_pages_in("DMA32"), all, "the block coalesced back")
T.eq(m:page(pfn).kind, "free", "a free frame")
T.has(m:page(pfn).flags, "buddy", "in the buddy lists")
T.has(T.errno("EINVAL", m:free_pages(pfn, 3)), "not an allocated block", "a double free")
T.has(T.errno("EINVAL", m:free_pages(1 << 40, 0)), "outside RAM", "a frame the machine does not have")

-- order 0 goes through the per-CPU lists; drain_pages gives them back
local free0 = m:vmstat("nr_free_pages")
local p0 = m:alloc_pages(0)
T.eq(m:vmstat("nr_free_pages"), free0 - 1, "an order-0 page")
T.ok(m:free_pages(p0, 0), "freed")
T.has(m:page(p0).flags, "pcp", "a freed order-0 page waits in a per-CPU list")
T.eq(m:vmstat("nr_free_pages"), free0 - 1, "and is not free to the buddy allocator yet")
T.eq(m:drain_pages(), nil, "drain_pages returns nothing")
T.has(m:page(p0).flags, "buddy", "drained back to the buddy lists")
T.eq(m:vmstat("nr_free_pages"), free0, "counted free again")

-- GFP masks
local dma = m:alloc_pages(0, "GFP_DMA")
T.ok(dma < 4096, "GFP_DMA comes from below 16 MiB")
m:free_pages(dma, 0)
local z = m:alloc_pages(1, "GFP_KERNEL|__GFP_ZERO")
T.eq(m:kread(PAGE_OFFSET + z * PAGE, 2 * PAGE), string.rep("\0", 2 * PAGE), "__GFP_ZERO zeroes both frames")
m:free_pages(z, 1)
T.has(T.errno("EINVAL", m:alloc_pages(0, "GFP_BOGUS")), "'GFP_BOGUS' is not a GFP mask", "a bad mask")
T.raises("order from 0 to 10", m.alloc_pages, m, 11)
T.raises("order from 0 to 10", m.alloc_pages, m, -1)
T.raises("order from 0 to 10", m.free_pages, m, 0, 11)
T.raises("number expected, got no value", m.alloc_pages, m)

-- exhaustion: 64 MiB hold a few order-10 blocks, then ENOMEM
do
	local held = {}
	while true do
		local b, e, msg = m:alloc_pages(10, "GFP_HIGHUSER_MOVABLE")
		if not b then
			T.eq(e, "ENOMEM", "the allocator runs out")
			T.has(msg, "order 10", "the message names the order")
			break
		end
		held[#held + 1] = b
		T.ok(#held <= 16, "at most 16 order-10 blocks in 64 MiB")
	end
	T.ok(#held >= 8, "most of the RAM came in order-10 blocks")
	for _, b in ipairs(held) do
		m:free_pages(b, 10)
	end
end
T.consistent(m, "after the buddy tests")

-- ---- kmalloc, kfree, kread -------------------------------------------------------
local before = m:proc("/proc/slabinfo"):match("\nkmalloc%-128 +(%d+)")
local a = m:kmalloc(100)
T.ok(a < 0 and (a - PAGE_OFFSET) >= 0, "a kernel address (0xffff888...) is a negative Lua integer")
local apfn = (a - PAGE_OFFSET) >> 12
T.eq(m:page(apfn).kind, "slab", "kmalloc memory comes from a slab")
T.has(m:page(apfn).flags, "slab", "PG_slab")
T.ok(tonumber(m:proc("/proc/slabinfo"):match("\nkmalloc%-128 +(%d+)")) >= tonumber(before),
     "kmalloc(100) is served by kmalloc-128")
T.eq(#m:kread(a, 100), 100, "kread")
T.eq(m:kread(a, 0), "", "kread of nothing")
T.eq(m:kfree(a), true, "kfree")
T.has(T.errno("EINVAL", m:kfree(a)), "not an allocated kmalloc object", "a double kfree")
T.errno("EINVAL", m:kfree(12345))
local zb = m:kmalloc(256, "GFP_KERNEL|__GFP_ZERO")
T.eq(m:kread(zb, 256), string.rep("\0", 256), "kmalloc with __GFP_ZERO")
m:kfree(zb)
T.has(T.errno("EINVAL", m:kmalloc(0)), "kmalloc size 0", "kmalloc(0)")
T.has(T.errno("EINVAL", m:kmalloc(1 << 30)), "is outside 1..", "a kmalloc too large")
T.errno("EINVAL", m:kmalloc(8, "GFP_NOPE"))
T.has(T.errno("EFAULT", m:kread(0x1000, 8)), "not in the direct map", "kread of a user address")
T.errno("EFAULT", m:kread(PAGE_OFFSET + (64 << 20), 8))
T.raises("length from 0 to 1 MiB", m.kread, m, a, -1)
T.raises("length from 0 to 1 MiB", m.kread, m, a, (1 << 20) + 1)
T.consistent(m, "after kmalloc")

-- ---- slab caches ------------------------------------------------------------------
local c = m:kmem_cache_create({ name = "thing", size = 40, ctor = "AB" })
T.eq(tostring(c):match("^mmsim.cache"), "mmsim.cache", "a cache object")
local info = c:info()
T.eq(info.name, "thing", "info().name")
T.eq(info.object_size, 40, "info().object_size")
T.eq(info.objsize, 48, "objsize: the object and its free pointer, aligned to 8")
T.eq(info.objects_per_slab, 85, "objects per one-page slab")
T.eq(info.pages_per_slab, 1, "pages_per_slab")
T.eq(info.active_objs, 0, "no object yet")
T.eq(info.num_slabs, 0, "no slab yet")
T.eq(info.ctor_calls, 0, "no constructor call yet")
local o1 = c:alloc()
info = c:info()
T.eq(info.num_slabs, 1, "the first alloc makes a slab")
T.eq(info.ctor_calls, 85, "the constructor ran once per object of the new slab")
T.eq(m:kread(o1, 40), string.rep("AB", 20), "a constructed object")
T.has(m:proc("/proc/slabinfo"), "\nthing ", "the cache is in /proc/slabinfo")
-- seed 003 §5.2: a freed object keeps its constructed state; no new ctor runs
local o2 = c:alloc("GFP_KERNEL")
T.ok(o2 ~= o1, "two objects")
T.eq(c:free(o1), true, "free")
local o3 = c:alloc()
T.eq(o3, o1, "the freed object is handed out again")
T.eq(c:info().ctor_calls, 85, "without constructing it again")
T.has(T.errno("EINVAL", c:free(o1 + 8)), "not an allocated object of this cache", "freeing an address inside an object")
T.ok(c:free(o3) and c:free(o2), "free both")
T.errno("EINVAL", c:free(o2))
T.errno("EINVAL", c:alloc("GFP_WHAT"))
T.raises("number expected, got no value", c.free, c)
-- shrink gives empty slabs back; destroy refuses while objects live
local live = c:alloc()
T.has(T.errno("EBUSY", c:destroy()), "still has objects", "destroying a cache in use")
T.ok(c:free(live), "free the last object")
local slabs = c:info().num_slabs
T.eq(c:shrink(), slabs, "shrink frees every empty slab")
T.eq(c:info().num_slabs, 0, "none left")
T.eq(c:shrink(), 0, "nothing more to free")
T.eq(c:destroy(), true, "destroy")
T.has(T.errno("EINVAL", c:info()), "not a live slab cache handle", "info after destroy")
T.errno("EINVAL", c:alloc())
T.errno("EINVAL", c:free(o1))
T.errno("EINVAL", c:shrink())
T.errno("EINVAL", c:destroy())
-- options
local al = m:kmem_cache_create({ name = "aligned", size = 40, flags = "hwcache_align" })
T.eq(al:info().objsize, 64, "hwcache_align rounds objects to a cache line")
T.eq(al:info().ctor_calls, 0, "no constructor")
local o = al:alloc()
T.eq(o % 64, 0, "aligned objects")
al:free(o)
T.ok(al:destroy(), "destroy")
local a128 = m:kmem_cache_create({ name = "a128", size = 40, align = 128, flags = "reclaim_account|no_merge" })
T.eq(a128:info().objsize, 128, "align = 128")
T.ok(a128:destroy(), "destroy")
T.has(T.errno("EINVAL", m:kmem_cache_create({ name = "bad", size = 40, flags = "nope" })), "'nope' is not a set of slab flags",
      "bad slab flags")
T.has(T.errno("EINVAL", m:kmem_cache_create({ name = "bad", size = 40, ctor = "" })), "pattern is empty", "an empty ctor")
T.errno("EINVAL", m:kmem_cache_create({ name = "bad", size = 40, align = 3 }))
T.errno("EINVAL", m:kmem_cache_create({ name = "bad", size = 1 << 30 }))
T.raises("kmem_cache_create: name is required", m.kmem_cache_create, m, { size = 40 })
T.raises("kmem_cache_create: size is required", m.kmem_cache_create, m, { name = "x" })
T.raises("kmem_cache_create: size must be an integer, got a string", m.kmem_cache_create, m, { name = "x", size = "40" })
T.raises("kmem_cache_create: ctor must be a string, got a number", m.kmem_cache_create, m, { name = "x", size = 8, ctor = 1 })
T.raises("size must be positive", m.kmem_cache_create, m, { name = "x", size = 0 })
T.raises("align must not be negative", m.kmem_cache_create, m, { name = "x", size = 8, align = -8 })
T.raises("table expected, got string", m.kmem_cache_create, m, "x")
T.raises("mmsim.cache expected, got table", c.info, {})
T.consistent(m, "after the slab tests")

-- ---- m:page: every kind of frame -----------------------------------------------------
T.eq(m:page(0).kind, "reserved", "frame 0 (e820 reserved)")
T.has(m:page(0).flags, "reserved", "PG_reserved")
T.eq(m:page(0x50).kind, "reserved", "low memory below 1 MiB")
local p = m:spawn("pages")
local lines = {}
m:explain(function(l) lines[#lines + 1] = l end)
local va = p:mmap({ len = 2 * PAGE, prot = "rw" })
p:write(va, "data")
p:read(va + PAGE, 1)
m:explain(false)
local pt = tonumber(table.concat(lines, "\n"):match("new pte table for 0x%x+ at pfn (0x%x+)"))
T.ok(pt, "the narration names the new page table's frame")
T.eq(m:page(pt).kind, "pagetable", "a page-table frame")
T.has(m:page(pt).flags, "table", "PG_table")
local anon = m:page(p:virt_to_phys(va) >> 12)
T.eq(anon.kind, "anon", "an anonymous page")
T.eq(anon.mapcount, 1, "mapped once")
T.eq(anon.refcount, 1, "one reference")
T.has(anon.flags, "anon_exclusive", "PG_anon_exclusive")
T.has(anon.flags, "swapbacked", "PG_swapbacked")
local zero = m:page(p:virt_to_phys(va + PAGE) >> 12)
T.eq(zero.kind, "zero", "a read fault maps the zero page")
T.eq(zero.flags, "reserved|zero_page", "the zero page is reserved")
local last = m:get("ram") == "64M" and (64 << 20) // PAGE - 1
T.eq(m:page(last).pfn, last, "the last frame")
T.has(T.errno("EINVAL", m:page(last + 1)), "the machine's frames are 0 to", "a frame past the end")
T.raises("page: pfn -1 is negative", m.page, m, -1)
T.raises("number expected, got string", m.page, m, "x")
p:exit()
T.consistent(m, "at the end")
T.done()

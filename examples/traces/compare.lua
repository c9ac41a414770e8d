-- examples/traces/compare.lua — the traces of `chase seq` and `chase rand`
-- (make demo-trace records them: SEQ and RAND in the environment) replayed
-- on two machines, Intel Golden Cove (default) and AMD Zen 4, each with
-- 4 KiB pages only (thp never) and with transparent huge pages (thp
-- always), side by side: what the TLBs, the walks and the kernel did, the
-- share of the accesses that huge pages translated, and the share of the
-- modelled cycles spent translating.
local traces = { seq = assert(os.getenv("SEQ")), rand = assert(os.getenv("RAND")) }
print(string.format("%-6s %-8s %-5s %10s %12s %10s %10s %8s %6s %12s", "walk", "machine", "pages", "accesses",
	"L1 misses", "walks", "walk refs", "faults", "huge", "translation"))
for _, name in ipairs{"seq", "rand"} do
	for _, preset in ipairs{"default", "zen4"} do
		for _, thp in ipairs{"never", "always"} do
			local m <close> = mmsim.machine{preset = preset, thp = thp}
			local r = assert(m:replay(traces[name]))
			local s = r.stats
			local share = s.cycles > 0 and 100 * s.replay.translation_cycles / s.cycles or 0
			local huge = r.accesses > 0 and 100 * s.replay.huge.accesses / r.accesses or 0
			print(string.format("%-6s %-8s %-5s %10d %12d %10d %10d %8d %5.1f%% %11.1f%%", name, preset,
				thp == "never" and "4k" or "thp", r.accesses, s.replay.l1_misses, s.replay.walks,
				s.walk_refs, s.pf.total, huge, share))
		end
	end
end
print("\nThe random walk needs a page walk at nearly every step once its 32 MiB")
print("outgrow the second-level TLB; the scan needs one per page, at its first node.")
print("With huge pages one TLB entry covers 2 MiB: the chase's 32 MiB fit the")
print("second-level TLB, and one fault maps 512 pages.")

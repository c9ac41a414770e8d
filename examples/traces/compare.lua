-- examples/traces/compare.lua — the traces of `chase seq` and `chase rand`
-- (make demo-trace records them: SEQ and RAND in the environment) replayed
-- on two machines, Intel Golden Cove (default) and AMD Zen 4, side by side:
-- what the TLBs, the walks and the kernel did, and the share of the
-- modelled cycles spent translating.
local traces = { seq = assert(os.getenv("SEQ")), rand = assert(os.getenv("RAND")) }
print(string.format("%-6s %-8s %10s %12s %10s %10s %8s %12s", "walk", "machine", "accesses",
	"L1 misses", "walks", "walk refs", "faults", "translation"))
for _, name in ipairs{"seq", "rand"} do
	for _, preset in ipairs{"default", "zen4"} do
		local m <close> = mmsim.machine{preset = preset}
		local r = assert(m:replay(traces[name]))
		local s = r.stats
		local share = s.cycles > 0 and 100 * s.replay.translation_cycles / s.cycles or 0
		print(string.format("%-6s %-8s %10d %12d %10d %10d %8d %11.1f%%", name, preset, r.accesses,
			s.replay.l1_misses, s.replay.walks, s.walk_refs, s.pf.total, share))
	end
end
print("\nThe random walk needs a page walk at nearly every step once its 32 MiB")
print("outgrow the second-level TLB; the scan needs one per page, at its first node.")

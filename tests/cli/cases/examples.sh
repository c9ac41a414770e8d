# Every example script's output, byte for byte. After a deliberate change,
# `make golden` rewrites these files; review the diff before committing.
for ex in "$here"/../../examples/*.lua; do
	name=$(basename "$ex" .lua)
	golden "example $name" "$here/golden/examples/$name.txt" -- run "$ex"
done
# The same script on every preset still runs (its output differs).
for preset in teaching zen4 sapphire-rapids zen3 zen5; do
	expect "tour on $preset" 0 "consistency check of the kernel: 0 problems" -- \
		run --machine "$preset" "$here/../../examples/tour.lua"
done
# *p = 42 through the caches to the DRAM cell (docs/user-guide.md), then an L1d hit.
expect "store42 on zen5 reaches DRAM" 0 \
	'store line 0xfdf1000: L1d miss, L2 miss, L3 miss; from memory \(DRAM channel 0 rank 0 bank 7 row 0x1fb: row miss, tRCD\+tCAS\): 450 cycles; filled in L2, L1d in state M' -- \
	explain --machine zen5 "$here/../../examples/store42.lua"
expect "store42 on zen5: the second store hits" 0 'store line 0xfdf1000: L1d hit \(M\): 4 cycles' -- \
	explain --machine zen5 "$here/../../examples/store42.lua"

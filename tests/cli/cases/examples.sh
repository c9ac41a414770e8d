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
# *p = 42 through the caches to the DRAM cell (docs/user-guide.md): the
# fault's clear_page brings the page's lines (the frame after the program's
# four cached pages) from memory through cpu0's
# caches, then the store hits its line in M.
expect "store42 on zen5 reaches DRAM" 0 \
	'kernel kmem_through_caches: clear_page: cpu0 stores 4096 bytes at pa 0xfdf5000 through its caches: 64 lines, 0 in its L1d, 64 from memory' -- \
	explain --machine zen5 "$here/../../examples/store42.lua"
expect "store42 on zen5: the second store hits" 0 'store line 0xfdf5000: L1d hit \(M\): 4 cycles' -- \
	explain --machine zen5 "$here/../../examples/store42.lua"

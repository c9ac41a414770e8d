# Every example script's output, byte for byte. After a deliberate change,
# `make golden` rewrites these files; review the diff before committing.
for ex in "$here"/../../examples/*.lua; do
	name=$(basename "$ex" .lua)
	golden "example $name" "$here/golden/examples/$name.txt" -- run "$ex"
done
# The same script on every preset still runs (its output differs).
for preset in teaching zen4 sapphire-rapids; do
	expect "tour on $preset" 0 "consistency check of the kernel: 0 problems" -- \
		run --machine "$preset" "$here/../../examples/tour.lua"
done

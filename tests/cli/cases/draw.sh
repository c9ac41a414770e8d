# mmsim draw: every picture from the command line, as valid SVG (xmllint,
# from libxml2-utils: make deps), the same bytes twice, -o FILE, --text,
# and its errors.
ex="$here/../../examples"
if ! command -v xmllint >/dev/null 2>&1; then
	echo "SKIP draw: xmllint (libxml2-utils, installed by make deps) is not here"
	skip=$((skip + 1))
else
	for what in pagetable walk vmas physmem buddy tlb plot; do
		check "draw $what" "$MMSIM" draw "$what" --addr 0x7ffff7fe7010 -o "$tmp/$what.svg" "$ex/draw.lua"
		check "draw $what is valid XML" xmllint --noout "$tmp/$what.svg"
		check "draw $what is an SVG of its kind" grep -q "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"mmsim-$what\"" "$tmp/$what.svg"
		"$MMSIM" draw "$what" --addr 0x7ffff7fe7010 --output "$tmp/again.svg" "$ex/draw.lua" >/dev/null 2>&1
		check "draw $what: the same bytes again" cmp "$tmp/$what.svg" "$tmp/again.svg"
	done
	# a machine with nothing running: its memory, free lists and TLBs
	for what in physmem buddy tlb; do
		check "draw $what of a fresh machine" "$MMSIM" draw "$what" --machine teaching -o "$tmp/boot-$what.svg"
		check "draw $what of a fresh machine is valid XML" xmllint --noout "$tmp/boot-$what.svg"
	done
fi
# what the pictures show
expect draw-walk-fault 0 'data-vector="14"' -- draw walk --addr 0x10000 --access write "$ex/draw.lua"
expect draw-walk-text 0 '^-> physical 0x[0-9a-f]+ \(4K page\)$' -- draw walk --addr 0x7ffff7fe7010 --text "$ex/draw.lua"
expect draw-walk-gp 0 '#GP' -- draw walk --addr 0x800000000000 --text "$ex/draw.lua"
expect draw-pagetable-path 0 'class="entry on-path" data-level="4" data-index="255"' -- \
	draw pagetable --addr 0x7ffff7fe7010 "$ex/draw.lua"
expect draw-tlb-entry 0 'va 0x7ffff7fe7000 -> pa 0x[0-9a-f]+ 4K pcid 2 W U XD D' -- draw tlb --text "$ex/draw.lua"
expect draw-vmas-pid 0 '\[stack\]' -- draw vmas --pid 1 --text "$ex/draw.lua"
expect draw-plot-series 0 'data-name="minflt" data-points="16"' -- draw plot "$ex/draw.lua"
expect draw-buddy-zone 0 'data-zone="DMA32"' -- draw buddy -o ram=64M
expect draw-title 0 '<title id="title">mine &amp; yours</title>' -- draw buddy --title 'mine & yours'
expect draw-columns 0 '^zone DMA' -- draw buddy --text --columns 60
# -o KEY=VALUE is still a setting, -o FILE the output
expect draw-o-setting 0 'physical memory: 4096 frames \(16M\)' -- draw physmem --text -o ram=16M
# errors
expect draw-help 0 'usage: mmsim draw WHAT' -- draw --help
expect draw-no-what 2 'no picture given' -- draw
expect draw-unknown 2 "no picture called 'nope' \(there are: pagetable, walk, vmas, physmem, buddy, tlb, plot\)" -- draw nope
expect draw-bad-addr 2 "--addr: 'zz' is not a number" -- draw walk --addr zz "$ex/draw.lua"
expect draw-no-value 2 '--addr wants a value' -- draw walk --addr
expect draw-walk-no-addr 2 'walk' -- draw walk "$ex/draw.lua"
expect draw-bad-access 2 "access 'poke' is not read, write or fetch" -- draw walk --addr 0 --access poke "$ex/draw.lua"
expect draw-no-process 1 'no process to draw' -- draw vmas
expect draw-no-such-pid 1 'pid 7' -- draw vmas --pid 7 "$ex/draw.lua"
expect draw-bad-script 1 'cannot open' -- draw tlb /nonexistent.lua
expect draw-plot-nothing 2 'series' -- draw plot
expect draw-bad-output 1 '-o /nonexistent/x.svg: No such file or directory' -- draw buddy -o /nonexistent/x.svg

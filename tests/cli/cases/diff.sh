# mmsim diff: a script on the simulator and on this machine's kernel. The
# host backend runs real processes: Linux on x86-64 only (skipped elsewhere).
if [[ $(uname -sm) != "Linux x86_64" ]]; then
	skip "the mmsim diff cases" "the host backend needs Linux on x86-64 (this is $(uname -sm))"
else
	# A read then a write of a fresh page: the same faults on both sides when
	# the zero page is set as the host's (diff applies it), one fault more
	# for the write on the simulator when it is forced the other way. The
	# host decides which value agrees; the simulator runs with both.
	zp=$("$MMSIM" run - <<<'print(mmsim.host{}:get("zero_page"))')
	other=$((1 - zp))
	note "the host has zero_page=$zp: the simulator agrees with zero_page=$zp and differs with zero_page=$other"
	script='local p = mmsim.machine{}:spawn{}
local a = p:mmap{len = 4096, prot = "rw"}
MARK1
p:read(a, 1)
MARK2
p:write(a, "x")'
	body() { local s=${script/MARK1/$1}; printf '%s\n' "${s/MARK2/$2}"; }
	mark='mmsim.expect_difference("fidelity.md#the-zero-page", "the zero page is forced"'
	expect_in diff-agree 0 '0 differences, 0 expected -> AGREE' "$(body '' '')" -- diff -
	expect_in diff-differs 1 'DIFFERS: minflt' "$(body '' '')" -- diff -o zero_page=$other -
	expect_in diff-differs-summary 1 '1 difference, 0 expected -> DIFFER' "$(body '' '')" -- diff -o zero_page=$other -
	expect_in diff-marked 0 '0 differences, 1 expected -> AGREE' "$(body '' "$mark)")" -- diff -o zero_page=$other -
	expect_in diff-marked-field 0 '0 differences, 1 expected -> AGREE' "$(body '' "$mark, \"minflt\")")" -- diff -o zero_page=$other -
	expect_in diff-other-field 1 'DIFFER' "$(body '' "$mark, \"result\")")" -- diff -o zero_page=$other -
	expect_in diff-stale-mark 1 'DIFFERS: the mark expects a difference' "$(body "$mark)" '')" -- diff -o zero_page=$other -
	expect_in diff-all 0 '#3 stdin:4 +P1:read' "$(body '' '')" -- diff --all -
	# A fault tolerance lets major and minor faults trade places, never
	# changes their sum: the extra minor fault still differs.
	tol='mmsim.tolerate_faults(1, "the split may move")'
	expect_in diff-tolerance-keeps-the-sum 1 'DIFFERS: minflt' "$(body '' "$tol")" -- diff -o zero_page=$other -
	expect_in diff-tolerance-bad 1 'at least 1 fault' 'mmsim.tolerate_faults(0, "x")' -- diff -
	# A page tolerance (memory pressure): 8 pages read, which the zero page
	# forced the other way makes resident on one side only (Rss 32 kB and
	# pagemap's kinds 8 pages apart): within 8 pages they agree, not within 7.
	pages='local p = mmsim.machine{}:spawn{}
local a = p:mmap{len = 8 * 4096, prot = "rw"}
p:madvise(a, 8 * 4096, "nohugepage")
p:touch(a, 8 * 4096, "r")
TOL'
	expect_in diff-pages-differ 1 'Rss +simulator' "${pages/TOL/}" -- diff -o zero_page=$other -
	expect_in diff-pages-tolerated 0 '0 differences, 0 expected -> AGREE' \
		"${pages/TOL/mmsim.tolerate_pages(8, \"pressure\")}" -- diff -o zero_page=$other -
	expect_in diff-pages-beyond 1 'Rss +simulator' \
		"${pages/TOL/mmsim.tolerate_pages(7, \"pressure\")}" -- diff -o zero_page=$other -
	expect_in diff-pages-bad 1 'at least 1 page' 'mmsim.tolerate_pages(0, "x")' -- diff -
	# Swap as the host has it: a script asking for swap needs a host with
	# swap on, one asking for none a host without; the other is skipped.
	swap_kb=$(awk '/^SwapTotal:/ {print $2}' /proc/meminfo)
	if [[ ${swap_kb:-0} == 0 ]]; then
		expect_in diff-swap-skipped 3 'the script asks for swap; the host has none' \
			'mmsim.machine{swap = "64M"}' -- diff -
		expect_in diff-no-swap-agrees 0 'AGREE' 'mmsim.machine{swap = "0"}:spawn{}' -- diff -
	else
		expect_in diff-no-swap-skipped 3 'the script asks for no swap; the host has' \
			'mmsim.machine{swap = "0"}' -- diff -
		# zero pages paged out and read back in order: the sum of the faults
		# is certain, the split is the host's readahead's
		expect_in diff-swap-tolerated 0 '0 differences' 'local p = mmsim.machine{swap = "64M"}:spawn{}
local a = p:mmap{len = 16 * 4096, prot = "rw"}
p:madvise(a, 16 * 4096, "nohugepage")
p:madvise(a, 16 * 4096, "populate_write")
p:madvise(a, 16 * 4096, "pageout")
mmsim.checkpoint("out", {"VmSwap"})
mmsim.tolerate_faults(16, "readahead")
p:touch(a, 16 * 4096, "r")' -- diff -
	fi
	body '' '' >"$tmp/d.lua"
	expect diff-json 1 'DIFFER' -- diff -o zero_page=$other --json "$tmp/d.json" "$tmp/d.lua"
	check diff-json-verdict grep -q '^  "result": "differ"' "$tmp/d.json"
	expect_in diff-script-error 1 'boom' 'error("boom")' -- diff -
	# A checkpoint may compare status fields: VmPTE, the page tables. A
	# MADV_DONTNEED of a whole 2 MiB block frees its table on both sides,
	# and the state records the field; a field that is not a word is refused.
	pt='local p = mmsim.machine{}:spawn{}
local a = p:mmap{len = 4 << 20, prot = "rw"}
p:touch(a, 4 << 20, "w")
p:madvise(a, 2 << 20, "dontneed")
mmsim.checkpoint("freed", { "VmPTE" })'
	expect_in diff-status-agree 0 '0 differences, 0 expected -> AGREE' "$pt" -- diff -
	printf '%s\n' "$pt" >"$tmp/pt.lua"
	expect diff-status-json 0 'AGREE' -- diff --json "$tmp/pt.json" "$tmp/pt.lua"
	check diff-status-recorded grep -q '"VmPTE": "[0-9]* kB"' "$tmp/pt.json"
	expect_in diff-status-bad-field 1 'status field 1 must be a word' 'mmsim.checkpoint("x", {"Vm PTE"})' -- diff -
	# Each result records its offsets from the 16 landmarks on either side
	# only, besides its address and its offset from the image (they were
	# every landmark within 1 GiB: a script of 65,500 mappings then made
	# millions and never finished).
	printf '%s\n' 'local p = mmsim.machine{}:spawn{}' \
		'for i = 1, 100 do p:mmap{len = 4096, prot = (i % 2 == 0) and "r" or "rw"} end' >"$tmp/near.lua"
	expect diff-near-json 0 'AGREE' -- diff --json "$tmp/near.json" "$tmp/near.lua"
	check diff-near-bounded awk '/"near": \{/ { n = 0; on = 1; next } on && /\}/ { if (n > max) max = n; on = 0 }
		on { n++ } END { exit !(max == 18) }' "$tmp/near.json"
	# A difference far along a long run of pages is reported, and where it
	# starts (the page runs once stopped at 1023 characters): 1024 written
	# pages every other page, then a read of the last page, which differs
	# when the zero page is forced the other way.
	long='local p = mmsim.machine{}:spawn{}
local a = p:mmap{len = 2048 * 4096, prot = "rw"}
p:madvise(a, 2048 * 4096, "nohugepage")
for i = 0, 2045, 2 do p:write(a + i * 4096, "x") end
p:read(a + 2047 * 4096, 1)'
	expect_in diff-long-runs 1 'pages +DIFFERS from page 2047' "$long" -- diff -o zero_page=$other -
	expect_in diff-long-runs-wrapped 1 '^ {17}PE\*1 ' "$long" -- diff -o zero_page=$other -
	# A call that differs is printed as each side made it: the simulated
	# machine has 100 MiB (no host has exactly that), and the script unmaps
	# another page there.
	calls='local m = mmsim.machine{}
local p = m:spawn{}
local a = p:mmap{len = 4 * 4096, prot = "rw"}
local ram = m:get("ram")
local small = ram == "100M" or tonumber(ram) == 100 * 1024 * 1024
p:munmap(a + (small and 1 or 2) * 4096, 4096)'
	expect_in diff-both-calls 1 'host: +P1:munmap\(r2\+0x2000, 0x1000\) -> 0' "$calls" -- diff -o ram=100M -
	expect_in diff-both-calls-sim 1 'simulator: P1:munmap\(r2\+0x1000, 0x1000\) -> 0' "$calls" -- diff -o ram=100M -
	# On a terminal, standard error says how far each side is.
	if command -v script >/dev/null; then
		body '' '' >"$tmp/p.lua"
		script -qec "$MMSIM diff $tmp/p.lua" /dev/null >"$tmp/out" 2>&1
		judge diff-progress-tty 0 $? 'mmsim diff: the host: operation 4, recording state "end"'
		"$MMSIM" diff "$tmp/p.lua" >"$tmp/out" 2>&1
		judge diff-no-progress-in-a-pipe 0 $? '^0 differences|AGREE'
		check diff-no-progress-text bash -c "! grep -q 'recording state' '$tmp/out'"
	fi
	# os.exit ends the script on each side, not the comparison
	expect_in diff-exit 0 '2 operations, 1 states: 0 differences, 0 expected -> AGREE' \
		'local p = mmsim.machine{}:spawn{} p:mmap{len = 4096, prot = "rw"} os.exit(0) p:mmap{len = 4096}' -- diff -
	expect_in diff-exit-code 1 'os.exit\(2\)' 'os.exit(2)' -- diff -
fi

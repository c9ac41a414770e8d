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
	body '' '' >"$tmp/d.lua"
	expect diff-json 1 'DIFFER' -- diff -o zero_page=$other --json "$tmp/d.json" "$tmp/d.lua"
	check diff-json-verdict grep -q '^  "result": "differ"' "$tmp/d.json"
	expect_in diff-script-error 1 'boom' 'error("boom")' -- diff -
fi

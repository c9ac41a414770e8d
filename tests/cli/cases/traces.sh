# mmsim import and mmsim replay (docs/traces.md): a lackey log imported and
# replayed flat, a trace with system calls written by a script and replayed
# with its results checked, the report as text (the same every run), JSON
# and a CSV series, the progress bar on a terminal only, and bad traces
# refused with the byte offset or line.
traces=$here/../data/traces
expect replay-help 0 'usage: mmsim replay \[OPTIONS\] TRACE' -- replay --help
expect import-help 0 'usage: mmsim import FORMAT INPUT TRACE' -- import --help
expect replay-no-trace 2 '^mmsim replay: no trace given' -- replay
expect import-args 2 'too few arguments' -- import lackey x
expect import-format 2 "format 'champ': expected lackey" -- import champ x y
expect import 0 '^mmsim import: 207 records written to ' -- import lackey "$traces/mini.lackey" "$tmp/mini.mmt"
expect import-missing 1 "nonexistent.lackey: No such file or directory" -- import lackey "$tmp/nonexistent.lackey" "$tmp/x.mmt"
printf 'I  00108000,4\n L 0010800g,8\n' >"$tmp/bad.lackey"
expect import-bad-line 1 'bad.lackey: line 2: " L 0010800g,8": expected a hexadecimal address' -- import lackey "$tmp/bad.lackey" "$tmp/x.mmt"
check import-bad-leaves-nothing test ! -e "$tmp/x.mmt"
printf 'hello\n' >"$tmp/bad.lackey"
expect import-not-lackey 1 'line 1: "hello" is not lackey output' -- import lackey "$tmp/bad.lackey" "$tmp/x.mmt"

# the report, byte for byte (the heading names the import's date: left out)
"$MMSIM" replay "$tmp/mini.mmt" 2>"$tmp/err" | tail -n +4 >"$tmp/report1"
"$MMSIM" replay "$tmp/mini.mmt" 2>"$tmp/err" | tail -n +4 >"$tmp/report2"
check replay-golden cmp "$here/golden/replay-mini.txt" "$tmp/report1"
check replay-deterministic cmp "$tmp/report1" "$tmp/report2"
check replay-no-progress-off-tty test ! -s "$tmp/err"
# on a terminal (script(1) gives the replay one): the progress bar, drawn
# again as it goes and last at 100%; none with --no-progress
script -qec "'$MMSIM' replay '$tmp/mini.mmt'" /dev/null >"$tmp/tty1" 2>&1
check replay-progress-on-tty grep -qE '\[#{30}\] 100\.0%  202 accesses  [0-9.]+ M/s  ETA 0 s' "$tmp/tty1"
script -qec "'$MMSIM' replay --no-progress '$tmp/mini.mmt'" /dev/null >"$tmp/tty2" 2>&1
check replay-no-progress-option bash -c "grep -q '^by mapping:' '$tmp/tty2' && ! grep -q 'M/s' '$tmp/tty2'"
expect replay-flat 0 '^  flat mode \(the trace has no system calls\): 5 regions of 2 MiB mapped on first touch, 5 system calls not made$' -- replay "$tmp/mini.mmt"
expect replay-machine 0 '^machine: zen4 \(' -- replay --machine zen4 -o cores=4 "$tmp/mini.mmt"
expect replay-json 0 '"flat": true' -- replay --json - "$tmp/mini.mmt"
"$MMSIM" replay --json "$tmp/r.json" "$tmp/mini.mmt" >/dev/null 2>&1
check replay-json-stats grep -q '"accesses": 202,' "$tmp/r.json"
check replay-json-mappings grep -q '"name": "\[anon\]"' "$tmp/r.json"
# 4 KiB pages against THP: with thp=always flat mode's 2 MiB regions are
# huge pages, and the report's columns and the JSON say which accesses
# they translated
expect replay-thp-column 0 '^  accesses +1 +0\.50% +201 +99\.50%$' -- replay -o thp=always "$tmp/mini.mmt"
expect replay-thp-faults 0 '^  faulted +1 +20\.00% +4 +80\.00%$' -- replay -o thp=always "$tmp/mini.mmt"
expect replay-thp-mapping 0 '^       1  \[anon\] +202 +5 +5 +5 +201$' -- replay -o thp=always "$tmp/mini.mmt"
"$MMSIM" replay -o thp=always --json "$tmp/thp.json" "$tmp/mini.mmt" >/dev/null 2>&1
check replay-thp-json-stats bash -c "tr -d ' \n' <'$tmp/thp.json' | grep -q '\"huge\":{\"accesses\":201,\"faulted\":4,\"l1_misses\":4,\"walks\":4}'"
check replay-thp-json-mapping grep -q '"huge_accesses": 201,' "$tmp/thp.json"
"$MMSIM" replay --interval 50 "$tmp/mini.mmt" >"$tmp/series.csv" 2>&1
check replay-csv-header bash -c "head -1 '$tmp/series.csv' | grep -qx 'accesses,l1_misses,walks,walk_refs,faults,cycles'"
check replay-csv-lines bash -c "test \$(wc -l <'$tmp/series.csv') -eq 6 && sed -n 2p '$tmp/series.csv' | grep -q '^50,'"
check replay-csv-last bash -c "tail -1 '$tmp/series.csv' | grep -q '^202,28,28,'"
expect replay-csv-file 0 '^by mapping:' -- replay --interval 100 --csv "$tmp/s2.csv" "$tmp/mini.mmt"
check replay-csv-file-lines bash -c "test \$(wc -l <'$tmp/s2.csv') -eq 4"
# --plot: the series as a line chart (valid SVG, three series of rates, a
# point per interval and the end's), the text report beside it
expect replay-plot 0 '^by mapping:' -- replay --interval 50 --plot "$tmp/p1.svg" "$tmp/mini.mmt"
"$MMSIM" replay --interval 50 --plot "$tmp/p2.svg" "$tmp/mini.mmt" >/dev/null 2>&1
if command -v xmllint >/dev/null 2>&1; then
	check replay-plot-valid-svg xmllint --noout "$tmp/p1.svg"
fi
check replay-plot-series grep -q 'class="series s1" data-name="page walks" data-points="5"' "$tmp/p1.svg"
check replay-plot-faults grep -q 'data-name="page faults" data-points="5"' "$tmp/p1.svg"
check replay-plot-axis grep -q 'per 1000 accesses' "$tmp/p1.svg"
check replay-plot-deterministic cmp "$tmp/p1.svg" "$tmp/p2.svg"
check replay-plot-no-csv-on-stdout bash -c "! '$MMSIM' replay --interval 50 --plot '$tmp/p3.svg' '$tmp/mini.mmt' 2>&1 | grep -q '^accesses,'"
expect replay-plot-needs-interval 2 'plot needs --interval N' -- replay --plot "$tmp/p4.svg" "$tmp/mini.mmt"
expect replay-plot-unwritable 1 'plot .*/nodir/p.svg: cannot write it' -- replay --interval 50 --plot "$tmp/nodir/p.svg" "$tmp/mini.mmt"
expect replay-plot-no-name 2 'plot wants a file name' -- replay --interval 50 --plot
expect replay-bad-interval 2 "--interval wants a positive integer, got 'x'" -- replay --interval x "$tmp/mini.mmt"
expect replay-bad-placement 2 "--placement wants rr or one" -- replay --placement all "$tmp/mini.mmt"
expect replay-top 0 '^       1  0x4035000 ' -- replay --top 2 "$tmp/mini.mmt"

# bad traces: the byte offset and what was expected
expect replay-missing 1 "nosuch.mmt: No such file or directory" -- replay "$tmp/nosuch.mmt"
expect replay-foreign 1 'byte 0: not an mmsim trace \(expected the magic "MMSIMTRC"' -- replay "$traces/mini.lackey"
head -c -40 "$tmp/mini.mmt" >"$tmp/cut.mmt"
expect replay-truncated 1 'cut.mmt: byte [0-9]+: the file ends inside a block' -- replay "$tmp/cut.mmt"

# a trace with system calls: replayed strictly, results checked
cat >"$tmp/strict.lua" <<LUA
local w = assert(mmsim.trace_create("$tmp/strict.mmt", {program = "/bin/strict", syscalls = true}))
assert(w:write{type = "brk", tid = 10, start_brk = 0x4035000, brk = 0x4035000})
assert(w:write{type = "syscall", tid = 10, name = "brk", args = {0x4056000}, result = 0x4056000})
for a = 0x4035000, 0x4055fff, 4096 do assert(w:write{type = "access", tid = 10, addr = a, size = 8, kind = "store"}) end
assert(w:write{type = "syscall", tid = 10, name = "munmap", args = {0x4035001, 4096}, result = 0})
assert(w:close())
LUA
check strict-write "$MMSIM" run "$tmp/strict.lua"
expect replay-mismatch 1 'record 36: munmap returned -EINVAL, the capture 0' -- replay "$tmp/strict.mmt"
expect replay-heap 0 '^ +1  \[heap\] +33 ' -- replay --no-check "$tmp/strict.mmt"
expect replay-unknown-option 2 "unknown option '--bogus'" -- replay --bogus "$tmp/strict.mmt"

# the progress bar: on a terminal only
if ! command -v python3 >/dev/null || ! python3 -c 'import pty' 2>/dev/null; then
	skip replay-progress-tty "python3 with its pty module is not installed"
elif printf 'expect \\[#+\\] 100\\.0%%\nexit 0\n' | python3 "$here/keyboard.py" -- "$MMSIM" replay "$tmp/mini.mmt" >"$tmp/kb" 2>&1; then
	pass=$((pass + 1))
else
	echo "FAIL replay-progress-tty:"
	sed 's/^/    /' "$tmp/kb" | head -20
	fail=$((fail + 1))
fi

# ChampSim: 64-byte input_instr records, imported and replayed flat
cat >"$tmp/champ.lua" <<LUA
local f = assert(io.open("$tmp/t.champsim", "wb"))
for i = 0, 99 do     -- ip, is_branch, branch_taken, 2 + 4 registers, 2 stores, 4 loads
	f:write(string.pack("<I8BBBBBBBBI8I8I8I8I8I8", 0x401000 + i * 4, 0, 0, 0, 0, 0, 0, 0, 0,
		i % 2 == 0 and 0x20000000 + i * 4096 or 0, 0, 0x30000000 + i * 64, 0, 0, 0))
end
f:close()
LUA
check champsim-write "$MMSIM" run "$tmp/champ.lua"
expect import-champsim 0 '^mmsim import: 151 records written to ' -- import champsim "$tmp/t.champsim" "$tmp/c.mmt"
expect replay-champsim 0 'replay: 151 records, 151 accesses .*, 0 system calls, 1 process, 1 thread' -- replay "$tmp/c.mmt"
head -c 100 "$tmp/t.champsim" >"$tmp/cut.champsim"
expect import-champsim-cut 1 'cut.champsim: byte 64: the input ends inside a record \(36 of its 64 bytes\): truncated' -- import champsim "$tmp/cut.champsim" "$tmp/x.mmt"
expect import-champsim-foreign 1 'mini.lackey: record 0 \(byte 8\): is_branch 32' -- import champsim "$traces/mini.lackey" "$tmp/x.mmt"

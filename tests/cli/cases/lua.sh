# mmsim run, explain, shell and presets: scripts, their errors and exit
# codes, the options that reach a script's machines, --json.
s=$tmp/lua
mkdir -p "$s"

cat >"$s/ok.lua" <<'EOF'
local m = mmsim.machine{preset = "teaching"}
local p = m:spawn{name = "demo"}
local a = p:mmap{len = 4096, prot = "rw"}
p:write(a, 42, 4)
print("value", p:read_u64(a), "faults", p:stats().minflt)
EOF
cat >"$s/syntax.lua" <<'EOF'
local m = mmsim.machine{}
local x = = 1
EOF
cat >"$s/runtime.lua" <<'EOF'
local function inner() error("something broke") end
local function outer() inner() end
outer()
EOF
cat >"$s/preset.lua" <<'EOF'
local m = mmsim.machine{preset = "nope"}
EOF
cat >"$s/args.lua" <<'EOF'
local a, b = ...
print("args", a, b, "arg", arg[0], arg[1], arg[2], #arg)
EOF
cat >"$s/which.lua" <<'EOF'
local m = mmsim.machine()
print(m, m:get("stlb.entries"))
local n = mmsim.machine{preset = "teaching", cores = 1}
print(n)
EOF
cat >"$s/latency.lua" <<'EOF'
local m = mmsim.machine()
print(m, m:get("lat.walk_ref"))
EOF
cat >"$s/layout.lua" <<'EOF'
local m = mmsim.machine{preset = "teaching", aslr = 2}
print(string.format("%x", m:spawn():mmap{len = 4096, prot = "rw"}))
EOF
cat >"$s/narrate.lua" <<'EOF'
local m = mmsim.machine{preset = "teaching"}
local p = m:spawn()
local a = p:mmap{len = 4096, prot = "rw"}
m:explain(true)
p:write(a, "x")
m:explain(false)
print("quiet", p:read(a, 1))
EOF

# run
expect run-ok 0 '^value	42	faults	1$' -- run "$s/ok.lua"
expect run-help 0 'usage: mmsim run' -- run --help
expect run-no-script 2 'usage: mmsim run' -- run
expect run-no-script-why 2 '^mmsim run: no script given \(SCRIPT.lua, or - for standard input\)' -- run
expect explain-no-script-why 2 '^mmsim explain: no script given' -- explain
expect run-missing 1 'cannot open .*nosuch.lua' -- run "$s/nosuch.lua"
expect run-syntax 1 '^mmsim run: .*syntax.lua:2: unexpected symbol near' -- run "$s/syntax.lua"
expect run-runtime 1 '^mmsim run: .*runtime.lua:1: something broke$' -- run "$s/runtime.lua"
expect run-traceback 1 "runtime.lua:2: in (local|upvalue) 'outer'" -- run "$s/runtime.lua"
expect run-args 0 "^args	x	y	arg	.*args.lua	x	y	2$" -- run "$s/args.lua" x y
expect_in run-stdin 0 '^from stdin	q$' 'print("from stdin", ...)' -- run - q
expect_in run-stdin-error 1 '^mmsim run: stdin:1: oops' 'error("oops")' -- run -
expect run-narrates 0 'walk PML4/pgd\[255\]' -- run "$s/narrate.lua"
expect run-narration-stops 0 '^quiet	x$' -- run "$s/narrate.lua"

# presets, from the command line and from scripts
expect run-machine-nope 2 "^mmsim run: unknown machine preset 'nope'" -- run --machine nope "$s/ok.lua"
expect run-preset-nope 1 "preset.lua:1: mmsim.machine: unknown preset 'nope' \(mmsim presets lists them\)" -- run "$s/preset.lua"
expect run-machine 0 '^mmsim.machine \(zen4: 4G RAM, 2 cores, 4-level paging\)	3072$' -- run --machine zen4 "$s/which.lua"
expect run-machine-eq 0 '^mmsim.machine \(zen4: 4G RAM' -- run --machine=zen4 "$s/which.lua"
expect run-script-preset-wins 0 '^mmsim.machine \(teaching: 64M RAM, 1 cores' -- run --machine zen4 "$s/which.lua"
expect run-o-on-top 0 '^mmsim.machine \(teaching: 64M RAM, 4 cores' -- run -o cores=4 "$s/which.lua"
expect run-o-before-machine 0 '^mmsim.machine \(zen4: 4G RAM, 2 cores.*	55$' -- run -o lat.walk_ref=55 --machine zen4 "$s/latency.lua"
expect run-bad-o-key 2 "^mmsim run: -o bogus=1: unknown configuration key 'bogus'" -- run -o bogus=1 "$s/ok.lua"
expect run-bad-o-value 2 "^mmsim run: -o ram=lots: ram: 'lots' is not a size" -- run -o ram=lots "$s/ok.lua"
expect run-bad-o-cores 2 "^mmsim run: -o cores=many: cores: 'many' is not a number" -- run -ocores=many "$s/ok.lua"
expect run-bad-o-form 2 "-o wants KEY=VALUE, got 'ram'" -- run -o ram "$s/ok.lua"
expect run-bad-seed 2 "^mmsim run: --seed: seed: " -- run --seed banana "$s/ok.lua"
expect run-bad-seed-eq 2 "^mmsim run: --seed: seed: " -- run --seed=banana "$s/ok.lua"
expect run-unknown-option 2 "unknown option '--frobnicate'" -- run --frobnicate "$s/ok.lua"
expect run-o-impossible 1 'fit in maxphyaddr=36 bits' -- run -o maxphyaddr=36 -o ram=128G "$s/ok.lua"

# determinism: the same seed, the same run
"$MMSIM" run --seed 7 "$s/layout.lua" >"$tmp/seed7a" 2>&1
"$MMSIM" run --seed 7 "$s/layout.lua" >"$tmp/seed7b" 2>&1
"$MMSIM" run --seed 8 "$s/layout.lua" >"$tmp/seed8" 2>&1
check seed-same cmp "$tmp/seed7a" "$tmp/seed7b"
"$MMSIM" run --seed=7 "$s/layout.lua" >"$tmp/seed7eq" 2>&1
check seed-eq cmp "$tmp/seed7a" "$tmp/seed7eq"
check seed-differs bash -c "! cmp -s '$tmp/seed7a' '$tmp/seed8'"
"$MMSIM" explain "$s/ok.lua" >"$tmp/explain1" 2>&1
"$MMSIM" explain "$s/ok.lua" >"$tmp/explain2" 2>&1
check explain-deterministic cmp "$tmp/explain1" "$tmp/explain2"
# math.random starts from the seed: --seed N as math.randomseed(N), 0 without
rand='local t = {} for i = 1, 8 do t[i] = math.random(1 << 40) end print(table.concat(t, " "))'
"$MMSIM" run --seed 5 - <<<"$rand" >"$tmp/rand5a" 2>&1
"$MMSIM" run --seed=5 - <<<"$rand" >"$tmp/rand5b" 2>&1
"$MMSIM" run - <<<"math.randomseed(5) $rand" >"$tmp/rand5c" 2>&1
"$MMSIM" run --seed 6 - <<<"$rand" >"$tmp/rand6" 2>&1
"$MMSIM" run - <<<"$rand" >"$tmp/rand0a" 2>&1
"$MMSIM" run - <<<"$rand" >"$tmp/rand0b" 2>&1
"$MMSIM" run -o seed=5 - <<<"$rand" >"$tmp/rand5o" 2>&1
check random-seed-same cmp "$tmp/rand5a" "$tmp/rand5b"
check random-seed-is-randomseed cmp "$tmp/rand5a" "$tmp/rand5c"
check random-seed-o cmp "$tmp/rand5a" "$tmp/rand5o"
check random-seed-differs bash -c "! cmp -s '$tmp/rand5a' '$tmp/rand6'"
check random-default-deterministic cmp "$tmp/rand0a" "$tmp/rand0b"
# a second machine's narration says which it is
cat >"$s/two.lua" <<'EOF2'
local a = mmsim.machine{preset = "teaching"}:spawn{name = "first"}
local b = mmsim.machine{preset = "teaching"}:spawn{name = "second"}
a:mmap{len = 4096, prot = "r"}
b:mmap{len = 4096, prot = "r"}
EOF2
expect explain-first-machine 0 '^pid 1 \(first\) on CPU 0: mmap\(0, 4096' -- explain "$s/two.lua"
expect explain-second-machine 0 '^\[machine 2\] pid 1 \(second\) on CPU 0: mmap\(0, 4096' -- explain "$s/two.lua"
expect explain-second-spawn 0 '^\[machine 2\] spawn\("second"\) on CPU 0$' -- explain "$s/two.lua"

# explain
expect explain-fault 0 'kernel do_anonymous_page: write fault: new zeroed page' -- explain "$s/ok.lua"
expect explain-walk 0 'walk PML4/pgd\[255\] @0x[0-9a-f]+ = 0x[0-9a-f]{16}' -- explain "$s/ok.lua"
expect explain-syscall 0 '^pid 1 \(demo\) on CPU 0: mmap\(0, 4096, read\|write, private\|anonymous, -1, 0\)$' -- explain "$s/ok.lua"
expect explain-spawn 0 '^spawn\("demo"\) on CPU 0$' -- explain "$s/ok.lua"
expect explain-result 0 '^value	42	faults	1$' -- explain "$s/ok.lua"
expect explain-help 0 'usage: mmsim explain' -- explain --help
expect explain-syntax 1 'syntax.lua:2:' -- explain "$s/syntax.lua"

# --json
"$MMSIM" run --json "$tmp/report.json" "$s/ok.lua" >/dev/null 2>&1
check json-exit test -s "$tmp/report.json"
if command -v python3 >/dev/null; then
	check json-valid python3 -m json.tool "$tmp/report.json"
	check json-keys python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"mmsim", "machines"}, d.keys()
m = d["machines"][0]
assert set(m) == {"preset", "config", "stats"}, m.keys()
assert m["preset"] == "teaching", m["preset"]
assert m["config"]["ram"] == "64M" and m["config"]["cores"] == 2, m["config"]
assert m["config"]["pcid"] in (0, 1) and m["config"]["stlb.repl"] == "lru", m["config"]
assert m["config"]["lat.walk_ref"] == 100 and isinstance(m["config"]["seed"], int), m["config"]
assert m["stats"]["vm"]["pgfault"] >= 2 and m["stats"]["pf"]["total"] == 1
assert m["stats"]["tlb"]["l1d"]["miss"]["4k"] >= 1 and "cpu1" in m["stats"]
' "$tmp/report.json"
elif command -v jq >/dev/null; then
	check json-valid jq . "$tmp/report.json"
	check json-keys jq -e '.mmsim and .machines[0].preset == "teaching" and .machines[0].stats.pf.total == 1' "$tmp/report.json"
else
	check json-keys grep -q '"machines"' "$tmp/report.json"
fi
expect json-machines 0 '"preset": "zen4"' -- run --json /dev/stdout --machine zen4 "$s/which.lua"
# a report that cannot be written is refused before the script runs
expect json-unwritable 2 "^mmsim run: --json: cannot write /nonexistent/dir/r.json: No such file or directory" -- run --json /nonexistent/dir/r.json "$s/ok.lua"
check json-unwritable-first bash -c "! '$MMSIM' run --json /nonexistent/dir/r.json '$s/ok.lua' 2>&1 | grep -q value"
expect json-directory 2 "^mmsim run: --json: cannot write $tmp: Is a directory" -- run --json "$tmp" "$s/ok.lua"
expect json-proc-unwritable 2 "^mmsim proc: --json: cannot write /nonexistent/r.json" -- proc --json=/nonexistent/r.json /proc/meminfo
# --json - is standard output
(cd "$tmp" && "$MMSIM" run --json - "$s/ok.lua") >"$tmp/out" 2>&1
judge json-stdout 0 $? '^  "machines": \['
check json-stdout-no-file test ! -e "$tmp/-"
check json-stdout-after grep -q '^value' "$tmp/out"
expect json-stdout-proc 0 '"preset": "default"' -- proc --json - /proc/buddyinfo
expect json-proc 0 '"mmsim": "[0-9.]+"' -- proc --json /dev/stdout /proc/buddyinfo
# os.exit ends the script: the report is still written, the exit code is the script's
cat >"$s/exit.lua" <<'EOF2'
local m = mmsim.machine{preset = "teaching"}
local p = m:spawn()
p:touch(p:mmap{len = 3 * 4096, prot = "rw"}, 3 * 4096, "w")
local code = tonumber(arg[1])
pcall(function() os.exit(code == nil or code) end)      -- a pcall does not stop it
print("not reached")
EOF2
rm -f "$tmp/exit.json"
"$MMSIM" run --json "$tmp/exit.json" "$s/exit.lua" 3 >"$tmp/exit.out" 2>&1
check exit-code test $? -eq 3
check exit-json grep -q '"total": 3' "$tmp/exit.json"
check exit-quiet test ! -s "$tmp/exit.out"
"$MMSIM" run --json "$tmp/exit0.json" "$s/exit.lua" >"$tmp/exit.out" 2>&1
check exit-true test $? -eq 0
check exit-true-json grep -q '"total": 3' "$tmp/exit0.json"
expect_in exit-false 1 '^before$' 'print("before") os.exit(false) print("after")' -- run -
expect_in exit-coroutine 5 '^in$' 'coroutine.resume(coroutine.create(function() print("in") os.exit(5) end)) print("after")' -- run -
expect_in exit-explain 4 'pid 1 \(a.out\) on CPU 0: mmap' 'local p = mmsim.machine{}:spawn() p:mmap{len = 4096, prot = "r"} os.exit(4)' -- explain -

# presets
expect presets-list 0 '^teaching +a toy core' -- presets
expect presets-all 0 '^sapphire-rapids +Intel Sapphire Rapids' -- presets
expect presets-zen4 0 '^preset zen4: AMD Zen 4' -- presets zen4
expect presets-zen4-keys 0 '^stlb.entries = 3072$' -- presets zen4
expect presets-two 0 '^preset teaching:' -- presets zen4 teaching
expect presets-nope 2 "unknown machine preset 'nope' \(mmsim presets lists them\)" -- presets nope

# shell, fed from a pipe
expect_in shell-expr 0 '^2$' '1 + 1' -- shell
expect_in shell-state 0 '^10$' 'x = 5
x * 2' -- shell
expect_in shell-multiline 0 '^123$' 'for i = 1, 3 do
io.write(i)
end
print()' -- shell
expect_in shell-machine 0 '^mmsim.machine \(teaching: 64M RAM' 'm = mmsim.machine{preset = "teaching"}
m' -- shell
expect_in shell-values 0 '^hello	5$' 'm = mmsim.machine{preset = "teaching"}
p = m:spawn()
a = p:mmap{len = 4096, prot = "rw"}
p:write(a, "hello")
p:read(a, 5), #p:read(a, 5)' -- shell
expect_in shell-help 0 '^mmsim shell: Lua 5.4 with the module `mmsim`' 'help()' -- shell
expect_in shell-help-process 0 '^  :mmap$' 'help("process")' -- shell
expect_in shell-help-module 0 '^  mmsim.machine$' 'help("module")' -- shell
expect_in shell-help-bad 0 'help: topics are' 'help("nothing")' -- shell
expect_in shell-error-continues 0 '^after$' 'error("boom")
print("after")' -- shell
expect_in shell-error-message 0 'stdin:1: boom' 'error("boom")' -- shell
expect_in shell-unfinished 0 "unexpected symbol near <eof>|'end' expected" 'for i = 1, 2 do' -- shell
expect_in shell-o 0 '^3$' 'mmsim.machine():get("cores")' -- shell -o cores=3
expect_in shell-machine-opt 0 '^mmsim.machine \(zen4' 'mmsim.machine()' -- shell --machine zen4
expect_in shell-exit 6 '^2$' '1 + 1
os.exit(6)
print("after")' -- shell
expect shell-args 2 'no arguments expected' -- shell script.lua
expect shell-help-option 0 'usage: mmsim shell' -- shell --help

#!/usr/bin/env bash
# mmsim record end to end: build prog.c, record it under the Valgrind tool,
# and check the trace and its replay (check.lua). Exit 77, saying why (and
# into $MMSIM_SUITE_SKIP for make test), where valgrind or the tool is
# absent; CI installs valgrind (make deps), so it runs there.
set -u
MMSIM=${MMSIM:?set MMSIM to the mmsim binary}
CC=${CC:-cc}
here=$(cd "$(dirname "$0")" && pwd)

skip() {
	echo "record-tests: SKIPPED: $1"
	[[ -n ${MMSIM_SUITE_SKIP:-} ]] && echo "$1" >"$MMSIM_SUITE_SKIP"
	exit 77
}
command -v valgrind >/dev/null || skip "valgrind is not installed (make deps installs it)"
[[ -n ${VG_TOOL:-} && -x $VG_TOOL ]] ||
	skip "the Valgrind tool was not built: valgrind's static core libraries (libcoregrind-amd64-linux.a) or headers are missing"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

"$CC" -O1 -pthread -o "$tmp/prog" "$here/prog.c" || { echo "FAIL: cannot build prog.c"; exit 1; }
"$tmp/prog" && ok || bad "prog.c fails natively (exit $?)"

# record: the program's exit status, a summary on standard error
(cd "$tmp" && "$MMSIM" record -o "$tmp/prog.mmt" -- "$tmp/prog" >"$tmp/out" 2>&1)
rc=$?
[[ $rc -eq 0 ]] && ok || bad "mmsim record exits $rc: $(cat "$tmp/out")"
grep -qE '^mmsim record: [0-9]+ accesses, [0-9]+ events, 2 processes written to .*prog.mmt \(the program exited with 0\)$' \
	"$tmp/out" && ok || bad "record's summary: $(cat "$tmp/out")"
[[ -z $(ls "${TMPDIR:-/tmp}" | grep "^mmsim-record\.$") ]] && ok || bad "a temporary directory left"

# the trace and its replay
out=$(TRACE=$tmp/prog.mmt PROG=$tmp/prog "$MMSIM" run "$here/check.lua" 2>&1)
rc=$?
echo "$out" | grep '^FAIL' || true
pass=$((pass + $(grep -c '^ok ' <<<"$out")))
[[ $rc -eq 0 ]] || bad "check.lua exits $rc: $(echo "$out" | grep -v '^ok ' | head -5)"

# mmsim replay of it: the results as captured, exit 0
"$MMSIM" replay "$tmp/prog.mmt" >"$tmp/rep" 2>&1 && ok || bad "mmsim replay: $(head -5 "$tmp/rep")"
grep -q '^  system call results: 0 differ from the capture$' "$tmp/rep" && ok || bad "replay differs: $(head -6 "$tmp/rep")"

# the exit status of a program that fails, and one killed by a signal
printf 'int main(void){return 5;}\n' >"$tmp/five.c" && "$CC" -o "$tmp/five" "$tmp/five.c"
"$MMSIM" record -o "$tmp/five.mmt" -- "$tmp/five" >"$tmp/out" 2>&1
rc=$?
[[ $rc -eq 5 ]] && grep -q 'the program exited with 5' "$tmp/out" && ok || bad "exit status 5: got $rc, $(cat "$tmp/out")"
printf '#include <signal.h>\nint main(void){raise(SIGKILL);return 0;}\n' >"$tmp/kill.c" && "$CC" -o "$tmp/kill" "$tmp/kill.c"
"$MMSIM" record -o "$tmp/kill.mmt" -- "$tmp/kill" >"$tmp/out" 2>&1
rc=$?
[[ $rc -eq 137 ]] && grep -q 'the program exited with 137' "$tmp/out" && ok || bad "killed: got $rc, $(cat "$tmp/out")"
"$MMSIM" replay "$tmp/kill.mmt" >"$tmp/rep" 2>&1 && ok || bad "the killed program's trace replays: $(head -5 "$tmp/rep")"
# a program that execs another (which runs untraced): its trace ends there
printf '#include <unistd.h>\nint main(void){execl("/bin/true", "true", (char *)0);return 1;}\n' >"$tmp/exec.c" &&
	"$CC" -o "$tmp/exec" "$tmp/exec.c"
"$MMSIM" record -o "$tmp/exec.mmt" -- "$tmp/exec" >"$tmp/out" 2>&1
rc=$?
[[ $rc -eq 0 ]] && grep -q 'ended without finishing its trace (it exec.d or was killed)' "$tmp/out" && ok ||
	bad "exec: got $rc, $(cat "$tmp/out")"
"$MMSIM" replay "$tmp/exec.mmt" >"$tmp/rep" 2>&1 && ok || bad "the exec'd program's trace replays: $(head -5 "$tmp/rep")"

# --fetches: one fetch per code page entered, never two in a row on one page
"$MMSIM" record --fetches -o "$tmp/f.mmt" -- "$tmp/five" >"$tmp/out" 2>&1
cat >"$tmp/fetch.lua" <<LUA
local t = assert(mmsim.trace_open("$tmp/f.mmt"))
assert(t:info().flags & 2 == 2, "the FETCHES flag")
local n, last, rep = 0, {}, 0
for r in t:records() do
	if r.type == "access" and r.kind == "fetch" then
		n = n + 1
		if last[r.tid] == r.addr // 4096 then rep = rep + 1 end
		last[r.tid] = r.addr // 4096
	elseif r.type == "syscall" then last = {} end
end
assert(n > 10 and rep == 0, n .. " fetches, " .. rep .. " repeated")
print("fetches ok")
LUA
"$MMSIM" run "$tmp/fetch.lua" >"$tmp/out2" 2>&1 && ok || bad "--fetches: $(cat "$tmp/out" "$tmp/out2")"

# a program that does not exist: valgrind says so, and no trace
"$MMSIM" record -o "$tmp/none.mmt" -- "$tmp/nonexistent" >"$tmp/out" 2>&1
[[ $? -eq 1 && ! -e $tmp/none.mmt ]] && grep -q 'no trace was written: valgrind exited with status' "$tmp/out" && ok ||
	bad "a missing program: $(cat "$tmp/out")"

# usage errors
"$MMSIM" record -- "$tmp/five" >"$tmp/out" 2>&1
[[ $? -eq 2 ]] && grep -q 'no trace file given' "$tmp/out" && ok || bad "no -o: $(cat "$tmp/out")"
"$MMSIM" record -o "$tmp/x.mmt" >"$tmp/out" 2>&1
[[ $? -eq 2 ]] && grep -q 'no program given' "$tmp/out" && ok || bad "no program: $(cat "$tmp/out")"
"$MMSIM" record --bogus -o x -- true >"$tmp/out" 2>&1
[[ $? -eq 2 ]] && grep -q "unknown option '--bogus'" "$tmp/out" && ok || bad "bad option: $(cat "$tmp/out")"
MMSIM_VALGRIND_LIB=$tmp "$MMSIM" record -o "$tmp/x.mmt" -- "$tmp/five" >"$tmp/out" 2>&1
[[ $? -eq 1 ]] && grep -q "MMSIM_VALGRIND_LIB=$tmp has no mmsim-record-amd64-linux" "$tmp/out" && ok ||
	bad "no tool: $(cat "$tmp/out")"

# the example (make demo-trace): a scan and a pointer chase over 16 MiB,
# compared on two machines with 4 KiB pages and with THP; the chase misses
# the L1 TLB far more, and with THP walks far less
if [[ -x ${CHASE:-} ]]; then
	"$MMSIM" record -o "$tmp/seq.mmt" -- "$CHASE" seq 16 >/dev/null 2>&1 &&
		"$MMSIM" record -o "$tmp/rand.mmt" -- "$CHASE" rand 16 >/dev/null 2>&1 && ok || bad "recording chase"
	SEQ=$tmp/seq.mmt RAND=$tmp/rand.mmt "$MMSIM" run "$here/../../examples/traces/compare.lua" >"$tmp/cmp" 2>&1 &&
		ok || bad "compare.lua: $(cat "$tmp/cmp")"
	awk '$1 == "seq" && $2 == "default" && $3 == "4k" { s = $5 } $1 == "rand" && $2 == "default" && $3 == "4k" { r = $5 }
	     END { exit !(s > 0 && r > 20 * s) }' "$tmp/cmp" && ok || bad "the chase's L1 misses: $(cat "$tmp/cmp")"
	awk '$1 == "rand" && $2 == "default" && $3 == "4k" { s = $6 } $1 == "rand" && $2 == "default" && $3 == "thp" { h = $6; p = $9 }
	     END { exit !(h > 0 && s > 20 * h && p + 0 > 50) }' "$tmp/cmp" && ok ||
		bad "the chase with THP: walks and huge share: $(cat "$tmp/cmp")"
	[[ $(grep -cE '^(seq|rand) +(default|zen4) +(4k|thp) ' "$tmp/cmp") -eq 8 ]] && ok || bad "eight rows: $(cat "$tmp/cmp")"

	# Validation against the real run (docs/traces.md, "Validation"): the
	# data accesses recorded equal cachegrind's D refs within 0.1%, and the
	# replay's minor faults the native run's getrusage minflt within 2%.
	"$CC" -O1 -o "$tmp/minflt" "$here/minflt.c" || bad "cannot build minflt.c"
	cat >"$tmp/count.lua" <<LUA
local t = assert(mmsim.trace_open(os.getenv("T")))
local n = 0
for r in t:records() do if r.type == "access" and r.kind ~= "fetch" then n = n + 1 end end
local rep = assert(mmsim.machine{}:replay(os.getenv("T")))
print(n, rep.stats.vm.pgfault - (rep.stats.vm.pgmajfault or 0))
LUA
	for walk in seq rand; do
		read -r data minor < <(T=$tmp/$walk.mmt "$MMSIM" run "$tmp/count.lua")
		drefs=$(valgrind --tool=cachegrind --cache-sim=yes --cachegrind-out-file=/dev/null "$CHASE" $walk 16 2>&1 |
			sed -n 's/.*D   *refs: *\([0-9,]*\).*/\1/p' | tr -d ,)
		read -r _ minflt _ < <("$tmp/minflt" "$CHASE" $walk 16 2>&1 >/dev/null)
		echo "NOTE validation, chase $walk 16: data accesses $data, cachegrind D refs $drefs;" \
			"replay minor faults $minor, native minflt $minflt"
		[[ $data =~ ^[0-9]+$ && $drefs =~ ^[0-9]+$ && $minor =~ ^[0-9]+$ && $minflt =~ ^[0-9]+$ ]] && ok ||
			bad "chase $walk: the figures are not all numbers"
		awk -v a="$data" -v b="$drefs" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b + 0 > 0 && d <= b / 1000) }' &&
			ok || bad "chase $walk: data accesses $data against cachegrind's D refs $drefs (over 0.1% apart)"
		awk -v a="$minor" -v b="$minflt" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(b + 0 > 0 && d <= b / 50) }' &&
			ok || bad "chase $walk: replay minor faults $minor against native minflt $minflt (over 2% apart)"
	done
fi

echo "record: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

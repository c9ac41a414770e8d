#!/usr/bin/env bash
# CLI tests: each case runs the mmsim command and checks its exit code and
# output. Cases that cannot run on this host are skipped with the reason;
# a case that depends on the host says which branch ran (NOTE). Prints
# "cli: N passed, N failed, N skipped" and exits non-zero on any failure.
set -u
MMSIM=${MMSIM:?set MMSIM to the mmsim binary}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# judge NAME WANT_CODE RC GREP_PATTERN: the verdict on $tmp/out, the output
# of a run that exited with RC.
judge() {
	local name=$1 code=$2 rc=$3 pattern=$4
	if [[ $rc -ne $code ]] || ! grep -qE -- "$pattern" "$tmp/out"; then
		echo "FAIL $name: exit $rc (want $code), output:"
		sed 's/^/    /' "$tmp/out" | head -20
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

# expect NAME EXIT_CODE GREP_PATTERN -- ARGS...   (pattern searched in stdout+stderr)
expect() {
	local name=$1 code=$2 pattern=$3
	shift 4
	"$MMSIM" "$@" >"$tmp/out" 2>&1
	judge "$name" "$code" $? "$pattern"
}

# expect_in NAME EXIT_CODE GREP_PATTERN INPUT -- ARGS...   (INPUT on standard input)
expect_in() {
	local name=$1 code=$2 pattern=$3 input=$4
	shift 5
	"$MMSIM" "$@" <<<"$input" >"$tmp/out" 2>&1
	judge "$name" "$code" $? "$pattern"
}

# check NAME COMMAND...   (passes when the command succeeds)
check() {
	local name=$1
	shift
	if "$@" >"$tmp/check" 2>&1; then
		pass=$((pass + 1))
	else
		echo "FAIL $name:"
		sed 's/^/    /' "$tmp/check" | head -20
		fail=$((fail + 1))
	fi
}

# golden NAME FILE -- ARGS...   (stdout must equal FILE byte for byte; exit 0)
golden() {
	local name=$1 file=$2
	shift 3
	"$MMSIM" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [[ $rc -ne 0 ]] || ! cmp -s "$tmp/out" "$file"; then
		echo "FAIL $name: exit $rc; diff against $file:"
		diff "$file" "$tmp/out" | head -20 | sed 's/^/    /'
		sed 's/^/    stderr: /' "$tmp/err" | head -5
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

# skip WHAT REASON: WHAT (one or more cases) cannot run here.
skip() {
	echo "SKIP $1: $2"
	skip=$((skip + 1))
}

# note TEXT: which branch of a host-dependent case ran.
note() {
	echo "NOTE $case_file: $1"
}

here=$(dirname "$0")
for f in "$here"/cases/*.sh; do
	case_file=$(basename "$f")
	# shellcheck source=/dev/null
	source "$f"
done
echo "cli: $pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]

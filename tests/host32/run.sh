#!/usr/bin/env bash
# make host32-test: the simulator on a host with 4-byte pointers gives the
# native output. Builds the browser lab's engine for 32-bit x86
# (mk/host32.mk) and runs every example on it and on the native mmsim, on
# the lab's teaching machine, plainly and narrated for the tour and store42
# (as the lab's page shows them); then tests/host32/check.lua, which checks
# the kernel after each kind of call. Any difference fails, with its first
# lines. Skipped, with the reason, where gcc cannot link a 32-bit program
# (Debian's gcc-multilib: make deps).
#
# usage: tests/host32/run.sh MAKE_LAB32 LAB32 MMSIM CC
set -u
cd "$(dirname "$0")/../.." || exit 1
make_lab32=$1 lab32=$2 mmsim=$3 cc=${4:-cc}

skip() {
	echo "host32-test: SKIPPED: $1"
	[[ -n ${MMSIM_SUITE_SKIP:-} ]] && echo "$1" >"$MMSIM_SUITE_SKIP"
	exit 0
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo 'int main(void) { return sizeof(void *) != 4; }' >"$tmp/p.c"
"$cc" -m32 -o "$tmp/p" "$tmp/p.c" >/dev/null 2>&1 && "$tmp/p" ||
	skip "$cc -m32 cannot build a 32-bit x86 program here: install Debian's gcc-multilib (make deps)"

$make_lab32 || exit 1
passed=0 failed=0
# same NAME ARGS...: the output of both with ARGS (after the command's verb).
same() {
	local name=$1 verb=$2
	shift 2
	local flags=()
	[[ $verb == explain ]] && flags=(--explain)
	"$lab32" "${flags[@]}" --machine teaching "$@" >"$tmp/32" 2>&1
	"$mmsim" "$verb" --machine teaching "$@" >"$tmp/64" 2>&1
	if cmp -s "$tmp/32" "$tmp/64"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL $name: 32-bit output differs from the native one"
		diff "$tmp/32" "$tmp/64" | head -n 8
	fi
}
for f in examples/*.lua; do
	case $f in
	# 4 GiB of simulated RAM: more than a 32-bit host can map.
	examples/false_sharing.lua) continue ;;
	# 3 GiB (for a 1 GiB huge page): the same.
	examples/hugetlb.lua) continue ;;
	esac
	same "$f" run "$f"
done
same "examples/store42.lua, narrated" explain examples/store42.lua
same "examples/tour.lua, narrated" explain examples/tour.lua
same tests/host32/check.lua run tests/host32/check.lua
echo "host32: $passed passed, $failed failed"
[[ $failed -eq 0 ]]

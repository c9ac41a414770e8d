#!/usr/bin/env bash
# Lua API tests: each tests/lua/*.lua runs with `mmsim run` from the top of
# the source tree, with tests/lua/lib on the module path. A script passes
# when it exits 0 and its last line is "ok FILE: N checks" (T.done()); it
# stops at its first failed assertion with file:line. Exit code 77 is a
# skip (T.skip: "SKIP why"). The lines a script prints with T.note ("NOTE
# file: which branch of a host-dependent test ran") are shown.
# Prints "lua: N passed, N failed, N skipped".
set -u
MMSIM=${MMSIM:?set MMSIM to the mmsim binary}
cd "$(dirname "$0")/../.." || exit 1
export LUA_PATH="tests/lua/lib/?.lua;;"
export LUA_PATH_5_4="$LUA_PATH"
pass=0 fail=0 skip=0 checks=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

for f in tests/lua/*.lua; do
	"$MMSIM" run "$f" >"$out" 2>&1
	rc=$?
	last=$(tail -n 1 "$out")
	grep '^NOTE ' "$out"
	if [[ $rc -eq 77 ]]; then
		why=$(sed -n 's/^SKIP //p' "$out" | head -1)
		echo "SKIP $(basename "$f"): ${why:-no reason given}"
		skip=$((skip + 1))
	elif [[ $rc -eq 0 && $last =~ ^ok\ .*:\ ([0-9]+)\ checks$ ]]; then
		checks=$((checks + BASH_REMATCH[1]))
		pass=$((pass + 1))
	else
		echo "FAIL $f: exit $rc, output:"
		tail -n 25 "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "lua: $pass passed, $fail failed, $skip skipped ($checks checks)"
[[ $fail -eq 0 ]]

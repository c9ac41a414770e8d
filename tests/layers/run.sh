#!/usr/bin/env bash
# Tests of the include-direction checker mk/layers.sh with the real table
# mk/layers.txt: a small tree whose every include goes an allowed way
# passes; each planted leak fails with its own file:line message; a copy of
# the real tree with one leak planted reports exactly that one more.
# Prints "N passed, N failed".
set -u
checker=$PWD/mk/layers.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# put FILE LINE...: FILE in the fixture, made of LINEs.
put() { local f=$tmp/tree/$1; shift; mkdir -p "$(dirname "$f")"; printf '%s\n' "$@" >"$f"; }

# A tree with one file per layer, each including what it may.
fixture() {
	rm -rf "$tmp/tree"
	put include/mmsim.h '#include <stddef.h>'
	put src/common.h '#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))'
	put src/hw/pte.h '#include "common.h"'
	put src/hw/pte.c '#include <stdio.h>' '#include "hw/pte.h"' '#include "pte.h"' '// #include "kernel/mm.h"'
	put src/kernel/mm.h '#include "hw/pte.h"'
	put src/kernel/mm.c '#include "kernel/mm.h"' '#include "../hw/pte.h"' '#  include <common.h>'
	put src/procfs/seq.c '#include "kernel/mm.h"' '#include "hw/pte.h"' '#include "common.h"'
	put src/api/backend.h '#include "mmsim.h"'
	put src/api/api.h '#include "api/backend.h"'
	put src/api/flags.c '#include <mmsim.h>' '#include "api/api.h"' '#include "common.h"'
	put src/sim/machine.c '#include "api/backend.h"' '#include "procfs/seq.c"' '#include "kernel/mm.h"' \
		'#include "hw/pte.h"' '#include "mmsim.h"'
	put src/host/protocol.h '#include <stdint.h>'
	put src/host/host.c '#include "api/backend.h"' '#include "host/protocol.h"' '#include "mmsim.h"'
	put src/host/helper/helper.h '#include "host/protocol.h"'
	put src/host/helper/main.c '#include "helper.h"' '#include "host/helper/helper.h"'
	put src/host/helper_blob.S '.incbin HELPER_PATH'
	put src/lua/lmmsim.h '#include <lua.h>' '#include "mmsim.h"'
	put src/lua/internal.h '#include "lua/lmmsim.h"'
	put src/lua/lmachine.c '#include "lua/internal.h"' '#include "common.h"'
	put src/cli/cli.h '#include "mmsim.h"'
	put src/cli/main.c '#include "cli.h"' '#include "lua/lmmsim.h"' '#include "common.h"'
}

# run: the checker on the fixture; $out its output, $rc its status.
run() { out=$(bash "$checker" "$tmp/tree" 2>&1); rc=$?; }

fixture
run
if [[ $rc -eq 0 && $out == "layers: 21 files, 38 includes, 0 offences against mk/layers.txt" ]]; then ok
else ko "the allowed tree: exit $rc, output: $out"; fi

# leak NAME FILE LINE WANT: plant LINE at the end of FILE (created if new)
# in a fresh fixture: the checker must fail with WANT as its one offence.
leak() {
	local name=$1 file=$2 line=$3 want=$4
	fixture
	mkdir -p "$(dirname "$tmp/tree/$file")"
	echo "$line" >>"$tmp/tree/$file"
	run
	if [[ $rc -eq 1 && $(grep -c '' <<<"$out") -eq 2 && $(head -n 1 <<<"$out") == "$want" &&
	      $(tail -n 1 <<<"$out") == *", 1 offence against mk/layers.txt" ]]; then ok
	else ko "$name: exit $rc, output:"; sed 's/^/    /' <<<"$out"; echo "    want: $want"; fi
}
leak "hw includes a kernel header" src/hw/pte.c '#include "kernel/mm.h"' \
	'src/hw/pte.c:5: #include "kernel/mm.h" (layer hw may not include layer kernel)'
leak "<...> resolves through -Isrc too" src/hw/pte.h '#include <kernel/mm.h>' \
	'src/hw/pte.h:2: #include <kernel/mm.h> (layer hw may not include layer kernel)'
leak "a relative path" src/hw/pte.c '#include "../kernel/mm.h"' \
	'src/hw/pte.c:5: #include "../kernel/mm.h" (layer hw may not include layer kernel)'
leak "the kernel includes procfs" src/kernel/mm.c '#include "procfs/seq.c"' \
	'src/kernel/mm.c:4: #include "procfs/seq.c" (layer kernel may not include layer procfs)'
leak "the API includes the kernel" src/api/flags.c '#include "kernel/mm.h"' \
	'src/api/flags.c:4: #include "kernel/mm.h" (layer api may not include layer kernel)'
leak "the backend interface includes the API's internals" src/api/backend.h '#include "api/api.h"' \
	'src/api/backend.h:2: #include "api/api.h" (layer backend may not include layer api)'
leak "the simulator includes the API's internals" src/sim/machine.c '#include "api/api.h"' \
	'src/sim/machine.c:6: #include "api/api.h" (layer sim may not include layer api)'
leak "the host includes the simulator" src/host/host.c '#include "kernel/mm.h"' \
	'src/host/host.c:4: #include "kernel/mm.h" (layer host may not include layer kernel)'
leak "the helper includes the host" src/host/helper/main.c '#include "mmsim.h"' \
	'src/host/helper/main.c:3: #include "mmsim.h" (layer helper may not include layer public)'
leak "the helper includes common.h" src/host/helper/helper.h '#include "common.h"' \
	'src/host/helper/helper.h:2: #include "common.h" (layer helper may not include layer common)'
leak "the command includes the Lua module's internals" src/cli/main.c '#include "lua/internal.h"' \
	'src/cli/main.c:4: #include "lua/internal.h" (layer cli may not include layer lua)'
leak "the Lua module's public header includes its internals" src/lua/lmmsim.h '#include "lua/internal.h"' \
	'src/lua/lmmsim.h:3: #include "lua/internal.h" (layer lua-api may not include layer lua)'
leak "the Lua module includes the kernel" src/lua/lmachine.c '#include "kernel/mm.h"' \
	'src/lua/lmachine.c:3: #include "kernel/mm.h" (layer lua may not include layer kernel)'
leak "the public header includes common.h" include/mmsim.h '#include "common.h"' \
	'include/mmsim.h:2: #include "common.h" (layer public may not include layer common)'
leak "common.h includes hw" src/common.h '#include "hw/pte.h"' \
	'src/common.h:2: #include "hw/pte.h" (layer common may not include layer hw)'
leak "a header found nowhere" src/kernel/mm.c '#include "kernel/gone.h"' \
	'src/kernel/mm.c:4: #include "kernel/gone.h" (no such file here, in include/ or in src/)'
leak "a file in no layer" src/swap/swap.c '#include <stdio.h>' \
	'src/swap/swap.c: in no layer of mk/layers.txt'

# A table naming a layer that has no row is refused (exit 2).
printf 'hw src/hw/ -> common\n' >"$tmp/bad.txt"
out=$(bash "$checker" -t "$tmp/bad.txt" "$tmp/tree" 2>&1); rc=$?
if [[ $rc -eq 2 && $out == *"/bad.txt:1: no layer named common" ]]; then ok
else ko "a table with an unknown layer: exit $rc, output: $out"; fi

# The real tree with one leak planted: exactly one offence more than the
# tree has (whether or not it is clean), the planted one.
mkdir "$tmp/real"
cp -r include src "$tmp/real/"
base=$(bash "$checker" "$tmp/real" 2>&1 | sed '$d')
echo '#include "kernel/mm.h"' >>"$tmp/real/src/hw/pte.c"
lines=$(grep -c '' src/hw/pte.c)
out=$(bash "$checker" "$tmp/real" 2>&1); rc=$?
want="src/hw/pte.c:$((lines + 1)): #include \"kernel/mm.h\" (layer hw may not include layer kernel)"
# (an empty base, a clean tree, is no lines: not one empty line)
if [[ $rc -eq 1 && $(diff <(sed '/^$/d' <<<"$base") <(sed '$d' <<<"$out") | grep '^[<>]') == "> $want" ]]; then ok
else ko "the real tree with a leak: exit $rc, want only the new line $want, output:"; sed 's/^/    /' <<<"$out"; fi

echo "layers-tests: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

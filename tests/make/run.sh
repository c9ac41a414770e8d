#!/usr/bin/env bash
# Tests of the Makefile's test runner and dependency check, cheap: `make
# test` runs stub suites (a makefile that includes the real one adds them,
# and TEST_BUILD= builds nothing), and mk/deps.sh --check runs with a fake
# dpkg-query and apt-get. Prints "N passed, N failed".
set -u
unset MAKEFLAGS MFLAGS MAKELEVEL   # not the flags of a make running this
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
# check DESC COMMAND...: passes when COMMAND succeeds.
check() { local d=$1; shift; if "$@"; then pass=$((pass + 1)); else echo "FAIL: $d"; fail=$((fail + 1)); fi; }

cat >"$tmp/stub.mk" <<EOF
include Makefile
stub-one: ; @echo one ran; touch $tmp/one
stub-broken: ; @echo broken ran; touch $tmp/broken; exit 1
stub-three: ; @echo three ran; touch $tmp/three
stub-away: ; @echo "nothing to do here" > "\$\$MMSIM_SUITE_SKIP"
show-suites: ; @echo \$(SUITES)
EOF
# stubtest SUITES [MAKE_OPTION...]: make test on the stubs; $out, $rc.
stubtest() {
	local suites=$1; shift
	rm -f "$tmp/one" "$tmp/broken" "$tmp/three"
	out=$(make --no-print-directory -f "$tmp/stub.mk" BUILD="$tmp/build" "$@" test TEST_BUILD= \
		SUITES="$suites" 2>&1)
	rc=$?
}
# has LINE...: $out has each LINE.
has() { local l; for l; do grep -qxF -- "$l" <<<"$out" || return 1; done; }

# A failing suite in the middle: the one after it still runs, each is
# reported, and make test fails at the end; with -k as without.
for opt in "" -k; do
	stubtest "stub-one stub-broken stub-three" $opt
	check "make ${opt:+$opt }test fails when a suite fails (exit $rc)" test $rc -ne 0
	check "make ${opt:+$opt }test runs the suites before and after the failing one" \
		test -e "$tmp/one" -a -e "$tmp/broken" -a -e "$tmp/three"
	check "make ${opt:+$opt }test reports each suite" \
		has "  stub-one         passed" "  stub-broken      FAILED" "  stub-three       passed"
	check "make ${opt:+$opt }test sums up" has "suites: 2 passed, 1 failed, 0 skipped (failed: stub-broken)"
done
[[ $fail -eq 0 ]] || echo "$out" | sed 's/^/    /'

# All passing (one skipped): make test succeeds and says so.
stubtest "stub-one stub-away stub-three"
check "make test passes when every suite passes (exit $rc)" test $rc -eq 0
check "a skipped suite is reported with its reason" has "  stub-away        skipped: nothing to do here"
check "make test sums up a pass" has "suites: 2 passed, 0 failed, 1 skipped"

# The real list: every suite, in this order.
out=$(make --no-print-directory -f "$tmp/stub.mk" BUILD="$tmp/build" show-suites 2>&1)
check "make test runs every suite" \
	has "unit cli-tests lua-tests fuzz-tests install-test layers layers-tests make-tests oracle-if-root fuzz-regress-if-root record-tests trace-fuzz-corpus host32-test web-test"

# Flags: a short line per compile, V=1 the command; CFLAGS and OPT replace
# the optimisation, never the flags the build needs; new flags rebuild.
o=$tmp/build/obj/hw-pte.o
mk() { out=$(make --no-print-directory BUILD="$tmp/build" "$@" "$o" 2>&1); }
# compiled WANT_FLAG...: $out is one compile of src/hw/pte.c with each flag.
compiled() {
	local f
	[[ $(grep -c -- ' -c src/hw/pte.c ' <<<"$out") -eq 1 ]] || return 1
	for f; do grep -q -- " $f " <<<"$out" || return 1; done
}
required="-std=c17 -fPIC -fvisibility=hidden -MMD -MP -Iinclude -Isrc -Werror"
mk
check "a short line per compile: $out" test "$out" = "CC src/hw/pte.c"
mk
check "nothing to redo: $out" grep -q 'is up to date' <<<"$out"
mk V=1 CFLAGS="-O1 -g"
check "CFLAGS=\"-O1 -g\" rebuilds with the required flags: $out" compiled -O1 $required
check "CFLAGS replaces -O2: $out" test -z "$(grep -- ' -O2 ' <<<"$out")"
mk V=1 OPT=-O0
check "OPT=-O0 rebuilds with the required flags: $out" compiled -O0 $required
mk V=1 OPT=-O0 WERROR=
check "WERROR= drops -Werror: $out" test -z "$(grep -- ' -Werror ' <<<"$out")"

# Object names are unique (archive members too): make refuses two sources
# with one object name.
out=$(make --no-print-directory -n BUILD="$tmp/build" BENCH_SRC=src/kernel/vma.c all 2>&1); rc=$?
check "two sources, one object name: exit $rc, $out" \
	grep -q "two sources share an object name: $tmp/build/obj/kernel-vma.o" <<<"$out"

# make test checks the Debian packages but never installs: mk/deps.sh
# --check with a package missing names it and the make deps step, exits 1
# and calls no apt-get (even as root); make deps would.
mkdir "$tmp/bin"
cat >"$tmp/bin/dpkg-query" <<'EOF'
#!/bin/sh
for a; do p=$a; done
[ "$p" = libedit-dev ] && echo not-installed || echo installed
EOF
printf '#!/bin/sh\necho "apt-get $*" >> %s/apt-calls\n' "$tmp" >"$tmp/bin/apt-get"
printf '#!/bin/sh\necho 0\n' >"$tmp/bin/id"
chmod +x "$tmp/bin/"*
out=$(PATH=$tmp/bin:$PATH bash mk/deps.sh --check 2>&1); rc=$?
check "deps --check fails on a missing package (exit $rc)" test $rc -eq 1
check "deps --check names it and make deps" \
	has "mk/deps.sh: missing Debian packages: libedit-dev" \
	"run:  make deps   (as root; it runs apt-get install -y --no-install-recommends libedit-dev)"
check "deps --check installs nothing" test ! -e "$tmp/apt-calls"
out=$(PATH=$tmp/bin:$PATH make --no-print-directory BUILD="$tmp/build" check-deps 2>&1); rc=$?
check "make check-deps fails the same way (exit $rc)" test $rc -ne 0 -a ! -e "$tmp/apt-calls"
out=$(PATH=$tmp/bin:$PATH bash mk/deps.sh 2>&1); rc=$?
check "deps installs as root (exit $rc)" grep -q 'apt-get install .*libedit-dev' "$tmp/apt-calls"
rm -f "$tmp/apt-calls"
printf '#!/bin/sh\necho installed\n' >"$tmp/bin/dpkg-query"
out=$(PATH=$tmp/bin:$PATH bash mk/deps.sh --check clang 2>&1); rc=$?
check "deps --check is quiet when all is installed (exit $rc): $out" test $rc -eq 0 -a -z "$out"

# Not root: make test reports the oracle skipped, with the reason.
mkdir "$tmp/user"
printf '#!/bin/sh\necho 1000\n' >"$tmp/user/id"
chmod +x "$tmp/user/id"
out=$(PATH=$tmp/user:$PATH MMSIM_SUITE_SKIP=$tmp/skip make --no-print-directory BUILD="$tmp/build" \
	oracle-if-root 2>&1); rc=$?
check "oracle-if-root skips when not root (exit $rc): $out" \
	grep -qx "make test runs it on Linux as root, where CI runs (this is $(uname -s), uid 1000); make oracle runs it as any user" "$tmp/skip"

# make unit under ASan: a test process that leaks fails the suite, with its
# report (Criterion alone passes it), and a clean one passes. Needs cc,
# Criterion and ASan; skipped (said) without them.
printf '#include <criterion/criterion.h>\n#include <stdlib.h>\nTest(s, leaks) { char *volatile p = malloc(77); p[0] = 1; p = 0; }\n' >"$tmp/leaky.c"
printf '#include <criterion/criterion.h>\nTest(s, clean) { cr_assert(1); }\n' >"$tmp/clean.c"
if cc -fsanitize=address -g -o "$tmp/leaky" "$tmp/leaky.c" -lcriterion 2>/dev/null &&
   cc -fsanitize=address -g -o "$tmp/clean" "$tmp/clean.c" -lcriterion 2>/dev/null; then
	out=$(make --no-print-directory BUILD="$tmp/build" UNIT_RUN="$tmp/leaky" unit 2>&1); rc=$?
	check "make unit fails on a leak inside a test's sandbox (exit $rc)" test $rc -ne 0
	check "make unit prints the leak report: $out" grep -q 'leaky.c:3' <<<"$out"
	check "make unit says why it failed" grep -qx 'unit: FAILED: a test process.s sanitizer report (above)' <<<"$out"
	out=$(make --no-print-directory BUILD="$tmp/build" UNIT_RUN="$tmp/clean" unit 2>&1); rc=$?
	check "make unit passes a clean ASan test binary (exit $rc): $out" test $rc -eq 0
else
	echo "SKIP: make unit's leak check: no cc with -fsanitize=address and Criterion here"
fi

# Removing a source relinks: the list of objects is a stamp that links
# depend on, rewritten only when the list changes.
make --no-print-directory -s BUILD="$tmp/src" -n help >/dev/null 2>&1
touch -d '2000-01-01' "$tmp/src/sources"
make --no-print-directory -s BUILD="$tmp/src" -n help >/dev/null 2>&1
check "the sources stamp stays when no source comes or goes" test "$(stat -c %Y "$tmp/src/sources")" = 946684800
make --no-print-directory -s BUILD="$tmp/src" -n TEST_SRC="tests/unit/test_pte.c" help >/dev/null 2>&1
check "the sources stamp changes when a source goes" test "$(stat -c %Y "$tmp/src/sources")" != 946684800
deps=$(make --no-print-directory -p -n BUILD="$tmp/src" help 2>/dev/null | grep -E "^$tmp/src/(unit-tests|mmsim|mmsim-bench|libmmsim-internal.a|libmmsim.o|libmmsim-trace.o):")
check "every program and library links on the sources stamp: $deps" \
	test "$(grep -c "$tmp/src/sources" <<<"$deps")" = 6

echo "make-tests: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

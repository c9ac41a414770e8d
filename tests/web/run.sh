#!/usr/bin/env bash
# The browser lab's test (make web-test): build web/dist, run its engine
# under node (tests/web/engine.test.mjs), then load the page in headless
# Chromium (tests/web/lab.test.mjs). Exit 77 with the reason
# when emscripten, Chromium, node or the test runner (playwright-core in
# tests/web/node_modules: make deps) are missing; under make test
# (MMSIM_SUITE_SKIP set) that is a skip, reported with the reason.
#
# usage: tests/web/run.sh "MAKE_WEB_COMMAND"
set -u
cd "$(dirname "$0")/../.." || exit 1
make_web=${1:-make web}

skip() {
	echo "web-test: SKIPPED: $1"
	if [[ -n ${MMSIM_SUITE_SKIP:-} ]]; then
		echo "$1" >"$MMSIM_SUITE_SKIP"
		exit 0
	fi
	exit 77
}

command -v emcc >/dev/null 2>&1 || skip "no emcc: Debian's emscripten is not installed (make deps)"
command -v node >/dev/null 2>&1 || skip "no node (make deps)"
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
[[ -n $browser ]] || skip "no chromium: Debian's chromium is not installed (make deps)"
[[ -d tests/web/node_modules/playwright-core ]] ||
	skip "no test runner: playwright-core is not in tests/web/node_modules (make deps runs npm ci there)"

$make_web || exit 1
[[ -x build/mmsim ]] || make --no-print-directory build/mmsim >/dev/null || exit 1
# The engine under node: every example prints what the native command
# prints (false_sharing.lua wants 4 GiB of RAM, hugetlb.lua 3 GiB for its
# 1 GiB page: more than a browser holds).
rc=0
node tests/web/engine.test.mjs web/dist build/mmsim $(ls examples/*.lua | grep -v -e false_sharing -e hugetlb) \
	tests/host32/check.lua || rc=1
node tests/web/lab.test.mjs web/dist "$browser" build/mmsim || rc=1
exit $rc

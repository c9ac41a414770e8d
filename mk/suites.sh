#!/usr/bin/env bash
# Run test suites one after another and report each; exit 1 if any failed.
# A failing suite never stops the ones after it (with or without make -k).
#
# usage: mk/suites.sh "MAKE_COMMAND" SUITE...
#   Each SUITE is a make target, run as MAKE_COMMAND SUITE. It passes when
#   it exits 0; a suite that cannot run here exits 0 after writing why into
#   the file named by $MMSIM_SUITE_SKIP, and is reported skipped.
set -u
make_cmd=$1
shift
skip=$(mktemp)
trap 'rm -f "$skip"' EXIT
results=() failed=() passed=0 skipped=0
for suite in "$@"; do
	echo "== $suite"
	: >"$skip"
	if MMSIM_SUITE_SKIP=$skip $make_cmd "$suite"; then
		if [[ -s $skip ]]; then
			results+=("$(printf '%-16s skipped: %s' "$suite" "$(head -n 1 "$skip")")")
			skipped=$((skipped + 1))
		else
			results+=("$(printf '%-16s passed' "$suite")")
			passed=$((passed + 1))
		fi
	else
		results+=("$(printf '%-16s FAILED' "$suite")")
		failed+=("$suite")
	fi
done
echo "== suites"
printf '  %s\n' "${results[@]}"
echo "suites: $passed passed, ${#failed[@]} failed, $skipped skipped${failed:+ (failed: ${failed[*]})}"
[[ ${#failed[@]} -eq 0 ]]

#!/usr/bin/env bash
# The oracle corpus: every tests/oracle/*.lua through `mmsim diff` (the
# simulator against this machine's kernel), and a table of the results:
# agree, differ, or skipped with the reason. A script's expected differences
# (mmsim.expect_difference) must name a section of docs/fidelity.md that
# exists. Exits non-zero when a script differs or fails.
set -u
MMSIM=${MMSIM:?set MMSIM to the mmsim binary}
here=$(cd "$(dirname "$0")" && pwd)
docs=$here/../../docs/fidelity.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
agree=0 differ=0 skipped=0

# The GitHub anchors of the headings of docs/fidelity.md, one a line.
anchors() {
	sed -n 's/^#\+ \+//p' "$docs" | tr 'A-Z' 'a-z' | sed -e 's/[^a-z0-9 _-]//g' -e 's/ /-/g'
}
anchors >"$tmp/anchors"

# Every fidelity.md#anchor a script refers to exists.
check_refs() {
	local f=$1 ref bad=""
	for ref in $(grep -o 'fidelity\.md#[a-z0-9_-]*' "$f" | sort -u); do
		grep -qx -- "${ref#fidelity.md#}" "$tmp/anchors" || bad="$bad ${ref}"
	done
	echo "$bad"
}

# The simulator has no huge pages yet (it runs as THP "never"): with THP
# "always" the host backs every 2 MiB-aligned touch with a huge page, and
# the corpus, written for "madvise" or "never", would measure that instead.
thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)
if [[ $thp == always ]]; then
	echo "oracle: SKIPPED: this kernel's transparent_hugepage/enabled is always; the simulator has no huge pages yet (see docs/fidelity.md)"
	echo "oracle: 0 passed, 0 failed, $(ls "$here"/*.lua | wc -l) skipped"
	exit 0
fi

printf '%-28s %-8s %s\n' "script" "result" "detail"
for f in "$here"/*.lua; do
	name=$(basename "$f" .lua)
	"$MMSIM" diff "$f" >"$tmp/out" 2>&1
	rc=$?
	summary=$(grep -E '^[0-9]+ operations' "$tmp/out" | tail -1)
	bad=$(check_refs "$f")
	if [[ -n $bad ]]; then
		printf '%-28s %-8s %s\n' "$name" "differ" "no such section:$bad"
		differ=$((differ + 1))
		continue
	fi
	case $rc in
	0)
		agree=$((agree + 1))
		printf '%-28s %-8s %s\n' "$name" "agree" "${summary% ->*}" ;;
	3)
		skipped=$((skipped + 1))
		printf '%-28s %-8s %s\n' "$name" "skipped" "$(sed -n 's/.*SKIPPED: //p' "$tmp/out" | head -1)" ;;
	*)
		differ=$((differ + 1))
		printf '%-28s %-8s %s\n' "$name" "differ" "${summary:-exit $rc}"
		sed 's/^/    | /' "$tmp/out" | head -60 ;;
	esac
done
echo "oracle: $agree agree, $differ differ, $skipped skipped"
echo "oracle: $agree passed, $differ failed, $skipped skipped"
[[ $differ -eq 0 ]]

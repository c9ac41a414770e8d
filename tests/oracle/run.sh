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

# The bracketed word of a sysfs choice ("always [madvise] never"), or nothing.
choice() { sed -n 's/.*\[\(.*\)\].*/\1/p' "$1" 2>/dev/null; }

# Why this host backs memory with huge pages the simulator cannot have, or
# nothing. The simulator has PMD-sized THPs under "always", "madvise" and
# "never" (mmsim diff applies the host's transparent_hugepage/enabled), but
# no smaller sizes (mTHP, Linux 6.8+): a size below 2 MiB that is "always"
# for anonymous or shared memory maps whole folios per fault, and the corpus
# would measure that instead; so would a 2 MiB size that overrides the top
# mode ("inherit" follows it). Sizes set to "madvise" only serve
# MADV_HUGEPAGE ranges, which the corpus touches only in 2 MiB pieces, and
# a 2 MiB size for shared memory only ranges of 2 MiB, which it does not map.
thp_reason() {
	local t=/sys/kernel/mm/transparent_hugepage f top shtop mode
	top=$(choice $t/enabled)
	shtop=$(choice $t/shmem_enabled)
	for f in $t/hugepages-*kB/enabled; do
		mode=$(choice "$f")
		if [[ $f == */hugepages-2048kB/* ]]; then
			if [[ -n $mode && $mode != inherit && $mode != "$top" ]]; then
				echo "${f#$t/} is $mode, not the top mode $top"
				return
			fi
			continue
		fi
		if [[ $mode == always ]]; then
			echo "${f#$t/} is always (anonymous mTHP)"
			return
		fi
	done
	for f in $t/hugepages-*kB/shmem_enabled; do
		mode=$(choice "$f")
		[[ $f == */hugepages-2048kB/* ]] && continue
		[[ $mode == inherit ]] && mode=$shtop
		if [[ $mode == always || $mode == within_size || $mode == force ]]; then
			echo "${f#$t/} is $mode (shared-memory mTHP)"
			return
		fi
	done
}
thp=$(thp_reason)
if [[ -n $thp ]]; then
	echo "oracle: SKIPPED: $thp; the simulator has PMD-sized huge pages only (see docs/fidelity.md)"
	echo "oracle: 0 passed, 0 failed, $(ls "$here"/*.lua | wc -l) skipped"
	exit 0
fi

# The host backend gives each process RLIMIT_MEMLOCK and RLIMIT_STACK of
# 8 MiB, the simulator's, and can where the hard limit allows it (or with
# CAP_SYS_RESOURCE). Below that, scripts that lock memory or grow a stack
# would measure this host's limit: they are skipped with the reason.
# limit_reason OPTION NAME: why the limit cannot be 8 MiB here, or nothing.
limit_reason() {
	if ! (ulimit -H "$1" 8192) 2>/dev/null; then
		echo "$2 is $(ulimit -H "$1") kB here (hard) and cannot be raised to the simulator's 8 MiB"
	fi
}
memlock=$(limit_reason -l RLIMIT_MEMLOCK)
stack=$(limit_reason -s RLIMIT_STACK)

# Scripts that map 1 TiB (1 << 40) count on it being more than the RAM and
# swap of both machines (the simulated RAM is the preset's, not the host's).
big=$(awk '/^(MemTotal|SwapTotal):/ { kb += $2 } END { if (kb >= 2 ^ 30) print "this host has " kb " kB of RAM and swap, 1 TiB or more" }' /proc/meminfo 2>/dev/null)

# Why this host cannot run script f, or nothing.
skip_reason() {
	local f=$1
	if [[ -n $memlock ]] && grep -qE 'mlock|locked' "$f"; then
		echo "$memlock"
	elif [[ -n $stack ]] && grep -q 'growsdown' "$f"; then
		echo "$stack"
	elif [[ -n $big ]] && grep -q '1 << 40' "$f"; then
		echo "$big"
	fi
}

# Scripts that ask for hugetlb pools (mmsim.machine{nr_hugepages = N,
# nr_hugepages_1g = N}) run with the host's pools set to that, as root,
# under flock /tmp/mmsim-host.lock (the lock every agent's change of a host
# setting takes), and restored right after. Without root, or when the host
# cannot allocate them (fragmented memory, no 1 GiB support), mmsim diff
# skips the script with the reason.
hp=/sys/kernel/mm/hugepages
# run_diff SCRIPT: mmsim diff SCRIPT, with its pools when it asks for some.
run_diff() {
	local f=$1 n2 n1
	n2=$(sed -n 's/.*nr_hugepages *= *\([0-9]*\).*/\1/p' "$f" | head -1)
	n1=$(sed -n 's/.*nr_hugepages_1g *= *\([0-9]*\).*/\1/p' "$f" | head -1)
	if [[ -z $n2$n1 || ! -w $hp/hugepages-2048kB/nr_hugepages ]]; then
		"$MMSIM" diff "$f"
		return
	fi
	[[ -d $hp/hugepages-1048576kB ]] || n1=""
	MMSIM=$MMSIM F=$f N2=${n2:-0} N1=${n1:-0} HP=$hp flock /tmp/mmsim-host.lock bash -c '
		o2=$(cat $HP/hugepages-2048kB/nr_hugepages)
		o1=$(cat $HP/hugepages-1048576kB/nr_hugepages 2>/dev/null)
		echo 1 >/proc/sys/vm/compact_memory        # a trigger, nothing to restore
		echo $N2 >$HP/hugepages-2048kB/nr_hugepages
		for i in 1 2 3; do                          # 1 GiB needs a free aligned GiB
			[[ -n $o1 ]] || break
			echo $N1 >$HP/hugepages-1048576kB/nr_hugepages
			[[ $(cat $HP/hugepages-1048576kB/nr_hugepages) == "$N1" ]] && break
			echo 1 >/proc/sys/vm/compact_memory
		done
		"$MMSIM" diff "$F"; rc=$?
		echo $o2 >$HP/hugepages-2048kB/nr_hugepages
		[[ -n $o1 ]] && echo $o1 >$HP/hugepages-1048576kB/nr_hugepages
		exit $rc'
}

printf '%-28s %-8s %s\n' "script" "result" "detail"
for f in "$here"/*.lua; do
	name=$(basename "$f" .lua)
	why=$(skip_reason "$f")
	if [[ -n $why ]]; then
		skipped=$((skipped + 1))
		printf '%-28s %-8s %s\n' "$name" "skipped" "$why"
		continue
	fi
	run_diff "$f" >"$tmp/out" 2>&1
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

#!/usr/bin/env bash
# narration_names.sh SRC FILE... — the explain mode names each kernel step
# after the function doing it ("  cpuN: kernel NAME: ..."). Checks that every
# NAME narrated in FILE... is a function defined in SRC (its .c files), and
# that every function of SRC/kernel that narrates is named somewhere in
# FILE..., so the files cover every narration point. Prints what is wrong;
# exits non-zero if anything is.
set -u
src=$1
shift

# The steps no script reaches: a spurious fault needs a TLB entry staler
# than its PTE, which the kernel's flushes never leave behind; a fault on a
# migration entry needs an access between a migration's unmap and its move,
# which only the unit tests arrange (tests/unit/test_migrate.c).
unreached="handle_pte_fault migration_entry_wait"

fail=0
narrated=$(grep -hoE '^(\[machine [0-9]+\] )?  cpu[0-9]+: kernel [A-Za-z_0-9]+: ' "$@" | grep -oE 'kernel [A-Za-z_0-9]+' | awk '{ print $2 }' | tr -d : | sort -u)
if [[ -z $narrated ]]; then
	echo "no narration in $*"
	exit 1
fi
for name in $narrated; do
	if ! grep -rqE "^[a-z][^;]*[ *]${name}\([^;]*\$" "$src" --include='*.c'; then
		echo "narrated \"$name\", which is no function of $src"
		fail=1
	fi
done
# The functions that narrate: each trace_kernel call (which names its
# caller by __func__), and each function passing its __func__ on.
narrators=$(for f in "$src"/kernel/*.c; do
	awk '/^[a-z_][^;]*[ *][A-Za-z_0-9]+\(/ && !/;$/ {
		match($0, /[A-Za-z_0-9]+\(/); fn = substr($0, RSTART, RLENGTH - 1) }
	     /trace_kernel\(|, __func__\)/ { print fn }' "$f"
done | sort -u)
for name in $narrators; do
	[[ " $unreached " == *" $name "* ]] && continue
	if ! grep -qx "$name" <<<"$narrated"; then
		echo "$name narrates, but no run reaches it"
		fail=1
	fi
done
exit $fail

#!/usr/bin/env bash
# `make install` into a scratch root, then build and run a program against the
# installed header, library and pkg-config file, load the installed Lua module
# from lua5.4, and check the manual page. A check whose tool is missing is
# skipped with the reason. Prints "install: N passed, N failed, N skipped".
set -u
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
pass=0 fail=0 skip=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }
skip() { echo "SKIP install: $*"; skip=$((skip + 1)); }

make --no-print-directory -s install DESTDIR="$root" PREFIX=/usr >/dev/null
version=$(sed -n "s/^VERSION *:= *//p" Makefile)
check test -x "$root/usr/bin/mmsim"
check test -f "$root/usr/include/mmsim.h"
check test -f "$root/usr/lib/libmmsim.a"
check test -f "$root/usr/lib/pkgconfig/mmsim.pc"
# pc ARGS...: pkg-config of the installed mmsim.pc, paths inside $root
pc() { PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig" pkg-config "$@" mmsim; }
flags=$(pc --cflags --libs)
check cc -std=c17 -Wall -Werror tests/install/consumer.c $flags -o "$root/consumer"
out=$(LD_LIBRARY_PATH="$root/usr/lib" "$root/consumer" 2>&1)
check grep -q '^Node 0, zone      DMA ' <<<"$out"
check "$root/usr/bin/mmsim" --version

# The shared library: a SONAME, the runtime and development links.
lib=$root/usr/lib
check test -f "$lib/libmmsim.so.$version"
check test "$(readlink "$lib/libmmsim.so.0")" = "libmmsim.so.$version"
check test "$(readlink "$lib/libmmsim.so")" = "libmmsim.so.$version"
check grep -q 'SONAME.*\[libmmsim\.so\.0\]' < <(readelf -d "$lib/libmmsim.so.$version" 2>&1)

# The public surface. exports FILE NM-OPTION: the global symbols FILE
# defines; only_api FILE NM-OPTION [HEADER]: they are exactly the functions
# HEADER (mmsim.h) declares (so none of the kernel's names, and no mmsim_
# function missing).
exports() { nm "$2" --defined-only "$1" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u; }
only_api() {
	local d h=${3:-mmsim.h}
	d=$(diff <(exports "$1" "$2") <(grep -o '\<mmsim_[a-z0-9_]*(' "include/$h" | tr -d '(' | sort -u))
	[[ -z $d ]] && return
	echo "$1: global symbols ('<' not in $h, '>' missing):"
	grep '^[<>]' <<<"$d" | head -20 | sed 's/^/    /'
	return 1
}
check test "$(ar t "$lib/libmmsim.a")" = libmmsim.o
check only_api "$lib/libmmsim.a" -g
check only_api "$lib/libmmsim.so.$version" -D
check test "$(exports "$root/usr/lib/lua/5.4/mmsim.so" -D)" = luaopen_mmsim

# A program with its own kmalloc, printk, find_vma and alloc_pages links
# against the installed static library, then the shared one, and runs; the
# library never calls the program's functions.
collide() {
	local out
	out=$(LD_LIBRARY_PATH="$lib" "$1" 2>&1)
	printf '%s\n' "$out" | grep -qx 'spawned pid [0-9]*: own' &&
		printf '%s\n' "$out" | grep -qx "library calls of the program's functions: 0" &&
		printf '%s\n' "$out" | grep -qx "the program's own calls: 4" ||
		{ echo "$1: $out"; return 1; }
}
static=$(pc --cflags --libs --static)
check cc -std=c17 -Wall -Werror tests/install/collide.c ${static/-lmmsim/-l:libmmsim.a} \
	-o "$root/collide-static"
check collide "$root/collide-static"
check test -z "$(readelf -d "$root/collide-static" 2>&1 | grep 'NEEDED.*libmmsim')"
check cc -std=c17 -Wall -Werror tests/install/collide.c $flags -o "$root/collide-shared"
check collide "$root/collide-shared"
check grep -q 'NEEDED.*\[libmmsim\.so\.0\]' < <(readelf -d "$root/collide-shared" 2>&1)

# libmmsim-trace: its header, libraries and pkg-config file; a program
# built against them (shared, then static) writes, reads and replays a
# trace; they export the functions of mmsim_trace.h only.
check test -f "$root/usr/include/mmsim_trace.h"
check test "$(readlink "$lib/libmmsim-trace.so")" = "libmmsim-trace.so.$version"
check grep -q 'SONAME.*\[libmmsim-trace\.so\.0\]' < <(readelf -d "$lib/libmmsim-trace.so.$version" 2>&1)
tpc() { PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig" pkg-config "$@" mmsim-trace; }
check cc -std=c17 -Wall -Werror tests/install/trace_consumer.c $(tpc --cflags --libs) -o "$root/trace-shared"
out=$(cd "$root" && LD_LIBRARY_PATH="$lib" "$root/trace-shared" "$root/t.mmt" 2>&1)
check grep -qx 'records 1000, replayed 1000, faults 16' <<<"$out"
tstatic=$(tpc --cflags --libs --static)
tstatic=${tstatic/-lmmsim-trace/-l:libmmsim-trace.a}
check cc -std=c17 -Wall -Werror tests/install/trace_consumer.c ${tstatic/-lmmsim /-l:libmmsim.a } -o "$root/trace-static"
out=$("$root/trace-static" "$root/t2.mmt" 2>&1)
check grep -qx 'records 1000, replayed 1000, faults 16' <<<"$out"
check only_api "$lib/libmmsim-trace.a" -g mmsim_trace.h
check only_api "$lib/libmmsim-trace.so.$version" -D mmsim_trace.h

# the manual page, and a clean one
check test -f "$root/usr/share/man/man1/mmsim.1"
if command -v groff >/dev/null; then
	check test -z "$(groff -man -Tutf8 -ww -z docs/mmsim.1 2>&1)"
else
	skip "no groff here: the manual page's warnings are not checked"
fi
if command -v man >/dev/null; then
	check man -l "$root/usr/share/man/man1/mmsim.1" >/dev/null
else
	skip "no man here: the installed manual page is not rendered"
fi

# the Lua module, loaded by a plain lua5.4
check test -f "$root/usr/lib/lua/5.4/mmsim.so"
if command -v lua5.4 >/dev/null; then
	out=$(lua5.4 -e "package.cpath = '$root/usr/lib/lua/5.4/?.so;' .. package.cpath
		local mmsim = require 'mmsim'
		assert(package.searchpath('mmsim', package.cpath):find('$root', 1, true))
		local m <close> = mmsim.machine{preset = 'teaching'}
		local p = m:spawn{name = 'installed'}
		local a = p:mmap{len = 4096, prot = 'rw'}
		assert(p:write(a, 'from lua5.4'))
		print(mmsim.version, p:read(a, 11), p:stats().minflt, m:check())" 2>&1)
	check grep -qx "[0-9.]*	from lua5.4	1	0" <<<"$out"
else
	skip "no lua5.4 here: the installed module is not loaded"
fi

# mmsim record's Valgrind tool, where this build has it: the installed
# command finds it in ../lib/mmsim/valgrind and records a program.
if [[ -x build/valgrind/mmsim-record-amd64-linux ]] && command -v valgrind >/dev/null; then
	check test -x "$root/usr/lib/mmsim/valgrind/mmsim-record-amd64-linux"
	check "$root/usr/bin/mmsim" record -o "$root/true.mmt" -- /bin/true
	rm -f "$root/true.mmt"
else
	skip "no Valgrind tool in this build: mmsim record's is not installed"
fi

# make uninstall removes every file and link make install made.
make --no-print-directory -s uninstall DESTDIR="$root" PREFIX=/usr >/dev/null
left=$(cd "$root/usr" && find . ! -type d)
check test -z "$left"
[[ -z $left ]] || echo "left after make uninstall: $left"
echo "install: $pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]

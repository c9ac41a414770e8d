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
check test -x "$root/usr/bin/mmsim"
check test -f "$root/usr/include/mmsim.h"
check test -f "$root/usr/lib/libmmsim.a"
check test -f "$root/usr/lib/pkgconfig/mmsim.pc"
flags=$(PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig" \
	pkg-config --cflags --libs mmsim)
check cc -std=c17 -Wall -Werror tests/install/consumer.c $flags -o "$root/consumer"
out=$("$root/consumer" 2>&1)
check grep -q '^Node 0, zone      DMA ' <<<"$out"
check "$root/usr/bin/mmsim" --version

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
echo "install: $pass passed, $fail failed, $skip skipped"
[[ $fail -eq 0 ]]

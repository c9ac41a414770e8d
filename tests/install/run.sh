#!/usr/bin/env bash
# `make install` into a scratch root, then build and run a program against the
# installed header, library and pkg-config file. Prints "N passed, N failed".
set -u
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else echo "FAIL: $*"; fail=$((fail + 1)); fi; }

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
echo "install: $pass passed, $fail failed"
[[ $fail -eq 0 ]]

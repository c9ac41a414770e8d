#!/usr/bin/env bash
# Install the Debian packages mmsim needs, or say exactly how to.
# Quiet and fast (one dpkg-query per package) when everything is already there.
# usage: mk/deps.sh [--check] [EXTRA_PACKAGE...]
#   --check  install nothing: name what is missing and exit 1 (make test, make
#            check and make bench check; make deps installs)
#   EXTRA_PACKAGE  more packages to want (CI's clang)
set -euo pipefail
check_only=0
if [[ ${1:-} == --check ]]; then
  check_only=1
  shift
fi

pkgs=(
  pkg-config          # build flags of the libraries below
  libcriterion-dev    # unit tests
  liblua5.4-dev lua5.4 # scripting (module `mmsim`) and the plain interpreter
  libjansson-dev      # --json output
  libedit-dev         # the interactive shell
  libzstd-dev         # traces (libmmsim-trace: src/trace)
  liblzma-dev         # xz-compressed ChampSim traces (mmsim import champsim)
)
# Installed by make deps, not required by the check: the suites that need
# them skip, saying why, where they are absent (CI installs them).
optional=(
  valgrind            # mmsim record's Valgrind tool (tools/valgrind) and its suite
)
names=("${pkgs[@]}" "$@")   # bash drops the comments inside the list
[[ $check_only -eq 1 ]] || names+=("${optional[@]}")

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "mk/deps.sh: this is not a Debian system; install the equivalents of: ${names[*]}" >&2
  # Checking cannot tell here: let the build say what is missing.
  [[ $check_only -eq 1 ]] && exit 0
  exit 1
fi

missing=()
for p in "${names[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ $st == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $check_only -eq 1 ]]; then
  echo "mk/deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "run:  make deps   (as root; it runs $line)" >&2
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "mk/deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "run as root:  $line" >&2
  exit 1
fi
echo "mk/deps.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once, then install.
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  apt-get update -qq
  apt-get install -y --no-install-recommends "${missing[@]}"
fi

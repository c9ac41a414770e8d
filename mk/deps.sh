#!/usr/bin/env bash
# Install the Debian packages mmsim needs, or say exactly how to.
# Quiet and fast (one dpkg-query) when everything is already there.
set -euo pipefail

pkgs=(
  pkg-config          # build flags of the libraries below
  libcriterion-dev    # unit tests
  liblua5.4-dev lua5.4 # scripting (module `mmsim`) and the plain interpreter
  libjansson-dev      # --json output
  libedit-dev         # the interactive shell
)
names=("${pkgs[@]}")   # bash drops the comments inside the list

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "mk/deps.sh: this is not a Debian system; install the equivalents of: ${names[*]}" >&2
  exit 1
fi

missing=()
for p in "${names[@]}"; do
  st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ $st == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
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

#!/usr/bin/env bash
# Install the Debian packages mmsim needs, or say exactly how to.
# Quiet and fast (one dpkg-query per package) when everything is already there.
# usage: mk/deps.sh [--check] [EXTRA_PACKAGE...]
#   --check  install nothing: name what is missing and exit 1 (make test, make
#            check and make bench check; make deps installs). The browser
#            lab's packages and test runner are installed, never required.
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
  libxml2-utils       # xmllint: the tests check that every picture is valid SVG
)
# Installed by make deps, not required by the check: the suites that need
# them skip, saying why, where they are absent (CI installs them).
optional=(
  valgrind            # mmsim record's Valgrind tool (tools/valgrind) and its suite
)
# gcc -m32 for make host32-test (the simulator on a 32-bit host), on x86-64.
if [[ $(dpkg --print-architecture 2>/dev/null) == amd64 ]]; then
  optional+=(gcc-multilib)
fi
names=("${pkgs[@]}" "$@")   # bash drops the comments inside the list
[[ $check_only -eq 1 ]] || names+=("${optional[@]}")
# The browser lab's (make web, make web-test): installed by make deps, not
# required (web-test skips, saying why, where they are missing).
web_pkgs=(
  emscripten          # libmmsim and Lua for WebAssembly
  chromium            # the headless browser web-test drives
  nodejs              # emscripten's tools, the page's test runner
)

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

# The lab's runner for the page's test: playwright-core at the version the
# lockfile pins, into tests/web/node_modules (npm ci; nothing at build time).
web_runner() {
  local dir
  dir="$(dirname "$0")/../tests/web"
  [[ -d $dir/node_modules/playwright-core && $dir/node_modules/.package-lock.json -nt $dir/package-lock.json ]] &&
    return 0
  command -v npm >/dev/null 2>&1 || { echo "mk/deps.sh: no npm: the lab's test runner is not installed" >&2; return 0; }
  echo "mk/deps.sh: npm ci in tests/web (playwright-core, the browser lab's test runner)"
  npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
}

if [[ $check_only -eq 1 ]]; then
  [[ ${#missing[@]} -eq 0 ]] && exit 0
  line="apt-get install -y --no-install-recommends ${missing[*]}"
  echo "mk/deps.sh: missing Debian packages: ${missing[*]}" >&2
  echo "run:  make deps   (as root; it runs $line)" >&2
  exit 1
fi
# make deps: the lab's packages too, where their commands are missing (a
# node from elsewhere, with its own npm, is kept).
for p in "${web_pkgs[@]}"; do
  case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    emscripten) command -v emcc >/dev/null 2>&1 && continue ;;
    chromium) command -v chromium >/dev/null 2>&1 && continue ;;
  esac
  missing+=("$p")
done
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [[ ${#missing[@]} -eq 0 ]]; then
  web_runner
  exit 0
fi
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
web_runner

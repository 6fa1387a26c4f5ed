# Shared by scripts/run and scripts/test: package installation and the build.
# Sourced, not run.

BRAS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian packages needed to build and run brasd.
BRAS_BUILD_PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libcaf-dev libboost-dev libboost-system-dev prometheus-cpp-dev libspdlog-dev libfmt-dev
  libyaml-cpp-dev libssl-dev libcli11-dev libedit-dev
)
# Extra packages the tests need: GoogleTest, tshark (independent decoder),
# clang + compiler-rt (libFuzzer), xl2tpd (interop peer), iproute2 (netns),
# prometheus (promtool lints the /metrics exposition), tmux (bras-cli in a real
# terminal), python3 (parses JSON/XML output and the dashboards in tests),
# l2tpns + freeradius + freeradius-utils (an independent LNS/LAC/PPPoE server
# and its RADIUS) and pppoe (rp-pppoe's user-mode PPPoE client) for the
# interop tests; ndisc6 (rdisc6), dhcpcd-base (a DHCPv6-PD client that works
# on a tun with no hardware address) and iputils-ping for the IPv6 client
# tests. None of the daemons is started by the install (dhcpcd-base ships no
# service).
BRAS_TEST_PACKAGES=(
  libgtest-dev libgmock-dev tshark clang-14 libclang-rt-14-dev clang-format-14 xl2tpd iproute2 prometheus tmux
  python3 python3-yaml l2tpns freeradius freeradius-utils pppoe ndisc6 dhcpcd-base iputils-ping
)

log() { printf '==> %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the named packages that are not installed yet; a second run with
# everything present does not touch apt at all.
ensure_packages() {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# configure_and_build BUILD_DIR [cmake args...] -- [targets...]
configure_and_build() {
  local dir=$1
  shift
  local args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    args+=("$1")
    shift
  done
  [ "${1:-}" = "--" ] && shift
  local launcher=()
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  if [ ! -f "$dir/build.ninja" ]; then
    log "configuring $dir"
    cmake -S "$BRAS_ROOT" -B "$dir" -G Ninja "${launcher[@]}" "${args[@]}" >&2
  else
    # Re-apply the options so a changed setting takes effect; cheap when unchanged.
    cmake "$dir" "${args[@]}" >/dev/null
  fi
  log "building $dir"
  local jobs
  jobs=$(nproc 2>/dev/null || echo 2)
  if [ $# -gt 0 ]; then
    cmake --build "$dir" -j "$jobs" --target "$@"
  else
    cmake --build "$dir" -j "$jobs"
  fi
}

# Sourced by the bench scripts that drive brasd, bras-loadgen and bras-cli: sets brasd, loadgen and
# cli from BRASD, LOADGEN and CLI, else from the build directory BUILD (default build/release under
# $root, which the caller sets), and exits 2 saying how to build them when one is not there.
build=${BUILD:-$root/build/release}
brasd=${BRASD:-$build/daemon/brasd}
loadgen=${LOADGEN:-$build/tools/bras-loadgen}
cli=${CLI:-$build/cli/bras-cli}
{ [ -x "$brasd" ] && [ -x "$loadgen" ] && [ -x "$cli" ]; } || {
  echo "build first: cmake --build build/release --target brasd bras-loadgen bras-cli" >&2
  exit 2
}

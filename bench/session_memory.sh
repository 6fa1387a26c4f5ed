#!/usr/bin/env bash
# Where a session's memory goes: brasd (release build) under heaptrack with
# SESSIONS sessions from bras-loadgen held in a private network namespace,
# then heaptrack's peak heap, per session and by allocation site. Run by hand
# (root), not in CI; needs heaptrack (apt install heaptrack).
#
#   sudo bench/session_memory.sh [SESSIONS [PER-TUNNEL]]     e.g. 20000 250
#
# Environment:
#   BUILD=DIR    the build tree with daemon/brasd and tools/bras-loadgen (default build/release)
#   TOP=N        allocation sites to list (default 25)
#   BRASD_ENV    extra environment for brasd, e.g. "MALLOC_ARENA_MAX=2"
#
# heaptrack counts what is allocated (and malloc's per-chunk overhead is not
# in it); bench/setup_rate.sh measures what it costs in RSS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-20000}
per_tunnel=${2:-250}
build=${BUILD:-$root/build/release}
top=${TOP:-25}
brasd=$build/daemon/brasd
loadgen=$build/tools/bras-loadgen
[ -x "$brasd" ] && [ -x "$loadgen" ] || { echo "build first: brasd and bras-loadgen in $build" >&2; exit 2; }
command -v heaptrack >/dev/null || { echo "heaptrack not installed" >&2; exit 2; }
ns=bras-mem-$$
work=$(mktemp -d /tmp/bras-mem.XXXXXX)
hp=""
cleanup() {
  [ -n "$hp" ] && kill "$hp" 2>/dev/null
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/14]#" >"$work/brasd.yaml"
ip netns add "$ns"
ip -n "$ns" link set lo up
# shellcheck disable=SC2086
ip netns exec "$ns" env ${BRASD_ENV:-} heaptrack -o "$work/heap" "$brasd" --config "$work/brasd.yaml" \
  >"$work/brasd.log" 2>&1 &
hp=$!
for _ in $(seq 150); do [ -S "$work/cli.sock" ] && break; sleep 0.2; done
[ -S "$work/cli.sock" ] || { echo "brasd did not start" >&2; cat "$work/brasd.log" >&2; exit 1; }
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --max-outstanding 2000 --threads 2 --hold 3 >"$work/loadgen.out" 2>&1 || true
grep -E "^(sessions|set-up|established|failed)" "$work/loadgen.out" || tail -3 "$work/loadgen.out"
# brasd itself (heaptrack's child) ends on SIGTERM; heaptrack then writes its data.
pid=$(pgrep -f -- "--config $work/brasd.yaml" | grep -vx "$hp" | tail -1 || true)
[ -n "$pid" ] && kill -TERM "$pid"
wait "$hp" || true
hp=""
data=$(ls "$work"/heap* 2>/dev/null | head -1)
[ -n "$data" ] || { echo "no heaptrack data" >&2; cat "$work/brasd.log" >&2; exit 1; }
heaptrack_print -f "$data" --print-peaks 1 --print-allocators 0 --print-temporary 0 --print-leaks 0 \
  --peak-limit "$top" --sub-peak-limit 0 --shorten-templates 1 >"$work/peaks.txt" 2>/dev/null || true
peak=$(grep -E "^peak heap memory consumption" "$work/peaks.txt" | grep -oE "[0-9.]+[KMG]?B?" | head -1)
echo "sessions=$sessions peak-heap=$peak (heaptrack; divide the sites below by $sessions for bytes per session)"
# Each site: its peak bytes and calls, then the allocating frame and the frames above it.
sed -n '/^PEAK MEMORY CONSUMERS/,/^MOST TEMPORARY\|^total runtime/p' "$work/peaks.txt" |
  grep -vE "^\s+in /|^$" | head -$((top * 8))

#!/usr/bin/env bash
# Session set-up rate and memory per session: bras-loadgen against a real
# brasd (release build) in a private network namespace, on this machine.
#
#   sudo bench/setup_rate.sh [SESSIONS [THREADS [PER-TUNNEL]]]    e.g. 100000 2 250
#
# Prints bras-loadgen's report and brasd's resident memory before and after
# (VmRSS), i.e. the memory per established session. Run by hand, not in CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
threads=${2:-2}
per_tunnel=${3:-250}
brasd=$root/build/release/io/brasd
loadgen=$root/build/release/tools/bras-loadgen
[ -x "$brasd" ] && [ -x "$loadgen" ] || {
  echo "build first: cmake --build build/release --target brasd bras-loadgen" >&2
  exit 2
}
ns=bras-bench-$$
work=$(mktemp -d /tmp/bras-bench.XXXXXX)
source "$root/tests/lib/brasd_netns.sh"
cleanup() {
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/14]#" \
      -e "s#^  threads: .*#  threads: $threads#" >"$work/brasd.yaml"
grep -q "threads: $threads" "$work/brasd.yaml" || { echo "could not set threads" >&2; exit 2; }
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock"
rss() { awk '/VmRSS/ {print $2}' "/proc/$brasd_pid/status"; }
before=$(rss)
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --max-outstanding 2000 --threads 2 --hold 2 --report-json "$work/report.json" &
lg=$!
# Memory while the sessions are held (loadgen holds them 2 s after the last one came up).
while kill -0 "$lg" 2>/dev/null; do
  now=$(rss)
  [ "$now" -gt "${peak:-0}" ] && peak=$now
  sleep 0.5
done
wait "$lg" || true
cat "$work/report.json"
echo "brasd threads=$threads sessions=$sessions per-tunnel=$per_tunnel rss-before-kB=$before rss-peak-kB=$peak" \
  "per-session-bytes=$(( (peak - before) * 1024 / sessions ))"

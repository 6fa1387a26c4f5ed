#!/usr/bin/env bash
# Session set-up rate, memory per session and operator latency: bras-loadgen
# against a real brasd (release build) in a private network namespace, on
# this machine. Run by hand, not in CI.
#
#   sudo bench/setup_rate.sh [SESSIONS [THREADS [PER-TUNNEL]]]    e.g. 100000 2 250
#
# Environment:
#   OPERATOR=1   while the sessions are held, time bras-cli commands over
#                brasd's socket and /metrics scrapes (RUNS times each, default 5)
#   NO_PPP=1     L2TP only (bras-loadgen --no-ppp): tunnel + session set-up
#   TRAFFIC=PPS  per-session ICMP echo traffic while held (bras-loadgen --traffic)
#   HOLD=S       seconds to hold the sessions (default 2; 10 with OPERATOR or TRAFFIC)
#
# Prints bras-loadgen's report, brasd's resident memory before and at the
# peak (VmRSS), i.e. the memory per established session, and the timings.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
threads=${2:-2}
per_tunnel=${3:-250}
runs=${RUNS:-5}
brasd=$root/build/release/daemon/brasd
loadgen=$root/build/release/tools/bras-loadgen
cli=$root/build/release/cli/bras-cli
[ -x "$brasd" ] && [ -x "$loadgen" ] && [ -x "$cli" ] || {
  echo "build first: cmake --build build/release --target brasd bras-loadgen bras-cli" >&2
  exit 2
}
hold=${HOLD:-2}
[ -n "${OPERATOR:-}" ] || [ -n "${TRAFFIC:-}" ] && hold=${HOLD:-10}
ns=bras-bench-$$
work=$(mktemp -d /tmp/bras-bench.XXXXXX)
source "$root/tests/lib/brasd_netns.sh"
cleanup() {
  [ -n "${lg:-}" ] && kill "$lg" 2>/dev/null
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/14]#" \
      -e "s#^  threads: .*#  threads: $threads#" >"$work/brasd.yaml"
grep -q "threads: $threads" "$work/brasd.yaml" || { echo "could not set threads" >&2; exit 2; }
# L2TP only: no session reaches an NCP, so none would leave set-up before PPP gives up; no admission cap.
[ -n "${NO_PPP:-}" ] && sed -i -e "s#^  max-sessions-in-setup: .*#  max-sessions-in-setup: 0#" "$work/brasd.yaml"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock"
rss() { awk '/VmRSS/ {print $2}' "/proc/$brasd_pid/status"; }
before=$(rss)
peak=0
# sample_peak_while CONDITION...: brasd's peak RSS, sampled every 0.5 s while CONDITION holds.
sample_peak_while() {
  while "$@"; do
    local now
    now=$(rss)
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.5
  done
}
extra=()
[ -n "${NO_PPP:-}" ] && extra+=(--no-ppp)
[ -n "${TRAFFIC:-}" ] && extra+=(--traffic "$TRAFFIC")
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --max-outstanding 2000 --threads 2 --hold "$hold" --report-json "$work/report.json" "${extra[@]}" \
  >"$work/loadgen.out" 2>"$work/loadgen.err" &
lg=$!
# Memory while the sessions come up (then while they are held, below).
coming_up() { kill -0 "$lg" 2>/dev/null && ! grep -q "^holding" "$work/loadgen.err"; }
sample_peak_while coming_up

# ms_of CMD...: wall time of one run in milliseconds.
ms_of() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
# time_runs LABEL CMD...: RUNS runs, prints median and max.
time_runs() {
  local label=$1
  shift
  local all=()
  for _ in $(seq "$runs"); do all+=("$(ms_of "$@")"); done
  local sorted
  sorted=$(printf '%s\n' "${all[@]}" | sort -n)
  printf '%-70s median %6d ms  max %6d ms  (%s)\n' "$label" \
    "$(echo "$sorted" | sed -n "$(((runs + 1) / 2))p")" "$(echo "$sorted" | tail -1)" "$(echo "${all[@]}")"
}
if [ -n "${OPERATOR:-}" ] && kill -0 "$lg" 2>/dev/null; then
  # bras-cli reaches brasd through its Unix socket (a path, not a network
  # namespace), so it runs here as an operator would run it: each time is a
  # whole bras-cli process, from exec to exit.
  show() { "$cli" -s "$work/cli.sock" "$@"; }
  show show services l2tp session >"$work/sessions.txt"
  listed=$(grep -cE '^ +[0-9]+ +[0-9]+ +Established' "$work/sessions.txt" || true)
  # One session to look up: the last tunnel and session listed.
  tunnel=$(grep -oE '^Tunnel local ID: +[0-9]+' "$work/sessions.txt" | tail -1 | grep -oE '[0-9]+$')
  session=$(grep -E '^ +[0-9]+ +[0-9]+ +' "$work/sessions.txt" | tail -1 | awk '{print $1}')
  echo "operator commands with $listed sessions listed (lookup: tunnel $tunnel session $session):"
  time_runs "bras-cli show services l2tp session" show show services l2tp session
  time_runs "bras-cli show services l2tp session | count" show "show services l2tp session | count"
  time_runs "bras-cli show services l2tp session extensive" show show services l2tp session extensive
  time_runs "bras-cli show services l2tp summary" show show services l2tp summary
  time_runs "bras-cli show services l2tp tunnel" show show services l2tp tunnel
  time_runs "bras-cli show services l2tp session local-tunnel-id T local-session-id S" \
    show show services l2tp session local-tunnel-id "$tunnel" local-session-id "$session"
  time_runs "bras-cli show services l2tp session extensive local-tunnel-id T local-session-id S" \
    show show services l2tp session extensive local-tunnel-id "$tunnel" local-session-id "$session"
  time_runs "bras-cli show log level (bras-cli start-up, no fan-out)" show show log level
  # /metrics: brasd listens on the namespace's loopback; timed inside it, per request.
  ip netns exec "$ns" python3 - "$runs" <<'PY'
import sys, time, urllib.request
runs = int(sys.argv[1])
times, size = [], 0
for _ in range(runs):
    t0 = time.perf_counter()
    size = len(urllib.request.urlopen("http://127.0.0.1:9101/metrics").read())
    times.append((time.perf_counter() - t0) * 1000)
times.sort()
print(f"{'GET /metrics (aggregates, ' + str(size) + ' bytes)':70s} median {times[(runs - 1) // 2]:6.1f} ms  max {times[-1]:6.1f} ms")
PY
  echo "session listing: $(wc -c <"$work/sessions.txt") bytes"
fi
sample_peak_while kill -0 "$lg" 2>/dev/null
wait "$lg" || true
lg=""
cat "$work/loadgen.out"
cat "$work/report.json"
echo "brasd threads=$threads sessions=$sessions per-tunnel=$per_tunnel rss-before-kB=$before rss-peak-kB=$peak" \
  "per-session-bytes=$(((peak - before) * 1024 / sessions))"

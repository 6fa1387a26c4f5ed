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
#   BUILD=DIR    the binaries' build directory (default build/release); BRASD,
#                LOADGEN, CLI name one binary each instead
#   MAX_OUTSTANDING=N  bras-loadgen --max-outstanding (default 2000)
#   CAPTURE=FILE the L2TP traffic on the namespace's loopback (dumpcap, UDP
#                port 1701) from before bras-loadgen starts until it is done
#   PERF_STAT=1  perf stat (context switches, migrations, task clock) of brasd
#                over the set-up
#   BRASD_SED=EXPR     one more sed expression applied to brasd's configuration
#                      (e.g. 's#^  scheduler-policy: .*#  scheduler-policy: stealing#')
#
# Prints bras-loadgen's report, brasd's resident memory before and at the
# peak (VmRSS), i.e. the memory per established session, the timings, and
# the CPU per set-up of brasd and of bras-loadgen: each process's CPU time
# (user + system, all threads, /proc/PID/task/*/schedstat in ns; the user and
# system split from /proc/PID/stat in clock ticks) from just before
# bras-loadgen starts to when it reports "holding" (every session up),
# divided by the sessions; the last line, "cpu-per-setup: ...", is for scripts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
threads=${2:-2}
per_tunnel=${3:-250}
runs=${RUNS:-5}
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
hold=${HOLD:-2}
[ -n "${OPERATOR:-}" ] || [ -n "${TRAFFIC:-}" ] && hold=${HOLD:-10}
ns=bras-bench-$$
work=$(mktemp -d /tmp/bras-bench.XXXXXX)
source "$root/tests/lib/brasd_netns.sh"
cleanup() {
  [ -n "${lg:-}" ] && kill "$lg" 2>/dev/null
  [ -n "${perf_pid:-}" ] && [ -z "${perf_done:-}" ] && kill -INT "$perf_pid" 2>/dev/null
  [ -n "${cap_pid:-}" ] && kill -INT "$cap_pid" 2>/dev/null && wait "$cap_pid" 2>/dev/null
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/14]#" \
      -e "s#^  threads: .*#  threads: $threads#" -e "${BRASD_SED:-}" >"$work/brasd.yaml"
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
# cpu_ns PID: the CPU time of PID's threads so far, in ns (user + system).
cpu_ns() { cat "/proc/$1/task/"*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'; }
# ticks PID: "utime stime" of the whole process, in clock ticks.
ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12, $13 }'; }
hz=$(getconf CLK_TCK)
extra=()
[ -n "${NO_PPP:-}" ] && extra+=(--no-ppp)
[ -n "${TRAFFIC:-}" ] && extra+=(--traffic "$TRAFFIC")
if [ -n "${CAPTURE:-}" ]; then
  ip netns exec "$ns" dumpcap -q -i lo -f "udp port 1701" -w "$CAPTURE" 2>"$work/dumpcap.err" &
  cap_pid=$!
  for _ in $(seq 50); do grep -q "^File:\|Capturing" "$work/dumpcap.err" && break; sleep 0.1; done
fi
brasd_cpu0=$(cpu_ns "$brasd_pid")
read -r brasd_u0 brasd_s0 < <(ticks "$brasd_pid")
t_start=$(date +%s%N)
if [ -n "${PERF_STAT:-}" ]; then
  perf stat -e task-clock,context-switches,cpu-migrations -p "$brasd_pid" -o "$work/perf-stat.txt" &
  perf_pid=$!
fi
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --max-outstanding "${MAX_OUTSTANDING:-2000}" --threads 2 --hold "$hold" --report-json "$work/report.json" "${extra[@]}" \
  >"$work/loadgen.out" 2>"$work/loadgen.err" &
lg=$!
# Memory while the sessions come up (then while they are held, below); the
# end of set-up is seen within 0.05 s, with both processes' CPU read then.
coming_up() { kill -0 "$lg" 2>/dev/null && ! grep -q "^holding" "$work/loadgen.err"; }
polls=0
while coming_up; do
  if [ $((polls++ % 10)) -eq 0 ]; then
    now=$(rss)
    [ "$now" -gt "$peak" ] && peak=$now
  fi
  sleep 0.05
done
t_end=$(date +%s%N)
if [ -n "${perf_pid:-}" ]; then
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
  perf_done=1
fi
brasd_cpu1=$(cpu_ns "$brasd_pid")
read -r brasd_u1 brasd_s1 < <(ticks "$brasd_pid")
lg_cpu=0 lg_u=0 lg_s=0
if kill -0 "$lg" 2>/dev/null; then
  lg_cpu=$(cpu_ns "$lg")
  read -r lg_u lg_s < <(ticks "$lg")
fi

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
# bras-loadgen tears its sessions down and exits after the hold; give it a
# minute (it has been seen to hang at exit in CAF's clock: see docs/benchmarks.md).
exit_by=$((SECONDS + hold + 60))
running() { kill -0 "$lg" 2>/dev/null && [ $SECONDS -lt $exit_by ]; }
sample_peak_while running
if kill -0 "$lg" 2>/dev/null; then
  echo "bras-loadgen did not exit within $((hold + 60)) s of the set-up: killed" >&2
  kill "$lg"
fi
wait "$lg" || true
lg=""
cat "$work/loadgen.out"
cat "$work/report.json"
echo "brasd threads=$threads sessions=$sessions per-tunnel=$per_tunnel rss-before-kB=$before rss-peak-kB=$peak" \
  "per-session-bytes=$(((peak - before) * 1024 / sessions))"
# us_per N: N ns (or, with a second argument, N clock ticks) per session, in microseconds.
us_per() { awk -v n="$1" -v hz="${2:-}" -v s="$sessions" 'BEGIN { if (hz) n = n * 1e9 / hz; printf "%.1f", n / 1000 / s }'; }
echo "cpu per set-up over $(awk -v ns=$((t_end - t_start)) 'BEGIN { printf "%.2f", ns / 1e9 }') s (bras-loadgen start to" \
  "\"holding\"): brasd $(us_per $((brasd_cpu1 - brasd_cpu0))) us" \
  "(user $(us_per $((brasd_u1 - brasd_u0)) "$hz") sys $(us_per $((brasd_s1 - brasd_s0)) "$hz")), bras-loadgen" \
  "$(us_per "$lg_cpu") us (user $(us_per "$lg_u" "$hz") sys $(us_per "$lg_s" "$hz"))"
[ -n "${perf_pid:-}" ] && grep -E 'task-clock|context-switches|cpu-migrations' "$work/perf-stat.txt"
echo "cpu-per-setup: brasd-us=$(us_per $((brasd_cpu1 - brasd_cpu0))) loadgen-us=$(us_per "$lg_cpu")" \
  "seconds=$(awk -v ns=$((t_end - t_start)) 'BEGIN { printf "%.3f", ns / 1e9 }')" \
  "rate=$(grep -o '"overall": *[0-9.]*' "$work/report.json" | head -1 | grep -o '[0-9.]*$' || echo '?')" \
  "failed=$(grep -o '"failed": *[0-9]*' "$work/report.json" | head -1 | grep -o '[0-9]*$' || echo '?')" \
  "threads=$threads sessions=$sessions"

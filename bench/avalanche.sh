#!/usr/bin/env bash
# Avalanche vs paced set-up: one release brasd in a private network namespace,
# bras-loadgen alternating a paced run (--max-outstanding 2000, the
# setup_rate.sh setting) and an avalanche (every subscriber dials at once:
# --max-outstanding SESSIONS), PAIRS times. Run by hand as root, not in CI.
#
#   sudo bench/avalanche.sh [SESSIONS [PAIRS [THREADS [PER-TUNNEL]]]]    e.g. 100000 2 2 250
#
# Environment:
#   BRASD, LOADGEN   binaries to use (default: this tree's build/release), e.g. a base build for an A/B
#   SETUP_CAP=N      l2tp.max-sessions-in-setup for brasd (default: brasd's own default; only if the
#                    binary knows the key)
#   PACED=N          the paced run's --max-outstanding (default 2000)
#
# Prints for each run the set-up rate, failures and what was redone during it: brasd's control
# retransmissions and the duplicates it received (the LAC's retransmissions), PPP set-up timer
# expiries, calls deferred and refused (from /metrics; "-" where brasd has no such family), and the
# emulated LAC's own count of retransmissions; then the median rates and avalanche/paced.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-20000}
pairs=${2:-2}
threads=${3:-2}
per_tunnel=${4:-250}
paced=${PACED:-2000}
brasd=${BRASD:-$root/build/release/daemon/brasd}
loadgen=${LOADGEN:-$root/build/release/tools/bras-loadgen}
[ -x "$brasd" ] && [ -x "$loadgen" ] || {
  echo "build first: cmake --build build/release --target brasd bras-loadgen (or set BRASD, LOADGEN)" >&2
  exit 2
}
ns=bras-aval-$$
work=$(mktemp -d /tmp/bras-aval.XXXXXX)
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
if [ -n "${SETUP_CAP:-}" ]; then
  grep -q "^  max-sessions-in-setup:" "$work/brasd.yaml" || { echo "this brasd has no max-sessions-in-setup" >&2; exit 2; }
  sed -i -e "s#^  max-sessions-in-setup: .*#  max-sessions-in-setup: $SETUP_CAP#" "$work/brasd.yaml"
fi
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock"

# metrics: the families this bench reads, "name value" per line (summed over labels).
metrics() {
  ip netns exec "$ns" python3 - <<'PY'
import urllib.request, collections
want = ["brasd_l2tp_sessions", "brasd_l2tp_control_retransmissions_total", "brasd_l2tp_control_duplicates_total",
        "brasd_ppp_setup_timeouts_total", "brasd_l2tp_calls_deferred_total", "brasd_l2tp_calls_refused_total",
        "brasd_l2tp_sessions_in_setup"]
seen = collections.OrderedDict((w, None) for w in want)
for line in urllib.request.urlopen("http://127.0.0.1:9101/metrics").read().decode().splitlines():
    if line.startswith("#"):
        continue
    name = line.split("{")[0].split(" ")[0]
    if name in seen:
        seen[name] = (seen[name] or 0) + float(line.rsplit(" ", 1)[1])
for k, v in seen.items():
    print(k, "-" if v is None else int(v))
PY
}
value() { awk -v k="$2" '$1 == k {print $2}' "$1"; }
delta() {
  local a b
  a=$(value "$1" "$3")
  b=$(value "$2" "$3")
  if [ "$a" = "-" ] || [ "$b" = "-" ]; then echo "-"; else echo $((b - a)); fi
}

# run LABEL MAX-OUTSTANDING: one loadgen run; appends "LABEL rate" to $work/rates.
run() {
  local label=$1 outstanding=$2
  metrics >"$work/before"
  local status=0
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
    --max-outstanding "$outstanding" --threads 2 --hold 1 --report-json "$work/report.json" \
    >"$work/loadgen.out" 2>"$work/loadgen.err" &
  lg=$!
  wait "$lg" || status=$?
  lg=""
  metrics >"$work/after"
  local rate up failed lac_retx lns_retx p99
  read -r rate up failed lac_retx lns_retx p99 < <(python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rate = r["setup_rate_cps"]["overall"]
print(f'{rate:.0f} {r["established"]} {r["failed"]} {r.get("lac_control_retransmissions", "-")} '
      f'{r.get("lns_control_retransmissions_received", "-")} {r["setup_latency_ms"]["p99"]:.0f}')
PY
)
  printf '%-10s out=%-6s rate=%6s/s up=%-6s failed=%-5s p99=%-6sms brasd: retx=%-6s dup-rx=%-6s ppp-setup-timeouts=%-6s deferred=%-6s refused=%-5s  lac: retx=%-6s lns-retx-rx=%s\n' \
    "$label" "$outstanding" "$rate" "$up" "$failed" "$p99" \
    "$(delta "$work/before" "$work/after" brasd_l2tp_control_retransmissions_total)" \
    "$(delta "$work/before" "$work/after" brasd_l2tp_control_duplicates_total)" \
    "$(delta "$work/before" "$work/after" brasd_ppp_setup_timeouts_total)" \
    "$(delta "$work/before" "$work/after" brasd_l2tp_calls_deferred_total)" \
    "$(delta "$work/before" "$work/after" brasd_l2tp_calls_refused_total)" "$lac_retx" "$lns_retx"
  grep -E "^setup rate|^setup latency" "$work/loadgen.out" | sed 's/^/  /' || true
  [ "$status" -eq 0 ] || { echo "  loadgen exit $status:"; grep -E "fail|no progress" "$work/loadgen.out" | head -5 | sed 's/^/  /'; }
  echo "$label $rate" >>"$work/rates"
  # The next run starts on an empty brasd.
  for _ in $(seq 600); do
    metrics >"$work/now"
    [ "$(value "$work/now" brasd_l2tp_sessions)" = "0" ] && break
    sleep 0.2
  done
}

echo "brasd=$brasd sessions=$sessions pairs=$pairs threads=$threads per-tunnel=$per_tunnel" \
  "max-sessions-in-setup=$(awk '/^  max-sessions-in-setup:/ {print $2}' "$work/brasd.yaml")"
for i in $(seq "$pairs"); do
  # ABBA order: drift over the sitting hits both kinds alike.
  if [ $((i % 2)) -eq 1 ]; then
    run paced "$paced"
    run avalanche "$sessions"
  else
    run avalanche "$sessions"
    run paced "$paced"
  fi
done
python3 - "$work/rates" <<'PY'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    k, v = line.split()
    rates.setdefault(k, []).append(float(v))
p, a = statistics.median(rates["paced"]), statistics.median(rates["avalanche"])
print(f"median rate: paced {p:.0f}/s, avalanche {a:.0f}/s, avalanche/paced {a / p if p else 0:.2f}")
PY
echo "brasd RSS at the end: $(awk '/VmRSS/ {print $2}' "/proc/$brasd_pid/status") kB"

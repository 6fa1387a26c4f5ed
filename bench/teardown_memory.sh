#!/usr/bin/env bash
# Memory after mass teardowns: is what ended sessions freed given back to the kernel?
# brasd (release build) in a private network namespace; RUNS bras-loadgen runs of SESSIONS sessions
# each (PER_TUNNEL a tunnel), GAP seconds apart, each holding HOLD seconds and hanging up; brasd's RSS
# is sampled every 0.5 s. Prints RSS before, at the peak and AFTER seconds after the last run ended,
# with the heap (brasd_heap_bytes) and the trims (brasd_memory_trims_total, _trimmed_bytes_total)
# from /metrics. Run by hand, as root, not in CI.
#
#   sudo bench/teardown_memory.sh [SESSIONS [RUNS [GAP [AFTER]]]]     defaults 10000 4 3 60
#
# Environment: BUILD=DIR (default build/release), or BRASD / LOADGEN / CLI; PER_TUNNEL (100);
# HOLD (5 s).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000} runs=${2:-4} gap=${3:-3} after=${4:-60}
per_tunnel=${PER_TUNNEL:-100} hold=${HOLD:-5}
[ "$(id -u)" -eq 0 ] || { echo "needs root (a network namespace)" >&2; exit 77; }
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
ns=bras-teardown-$$
work=$(mktemp -d /tmp/bras-teardown.XXXXXX)
# shellcheck source-path=SCRIPTDIR source=../tests/lib/brasd_netns.sh
source "$root/tests/lib/brasd_netns.sh"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
    -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/12]#" >"$work/brasd.yaml"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock"
rss() { awk '/VmRSS/ { print $2 }' "/proc/$brasd_pid/status"; }
scrape() { ip netns exec "$ns" python3 -c 'import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:9101/metrics").read().decode())'; }
metric() { awk -v k="$2" '$1 == k { printf "%.0f\n", $2 }' "$1"; }
sleep 2
before=$(rss)
scrape >"$work/m0"
peak=$before
t0=$SECONDS
for r in $(seq "$runs"); do
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
    --max-outstanding 2000 --hold "$hold" --timeout 120 --report-json "$work/run$r.json" \
    >"$work/run$r.out" 2>"$work/run$r.err" &
  pids+=($!)
  [ "$r" -lt "$runs" ] && sleep "$gap"
done
alive() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while alive; do
  now=$(rss)
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.5
done
ended=$SECONDS
established=0
for r in $(seq "$runs"); do
  n=$(grep -o '"established": [0-9]*' "$work/run$r.json" | grep -o '[0-9]*$' || echo 0)
  established=$((established + n))
done
echo "runs: $runs x $sessions sessions ($per_tunnel a tunnel, $gap s apart, held $hold s): $established established," \
  "the last ended $((ended - t0)) s after the first began"
samples=""
for t in 5 10 20 30 45 60 90 120; do
  [ "$t" -le "$after" ] || break
  sleep $((t - (SECONDS - ended) > 0 ? t - (SECONDS - ended) : 0))
  samples+=" ${t}s=$(rss)"
done
[ $((SECONDS - ended)) -ge "$after" ] || sleep $((after - (SECONDS - ended)))
final=$(rss)
scrape >"$work/m1"
printf '%-44s %s\n' "RSS KiB before / peak / ${after} s after" "$before / $peak / $final"
printf '%-44s %s\n' "RSS KiB after the last run ended" "${samples# }"
printf '%-44s %s\n' "heap in use / free (MiB), before" \
  "$(($(metric "$work/m0" 'brasd_heap_bytes{state="in-use"}') / 1048576)) / $(($(metric "$work/m0" 'brasd_heap_bytes{state="free"}') / 1048576))"
printf '%-44s %s\n' "heap in use / free (MiB), after" \
  "$(($(metric "$work/m1" 'brasd_heap_bytes{state="in-use"}') / 1048576)) / $(($(metric "$work/m1" 'brasd_heap_bytes{state="free"}') / 1048576))"
printf '%-44s %s\n' "trims / trimmed MiB" \
  "$(metric "$work/m1" brasd_memory_trims_total) / $(($(metric "$work/m1" brasd_memory_trimmed_bytes_total) / 1048576))"
printf '%-44s %s\n' "sessions / tunnels left" \
  "$(metric "$work/m1" brasd_l2tp_sessions) / $(metric "$work/m1" brasd_l2tp_tunnels)"
grep "memory-trimmed" "$work/brasd.log" | sed 's/^/# /' || true

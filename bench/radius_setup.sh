#!/usr/bin/env bash
# Session set-up rate with RADIUS authentication and accounting (Debian's
# stock FreeRADIUS on the same machine, threaded, not -X) next to the rate
# with local subscribers, in the same run and namespace, alternating; and
# brasd's RSS at the peak with each (the difference is what RADIUS and the
# accounting spool cost per live session). Release build. By hand, not in CI.
#
#   sudo bench/radius_setup.sh [SESSIONS [PAIRS]]     e.g. 100000 1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
pairs=${2:-3}
brasd=$root/build/release/daemon/brasd
loadgen=$root/build/release/tools/bras-loadgen
cli=$root/build/release/cli/bras-cli
[ -x "$brasd" ] && [ -x "$loadgen" ] && [ -x "$cli" ] || { echo "build the release tree first" >&2; exit 2; }
source "$root/tests/radius/radius_lib.sh"
radius_test_begin radbench freeradius

cat >"$work/radius.users" <<'USERS'
DEFAULT	User-Name =~ "^bench[0-9]+$", Cleartext-Password := "bench"
	Class = "bench"

USERS
make_test_namespace
radius_configure fr 1812 1813
# Threaded and quiet: -X would serialise everything through its debug log.
ip netns exec "$ns" freeradius -f -d "$work/fr" >"$work/fr.log" 2>&1 &
pids+=($!)
wait_until 15 bash -c "ip netns exec $ns ss -lun | grep -q 127.0.0.1:1812" || fail "FreeRADIUS did not start"

pool="c['address-pools'][0]['prefixes'] = ['100.64.0.0/14']; c['runtime'] = c.get('runtime', {}); c['runtime']['threads'] = 2"
brasd_config "$work/radius.yaml" "$pool
c['radius']['accounting']['interim-interval'] = 0"
brasd_config "$work/local.yaml" "$pool
c['aaa']['method'] = 'local'
c['aaa']['subscribers'] = [{'user': 'bench', 'password': 'bench'}]
del c['radius']"

rss() { awk '/VmRSS/ {print $2}' "/proc/$brasd_pid/status"; }
run() {  # KIND USER: one run; prints "KIND rate/s p50 p99 rss_before_kB rss_peak_kB"
  brasd_up "$work/$1.yaml"
  local before peak=0 lg now
  before=$(rss)
  ip netns exec "$ns" "$loadgen" --sessions "$sessions" --tunnels $(((sessions + 249) / 250)) --max-outstanding 2000 \
    --user "$2" --password bench --hold 5 --timeout 120 --report-json "$work/$1.json" >"$work/$1.out" 2>&1 &
  lg=$!
  local spool="" live
  while kill -0 "$lg" 2>/dev/null; do
    now=$(rss)
    [ "$now" -gt "$peak" ] && peak=$now
    # The spool's own memory while the sessions are live (largest seen), next to the RSS.
    if [ "$1" = radius ]; then
      live=$(metric brasd_accounting_spool_memory_bytes)
      [ -n "$live" ] && [ "${live%.*}" -gt "${spool:-0}" ] && spool=${live%.*}
    fi
    sleep 0.5
  done
  wait "$lg" || true
  kill "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
  python3 - "$work/$1.json" "$1" "$before" "$peak" "${spool:-n/a}" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r['setup_latency_ms']
print(f"{sys.argv[2]:7s} established={r['established']} failed={r['failed']} rate={r['setup_rate_cps']['overall']:.0f}/s "
      f"p50={lat['p50']:.0f}ms p99={lat['p99']:.0f}ms rss_before={sys.argv[3]}kB rss_peak={sys.argv[4]}kB "
      f"spool_memory={sys.argv[5]}B")
PY
}
for _ in $(seq "$pairs"); do
  run local bench
  run radius 'bench{n}'
done

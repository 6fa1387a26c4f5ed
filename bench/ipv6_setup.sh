#!/usr/bin/env bash
# Dual-stack set-up rate next to the IPv4-only rate, in the same run and
# namespace, alternating, against one brasd configuration (the embedded
# default: a /64 and a delegated /56 per session, RAs and DHCPv6): IPv4-only
# runs negotiate IPCP alone; dual-stack runs add IPv6CP, RS/RA (SLAAC) and a
# DHCPv6-PD exchange per session, and a session counts once it is ready on
# both families. Also brasd's RSS at the peak of each (the difference per
# session is what IPv6 costs). Release build. By hand, not in CI.
#
#   sudo bench/ipv6_setup.sh [SESSIONS [PAIRS]]     e.g. 100000 1
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
pairs=${2:-3}
brasd=$root/build/release/daemon/brasd
loadgen=$root/build/release/tools/bras-loadgen
cli=$root/build/release/cli/bras-cli
[ -x "$brasd" ] && [ -x "$loadgen" ] && [ -x "$cli" ] || { echo "build the release tree first" >&2; exit 2; }
source "$root/tests/radius/radius_lib.sh"
radius_test_begin v6bench ip
make_test_namespace

"$brasd" --print-default-config >"$work/default.yaml"
python3 - "$work/default.yaml" "$work/brasd.yaml" "$work" <<'PY'
import sys, yaml
src, out, work = sys.argv[1:4]
c = yaml.safe_load(open(src))
c['cli']['socket'] = work + '/cli.sock'
c.setdefault('metrics', {})['listen'] = '127.0.0.1:9101'
c['address-pools'][0]['prefixes'] = ['100.64.0.0/14']
c['aaa']['subscribers'] = [{'user': 'bench', 'password': 'bench'}]
yaml.safe_dump(c, open(out, 'w'), sort_keys=False)
PY

rss() { awk '/VmRSS/ {print $2}' "/proc/$brasd_pid/status"; }
run() {  # KIND LOADGEN-OPTIONS...: one run; prints "KIND rate/s p50 p99 rss_before_kB rss_peak_kB"
  local kind=$1
  shift
  brasd_up "$work/brasd.yaml"
  local before peak=0 lg now
  before=$(rss)
  ip netns exec "$ns" "$loadgen" --sessions "$sessions" --tunnels $(((sessions + 249) / 250)) --max-outstanding 2000 \
    --user bench --password bench --hold 5 --timeout 180 "$@" --report-json "$work/$kind.json" >"$work/$kind.out" 2>&1 &
  lg=$!
  while kill -0 "$lg" 2>/dev/null; do
    now=$(rss)
    [ "$now" -gt "$peak" ] && peak=$now
    sleep 0.5
  done
  wait "$lg" || true
  kill "$brasd_pid"
  wait "$brasd_pid" 2>/dev/null || true
  python3 - "$work/$kind.json" "$kind" "$before" "$peak" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
lat = r['setup_latency_ms']
v6 = r.get('ipv6')
extra = ''
if v6:
    extra = (f" v6_ready={v6['ready']} dual_stack_rate={v6['ready_rate_cps']:.0f}/s prefixes_distinct={r['v6_prefixes_distinct']}"
             f" delegated_distinct={r['delegated_prefixes_distinct']}")
print(f"{sys.argv[2]:10s} established={r['established']} failed={r['failed']} rate={r['setup_rate_cps']['overall']:.0f}/s "
      f"p50={lat['p50']:.0f}ms p99={lat['p99']:.0f}ms rss_before={sys.argv[3]}kB rss_peak={sys.argv[4]}kB{extra}")
PY
}
for _ in $(seq "$pairs"); do
  run ipv4-only
  run dual-stack --ipv6
done

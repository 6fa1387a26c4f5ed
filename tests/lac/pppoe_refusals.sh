#!/usr/bin/env bash
# Bad input on the LAC's access port, while 50 PPPoE subscribers pass
# traffic: malformed discovery frames, wrong and replayed cookies, a PADR
# flood, PADIs over the per-MAC and the global rate, session frames for
# unknown sessions, a session's frames from another MAC, frames for another
# MAC. Each is dropped and counted under its reason (brasd_pppoe_* on the
# LAC's /metrics), and the established subscribers keep working throughout.
# usage: pppoe_refusals.sh BRAS_LOADGEN BRASD SOURCE_DIR
set -euo pipefail
loadgen=$1 brasd=$2 src=$3
ns=bras-lacr-$$
sub=bras-subr-$$
work=$(mktemp -d /tmp/bras-lacr.XXXXXX)
source "$src/tests/lac/lac_lib.sh"
trap cleanup EXIT
# metric NAME{LABELS}: its value on the LAC (0 when absent).
metric() {
  ip netns exec "$ns" python3 - "$1" <<'PY'
import sys, urllib.request
want = sys.argv[1]
for line in urllib.request.urlopen("http://127.0.0.1:9102/metrics").read().decode().splitlines():
    if line.startswith(want + " "):
        print(int(float(line.split()[1]))); break
else:
    print(0)
PY
}
attack() { ip netns exec "$sub" python3 "$src/tests/lac/pppoe_attacker.py" sub0 "$@" >/dev/null 2>"$work/attack.err" ||
  fail "attacker $*: $(cat "$work/attack.err")"; }
# expect_grows METRIC BEFORE AT-LEAST DESCRIPTION
expect_grows() {
  local got
  for _ in $(seq 30); do
    got=$(metric "$1")
    [ $((got - $2)) -ge "$3" ] && { echo "ok - $4 ($1 +$((got - $2)))"; return; }
    sleep 0.2
  done
  fail "$4: $1 grew by $((got - $2)), expected at least $3"
}

lac_lns_start

ip netns exec "$sub" "$loadgen" --pppoe sub0 --sessions 50 --user demo --password demo --traffic 10 --hold 40 \
  --timeout 60 --report-json "$work/report.json" >"$work/loadgen.out" 2>"$work/loadgen.err" &
lg_pid=$!
up() { [ "$(metric brasd_pppoe_sessions)" -ge 50 ]; }
wait_for 20 "50 subscribers did not come up" up
echo "ok - 50 subscribers up and passing traffic"

m='brasd_pppoe_dropped_frames_total{reason="malformed"}'; b=$(metric "$m"); attack malformed 100
expect_grows "$m" "$b" 90 "malformed discovery frames dropped"
m='brasd_pppoe_refusals_total{reason="bad-cookie"}'; b=$(metric "$m"); attack bad-cookie 50
expect_grows "$m" "$b" 50 "PADRs with a wrong cookie refused"
b=$(metric "$m"); attack replay-cookie 20
expect_grows "$m" "$b" 20 "a cookie replayed from another MAC refused"
b=$(metric "$m"); attack padr-flood 20000
expect_grows "$m" "$b" 15000 "a PADR flood refused (some may be lost before the LAC reads them)"
m='brasd_pppoe_refusals_total{reason="padi-rate-per-mac"}'; b=$(metric "$m"); attack padi-mac 100
expect_grows "$m" "$b" 80 "PADIs over the per-MAC rate refused"
m='brasd_pppoe_refusals_total{reason="padi-rate"}'; b=$(metric "$m"); attack padi-flood 20000
expect_grows "$m" "$b" 5000 "a PADI flood from random MACs over the global rate refused"
m='brasd_pppoe_dropped_frames_total{reason="unknown-session"}'; b=$(metric "$m"); attack unknown-session 100
# (the IDs are random to the AC's scrambled ones: a frame that hits a real session counts as wrong-mac)
expect_grows "$m" "$b" 90 "session frames for unknown sessions dropped"
m='brasd_pppoe_dropped_frames_total{reason="wrong-mac"}'; b=$(metric "$m"); attack wrong-mac 50
expect_grows "$m" "$b" 50 "a session's frames from another MAC dropped"
m='brasd_pppoe_dropped_frames_total{reason="not-for-us"}'; b=$(metric "$m"); attack not-for-us 50
expect_grows "$m" "$b" 50 "frames for another MAC dropped"
kill -0 "$lac_pid" || fail "the LAC died"

rc=0
wait "$lg_pid" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen exit $rc: $(cat "$work/loadgen.out" "$work/loadgen.err")"
python3 - "$work/report.json" <<'PY' || fail "report: $(cat "$work/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["established"] == 50 and r["failed"] == 0, r
t = r["traffic"]
assert t["sent"] > 0 and t["received"] >= 0.95 * t["sent"], t
PY
echo "ok - the 50 subscribers stayed up and their pings came back through every attack"

#!/usr/bin/env bash
# bras-loadgen against a real brasd (embedded default: LNS on 127.0.0.1:1701,
# user demo/demo, pool 100.64.0.0/16, tun bras0) in a private network
# namespace: 200 sessions over 2 tunnels, every one established, the JSON
# report says so, and brasd agrees; --traffic pings through the data plane
# and counts the replies; wrong passwords are reported. No timing assertions.
# usage: loadgen_smoke.sh BRAS_LOADGEN BRASD
set -euo pipefail
loadgen=$1
brasd=$2
ns=bras-loadgen-$$
work=$(mktemp -d /tmp/bras-loadgen.XXXXXX)
source "$(dirname "$0")/../lib/brasd_netns.sh"
cleanup() {
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/brasd.log" ] && tail -20 "$work/brasd.log" >&2; exit 1; }

"$brasd" --print-default-config | sed "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" >"$work/brasd.yaml"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
  fail "brasd did not start: $(cat "$work/err")"

rc=0
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 200 --tunnels 2 --max-outstanding 100 \
  --user demo --password demo --report-json "$work/report.json" >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen exit $rc: $(cat "$work/out" "$work/err")"
python3 - "$work/report.json" <<'PY' || fail "report: $(cat "$work/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["established"] == 200 and r["failed"] == 0, r
assert r["setup_rate_cps"]["overall"] > 0, r
lat = r["setup_latency_ms"]
assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], lat
PY
grep -q "^sessions: 200 established, 0 failed" "$work/out" || fail "text report: $(cat "$work/out")"
echo "ok 1 - 200 sessions established through brasd, JSON report consistent"
# After loadgen hung up, brasd has nothing left: every session ended, every address back.
deadline=$((SECONDS + 20))
until python3 - "$work/cli.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"show services l2tp summary\n")
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk: break
    data += chunk
sys.exit(0 if b"Sessions: 0" in data else 1)
PY
do
  [ $SECONDS -lt $deadline ] || fail "brasd still has sessions after bras-loadgen left"
  sleep 0.5
done
echo "ok 2 - brasd has no session left once bras-loadgen hung up"

# Traffic: every session pings the LNS's tun address; the kernel behind tun answers
# through brasd's data plane, and bras-loadgen counts the replies.
rc=0
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 20 --traffic 20 --hold 3 \
  --report-json "$work/traffic.json" >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen --traffic exit $rc: $(cat "$work/out" "$work/err")"
python3 - "$work/traffic.json" <<'PY' || fail "traffic report: $(cat "$work/traffic.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["established"] == 20, r
t = r["traffic"]
# 20 sessions x 20 pps for about 3 s, plus what was sent during set-up.
assert t["sent"] >= 20 * 20 * 2, t
assert t["sent_bytes"] == 128 * t["sent"], t
assert t["received"] >= 0.95 * t["sent"], t
assert t["received"] <= t["sent"], t
assert t["received_bytes"] == 128 * t["received"], t
assert t["held_received_pps"] > 0, t
PY
grep -q "^traffic: .* sent, .* received" "$work/out" || fail "text report: $(cat "$work/out")"
echo "ok 3 - traffic through the tunnel and tun is answered and counted"

rc=0
ip netns exec "$ns" "$loadgen" --sessions 1 --traffic 5 >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 2 ] && grep -q "needs --hold" "$work/err" || fail "--traffic without --hold: exit $rc: $(cat "$work/err")"
echo "ok 4 - --traffic without --hold is refused"

rc=0
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 5 --user demo --password wrong --timeout 20 \
  --report-json "$work/bad.json" >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 1 ] || fail "wrong password: exit $rc, not 1: $(cat "$work/out")"
python3 - "$work/bad.json" <<'PY' || fail "report: $(cat "$work/bad.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["established"] == 0 and r["failed"] == 5, r
assert sum(r["failures"].values()) == 5, r
PY
echo "ok 5 - refused sessions are reported as failures by cause, exit 1"

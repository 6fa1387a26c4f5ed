#!/usr/bin/env bash
# The LAC end to end: bras-loadgen's PPPoE subscribers on a veth -> brasd as
# LAC (configs/examples/lac-pppoe.yaml, here with two VLANs) -> brasd as LNS
# (the embedded default) in one private namespace. Every subscriber gets an
# address from the LNS pool and its pings come back; both daemons list the
# same sessions (the LAC's remote IDs are the LNS's local IDs); the LAC's
# layouts are the reference page's; a PADT from each subscriber frees
# everything on both sides; tshark decodes the capture with no malformed frame.
# usage: pppoe_lac_lns.sh BRAS_LOADGEN BRASD BRAS_CLI SOURCE_DIR [SESSIONS]
set -euo pipefail
loadgen=$1 brasd=$2 cli=$3 src=$4 sessions=${5:-1000}
ns=bras-lac-$$
sub=bras-sub-$$
work=$(mktemp -d /tmp/bras-lac.XXXXXX)
source "$src/tests/lac/lac_lib.sh"
trap cleanup EXIT
lac_cli() { ip netns exec "$ns" "$cli" -s "$work/lac.sock" "$@"; }
lns_cli() { ip netns exec "$ns" "$cli" -s "$work/lns.sock" "$@"; }
# Subscribers on VLANs 100 and 101 (untagged still accepted).
lac_edit='s.replace("{name: access0, untagged: true}", '"'"'{name: access0, untagged: true, vlans: [{vlan: "100-101"}]}'"'"', 1)'
lac_lns_start

if command -v tshark >/dev/null; then
  ip netns exec "$sub" tshark -q -i sub0 -s 256 -w "$work/access.pcap" >/dev/null 2>&1 &
  cap_pid=$!
  sleep 1
fi

hold=25
ip netns exec "$sub" "$loadgen" --pppoe sub0 --vlan 100-101 --sessions "$sessions" --max-outstanding 200 \
  --user 'demo' --password demo --traffic 2 --hold $hold --timeout 60 \
  --report-json "$work/report.json" >"$work/loadgen.out" 2>"$work/loadgen.err" &
lg_pid=$!

count_sessions() {  # count_sessions CLI-FUNCTION: established sessions it lists
  "$1" show services l2tp session 2>/dev/null | grep -c Established || true
}
all_up() { [ "$(count_sessions lac_cli)" -eq "$sessions" ] && [ "$(count_sessions lns_cli)" -eq "$sessions" ]; }
wait_for $((hold - 5)) "not every session is up on both daemons within the hold" all_up
echo "ok 1 - $sessions PPPoE sessions established on the LAC and on the LNS"

# Both daemons agree: each LAC session's remote ID is an LNS session's local ID, and the reverse.
lac_cli show services l2tp session "|" display json >"$work/lac.json" || fail "LAC json"
lns_cli show services l2tp session "|" display json >"$work/lns.json" || fail "LNS json"
python3 - "$work/lac.json" "$work/lns.json" "$sessions" <<'PY' || fail "the daemons disagree"
import json, sys
def value(v):  # Junos JSON: [{"data": "17967"}]
    return int(v[0]["data"] if isinstance(v, list) else v)
def pairs(path):
    out = set()
    def walk(o):
        if isinstance(o, dict):
            if "session-local-id" in o and "session-remote-id" in o:
                out.add((value(o["session-local-id"]), value(o["session-remote-id"])))
            for v in o.values(): walk(v)
        elif isinstance(o, list):
            for v in o: walk(v)
    walk(json.load(open(path)))
    return out
lac, lns = pairs(sys.argv[1]), pairs(sys.argv[2])
n = int(sys.argv[3])
assert len(lac) == n and len(lns) == n, (len(lac), len(lns))
assert {(r, l) for l, r in lac} == lns, "LAC (local, remote) pairs are not the LNS's (remote, local)"
PY
echo "ok 2 - both daemons list the same $sessions sessions"

# The LAC's layouts are the reference page's LAC samples.
lac_cli show services l2tp session detail >"$work/detail.txt"
grep -q "State: Established, Interface: pp0, Mode: Dedicated" "$work/detail.txt" || fail "detail: $(head "$work/detail.txt")"
grep -Eq "Session local ID: +[0-9]+, Session remote ID: +[0-9]+, Interface unit: [0-9]+" "$work/detail.txt" ||
  fail "detail unit: $(head "$work/detail.txt")"
lac_cli show services l2tp session extensive >"$work/ext.txt"
grep -q "LCP renegotiation: N/A, Authentication: None, Interface ID: N/A" "$work/ext.txt" || fail "extensive: $(head -20 "$work/ext.txt")"
units=$(grep -Eo "Interface unit: [0-9]+, Call" "$work/ext.txt" | sort -u | wc -l)
[ "$units" -eq "$sessions" ] || fail "interface units are not one per PPPoE session: $units"
lac_cli show subscribers summary | grep -Eq "PPPoE: +$sessions\b" || fail "subscribers summary: $(lac_cli show subscribers summary)"
echo "ok 3 - the LAC renders pp0, Dedicated, N/A, one interface unit per session, and counts PPPoE subscribers"

rc=0
wait "$lg_pid" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen exit $rc: $(cat "$work/loadgen.out" "$work/loadgen.err")"
python3 - "$work/report.json" "$sessions" <<'PY' || fail "report: $(cat "$work/report.json")"
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert r["established"] == n and r["failed"] == 0, r
t = r["traffic"]
assert t["sent"] >= n, t
assert t["received"] >= 0.95 * t["sent"], t
PY
echo "ok 4 - every subscriber got an address from the LNS pool and its pings came back"

# bras-loadgen sent a PADT for each subscriber at the end of the hold: nothing is left anywhere.
nothing_left() {
  lac_cli show services l2tp summary | grep -q "Sessions: 0" &&
    lns_cli show services l2tp summary | grep -q "Sessions: 0" &&
    ip netns exec "$ns" python3 -c '
import urllib.request, sys
m = urllib.request.urlopen("http://127.0.0.1:9102/metrics").read().decode()
v = [l for l in m.splitlines() if l.startswith("brasd_pppoe_sessions ")]
sys.exit(0 if v and float(v[0].split()[1]) == 0 else 1)'
}
wait_for 30 "sessions or PPPoE sessions left after every PADT" nothing_left
ip netns exec "$ns" python3 -c '
import urllib.request, sys
m = urllib.request.urlopen("http://127.0.0.1:9101/metrics").read().decode()
used = [l for l in m.splitlines() if l.startswith("brasd_address_pool_used")]
assert used and all(float(l.split()[1]) == 0 for l in used), used' || fail "LNS pool addresses not returned"
echo "ok 5 - PADTs freed every session, PPPoE session and address on both daemons"

if [ -n "$cap_pid" ]; then
  kill "$cap_pid"; wait "$cap_pid" 2>/dev/null || true
  cap_pid=""
  tshark -r "$work/access.pcap" -Y "pppoed || pppoes" 2>/dev/null | wc -l >"$work/n"
  [ "$(cat "$work/n")" -gt "$sessions" ] || fail "capture holds $(cat "$work/n") PPPoE frames"
  bad=$(tshark -r "$work/access.pcap" -Y "_ws.malformed || _ws.expert.severity >= 0x00600000" 2>/dev/null | wc -l)
  [ "$bad" -eq 0 ] || fail "tshark flags $bad frames: $(tshark -r "$work/access.pcap" -Y "_ws.malformed" | head -5)"
  echo "ok 6 - tshark decodes $(cat "$work/n") PPPoE frames with no malformed or error"
fi

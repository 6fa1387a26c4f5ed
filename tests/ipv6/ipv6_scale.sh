#!/usr/bin/env bash
# 1,000 dual-stack subscribers from bras-loadgen --ipv6 against brasd's LNS in
# a private namespace: each gets a distinct /64 (RA) and a distinct delegated
# /56 (DHCPv6-PD), every session passes IPv4 and ICMPv6 echo traffic (from its
# SLAAC address and from its delegated prefix), and every prefix is back in
# its pool after the hang-up (LCP Terminate, then CDN) and again after the LAC
# clears the calls with a bare CDN. No timing assertions.
# usage: ipv6_scale.sh BRASD BRAS_CLI BRAS_LOADGEN
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3
lns_ns=bras-v6scale-$$
work=$(mktemp -d /tmp/bras-ipv6-scale.XXXXXX)
source "$(dirname "$0")/ipv6_lib.sh"
trap ipv6_cleanup EXIT
sessions=1000

per_session_metrics=1 ipv6_config 127.0.0.1 ""
{ ip netns add "$lns_ns" && ip -n "$lns_ns" link set lo up; } || fail "netns $lns_ns"
lns_start

# Everything handed out is back: both pools empty, no delegated prefix bound, no session.
all_returned() {
  pool_is demo-v6 0 && pool_is demo-pd 0 && metric_is brasd_dhcpv6_delegated_prefixes "" 0 &&
    lns_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0"
}

# dual_stack_run NAME LOADGEN-OPTIONS...: $sessions subscribers held for 10 s
# with traffic; checked while held and after bras-loadgen has hung up.
dual_stack_run() {
  local name=$1
  shift
  ip netns exec "$lns_ns" "$loadgen" --lns 127.0.0.1 --sessions $sessions --tunnels 4 --max-outstanding 200 \
    --user demo --password demo --ipv6 --traffic 2 --traffic-dest6 2001:db8:ffff::1 --traffic-from-pd \
    --hold 10 --timeout 60 --report-json "$work/$name.json" "$@" >"$work/loadgen.out" 2>"$work/loadgen.err" &
  loadgen_pid=$!
  holding() {
    kill -0 "$loadgen_pid" 2>/dev/null || fail "$name: bras-loadgen ended before holding the sessions"
    grep -qs "^holding $sessions sessions" "$work/loadgen.err"
  }
  wait_for 120 "$name: bras-loadgen is not holding $sessions sessions" holding
  sleep 3
  # While held: brasd has every prefix out, and every session moved packets both ways.
  [ "$(pool_in_use demo-v6)" = $sessions ] || fail "$name: demo-v6 in use: $(pool_in_use demo-v6 2>&1)"
  [ "$(pool_in_use demo-pd)" = $sessions ] || fail "$name: demo-pd in use: $(pool_in_use demo-pd 2>&1)"
  [ "$(metric brasd_dhcpv6_delegated_prefixes)" = $sessions ] ||
    fail "$name: $(metric brasd_dhcpv6_delegated_prefixes 2>&1) delegated prefixes bound, not $sessions"
  ip netns exec "$lns_ns" python3 - $sessions <<'PY' || fail "$name: per-session traffic"
import re, sys, urllib.request
sessions = int(sys.argv[1])
text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=10).read().decode()
series = {}
for line in text.splitlines():
    m = re.match(r'^(brasd_session_\w+_total)\{(.*)\} (\S+)$', line)
    if m:
        series.setdefault(m.group(1), []).append(float(m.group(3)))
for family in ("brasd_session_received_packets_total", "brasd_session_sent_packets_total"):
    values = series.get(family, [])
    assert len(values) == sessions, f"{family}: {len(values)} sessions, not {sessions}"
    idle = sum(1 for v in values if v == 0)
    assert idle == 0, f"{family}: {idle} sessions with no packets"
# Per-session IPv6 families, where brasd exports them, must show traffic for every session too.
v6 = [f for f in series if "v6" in f and f.endswith("packets_total")]
for family in v6:
    idle = sum(1 for v in series[family] if v == 0)
    assert len(series[family]) == sessions and idle == 0, f"{family}: {len(series[family])} sessions, {idle} idle"
print("per-session IPv6 families:", ", ".join(v6) or "none (the report's IPv6 totals stand for them)", file=sys.stderr)
PY
  # brasd's own view of each session (bras-cli JSON, the v6-ops fields): its prefixes, the
  # delegated one bound, and IPv6 packets both ways.
  lns_cli show services l2tp session extensive "|" display json >"$work/$name.sessions.json" ||
    fail "$name: bras-cli JSON: $(head -c 500 "$work/$name.sessions.json")"
  python3 - "$work/$name.sessions.json" $sessions >"$work/$name.brasd-prefixes" <<'PY' ||
import json, sys
def text(v):  # Junos JSON: [{"data": "17967"}]
    return str(v[0]["data"] if isinstance(v, list) else v)
rows = []
def walk(o):
    if isinstance(o, dict):
        if "session-local-id" in o:
            rows.append(o)
        for v in o.values():
            walk(v)
    elif isinstance(o, list):
        for v in o:
            walk(v)
walk(json.load(open(sys.argv[1])))
n = int(sys.argv[2])
assert len(rows) == n, f"{len(rows)} sessions in the JSON, not {n}"
for key in ("session-ipv6-prefix", "session-delegated-prefix", "data-ipv6-rx-packets", "data-ipv6-tx-packets"):
    missing = sum(1 for r in rows if key not in r)
    assert missing == 0, f"{missing} sessions without {key}"
unbound = sum(1 for r in rows if text(r["session-delegated-prefix-bound"]) != "yes")
assert unbound == 0, f"{unbound} sessions with the delegated prefix not bound"
for key in ("data-ipv6-rx-packets", "data-ipv6-tx-packets"):
    idle = sum(1 for r in rows if int(text(r[key])) == 0)
    assert idle == 0, f"{idle} sessions with no {key}"
for r in rows:
    print(text(r["session-ipv6-prefix"]), text(r["session-delegated-prefix"]))
PY
    fail "$name: brasd's sessions: $(tail -3 "$work/$name.brasd-prefixes")"
  local rc=0
  wait "$loadgen_pid" || rc=$?
  loadgen_pid=""
  [ $rc -eq 0 ] || fail "$name: bras-loadgen exit $rc: $(tail -5 "$work/loadgen.out")"
  python3 - "$work/$name.json" $sessions "$work/$name.brasd-prefixes" <<'PY' ||
import ipaddress, json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
brasd = [line.split() for line in open(sys.argv[3])]
assert r["established"] == n and r["failed"] == 0, (r["established"], r["failed"], r["failures"])
assert r["v6_ready"] == n, (r["v6_ready"], r["ipv6"]["failures"])
prefixes, delegated = r["ipv6"]["v6_prefixes"], r["ipv6"]["delegated_prefixes"]
assert len(prefixes) == n and len(set(prefixes)) == n == r["v6_prefixes_distinct"], "the /64s are not distinct"
assert len(delegated) == n and len(set(delegated)) == n == r["delegated_prefixes_distinct"], "the delegated prefixes are not distinct"
v6_pool, pd_pool = ipaddress.ip_network("2001:db8:100::/40"), ipaddress.ip_network("2001:db8:8000::/36")
for p in prefixes:
    net = ipaddress.ip_network(p)
    assert net.prefixlen == 64 and net.subnet_of(v6_pool), p
for p in delegated:
    net = ipaddress.ip_network(p)
    assert net.prefixlen == 56 and net.subnet_of(pd_pool), p
# What the subscribers learnt (RA, DHCPv6 Reply) is what brasd says it gave them.
assert set(prefixes) == {b[0] for b in brasd}, "the RAs' /64s are not brasd's"
assert set(delegated) == {b[1] for b in brasd}, "the delegated prefixes are not brasd's"
t = r["traffic"]
# 2 pps per session and family for about 10 s, answered but for what was in flight at the
# end (the per-session metrics above show that every session took part).
assert t["sent"] >= n * 2 * 5 and t["received"] >= 0.95 * t["sent"], ("v4", t)
assert t["sent_v6"] >= n * 2 * 5 and t["received_v6"] >= 0.95 * t["sent_v6"], ("v6", t)
assert t["received_v6_from_pd"] >= n * 2 * 5 * 0.95, ("v6 from the delegated prefix", t)
assert t["received_v6"] <= t["sent_v6"] and t["received"] <= t["sent"], t
PY
    fail "$name: report $(head -c 2000 "$work/$name.json")"
  local deadline=$((SECONDS + 30))
  until all_returned; do
    [ $SECONDS -lt $deadline ] || fail "$name: 30 s after the hang-up brasd still has: demo-v6 $(pool_in_use demo-v6 2>&1)," \
      "demo-pd $(pool_in_use demo-pd 2>&1), $(metric brasd_dhcpv6_delegated_prefixes 2>&1) bound," \
      "$(lns_cli show services l2tp summary 2>&1 | grep Sessions:)"
    sleep 0.5
  done
}

dual_stack_run hangup
echo "ok 1 - $sessions dual-stack subscribers: distinct /64s and /56s, v4 and v6 traffic from every session"
echo "ok 2 - after the hang-up every /64 and delegated prefix is back in its pool"

# The LAC clears the calls with a CDN alone (no LCP Terminate, no DHCPv6 Release).
"$loadgen" --help 2>&1 | grep -q -- "--hangup" ||
  fail "bras-loadgen has no --hangup option: it cannot clear its calls with a bare CDN (needed: --hangup cdn)"
dual_stack_run cdn --hangup cdn
echo "ok 3 - after the LAC's CDN every /64 and delegated prefix is back in its pool"

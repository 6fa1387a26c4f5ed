#!/usr/bin/env bash
# bras-loadgen --ipv6 against a real brasd (the embedded default with its
# dual-stack pools: demo-v6 2001:db8:100::/40 in /64s, demo-pd
# 2001:db8:8000::/36 in /56s; the LNS side 2001:db8:ffff::1) in a private
# network namespace: 50 sessions each read an RA and take a delegated prefix
# by DHCPv6, every /64 and /56 is distinct and inside its pool, ICMPv6 echo
# from the SLAAC address and from the delegated prefix is answered, and every
# prefix is back in its pool after the hang-up, with a DHCPv6 Release and
# without one (LCP Terminate, or the LAC's bare CDN). --no-pd takes no
# delegated prefix by DHCPv6; --tun makes an interface carrying exactly what IPCP and
# IPv6CP gave. Wrong option combinations are refused. No timing assertions.
# usage: loadgen_ipv6.sh BRAS_LOADGEN BRASD
set -euo pipefail
loadgen=$1
brasd=$2
ns=bras-lg6-$$
work=$(mktemp -d /tmp/bras-loadgen-ipv6.XXXXXX)
source "$(dirname "$0")/../lib/brasd_netns.sh"
tun_pid=""
cleanup() {
  [ -n "$tun_pid" ] && kill -TERM "$tun_pid" 2>/dev/null && wait "$tun_pid" 2>/dev/null
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in brasd.log out err; do [ -s "$work/$f" ] && { echo "--- $f" >&2; tail -20 "$work/$f" >&2; }; done
  exit 1
}

"$brasd" --print-default-config >"$work/default.yaml"
python3 - "$work/default.yaml" "$work/brasd.yaml" "$work" <<'PY' || fail "config edit"
import sys
src, dst, work = sys.argv[1:]
s = open(src).read()
s = s.replace("socket: /run/brasd/cli.sock", f"socket: {work}/cli.sock", 1)
if "\nprefix-pools:" not in s:
    s += "prefix-pools:\n  - {name: demo-v6, prefixes: [2001:db8:100::/40], prefix-length: 64}\n" \
         "  - {name: demo-pd, prefixes: [2001:db8:8000::/36], prefix-length: 56}\n" \
         "ipv6:\n  prefix-pool: demo-v6\n  delegated-prefix-pool: demo-pd\n"
# The LNS side's address: the v6 traffic's destination (only the ipv6 section's key).
lines = s.split("\n")
at = lines.index("ipv6:")
end = next((i for i in range(at + 1, len(lines)) if lines[i] and not lines[i].startswith(" ")), len(lines))
section = [l for l in lines[at + 1:end] if not l.lstrip().startswith(("local-address:", "# local-address:"))]
lines[at + 1:end] = ["  local-address: 2001:db8:ffff::1"] + section
open(dst, "w").write("\n".join(lines))
PY
"$brasd" --check-config "$work/brasd.yaml" >/dev/null 2>"$work/err" || fail "brasd refuses the config: $(cat "$work/err")"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
  fail "brasd did not start: $(cat "$work/err")"

# in_use POOL: what brasd's /metrics says POOL has handed out now.
in_use() {
  ip netns exec "$ns" python3 - "$1" <<'PY'
import re, sys, urllib.request
text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=5).read().decode()
found = [float(m.group(3)) for m in (re.match(r'^(brasd_(?:address|prefix)_pool_used\w*)\{(.*)\} (\S+)$', l)
                                     for l in text.splitlines())
         if m and dict(re.findall(r'([a-zA-Z_]+)="([^"]*)"', m.group(2))).get("pool") == sys.argv[1]]
sys.exit(f"{len(found)} usage series for pool {sys.argv[1]}") if len(found) != 1 else print(int(found[0]))
PY
}
# all_back WHAT: within 20 s both prefix pools are empty again.
all_back() {
  local deadline=$((SECONDS + 20))
  until [ "$(in_use demo-v6 2>/dev/null)" = 0 ] && [ "$(in_use demo-pd 2>/dev/null)" = 0 ]; do
    [ $SECONDS -lt $deadline ] ||
      fail "$1: prefixes not back: demo-v6 $(in_use demo-v6 2>&1), demo-pd $(in_use demo-pd 2>&1)"
    sleep 0.5
  done
}
# check_report FILE SESSIONS PD TRAFFIC: the JSON report of a run where every session became v6 ready.
check_report() {
  python3 - "$@" <<'PY' || fail "report $1: $(head -c 3000 "$1")"
import ipaddress, json, sys
r = json.load(open(sys.argv[1]))
n, pd, traffic = int(sys.argv[2]), sys.argv[3] == "pd", sys.argv[4] == "traffic"
assert r["established"] == n and r["failed"] == 0, (r["established"], r["failures"])
v6 = r["ipv6"]
assert r["v6_ready"] == n == v6["ready"] and v6["failures"] == {}, v6["failures"]
assert len(v6["v6_prefixes"]) == n and r["v6_prefixes_distinct"] == n == len(set(v6["v6_prefixes"])), "/64s"
for p in v6["v6_prefixes"]:
    assert ipaddress.ip_network(p).subnet_of(ipaddress.ip_network("2001:db8:100::/40")) and p.endswith("/64"), p
lat = v6["ra_latency_ms"]  # may be ~0: an unsolicited RA at set-up
assert 0 <= lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], lat
if pd:
    d = v6["delegated_prefixes"]
    assert len(d) == n and r["delegated_prefixes_distinct"] == n == len(set(d)), "delegated prefixes"
    for p in d:
        assert ipaddress.ip_network(p).subnet_of(ipaddress.ip_network("2001:db8:8000::/36")) and p.endswith("/56"), p
    lat = v6["dhcpv6_latency_ms"]
    assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], lat
else:
    assert r["delegated_prefixes_distinct"] == 0 and v6["delegated_prefixes"] == [], v6
if traffic:
    t = r["traffic"]
    assert t["sent_v6"] >= n * 5 * 2 * 2, t  # 5 pps from each of two addresses for about 3 s
    assert t["sent_v6"] >= t["received_v6"] >= 0.95 * t["sent_v6"], t
    assert t["received_v6_from_pd"] >= 0.45 * t["sent_v6"], t
    assert t["received"] >= 0.95 * t["sent"] > 0, t
PY
}

rc=0
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 50 --tunnels 2 --ipv6 --traffic 5 \
  --traffic-dest6 2001:db8:ffff::1 --traffic-from-pd --hold 3 --release --report-json "$work/pd.json" \
  >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen --ipv6 exit $rc"
check_report "$work/pd.json" 50 pd traffic
grep -Eq "^ipv6: 50 ready of 50 established in [0-9.]+ s \(dual stack: [0-9]+/s\); 50 distinct /64s, 50 distinct delegated prefixes$" "$work/out" ||
  fail "text report: $(cat "$work/out")"
grep -q "^traffic v6: " "$work/out" || fail "text report has no v6 traffic line"
echo "ok 1 - 50 sessions: distinct /64s and /56s in their pools, ICMPv6 echo from SLAAC and PD answered"
all_back "after DHCPv6 Release and LCP Terminate"
echo "ok 2 - every prefix back in its pool after Release and hang-up"

for hangup in lcp cdn; do
  rc=0
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 20 --ipv6 --hold 1 --hangup $hangup \
    --report-json "$work/$hangup.json" >"$work/out" 2>"$work/err" || rc=$?
  [ $rc -eq 0 ] || fail "bras-loadgen --ipv6 --hangup $hangup exit $rc"
  check_report "$work/$hangup.json" 20 pd no-traffic
  all_back "after --hangup $hangup without a Release"
done
echo "ok 3 - without a Release (LCP Terminate, or a bare CDN) every prefix is back too"

rc=0
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 10 --ipv6 --no-pd --hold 1 \
  --report-json "$work/nopd.json" >"$work/out" 2>"$work/err" || rc=$?
[ $rc -eq 0 ] || fail "bras-loadgen --no-pd exit $rc"
check_report "$work/nopd.json" 10 no-pd no-traffic
grep -q "DHCPv6" "$work/out" && fail "--no-pd: the text report has a DHCPv6 line: $(cat "$work/out")"
echo "ok 4 - --no-pd: v6 ready on SLAAC alone, no delegated prefix taken"
all_back "after --no-pd"

# --tun: the interface carries fe80::IID/64 (nothing the kernel made itself) and the IPCP address.
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 1 --tun lg6tun --hold 0 >"$work/out" 2>"$work/err" &
tun_pid=$!
deadline=$((SECONDS + 20))
until grep -q "^tun lg6tun ready " "$work/out"; do
  kill -0 $tun_pid 2>/dev/null || fail "--tun exited early"
  [ $SECONDS -lt $deadline ] || fail "--tun: no ready line"
  sleep 0.2
done
line=$(grep "^tun lg6tun ready " "$work/out")
[[ $line =~ ipv4=([0-9.]+)\ ipv6-link-local=(fe80::[0-9a-f:]+)$ ]] || fail "ready line: $line"
v4=${BASH_REMATCH[1]} ll=${BASH_REMATCH[2]}
ip -n "$ns" -6 addr show dev lg6tun >"$work/addr6"
# One link-local address, the negotiated one (no kernel-made one beside it); a global SLAAC address
# may be there too already, from brasd's unsolicited RA.
[ "$(grep -c "inet6 fe80::.* scope link" "$work/addr6")" = 1 ] && grep -q "inet6 $ll/64 scope link" "$work/addr6" ||
  fail "--tun IPv6 addresses: $(cat "$work/addr6")"
ip -n "$ns" -4 addr show dev lg6tun | grep -q "inet $v4 peer [0-9.]*/32" ||
  fail "--tun IPv4 address: $(ip -n "$ns" -4 addr show dev lg6tun)"
kill -TERM $tun_pid
rc=0
wait $tun_pid || rc=$?
tun_pid=""
[ $rc -eq 0 ] || fail "--tun after SIGTERM: exit $rc"
! ip -n "$ns" link show lg6tun >/dev/null 2>&1 || fail "--tun: lg6tun still there after exit"
echo "ok 5 - --tun: $line; gone after SIGTERM"

for bad in "--traffic-dest6 2001:db8::1" "--ipv6 --traffic-dest6 10.0.0.1" "--release" "--tun x --sessions 2"; do
  rc=0
  # shellcheck disable=SC2086
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 $bad >"$work/out" 2>"$work/err" || rc=$?
  [ $rc -eq 2 ] || fail "bras-loadgen $bad: exit $rc, not 2"
done
echo "ok 6 - wrong --ipv6 / --tun option combinations are refused"

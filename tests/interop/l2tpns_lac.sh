#!/usr/bin/env bash
# brasd's LNS behind another implementation's LAC:
#   rp-pppoe `pppoe` + bras_ppp_stdio_client (the PPPoE subscriber, netns SUB)
#     --veth--> l2tpns as PPPoE server and LAC (netns SRV; FreeRADIUS beside
#     it, as l2tpns requires one) --L2TP on the netns loopback--> brasd LNS
#     (netns SRV, 127.0.0.5, its tun in SRV).
# l2tpns forwards users of the realm @lns.test (setforward) once their PAP
# request arrives, with no proxy LCP or authentication AVPs, so brasd
# renegotiates LCP and authenticates the subscriber itself.
# Asserts: the subscriber gets an address from brasd's pool, pings an address
# behind brasd's tun, `bras-cli show services l2tp session` on brasd lists the
# user, the subscriber's hang-up frees the session on brasd, and tshark finds
# no malformed packet in the PPPoE and L2TP captures.
# usage: l2tpns_lac.sh BRASD BRAS_CLI PPP_STDIO_CLIENT
set -euo pipefail
brasd=$1
cli=$2
client=$3
work=$(mktemp -d /tmp/bras-l2tpns-lac.XXXXXX)
pids=()
# shellcheck source-path=SCRIPTDIR source=interop_lib.sh
. "$(dirname "$0")/interop_lib.sh"
fail() {
  echo "FAIL: $*" >&2
  for f in brasd.log l2tpns.log sub.err sub.pppoe.err; do
    echo "--- $f" >&2
    tail -n 30 "$work/$f" >&2 2>/dev/null || true
  done
  exit 1
}
trap interop_cleanup EXIT
require_tools l2tpns freeradius pppoe tshark setsid
ns_sub=brasq$$c
ns_srv=brasq$$s
S="ip netns exec $ns_srv"
make_namespace "$ns_sub"
make_namespace "$ns_srv"
make_veth "$ns_sub" sub0 "$ns_srv" access0
$S ip addr add 198.51.100.1/32 dev lo  # the ping target, behind brasd's tun

start_capture "$ns_srv" lo 'udp port 1701' l2tp
l2tp_capture=$capture_pid
start_capture "$ns_srv" access0 'pppoed or pppoes' pppoe
pppoe_capture=$capture_pid

start_radius "$ns_srv"

cat >"$work/lns.yaml" <<YAML
log: {level: debug}
cli: {socket: $work/cli.sock, session-layout: m-series}
l2tp:
  host-name: brasd-lns
  local-gateways: [{name: lo, address: 127.0.0.5, port: 1701}]
  tunnel-groups:
    - name: l2tpns
      clients: [{host-name: lac-l2tpns, allowed-sources: [127.0.0.0/8], secret: tunnelsecret}]
ppp:
  authentication: [chap, pap]
  restart-timer-ms: 1000
  local-address: 100.64.0.1
  dns: [192.0.2.53, 192.0.2.54]
  address-pool: sub
address-pools: [{name: sub, prefixes: [100.64.0.0/24]}]
aaa: {subscribers: [{user: alice@lns.test, password: wonderland}]}
data-plane: {tun: bq$$t}
YAML
"$brasd" --check-config "$work/lns.yaml" >/dev/null || fail "brasd config rejected"
$S "$brasd" --config "$work/lns.yaml" 2>"$work/brasd.log" &
pids+=($!)
wait_for "$work/brasd.log" "brasd-started" 10 || fail "brasd did not start"

start_l2tpns "$ns_srv" 'set hostname "lac-l2tpns"
set radius_authtypes "pap,chap"
set radius_accounting no
set pppoe_if_to_bind "access0"
set pppoe_ac_name "l2tpns-ac"
setforward @lns.test 127.0.0.5 1701 tunnelsecret'
echo "ok 1 - FreeRADIUS, brasd LNS and l2tpns (PPPoE server + LAC) up"

start_subscriber "$ns_sub" sub0 sub --user alice@lns.test --password wonderland --ping 198.51.100.1 \
  --ping-count 3 --hold 4 --setup-timeout 30
wait_for "$work/sub.err" "^ipcp-up 100\.64\.0\.[0-9]+ .*dns=192\.0\.2\.53,192\.0\.2\.54" 30 ||
  fail "the subscriber got no address from brasd's pool"
address=$(grep -m1 -oE "^ipcp-up [0-9.]+" "$work/sub.err" | cut -d' ' -f2)
echo "ok 2 - rp-pppoe client -> l2tpns LAC -> brasd LNS: IPCP gives $address from brasd's pool"

# LCP came up twice: with l2tpns (its PAP), then with brasd, which knows
# nothing of the first negotiation (no proxy AVPs) and authenticated alice itself.
[ "$(grep -c '^lcp-up' "$work/sub.err")" -eq 2 ] || fail "LCP did not come up twice (l2tpns, then brasd)"
grep -q "ppp-up .*user=alice@lns.test" "$work/brasd.log" || fail "brasd did not authenticate alice@lns.test"
echo "ok 3 - brasd renegotiated LCP and authenticated alice@lns.test (l2tpns sends no proxy AVPs)"

# The M-series layout has a Username column.
"$cli" -s "$work/cli.sock" show services l2tp session >"$work/sessions.txt" 2>&1 ||
  fail "bras-cli failed: $(cat "$work/sessions.txt")"
grep -qE "Established +[0-9]* *alice@lns\.test" "$work/sessions.txt" ||
  fail "bras-cli does not list the user: $(cat "$work/sessions.txt")"
"$cli" -s "$work/cli.sock" show services l2tp session detail >"$work/detail.txt" 2>&1 || fail "bras-cli detail failed"
grep -q "Remote IP: $address" "$work/detail.txt" || fail "the session's Remote IP is not $address: $(cat "$work/detail.txt")"
echo "ok 4 - bras-cli show services l2tp session lists alice@lns.test with $address"

wait_for "$work/sub.err" "^ping-reply from=198\.51\.100\.1" 10 || fail "no ping reply through brasd's tun"
echo "ok 5 - ICMP echo through l2tpns and brasd's tun answered"

# The subscriber hangs up (LCP Terminate, then EOF makes pppoe send a PADT).
rc=0
wait "$subscriber_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the client exited $rc"
wait_for "$work/brasd.log" "session-ended .*user=\"alice@lns.test\" address=$address cause=3" 15 ||
  fail "brasd did not end the session on the subscriber's LCP Terminate-Request"
deadline=$((SECONDS + 15))
while :; do
  "$cli" -s "$work/cli.sock" show services l2tp session >"$work/sessions.txt" 2>&1 || true
  grep -q "alice@lns.test" "$work/sessions.txt" || break
  [ $SECONDS -lt $deadline ] || fail "the session is still on brasd after the hang-up: $(cat "$work/sessions.txt")"
  sleep 0.3
done
echo "ok 6 - the subscriber's hang-up frees the session on brasd"

sleep 0.5
stop_capture "$l2tp_capture"
stop_capture "$pppoe_capture"
capture_fields l2tp
capture_fields pppoe
capture_has pppoe pppoed pppoes:ppp:lcp pppoes:ppp:pap pppoes:ppp:chap pppoes:ppp:ipcp pppoes:ppp:ip:icmp
capture_has l2tp l2tp:ppp:lcp l2tp:ppp:chap l2tp:ppp:ipcp l2tp:ppp:ip:icmp
# ICCN (type 12) as l2tpns sends it: no proxy LCP/authentication AVPs (26-33).
iccn=$(message_avps l2tp 12)
[ -n "$iccn" ] || fail "no ICCN in the capture"
echo ",$iccn," | grep -qE ",(2[6-9]|3[0-3])," && fail "l2tpns sent proxy AVPs after all: $iccn"
echo "ok 7 - tshark: $(wc -l <"$work/pppoe.fields") PPPoE and $(wc -l <"$work/l2tp.fields") L2TP packets," \
  "none malformed; ICCN without proxy AVPs"
echo "7 passed, 0 failed"

#!/usr/bin/env bash
# brasd's LNS behind another implementation's LAC:
#   rp-pppoe `pppoe` + bras_ppp_stdio_client (the PPPoE subscriber, netns CLI)
#     --veth--> l2tpns as PPPoE server and LAC (netns SRV; FreeRADIUS beside
#     it, as l2tpns requires one) --L2TP on the netns loopback--> brasd LNS
#     (netns SRV, 127.0.0.5, its tun in SRV).
# l2tpns forwards users of the realm @lns.test (setforward) once their PAP or
# CHAP response arrives, with no proxy LCP or authentication AVPs, so brasd
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
for tool in l2tpns freeradius pppoe tshark; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed" >&2; exit 77; }
done
ns_cli=brasq$$c
ns_srv=brasq$$s
veth_cli=bq$$c0
veth_srv=bq$$s0
work=$(mktemp -d /tmp/bras-l2tpns-lac.XXXXXX)
chmod 755 "$work"  # FreeRADIUS drops to the freerad user and reads its copied config here
pids=()
fail() {
  echo "FAIL: $*" >&2
  for f in brasd.log l2tpns.log client.err pppoe.err; do
    echo "--- $f" >&2
    tail -n 30 "$work/$f" >&2 2>/dev/null || true
  done
  exit 1
}
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.3
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns_cli" 2>/dev/null || true
  ip netns del "$ns_srv" 2>/dev/null || true
  [ -n "${BRAS_KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT
C="ip netns exec $ns_cli"
S="ip netns exec $ns_srv"

# wait_for FILE REGEX SECONDS
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

ip netns add "$ns_cli"
ip netns add "$ns_srv"
ip link add "$veth_cli" type veth peer name "$veth_srv"
ip link set "$veth_cli" netns "$ns_cli"
ip link set "$veth_srv" netns "$ns_srv"
for n in "$ns_cli" "$ns_srv"; do
  ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$n" link set lo up
done
ip -n "$ns_cli" link set "$veth_cli" up
ip -n "$ns_srv" link set "$veth_srv" up
# The ping target, behind brasd's tun.
$S ip addr add 198.51.100.1/32 dev lo

$S tshark -q -n -i lo -f 'udp port 1701' -w "$work/l2tp.pcap" 2>"$work/tshark-l2tp.log" &
pids+=($!)
tshark_l2tp=$!
$S tshark -q -n -i "$veth_srv" -f 'pppoed or pppoes' -w "$work/pppoe.pcap" 2>"$work/tshark-pppoe.log" &
pids+=($!)
tshark_pppoe=$!
wait_for "$work/tshark-l2tp.log" "Capturing on" 10 || fail "tshark (l2tp) did not start"
wait_for "$work/tshark-pppoe.log" "Capturing on" 10 || fail "tshark (pppoe) did not start"

# ------------------------------------------------------------ FreeRADIUS
cp -a /etc/freeradius/3.0 "$work/raddb"
$S freeradius -X -d "$work/raddb" >"$work/radius.log" 2>&1 &
pids+=($!)
wait_for "$work/radius.log" "Ready to process requests" 10 || fail "FreeRADIUS did not start"

# ------------------------------------------------------------ brasd LNS
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
brasd_pid=$!
pids+=($brasd_pid)
wait_for "$work/brasd.log" "brasd-started" 10 || fail "brasd did not start"

# ------------------------------------------------------------ l2tpns
# setsid: one of l2tpns's exit paths signals its whole process group, which
# would otherwise be this script's (and ctest's).
cat >"$work/l2tpns.cfg" <<CFG
set debug 3
set log_file "$work/l2tpns.log"
set pid_file "$work/l2tpns.pid"
set hostname "lac-l2tpns"
set l2tp_secret "tunnelsecret"
set bind_address 127.0.0.1
set primary_dns 192.0.2.53
set primary_radius 127.0.0.1
set radius_secret "testing123"
set radius_authtypes "pap,chap"
set radius_accounting no
set cli_bind_address 127.0.0.1
set send_garp no
set cluster_interface "lo"
set cluster_hb_interval 2
set cluster_hb_timeout 10
set pppoe_if_to_bind "$veth_srv"
set pppoe_ac_name "l2tpns-ac"
setforward @lns.test 127.0.0.5 1701 tunnelsecret
CFG
$S setsid l2tpns -c "$work/l2tpns.cfg" >"$work/l2tpns.out" 2>&1 &
l2tpns_pid=$!
pids+=($l2tpns_pid)
wait_for "$work/l2tpns.log" "declaring myself the master" 10 || fail "l2tpns did not become master"
echo "ok 1 - FreeRADIUS, brasd LNS and l2tpns (PPPoE server + LAC) up"

# ------------------------------------------------------------ the subscriber
# pppoe does discovery and encapsulation; the client is the PPP end. Two FIFOs
# join pppoe's stdout to the client's stdin and back; opening a FIFO blocks
# until its other end opens, so the client opens them in pppoe's order.
mkfifo "$work/to-client" "$work/to-pppoe"
$C pppoe -I "$veth_cli" <"$work/to-pppoe" >"$work/to-client" 2>"$work/pppoe.err" &
pppoe_pid=$!
pids+=($pppoe_pid)
"$client" --user alice@lns.test --password wonderland --ping 198.51.100.1 --ping-count 3 --hold 4 \
  --setup-timeout 30 >"$work/to-pppoe" <"$work/to-client" 2>"$work/client.err" &
client_pid=$!
pids+=($client_pid)

wait_for "$work/client.err" "^ipcp-up 100\.64\.0\.[0-9]+ .*dns=192\.0\.2\.53,192\.0\.2\.54" 30 ||
  fail "the subscriber got no address from brasd's pool"
address=$(grep -m1 -oE "^ipcp-up [0-9.]+" "$work/client.err" | cut -d' ' -f2)
grep -qE "session-established" "$work/brasd.log" || fail "brasd logged no session"
echo "ok 2 - rp-pppoe client -> l2tpns LAC -> brasd LNS: IPCP gives $address from brasd's pool"

# LCP came up twice: with l2tpns (its PAP), then with brasd, which knows
# nothing of the first negotiation (no proxy AVPs) and authenticated alice itself.
[ "$(grep -c '^lcp-up' "$work/client.err")" -eq 2 ] || fail "LCP did not come up twice (l2tpns, then brasd)"
grep -q "ppp-up .*user=alice@lns.test" "$work/brasd.log" || fail "brasd did not authenticate alice@lns.test"
echo "ok 3 - brasd renegotiated LCP and authenticated alice@lns.test (l2tpns sends no proxy AVPs)"

"$cli" -s "$work/cli.sock" show services l2tp session >"$work/sessions.txt" 2>&1 ||
  fail "bras-cli failed: $(cat "$work/sessions.txt")"
# The M-series layout has a Username column.
grep -qE "Established +[0-9]* *alice@lns\.test" "$work/sessions.txt" ||
  fail "bras-cli does not list the user: $(cat "$work/sessions.txt")"
"$cli" -s "$work/cli.sock" show services l2tp session detail >"$work/detail.txt" 2>&1 || fail "bras-cli detail failed"
grep -q "Remote IP: $address" "$work/detail.txt" || fail "the session's Remote IP is not $address: $(cat "$work/detail.txt")"
echo "ok 4 - bras-cli show services l2tp session lists alice@lns.test with $address"

wait_for "$work/client.err" "^ping-reply from=198\.51\.100\.1" 10 || fail "no ping reply through brasd's tun"
echo "ok 5 - ICMP echo through l2tpns and brasd's tun answered"

# The subscriber hangs up (LCP Terminate, then EOF makes pppoe send a PADT).
rc=0
wait "$client_pid" || rc=$?
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

# ------------------------------------------------------------ captures
sleep 0.5
kill -INT "$tshark_l2tp" "$tshark_pppoe"
wait "$tshark_l2tp" 2>/dev/null || true
wait "$tshark_pppoe" 2>/dev/null || true
# One pass over each capture: the protocols of every frame, then the flags.
for cap in l2tp pppoe; do
  tshark -n -r "$work/$cap.pcap" -T fields -E separator='|' -e frame.protocols -e l2tp.avp.message_type \
    -e l2tp.avp.type -e _ws.malformed -e _ws.expert.severity >"$work/$cap.fields" 2>/dev/null
  [ -s "$work/$cap.fields" ] || fail "the $cap capture is empty"
  bad=$(awk -F'|' '$4 != "" || $5 ~ /8388608/' "$work/$cap.fields" | wc -l)
  [ "$bad" -eq 0 ] || fail "tshark flags $bad packets in the $cap capture"
done
for proto in pppoed 'pppoes:ppp:lcp' 'pppoes:ppp:pap' 'pppoes:ppp:chap' 'pppoes:ppp:ipcp' 'pppoes:ppp:ip:icmp'; do
  grep -q "$proto" "$work/pppoe.fields" || fail "no $proto in the PPPoE capture"
done
for proto in 'l2tp:ppp:lcp' 'l2tp:ppp:chap' 'l2tp:ppp:ipcp' 'l2tp:ppp:ip:icmp'; do
  grep -q "$proto" "$work/l2tp.fields" || fail "no $proto in the L2TP capture"
done
# ICCN (type 12) as l2tpns sends it: no proxy LCP/authentication AVPs (26-33).
iccn=$(awk -F'|' '$2 ~ /(^|,)12(,|$)/ {print $3}' "$work/l2tp.fields")
[ -n "$iccn" ] || fail "no ICCN in the capture"
echo ",$iccn," | grep -qE ",(2[6-9]|3[0-3])," && fail "l2tpns sent proxy AVPs after all: $iccn"
echo "ok 7 - tshark: $(wc -l <"$work/pppoe.fields") PPPoE and $(wc -l <"$work/l2tp.fields") L2TP packets," \
  "none malformed; ICCN without proxy AVPs"
echo "7 passed, 0 failed"

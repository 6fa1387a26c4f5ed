#!/usr/bin/env bash
# Another implementation's PPPoE client against the brasd LAC:
#   rp-pppoe `pppoe` + bras_ppp_stdio_client (netns SUB) --veth--> brasd LAC
#   (configs/examples/lac-pppoe.yaml, netns BRAS) --L2TP on the netns
#   loopback--> brasd LNS (the embedded default, netns BRAS, its tun there).
# The LNS is set to require the LAC's proxy LCP (lcp-renegotiation: false), so
# the subscriber negotiates LCP and authenticates once, with the LAC, and the
# LNS takes both from the ICCN's proxy AVPs.
# Asserts: PPPoE Discovery, LCP and CHAP complete; IPCP gives an address from
# the LNS pool and a ping through the LNS's tun is answered; bras-cli on both
# daemons lists the session (the LNS with the user); the subscriber's hang-up
# frees it on both; a wrong password is refused by the LNS (proxy CHAP, cause
# 16) and the subscriber gets a CHAP Failure; tshark decodes the PPPoE and
# L2TP captures with no malformed frame, and the ICCN carries the proxy LCP
# and authentication AVPs.
# usage: rppppoe_lac.sh BRASD BRAS_CLI PPP_STDIO_CLIENT SOURCE_DIR
set -euo pipefail
brasd=$1
cli=$2
client=$3
src=$4
work=$(mktemp -d /tmp/bras-rppppoe-lac.XXXXXX)
pids=()
# shellcheck source-path=SCRIPTDIR source=interop_lib.sh
. "$(dirname "$0")/interop_lib.sh"
fail() {
  echo "FAIL: $*" >&2
  for f in lac.log lns.log sub.err sub.pppoe.err; do
    echo "--- $f" >&2
    tail -n 30 "$work/$f" >&2 2>/dev/null || true
  done
  exit 1
}
trap interop_cleanup EXIT
require_tools pppoe tshark
ns_sub=brasr$$c
ns=brasr$$s
B="ip netns exec $ns"
make_namespace "$ns_sub"
make_namespace "$ns"
make_veth "$ns_sub" sub0 "$ns" access0
$B ip addr add 198.51.100.1/32 dev lo  # the ping target, behind the LNS's tun
lac_cli() { $B "$cli" -s "$work/lac.sock" "$@"; }
lns_cli() { $B "$cli" -s "$work/lns.sock" "$@"; }

start_capture "$ns" lo 'udp port 1701' l2tp
l2tp_capture=$capture_pid
start_capture "$ns_sub" sub0 'pppoed or pppoes' pppoe
pppoe_capture=$capture_pid

# The LNS: the embedded default, with a private CLI socket, the M-series
# layout (it has a Username column) and proxy LCP required.
"$brasd" --print-default-config | sed -e "s#socket: /run/brasd/cli.sock#socket: $work/lns.sock#" \
  -e "s#session-layout: mx #session-layout: m-series #" \
  -e "s#lcp-renegotiation: true #lcp-renegotiation: false #" >"$work/lns.yaml"
grep -q "lcp-renegotiation: false" "$work/lns.yaml" || fail "could not turn LCP renegotiation off"
# The LAC: the shipped example with a private CLI socket.
sed -e "s#/run/brasd/lac.sock#$work/lac.sock#" -e "s#level: info#level: debug#" \
  "$src/configs/examples/lac-pppoe.yaml" >"$work/lac.yaml"
for f in lns lac; do
  "$brasd" --check-config "$work/$f.yaml" >/dev/null 2>"$work/check.err" || fail "$f config: $(cat "$work/check.err")"
done
$B "$brasd" --config "$work/lns.yaml" >"$work/lns.log" 2>&1 &
pids+=($!)
wait_for "$work/lns.log" "brasd-started" 10 || fail "the LNS did not start"
$B "$brasd" --config "$work/lac.yaml" >"$work/lac.log" 2>&1 &
pids+=($!)
wait_for "$work/lac.log" "brasd-started" 10 || fail "the LAC did not start"
echo "ok 1 - brasd LAC (lac-pppoe.yaml) and brasd LNS (default, proxy LCP required) up"

start_subscriber "$ns_sub" sub0 sub --user demo --password demo --auth chap --ping 198.51.100.1 --ping-count 3 \
  --hold 4 --setup-timeout 30
wait_for "$work/sub.err" "^ipcp-up 100\.64\.[0-9]+\.[0-9]+ " 30 || fail "the subscriber got no address from the LNS"
address=$(grep -m1 -oE "^ipcp-up [0-9.]+" "$work/sub.err" | cut -d' ' -f2)
grep -q "^lcp-up auth=chap" "$work/sub.err" || fail "LCP did not come up with CHAP"
grep -q "^auth-ok" "$work/sub.err" || fail "no CHAP Success"
[ "$(grep -c '^lcp-up' "$work/sub.err")" -eq 1 ] || fail "LCP was renegotiated although the LNS took the proxy LCP"
echo "ok 2 - rp-pppoe: Discovery, LCP and CHAP with the LAC; IPCP from the LNS gives $address"

wait_for "$work/sub.err" "^ping-reply from=198\.51\.100\.1" 10 || fail "no ping reply through the LNS's tun"
echo "ok 3 - ICMP echo through the LAC, the tunnel and the LNS's tun answered"

lac_cli show services l2tp session >"$work/lac-sessions.txt" 2>&1 || fail "bras-cli (LAC): $(cat "$work/lac-sessions.txt")"
[ "$(grep -c Established "$work/lac-sessions.txt")" -eq 1 ] || fail "LAC sessions: $(cat "$work/lac-sessions.txt")"
lns_cli show services l2tp session >"$work/lns-sessions.txt" 2>&1 || fail "bras-cli (LNS): $(cat "$work/lns-sessions.txt")"
grep -qE "Established +[0-9]* *demo" "$work/lns-sessions.txt" || fail "LNS sessions: $(cat "$work/lns-sessions.txt")"
lns_cli show services l2tp session detail >"$work/lns-detail.txt" 2>&1 || fail "bras-cli detail (LNS)"
grep -q "Remote IP: $address" "$work/lns-detail.txt" || fail "LNS Remote IP is not $address: $(cat "$work/lns-detail.txt")"
echo "ok 4 - bras-cli: the LAC lists the session, the LNS lists demo with $address"

# The subscriber hangs up (LCP Terminate, then EOF makes pppoe send a PADT).
rc=0
wait "$subscriber_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "the client exited $rc"
deadline=$((SECONDS + 15))
until lac_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0" &&
  lns_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0"; do
  [ $SECONDS -lt $deadline ] || fail "sessions left after the hang-up: $(lac_cli show services l2tp summary)"
  sleep 0.3
done
echo "ok 5 - the subscriber's hang-up frees the session on the LAC and on the LNS"

# A wrong password: the LAC only captures the credentials, the LNS refuses
# the proxy authentication, and the subscriber is told so and let go.
start_subscriber "$ns_sub" sub0 bad --user demo --password wrong --auth chap --hold 1 --setup-timeout 15
rc=0
wait "$subscriber_pid" || rc=$?
[ "$rc" -eq 1 ] || fail "the client with a wrong password exited $rc"
grep -q "^ipcp-up" "$work/bad.err" && fail "a wrong password got an address"
grep -q "^auth-failed" "$work/bad.err" || fail "no CHAP Failure for a wrong password: $(cat "$work/bad.err")"
grep -qE "session-ended .*user=\"demo\" .*cause=16 " "$work/lns.log" || fail "the LNS did not end the call with cause 16"
deadline=$((SECONDS + 15))
until lac_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0" &&
  lns_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0"; do
  [ $SECONDS -lt $deadline ] || fail "sessions left after the refusal: $(lac_cli show services l2tp summary)"
  sleep 0.3
done
echo "ok 6 - a wrong password: the LNS refuses the proxy CHAP (cause 16), the subscriber gets a CHAP Failure; nothing left"

sleep 0.5
stop_capture "$l2tp_capture"
stop_capture "$pppoe_capture"
capture_fields l2tp
capture_fields pppoe
capture_has pppoe pppoed pppoes:ppp:lcp pppoes:ppp:chap pppoes:ppp:ipcp pppoes:ppp:ip:icmp
capture_has l2tp l2tp:ppp:ipcp l2tp:ppp:ip:icmp
# RFC 2661 proxy AVPs in the ICCN: 26-28 (LCP), 29 Proxy Authen Type, 30 Name,
# 31 Challenge, 32 ID, 33 Response.
iccn=$(message_avps l2tp 12 | head -n 1)  # the good session's
[ -n "$iccn" ] || fail "no ICCN in the capture"
for avp in 26 27 28 29 30 31 32 33; do
  echo ",$iccn," | grep -q ",$avp," || fail "AVP $avp missing from the ICCN ($iccn)"
done
echo "ok 7 - tshark: $(wc -l <"$work/pppoe.fields") PPPoE and $(wc -l <"$work/l2tp.fields") L2TP packets," \
  "none malformed; the ICCN carries proxy LCP and CHAP"
echo "7 passed, 0 failed"

#!/usr/bin/env bash
# The brasd LAC with another implementation as the LNS:
#   rp-pppoe `pppoe` + bras_ppp_stdio_client (netns SUB) --veth--> brasd LAC
#   (configs/examples/lac-pppoe.yaml pointed at l2tpns, netns BRAS) --L2TP on
#   the netns loopback--> l2tpns as LNS (127.0.0.1) with FreeRADIUS (netns BRAS).
# Two runs:
#   (a) the LAC authenticates the subscriber (CHAP) and sends proxy LCP and
#       proxy authentication AVPs in the ICCN;
#   (b) the LAC asks for no authentication: no proxy authentication AVPs.
# l2tpns 2.4.1 takes no proxy AVP: it renegotiates LCP and authenticates the
# subscriber itself through FreeRADIUS in both runs, which is asserted.
# Asserts per run: the session comes up on l2tpns (FreeRADIUS Access-Accept,
# IPCP with the Framed-IP-Address), a ping to l2tpns's side is answered,
# bras-cli on the LAC lists the session, the subscriber's hang-up frees it, and
# tshark decodes the PPPoE and L2TP captures with no malformed frame.
# usage: lac_l2tpns.sh BRASD BRAS_CLI PPP_STDIO_CLIENT SOURCE_DIR
set -euo pipefail
brasd=$1
cli=$2
client=$3
src=$4
work=$(mktemp -d /tmp/bras-lac-l2tpns.XXXXXX)
pids=()
# shellcheck source-path=SCRIPTDIR source=interop_lib.sh
. "$(dirname "$0")/interop_lib.sh"
fail() {
  echo "FAIL: $*" >&2
  for f in lac-a.log lac-b.log l2tpns.log a.err b.err; do
    [ -f "$work/$f" ] || continue
    echo "--- $f" >&2
    tail -n 30 "$work/$f" >&2 || true
  done
  exit 1
}
trap interop_cleanup EXIT
require_tools l2tpns freeradius pppoe tshark setsid
ns_sub=brasl$$c
ns=brasl$$s
B="ip netns exec $ns"
make_namespace "$ns_sub"
make_namespace "$ns"
make_veth "$ns_sub" sub0 "$ns" access0
$B ip addr add 198.51.100.1/32 dev lo  # the ping target, on l2tpns's side
lac_cli() { $B "$cli" -s "$work/lac.sock" "$@"; }

start_capture "$ns" lo 'udp port 1701' l2tp
l2tp_capture=$capture_pid
start_capture "$ns_sub" sub0 'pppoed or pppoes' pppoe
pppoe_capture=$capture_pid

cat >"$work/radius.users" <<'USERS'
alice  Cleartext-Password := "wonderland"
       Framed-IP-Address = 100.64.1.10

bob    Cleartext-Password := "builder"
       Framed-IP-Address = 100.64.1.11

USERS
start_radius "$ns"
start_l2tpns "$ns" 'set hostname "lns-l2tpns"
set radius_authtypes "chap,pap"
set radius_accounting yes'

# lac_config NAME AUTHENTICATION GATEWAY: the shipped example pointed at
# l2tpns (its secret), a private CLI socket, the LAC's PPP authentication
# list and its local gateway address.
lac_config() {
  sed -e "s#/run/brasd/lac.sock#$work/lac.sock#" -e "s#level: info#level: debug#" \
    -e "s#{name: lac, address: 127.0.0.2, port: 1701}#{name: lac, address: $3, port: 1701}#" \
    -e "s#port: 1701, local-gateway: lac, secret: \"\"#port: 1701, local-gateway: lac, secret: tunnelsecret#" \
    -e "s#authentication: \[chap, pap\]#authentication: $2#" \
    "$src/configs/examples/lac-pppoe.yaml" >"$work/lac-$1.yaml"
  grep -q "secret: tunnelsecret" "$work/lac-$1.yaml" || fail "could not set the destination's secret"
  grep -qF "authentication: $2" "$work/lac-$1.yaml" || fail "could not set the LAC's authentication"
  grep -qF "address: $3," "$work/lac-$1.yaml" || fail "could not set the LAC's gateway"
  "$brasd" --check-config "$work/lac-$1.yaml" >/dev/null 2>"$work/check.err" || fail "LAC config $1: $(cat "$work/check.err")"
}

# run NAME AUTHENTICATION GATEWAY USER PASSWORD ADDRESS DESCRIPTION: one LAC,
# one subscriber, up and down.
run() {
  local name=$1 user=$4 password=$5 address=$6 what=$7
  lac_config "$name" "$2" "$3"
  $B "$brasd" --config "$work/lac-$name.yaml" >"$work/lac-$name.log" 2>&1 &
  local lac_pid=$!
  pids+=("$lac_pid")
  wait_for "$work/lac-$name.log" "brasd-started" 10 || fail "the LAC ($name) did not start"
  local accepts_before
  accepts_before=$(grep -c "Sent Access-Accept" "$work/radius.log" || true)

  start_subscriber "$ns_sub" sub0 "$name" --user "$user" --password "$password" --ping 198.51.100.1 --ping-count 3 \
    --hold 4 --setup-timeout 30
  wait_for "$work/$name.err" "^ipcp-up ${address//./\\.} " 30 || fail "($name) no IPCP with the RADIUS Framed-IP-Address"
  [ "$(grep -c "Sent Access-Accept" "$work/radius.log")" -gt "$accepts_before" ] ||
    fail "($name) FreeRADIUS accepted nobody"
  # l2tpns negotiates LCP itself after the ICCN: a second lcp-up (the first
  # was with the LAC when it authenticates, none otherwise).
  grep -q "^lcp-up" "$work/$name.err" || fail "($name) LCP never came up"
  echo "ok - ($name) $what: session up on l2tpns, FreeRADIUS Access-Accept, IPCP gives $address"

  wait_for "$work/$name.err" "^ping-reply from=198\.51\.100\.1" 10 || fail "($name) no ping reply from l2tpns's side"
  lac_cli show services l2tp session >"$work/$name-sessions.txt" 2>&1 || fail "($name) bras-cli failed"
  [ "$(grep -c Established "$work/$name-sessions.txt")" -eq 1 ] ||
    fail "($name) LAC sessions: $(cat "$work/$name-sessions.txt")"
  echo "ok - ($name) ping through the LAC and l2tpns answered; bras-cli on the LAC lists the session"

  local rc=0
  wait "$subscriber_pid" || rc=$?
  [ "$rc" -eq 0 ] || fail "($name) the client exited $rc"
  local deadline=$((SECONDS + 15))
  until lac_cli show services l2tp summary 2>/dev/null | grep -q "Sessions: 0"; do
    [ $SECONDS -lt $deadline ] || fail "($name) sessions left on the LAC after the hang-up"
    sleep 0.3
  done
  echo "ok - ($name) the subscriber's hang-up frees the session on the LAC"
  kill -TERM "$lac_pid"
  wait "$lac_pid" || fail "($name) the LAC's exit status on SIGTERM"
}

run a "[chap, pap]" 127.0.0.2 alice wonderland 100.64.1.10 "LAC authenticates (proxy authentication)"
grep -c "^lcp-up" "$work/a.err" | grep -qx 2 || fail "(a) LCP was not renegotiated by l2tpns"
# Another user from another address: l2tpns keeps a stopped tunnel a while and
# clears a user's older session when the user logs in again, which would send
# a CDN to the first LAC's tunnel and session IDs (the new LAC allocates the
# same ones) at the same address.
run b "[]" 127.0.0.3 bob builder 100.64.1.11 "LAC without authentication (no proxy authentication)"

sleep 0.5
stop_capture "$l2tp_capture"
stop_capture "$pppoe_capture"
capture_fields l2tp
capture_fields pppoe
capture_has pppoe pppoed pppoes:ppp:lcp pppoes:ppp:chap pppoes:ppp:ipcp pppoes:ppp:ip:icmp
capture_has l2tp l2tp:ppp:lcp l2tp:ppp:chap l2tp:ppp:ipcp l2tp:ppp:ip:icmp
# The two ICCNs, in order: (a) with proxy LCP (26-28) and CHAP (29-33),
# (b) with proxy LCP and no credentials (29, if sent, says "none").
mapfile -t iccns < <(message_avps l2tp 12)
[ "${#iccns[@]}" -eq 2 ] || fail "expected 2 ICCNs, got ${#iccns[@]}"
for avp in 26 27 28 29 30 31 32 33; do
  echo ",${iccns[0]}," | grep -q ",$avp," || fail "(a) AVP $avp missing from the ICCN (${iccns[0]})"
done
echo ",${iccns[1]}," | grep -qE ",(30|31|32|33)," && fail "(b) proxy credentials in the ICCN (${iccns[1]})"
echo "ok - tshark: $(wc -l <"$work/pppoe.fields") PPPoE and $(wc -l <"$work/l2tp.fields") L2TP packets," \
  "none malformed; ICCN (a) with proxy authentication, (b) without"
echo "7 passed, 0 failed"

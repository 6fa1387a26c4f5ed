#!/usr/bin/env bash
# brasd against xl2tpd (a real, independent L2TP stack), in a private network
# namespace made for this test (nothing leaves it):
#   1. brasd LNS <- xl2tpd LAC: tunnel with challenge authentication, a
#      session through ICCN; xl2tpd's pppd cannot start here (no /dev/ppp), so
#      xl2tpd clears the call with a CDN: brasd handles it and the tunnel stays.
#   2. the same LAC with a wrong secret: brasd refuses it (StopCCN 4).
#   3. SIGTERM: brasd sends StopCCN to its peer and exits 0.
#   4. brasd LAC -> xl2tpd LNS: tunnel and session established.
#   5. PPP: xl2tpd LAC running our pppd stand-in on its pty, brasd LNS
#      terminating PPP (CHAP, IPCP, IPv6CP) and a ping through its tun;
#      a wrong password refused.
#   6. tshark decodes the capture of the whole run (L2TP and the PPP inside)
#      with no malformed packet.
# usage: xl2tpd.sh BRASD PPP_STANDIN
set -euo pipefail
brasd=$1
standin=$2
ns=brasx$$
work=$(mktemp -d /tmp/bras-xl2tpd.XXXXXX)
pids=()
fail() { echo "FAIL: $*" >&2; echo "--- brasd logs"; tail -n 40 "$work"/brasd*.log >&2 || true; exit 1; }
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.2
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
N="ip netns exec $ns"
ip netns add "$ns"
ip -n "$ns" link set lo up

# wait_for FILE REGEX SECONDS
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_count FILE REGEX N SECONDS: at least N matching lines
wait_count() {
  local deadline=$((SECONDS + $4))
  while [ $SECONDS -lt $deadline ]; do
    [ "$(grep -cE "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}

$N tshark -q -n -i lo -f 'udp port 1701' -w "$work/run.pcap" 2>"$work/tshark.log" &
pids+=($!)
wait_for "$work/tshark.log" "Capturing on" 10 || fail "tshark did not start"

xl2tpd_lac() {  # name secret [challenge]
  mkdir -p "$work/$1"
  printf '*\t*\t%s\n' "$2" > "$work/$1/secrets"
  chmod 600 "$work/$1/secrets"
  printf 'noauth\n' > "$work/$1/options"
  cat > "$work/$1/xl2tpd.conf" <<CONF
[global]
listen-addr = 127.0.0.2
port = 1701
auth file = $work/$1/secrets
[lac brasd]
lns = 127.0.0.1
challenge = ${3:-yes}
hostname = lac-xl2tpd
autodial = yes
redial = no
pppoptfile = $work/$1/options
CONF
  $N xl2tpd -D -c "$work/$1/xl2tpd.conf" -p "$work/$1/pid" -C "$work/$1/control" >"$work/$1/log" 2>&1 &
  pids+=($!)
  echo $!
}

# ------------------------------------------------- brasd on its embedded default
$N "$brasd" 2>"$work/brasd-default.log" &
default_pid=$!
pids+=($default_pid)
wait_for "$work/brasd-default.log" "brasd-started" 10 || fail "brasd did not start on its default"
lac_pid=$(xl2tpd_lac plain "" no)
wait_for "$work/brasd-default.log" "tunnel-established tunnel=[0-9]+ peer=127.0.0.2:1701" 15 ||
  fail "the embedded default does not accept a loopback LAC"
kill "$lac_pid"; kill -TERM "$default_pid"; wait "$default_pid" || fail "brasd (default) exit status"
sleep 0.5
echo "ok 0 - brasd with no configuration file: an LNS on 127.0.0.1:1701 accepting loopback LACs"

# ---------------------------------------------------------------- brasd LNS
cat > "$work/lns.yaml" <<YAML
log: {level: debug}
l2tp:
  host-name: brasd-lns
  retransmit-initial-ms: 200
  retransmit-max-ms: 400
  retransmit-count: 3
  shutdown-timeout: 5
  local-gateways: [{name: lo, address: 127.0.0.1, port: 1701}]
  tunnel-groups:
    - name: xl2tpd
      hello-interval: 2
      clients: [{host-name: lac-xl2tpd, allowed-sources: [127.0.0.0/8], secret: tunnelsecret}]
YAML
"$brasd" --check-config "$work/lns.yaml" >/dev/null || fail "config rejected"
$N "$brasd" --config "$work/lns.yaml" 2>"$work/brasd-lns.log" &
brasd_pid=$!
pids+=($brasd_pid)
wait_for "$work/brasd-lns.log" "brasd-started" 10 || fail "brasd did not start"


lac_pid=$(xl2tpd_lac good tunnelsecret)
wait_for "$work/brasd-lns.log" "tunnel-established tunnel=[0-9]+ peer=127.0.0.2:1701" 15 || fail "no tunnel with xl2tpd"
wait_for "$work/brasd-lns.log" "session-established" 15 || fail "no session with xl2tpd"
wait_for "$work/brasd-lns.log" "session-cdn-received" 15 || fail "xl2tpd's CDN not seen"
sleep 2
grep -q "tunnel-destroyed" "$work/brasd-lns.log" && fail "the tunnel went down after the CDN"
echo "ok 1 - brasd LNS: tunnel + session with xl2tpd LAC, CDN handled, tunnel kept"

kill "$lac_pid"; sleep 0.5
# Without its own challenge xl2tpd cannot notice the mismatch first: brasd
# checks the LAC's Challenge Response in SCCCN and refuses the tunnel.
lac_pid=$(xl2tpd_lac bad wrongsecret no)
wait_for "$work/brasd-lns.log" "tunnel-stop .*result=4" 15 || fail "wrong secret not refused"
kill "$lac_pid"; sleep 0.5
[ "$(grep -c 'tunnel-established' "$work/brasd-lns.log")" -eq 1 ] || fail "a tunnel with a wrong secret came up"
echo "ok 2 - brasd LNS: wrong secret refused with StopCCN not-authorized"

# The first LAC was killed without a StopCCN: HELLO finds it dead.
first=$(grep -m1 -oE "tunnel-established tunnel=[0-9]+" "$work/brasd-lns.log" | grep -oE "[0-9]+$")
wait_for "$work/brasd-lns.log" "tunnel-transport-failed tunnel=$first " 20 || fail "dead peer not detected by HELLO"
echo "ok 3 - a silently dead LAC is found by HELLO and its tunnel cleared"
lac_pid=$(xl2tpd_lac again tunnelsecret)
wait_count "$work/brasd-lns.log" "tunnel-established.*127.0.0.2" 2 15 || fail "no tunnel for the SIGTERM test"
kill -TERM "$brasd_pid"
rc=0; wait "$brasd_pid" || rc=$?
[ "$rc" -eq 0 ] || fail "brasd exited $rc on SIGTERM"
grep -q "brasd-stopped clean=true" "$work/brasd-lns.log" || fail "StopCCN not acknowledged before exit"
kill "$lac_pid" 2>/dev/null || true
echo "ok 4 - SIGTERM: StopCCN acknowledged, exit 0"

# ---------------------------------------------------------------- brasd LAC
mkdir -p "$work/lns"
printf '*\t*\ttunnelsecret\n' > "$work/lns/secrets"; chmod 600 "$work/lns/secrets"
printf 'noauth\n' > "$work/lns/options"
cat > "$work/lns/xl2tpd.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = 1701
auth file = $work/lns/secrets
[lns default]
ip range = 100.64.0.10-100.64.0.20
local ip = 100.64.0.1
challenge = yes
hostname = lns-xl2tpd
require authentication = no
pppoptfile = $work/lns/options
CONF
sleep 0.5
$N xl2tpd -D -c "$work/lns/xl2tpd.conf" -p "$work/lns/pid" -C "$work/lns/control" >"$work/lns/log" 2>&1 &
xl2tpd_lns=$!
pids+=($xl2tpd_lns)
sleep 0.5
cat > "$work/lac.yaml" <<YAML
log: {level: debug}
l2tp:
  host-name: brasd-lac
  autodial-calls: 1
  local-gateways: [{name: lo, address: 127.0.0.3, port: 1701}]
  destinations: [{name: xl2tpd, address: 127.0.0.1, port: 1701, secret: tunnelsecret, peer-host-name: lns-xl2tpd}]
YAML
$N "$brasd" --config "$work/lac.yaml" 2>"$work/brasd-lac.log" &
lac_brasd=$!
pids+=($lac_brasd)
wait_for "$work/brasd-lac.log" "tunnel-established tunnel=[0-9]+ peer=127.0.0.1:1701 .*host=lns-xl2tpd" 15 ||
  fail "brasd LAC: no tunnel to xl2tpd"
wait_for "$work/brasd-lac.log" "session-established" 15 || fail "brasd LAC: no session"
echo "ok 5 - brasd LAC: tunnel and session with xl2tpd LNS"
kill -TERM "$lac_brasd"; wait "$lac_brasd" || fail "brasd LAC exit status"
kill "$xl2tpd_lns"; sleep 0.5

# ------------------------------------------------ PPP through xl2tpd to brasd
# xl2tpd (LAC) runs our pppd stand-in on its pty (bind-mounted over
# /usr/sbin/pppd in a private mount namespace): real async-HDLC PPP relayed
# by xl2tpd into L2TP data messages, terminated by brasd, with the data
# plane on a tun device in this namespace and a ping to an address behind it.
$N ip addr add 198.51.100.1/32 dev lo
cat > "$work/lns-ppp.yaml" <<YAML
log: {level: debug}
l2tp:
  host-name: brasd-lns
  local-gateways: [{name: lo, address: 127.0.0.1, port: 1701}]
  tunnel-groups:
    - name: xl2tpd
      clients: [{host-name: lac-xl2tpd, allowed-sources: [127.0.0.0/8], secret: tunnelsecret}]
ppp:
  authentication: [chap, pap]
  restart-timer-ms: 1000
  echo-interval: 1
  echo-failures: 2
  local-address: 100.64.0.1
  dns: [192.0.2.53, 192.0.2.54]
  address-pool: sub
address-pools: [{name: sub, prefixes: [100.64.0.0/24]}]
aaa: {subscribers: [{user: alice, password: wonderland}]}
data-plane: {tun: brasx0}
YAML
"$brasd" --check-config "$work/lns-ppp.yaml" >/dev/null || fail "PPP config rejected"
$N "$brasd" --config "$work/lns-ppp.yaml" 2>"$work/brasd-ppp.log" &
ppp_brasd=$!
pids+=($ppp_brasd)
wait_for "$work/brasd-ppp.log" "brasd-started" 10 || fail "brasd (PPP) did not start"
# ppp_lac name password [ipv6]: xl2tpd LAC whose "pppd" is the stand-in
ppp_lac() {
  mkdir -p "$work/$1"
  printf '*\t*\ttunnelsecret\n' > "$work/$1/secrets"; chmod 600 "$work/$1/secrets"
  printf 'noauth\n' > "$work/$1/options"
  cat > "$work/$1/xl2tpd.conf" <<CONF
[global]
listen-addr = 127.0.0.2
port = 1701
auth file = $work/$1/secrets
[lac brasd]
lns = 127.0.0.1
challenge = yes
hostname = lac-xl2tpd
autodial = yes
redial = no
pppoptfile = $work/$1/options
CONF
  unshare -m sh -c "mount --bind '$standin' /usr/sbin/pppd && exec env BRAS_STANDIN_USER=alice \
    BRAS_STANDIN_PASSWORD='$2' BRAS_STANDIN_LOG='$work/$1/standin.log' BRAS_STANDIN_IPV6='${3:-0}' \
    BRAS_STANDIN_PING=198.51.100.1 BRAS_STANDIN_PING_COUNT=3 \
    ip netns exec $ns xl2tpd -D -c '$work/$1/xl2tpd.conf' -p '$work/$1/pid' -C '$work/$1/control'" \
    >"$work/$1/log" 2>&1 &
  pids+=($!)
  echo $!
}
lac_pid=$(ppp_lac ppp-good wonderland 1)
wait_for "$work/ppp-good/standin.log" "ipcp-up address=100\.64\.0\.[0-9]+ .*dns=192\.0\.2\.53,192\.0\.2\.54" 20 ||
  { cat "$work/ppp-good/standin.log" >&2; fail "no IPCP through xl2tpd"; }
wait_for "$work/ppp-good/standin.log" "ipv6cp-up" 10 || fail "no IPv6CP through xl2tpd"
wait_for "$work/ppp-good/standin.log" "ping-reply from=198\.51\.100\.1" 10 || fail "no ping reply through tun"
echo "ok 6 - xl2tpd LAC + PPP stand-in: CHAP, IPCP with DNS, IPv6CP, ping through brasd's tun and back; echo timeout"
# xl2tpd killed without a word: LCP echo finds the subscriber gone (RFC 3145 cause 8).
kill "$lac_pid"
wait_for "$work/brasd-ppp.log" "ppp-finished .*user=alice cause=8" 15 || fail "no echo timeout after the LAC went away"
lac_pid=$(ppp_lac ppp-bad wrongpassword)
wait_for "$work/ppp-bad/standin.log" "auth-failed" 20 || fail "wrong password not refused"
wait_for "$work/brasd-ppp.log" "ppp-finished .*cause=16" 15 || fail "no cause 16 for the wrong password"
echo "ok 7 - xl2tpd LAC + PPP stand-in: a wrong password is refused (RFC 3145 cause 16)"
kill "$lac_pid"
kill -TERM "$ppp_brasd"; wait "$ppp_brasd" || fail "brasd (PPP) exit status"

# ---------------------------------------------------------------- capture
sleep 0.5
kill -INT "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
types=$(tshark -n -r "$work/run.pcap" -T fields -e l2tp.avp.message_type 2>/dev/null | tr ',' '\n' | sort -un | tr '\n' ' ')
bad=$(tshark -n -r "$work/run.pcap" -Y '_ws.malformed || _ws.expert.severity == 8388608' 2>/dev/null | wc -l)
[ "$bad" -eq 0 ] || fail "tshark flags $bad packets"
for t in 1 2 3 4 10 11 12 14; do
  echo " $types " | grep -q " $t " || fail "message type $t missing from the capture ($types)"
done
# brasd's CDN for the wrong password carries RFC 3145 AVP 46 with cause 16, as tshark reads it.
codes=$(tshark -n -r "$work/run.pcap" -Y 'l2tp.avp.message_type == 14' -T fields -e l2tp.avp.disconnect_code 2>/dev/null | tr '\n' ' ')
echo " $codes " | grep -qE "(^| |,)16( |,|$)" || fail "no CDN with PPP disconnect cause 16 in the capture ($codes)"
# The PPP inside the data messages: LCP, CHAP, IPCP, IPv6CP and IPv4 all decoded.
for proto in lcp chap ipcp ipv6cp icmp; do
  n=$(tshark -n -r "$work/run.pcap" -Y "l2tp && $proto" 2>/dev/null | wc -l)
  [ "$n" -gt 0 ] || fail "no $proto inside L2TP in the capture"
done
echo "ok 8 - tshark: $(tshark -n -r "$work/run.pcap" 2>/dev/null | wc -l) packets, none malformed; types: $types"
echo "9 passed, 0 failed"

#!/usr/bin/env bash
# bras-loadgen --pppoe against a real PPPoE server: l2tpns (PPPoE, PPP in
# userspace over tun) with FreeRADIUS, both in a namespace of their own,
# joined by a veth pair to a second namespace where bras-loadgen runs.
# 20 subscribers, untagged: every one gets an address, --traffic pings are
# answered, every one hangs up with a PADT, and tshark decodes the captured
# Discovery and Session frames without a malformed packet. Untagged only
# against l2tpns: it serves a VLAN only through a VLAN subinterface, and
# kernels without 802.1Q support (CI's) cannot make one; so the QinQ
# framing is checked on the wire instead (tshark decodes the PADIs' tags).
# No timing assertions.
# usage: loadgen_pppoe.sh BRAS_LOADGEN
set -euo pipefail
loadgen=$1
for tool in l2tpns freeradius tshark; do
  command -v "$tool" >/dev/null || PATH=$PATH:/usr/sbin command -v "$tool" >/dev/null || {
    echo "SKIP: $tool is not installed (apt-get install l2tpns freeradius tshark)"
    exit 77
  }
done
export PATH=$PATH:/usr/sbin
srv=bras-pppoe-s-$$
cli=bras-pppoe-c-$$
work=$(mktemp -d /tmp/bras-loadgen-pppoe.XXXXXX)
chmod 755 "$work"  # FreeRADIUS reads its copied config as the freerad user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -QUIT "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail() {
  echo "FAIL: $*" >&2
  for f in l2tpns.log rad.log err; do [ -f "$work/$f" ] && { echo "--- $f" >&2; tail -15 "$work/$f" >&2; }; done
  exit 1
}
S="ip netns exec $srv"
C="ip netns exec $cli"

ip netns add "$srv"
ip netns add "$cli"
ip -n "$srv" link set lo up
ip -n "$cli" link set lo up
ip link add "pc$$" netns "$cli" type veth peer name "ps$$" netns "$srv"
ip -n "$cli" link set "pc$$" name access0 up
ip -n "$srv" link set "ps$$" name pppoe0 up
# The traffic's destination: an address of the server's namespace, answered by its kernel
# and routed back to the subscribers through l2tpns's tun.
ip -n "$srv" addr add 192.0.2.1/32 dev lo

# FreeRADIUS on a copy of the stock config, every user with the password "loadgen".
cp -a /etc/freeradius/3.0 "$work/raddb"
authorize=$work/raddb/mods-config/files/authorize
{ printf 'DEFAULT Cleartext-Password := "loadgen"\n\n'; cat "$authorize"; } >"$work/authorize"
cp "$work/authorize" "$authorize"
chown freerad:freerad "$authorize" 2>/dev/null || true
$S freeradius -X -d "$work/raddb" >"$work/rad.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 10))
until grep -q 'Ready to process requests' "$work/rad.log"; do
  [ $SECONDS -lt $deadline ] || fail "FreeRADIUS did not start"
  sleep 0.1
done

l2tpns_pid=""
# start_l2tpns IFACE: l2tpns as a PPPoE server on IFACE, ready once it is the cluster master.
start_l2tpns() {
  : >"$work/l2tpns.log"
  cat >"$work/startup-config" <<EOF
set debug 2
set log_file "$work/l2tpns.log"
set pid_file "$work/l2tpns.pid"
set bind_address 127.0.0.1
set primary_dns 192.0.2.53
set primary_radius 127.0.0.1
set radius_secret "testing123"
set radius_authtypes "chap,pap"
set radius_accounting no
set cli_bind_address 127.0.0.1
set send_garp no
set peer_address 100.64.0.1
set cluster_interface "lo"
set cluster_hb_interval 2
set cluster_hb_timeout 10
set pppoe_if_to_bind "$1"
set pppoe_ac_name "l2tpns-ac"
EOF
  # Its own session: on SIGQUIT l2tpns signals its whole process group, which would include us.
  $S setsid l2tpns -c "$work/startup-config" >>"$work/l2tpns.out" 2>&1 &
  l2tpns_pid=$!
  pids+=($l2tpns_pid)
  local deadline=$((SECONDS + 15))
  until grep -q 'declaring myself the master' "$work/l2tpns.log"; do
    kill -0 "$l2tpns_pid" 2>/dev/null || fail "l2tpns exited: $(cat "$work/l2tpns.out")"
    [ $SECONDS -lt $deadline ] || fail "l2tpns did not become master"
    sleep 0.1
  done
}
# stop_l2tpns: SIGQUIT tears down its sessions too.
stop_l2tpns() {
  kill -QUIT "$l2tpns_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$l2tpns_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$l2tpns_pid" 2>/dev/null || true
  wait "$l2tpns_pid" 2>/dev/null || true
}

capture_pid=""
# start_capture PCAP: dumpcap on access0 into PCAP; returns once a probe frame
# is in the file (dumpcap announces itself before it captures).
start_capture() {
  $C dumpcap -q -P -i access0 -w "$1" >"$work/dumpcap.log" 2>&1 &
  capture_pid=$!
  pids+=($capture_pid)
  local deadline=$((SECONDS + 15))
  until [ "$(tshark -r "$1" -Y 'eth.type == 0x88b5' 2>/dev/null | wc -l)" -gt 0 ]; do
    [ $SECONDS -lt $deadline ] || fail "the capture did not start: $(cat "$work/dumpcap.log")"
    $C python3 -c 'import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(("access0", 0))
s.send(b"\xff" * 6 + bytes([2, 0xee, 0, 0, 0, 1]) + b"\x88\xb5" + b"capture-probe".ljust(46, b"\0"))'
    sleep 0.2
  done
}
# stop_capture: waits a little for the last frames, then stops dumpcap (it writes out what it has).
stop_capture() {
  sleep 0.5
  kill -INT "$capture_pid" 2>/dev/null || true
  wait "$capture_pid" 2>/dev/null || true
}

# count PCAP FILTER: frames of PCAP that tshark matches with FILTER.
count() {
  local out
  out=$(tshark -r "$1" -Y "$2" 2>"$work/tshark.err") || fail "tshark -Y '$2': $(cat "$work/tshark.err")"
  [ -z "$out" ] && echo 0 || echo "$out" | wc -l
}

# run_loadgen NAME ARGS...: 20 subscribers with traffic on access0, captured; checks the report.
run_loadgen() {
  local name=$1
  shift
  start_capture "$work/$name.pcap"
  local rc=0
  $C "$loadgen" --pppoe access0 --sessions 20 --max-outstanding 10 --user 'user{n}@isp.example' --password loadgen \
    --hold 3 --traffic 5 --traffic-dest 192.0.2.1 --circuit-id 'access0 eth 0/{n}' --remote-id 'cpe-{n}' \
    --report-json "$work/$name.json" "$@" >"$work/out" 2>"$work/err" || rc=$?
  stop_capture
  [ $rc -eq 0 ] || fail "bras-loadgen $name exit $rc: $(cat "$work/out")"
  python3 - "$work/$name.json" <<'PY' || fail "report $name: $(cat "$work/$name.json")"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["established"] == 20 and r["failed"] == 0, r
lat = r["setup_latency_ms"]
assert 0 < lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["max"], lat
t = r["traffic"]
assert t["sent"] > 0 and t["received"] >= 0.95 * t["sent"] and t["received"] <= t["sent"], t
p = r["pppoe"]
# Each session ends with a PADT: ours after the Terminate-Ack, or l2tpns's if it came first.
assert p["pads_received"] == 20 and p["padt_sent"] + p["padt_received"] == 20, p
assert p["dropped_malformed"] == 0, p
PY
  grep -q "^sessions: 20 established, 0 failed" "$work/out" || fail "text report: $(cat "$work/out")"
  # tshark decodes every frame: Discovery, Session (LCP, auth, IPCP, ICMP), nothing malformed.
  local pcap=$work/$name.pcap malformed discovery session icmp circuit
  malformed=$(count "$pcap" '_ws.malformed || _ws.expert.severity == error')
  discovery=$(count "$pcap" 'pppoe.code == 0x65 || pppoe.code == 0xa7')
  session=$(count "$pcap" 'pppoes && ipcp')
  icmp=$(count "$pcap" 'pppoes && icmp.type == 0')
  circuit=$(count "$pcap" 'pppoe.code == 0x09 && pppoed.tags.circuit_id == "access0 eth 0/7" && pppoed.tags.remote_id == "cpe-7"')
  [ "$malformed" -eq 0 ] || fail "tshark: $malformed malformed frames in $name: $(tshark -r "$work/$name.pcap" \
    -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | head -5)"
  [ "$discovery" -ge 40 ] || fail "tshark: $discovery PADS/PADT frames in $name, want at least 40"
  [ "$session" -ge 40 ] && [ "$icmp" -ge 20 ] || fail "tshark: $session IPCP and $icmp Echo Reply session frames in $name"
  [ "$circuit" -ge 1 ] || fail "tshark: no PADI with subscriber 7's TR-101 circuit and remote ids in $name"
}

start_l2tpns pppoe0
run_loadgen untagged
echo "ok 1 - 20 PPPoE subscribers through l2tpns: addresses, traffic answered, PADT, clean tshark decode"
stop_l2tpns

# QinQ both ways. A scripted AC on the server's end of the veth (Python, AF_PACKET)
# answers each PADI with a PADO carrying an AC-Cookie, a PADR echoing that cookie
# with a PADS, and then ends the session at once with a PADT. The kernel takes the
# outer tag of every frame coming in into metadata (there is no VLAN device), so
# bras-loadgen must restore it to see the answers as its own.
cat >"$work/responder.py" <<'PY'
import socket, struct, sys
SOL_PACKET, PACKET_AUXDATA, VLAN_VALID, TPID_VALID = 263, 8, 1 << 4, 1 << 6
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
s.bind((sys.argv[1], 0))
s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
mac, cookie, sessions = s.getsockname()[4], b"responder-cookie", 0
print("ready", flush=True)
def tag(t, v): return struct.pack("!HH", t, len(v)) + v
while True:
    data, anc, _, addr = s.recvmsg(4096, 256)
    if addr[2] == socket.PACKET_OUTGOING: continue
    tags = b""
    for level, kind, d in anc:
        if level == SOL_PACKET and kind == PACKET_AUXDATA:
            status, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH", d[:20])
            if status & VLAN_VALID: tags += struct.pack("!HH", tpid if status & TPID_VALID else 0x8100, tci)
    rest = data[12:]
    while len(rest) >= 4 and struct.unpack("!H", rest[:2])[0] in (0x8100, 0x88a8):
        tags, rest = tags + rest[:4], rest[4:]
    if len(rest) < 8 or struct.unpack("!H", rest[:2])[0] != 0x8863: continue
    _, code, _, length = struct.unpack("!BBHH", rest[2:8])
    payload, got, i = rest[8:8 + length], {}, 0
    while i + 4 <= len(payload):
        t, n = struct.unpack("!HH", payload[i:i + 4]); got.setdefault(t, payload[i + 4:i + 4 + n]); i += 4 + n
    def send(code, sid, body):
        s.send(data[6:12] + mac + tags + struct.pack("!HBBHH", 0x8863, 0x11, code, sid, len(body)) + body)
    uniq = tag(0x0103, got.get(0x0103, b""))
    if code == 0x09:
        send(0x07, 0, tag(0x0101, got.get(0x0101, b"")) + tag(0x0102, b"responder") + tag(0x0104, cookie) + uniq)
    elif code == 0x19 and got.get(0x0104) == cookie:
        sessions += 1
        send(0x65, sessions, tag(0x0101, got.get(0x0101, b"")) + uniq)
        send(0xa7, sessions, tag(0x0203, b"responder-hangs-up"))
PY
$S python3 "$work/responder.py" pppoe0 >"$work/responder.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 10))
until grep -q ready "$work/responder.log"; do
  [ $SECONDS -lt $deadline ] || fail "responder did not start: $(cat "$work/responder.log")"
  sleep 0.1
done
cookie=$(printf responder-cookie | od -An -tx1 | tr -d ' \n')
# run_qinq NAME WANT ARGS...: 4 subscribers on S-VLAN 10 over C-VLANs 100-101 against the
# responder; WANT is what tshark makes of the PADRs' tags (sorted, unique, one line).
run_qinq() {
  local name=$1 want=$2 rc=0 malformed tags
  shift 2
  start_capture "$work/$name.pcap"
  $C "$loadgen" --pppoe access0 --sessions 4 --vlan 100-101 --svlan 10 --timeout 5 --max-payload 1500 "$@" \
    --circuit-id 'access0 eth 0/{n}' --report-json "$work/$name.json" >"$work/out" 2>"$work/err" || rc=$?
  stop_capture
  [ $rc -eq 1 ] || fail "bras-loadgen against the hanging-up responder: exit $rc, want 1: $(cat "$work/out" "$work/err")"
  grep -q "^failed: 4 padt-received" "$work/out" || fail "text report: $(cat "$work/out")"
  python3 - "$work/$name.json" <<'PY' || fail "report $name: $(cat "$work/$name.json")"
import json, sys
p = json.load(open(sys.argv[1]))["pppoe"]
assert p["pado_received"] == 4 and p["pads_received"] == 4 and p["padt_received"] == 4, p
assert p["padt_sent"] == 0 and p["dropped_malformed"] == 0 and p["dropped_unexpected"] == 0, p
PY
  malformed=$(count "$work/$name.pcap" '_ws.malformed || _ws.expert.severity == error')
  [ "$malformed" -eq 0 ] || fail "tshark: $malformed malformed QinQ frames"
  tags=$(tshark -r "$work/$name.pcap" -Y 'pppoe.code == 0x19' -T fields -e eth.type -e vlan.etype -e vlan.id \
    -e ieee8021ad.id -e pppoed.tags.ac_cookie 2>"$work/tshark.err" | sort -u | tr '\n\t' '  ') ||
    fail "tshark: $(cat "$work/tshark.err")"
  [ "$tags" = "$want" ] || fail "$name PADR tags and cookie: '$tags', want '$want'"
}
run_qinq qinq "0x8100 0x8100,0x8863 10,100  $cookie 0x8100 0x8100,0x8863 10,101  $cookie "
run_qinq qinq-8021ad "0x88a8 0x8863 100 10 $cookie 0x88a8 0x8863 101 10 $cookie " --svlan-tpid 0x88a8
echo "ok 2 - QinQ (S-VLAN 10 over C-VLANs 100-101; outer TPID 0x8100, then 0x88a8) both ways: PADO," \
  "PADR with the cookie, PADS, the AC's PADT ends it"

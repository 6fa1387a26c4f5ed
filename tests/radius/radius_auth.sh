#!/usr/bin/env bash
# RADIUS authentication and authorization end to end: bras-loadgen subscribers
# -> brasd LNS (configs/examples/lns-radius.yaml) -> Debian's stock FreeRADIUS,
# all in a private namespace. PAP and CHAP accepts apply Framed-IP-Address,
# Framed-Pool, Session-Timeout and Idle-Timeout; Class comes back in the
# accounting records of FreeRADIUS's detail file with the right
# Acct-Terminate-Cause; a reject carries its Reply-Message to the subscriber
# (PAP Nak, read by tshark) and nothing is left held afterwards.
# usage: radius_auth.sh BRASD BRAS_CLI BRAS_LOADGEN SOURCE_ROOT
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3 root=$4
source "$(dirname "$0")/radius_lib.sh"
radius_test_begin radauth freeradius tshark

cat >"$work/radius.users" <<'USERS'
radpap	Cleartext-Password := "pap-pass"
	Framed-IP-Address = 100.64.200.9,
	Session-Timeout = 4,
	Class = "gold-pap"

radchap	Cleartext-Password := "chap-pass"
	Framed-Pool = "radpool",
	Idle-Timeout = 3,
	Class = "silver-chap"

radbad	Auth-Type := Reject
	Reply-Message = "Go away"

USERS
make_test_namespace
radius_configure fr 1812 1813
radius_start fr

# PAP first (its Reply-Message test needs PAP), a second pool for Framed-Pool.
brasd_config "$work/pap.yaml" "
c['ppp']['authentication'] = ['pap']
c['address-pools'].append({'name': 'radpool', 'prefixes': ['100.65.0.0/24']})
c['radius']['accounting']['interim-interval'] = 0
"
brasd_up "$work/pap.yaml"

# 1. PAP accept: the Framed-IP-Address is the subscriber's, the Session-Timeout ends it.
ip netns exec "$ns" "$loadgen" --sessions 1 --user radpap --password pap-pass --hold 8 \
  --report-json "$work/pap.json" >"$work/pap.out" 2>&1 &
lg=$!
wait_until 10 bash -c "'$cli' --socket '$work/cli.sock' show services l2tp session extensive | grep -q 100.64.200.9" ||
  fail "radpap did not get 100.64.200.9: $(cli_run show services l2tp session extensive)"
echo "ok 1 - PAP Access-Accept: the session has its Framed-IP-Address"
wait_until 10 bash -c "'$cli' --socket '$work/cli.sock' show services l2tp summary | grep -q 'Sessions: 0'" ||
  fail "Session-Timeout 4 did not end the session"
wait "$lg" || true
echo "ok 2 - Session-Timeout from RADIUS ends the session"

stop_of() {  # USER CAUSE: a Stop for USER with that cause and its Class is in the detail file
  detail_records fr | python3 -c "
import json, sys
user, cause, klass = sys.argv[1], sys.argv[2], sys.argv[3].encode().hex()
for line in sys.stdin:
    r = json.loads(line)
    if r.get('User-Name') == user and r.get('Acct-Status-Type') == 'Stop':
        c = r.get('Class', '')
        ok_class = c in (sys.argv[3], '0x' + klass)
        sys.exit(0 if r.get('Acct-Terminate-Cause') == cause and ok_class else 1)
sys.exit(1)
" "$@"
}
start_of() {  # USER CLASS
  detail_records fr | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get('User-Name') == sys.argv[1] and r.get('Acct-Status-Type') == 'Start':
        sys.exit(0 if r.get('Class', '') in (sys.argv[2], '0x' + sys.argv[2].encode().hex()) else 1)
sys.exit(1)
" "$@"
}
wait_until 10 start_of radpap gold-pap || fail "no Start with Class gold-pap: $(detail_records fr)"
start_field() {  # USER FIELD: the field of USER's Start record in the detail file
  detail_records fr | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get('User-Name') == sys.argv[1] and r.get('Acct-Status-Type') == 'Start':
        print(r.get(sys.argv[2], '')); break
" "$1" "$2"
}
[ "$(start_field radpap Framed-IP-Address)" = 100.64.200.9 ] ||
  fail "the Start says Framed-IP-Address $(start_field radpap Framed-IP-Address)"
wait_until 10 stop_of radpap Session-Timeout gold-pap || fail "no Stop (Session-Timeout, Class): $(detail_records fr)"
echo "ok 3 - Start and Stop carry the Class; the Stop says Session-Timeout"

# 4. PAP reject: the Reply-Message reaches the subscriber in the PAP Nak.
ip netns exec "$ns" tshark -q -n -i lo -f "udp port 1701" -w "$work/reject.pcap" 2>"$work/tshark.log" &
cap=$!
pids+=("$cap")
wait_until 10 grep -q "Capturing on" "$work/tshark.log" || fail "tshark did not start"
ip netns exec "$ns" "$loadgen" --sessions 1 --user radbad --password whatever --timeout 10 \
  --report-json "$work/bad.json" >"$work/bad.out" 2>&1 || true
sleep 0.5
kill -INT "$cap"; wait "$cap" 2>/dev/null || true
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r['established']==0 and r['failed']==1 else 1)" \
  "$work/bad.json" || fail "radbad was not refused: $(cat "$work/bad.json")"
tshark -n -r "$work/reject.pcap" -Y "pap.code == 3" -T fields -e pap.message 2>/dev/null | grep -qx "Go away" ||
  fail "no PAP Nak with 'Go away': $(tshark -n -r "$work/reject.pcap" -Y pap 2>/dev/null)"
grep -q 'ppp-auth-rejected.*user="radbad".*reason=radius-reject' "$work/brasd.log" || fail "no ppp-auth-rejected line"
echo "ok 4 - Access-Reject: PAP Nak with the Reply-Message, logged as radius-reject"

# 5. CHAP (a new brasd: CHAP first) with Framed-Pool and Idle-Timeout.
kill "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
brasd_config "$work/chap.yaml" "
c['ppp']['authentication'] = ['chap']
c['address-pools'].append({'name': 'radpool', 'prefixes': ['100.65.0.0/24']})
"
brasd_up "$work/chap.yaml"
ip netns exec "$ns" "$loadgen" --sessions 1 --user radchap --password chap-pass --hold 10 \
  --report-json "$work/chap.json" >"$work/chap.out" 2>&1 &
lg=$!
wait_until 10 bash -c "'$cli' --socket '$work/cli.sock' show services l2tp session extensive | grep -q '100\.65\.0\.'" ||
  fail "radchap did not get an address from radpool: $(cli_run show services l2tp session extensive)"
echo "ok 5 - CHAP Access-Accept with Framed-Pool: the address is from that pool"
# No traffic: the Idle-Timeout (3 s) ends it long before the 10 s hold.
wait_until 8 bash -c "'$cli' --socket '$work/cli.sock' show services l2tp summary | grep -q 'Sessions: 0'" ||
  fail "Idle-Timeout 3 did not end the session"
wait "$lg" || true
wait_until 10 stop_of radchap Idle-Timeout silver-chap || fail "no Stop (Idle-Timeout, Class): $(detail_records fr)"
[[ "$(start_field radchap Framed-IP-Address)" == 100.65.0.* ]] ||
  fail "radchap's Start says Framed-IP-Address $(start_field radchap Framed-IP-Address), not one of radpool"
echo "ok 6 - Idle-Timeout from RADIUS ends the session; Framed-IP (from radpool) and Class in the detail file"

# A CHAP reject (wrong password).
ip netns exec "$ns" "$loadgen" --sessions 1 --user radchap --password wrong --timeout 10 \
  --report-json "$work/chapbad.json" >"$work/chapbad.out" 2>&1 || true
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); sys.exit(0 if r['established']==0 else 1)" \
  "$work/chapbad.json" || fail "radchap with a wrong password was established"
grep -q 'ppp-auth-rejected.*user="radchap".*reason=radius-reject' "$work/brasd.log" || fail "no CHAP radius-reject"
echo "ok 7 - CHAP with a wrong password: Access-Reject, CHAP Failure"

# 8. Nothing held: every pool address is back.
in_use=$(metric 'brasd_address_pool_used_addresses')
[ "$in_use" = 0 ] || fail "addresses still in use: '$in_use'"
echo "ok 8 - every address is back in its pool"

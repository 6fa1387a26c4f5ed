#!/usr/bin/env bash
# CoA and Disconnect-Message (RFC 5176) end to end: FreeRADIUS's radclient
# against brasd's dynamic-authorization port (configs/examples/lns-radius.yaml:
# 127.0.0.1:3799, client 127.0.0.1, secret testing123), with bras-loadgen
# subscribers authenticated by Debian's stock FreeRADIUS, in a private
# namespace. A Disconnect-Request ends its session (the CDN is on the wire,
# the Stop says Admin-Reset) and is ACKed; a CoA's new Session-Timeout is
# enforced; an unknown session gets a NAK with Error-Cause 503; a request
# from an unlisted client or with a bad authenticator is dropped and counted.
# usage: radius_coa.sh BRASD BRAS_CLI BRAS_LOADGEN SOURCE_ROOT
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3 root=$4
tool=$(dirname "$0")/radius_tool.py
source "$(dirname "$0")/radius_lib.sh"
radius_test_begin radcoa freeradius radclient tshark

cat >"$work/radius.users" <<'USERS'
DEFAULT	User-Name =~ "^coa[0-9]+$", Cleartext-Password := "coa-pass"

USERS
make_test_namespace
radius_configure fr 1812 1813
radius_start fr
brasd_config "$work/brasd.yaml"
brasd_up "$work/brasd.yaml"
ip netns exec "$ns" tshark -q -n -i lo -f "udp port 1701" -w "$work/l2tp.pcap" 2>"$work/tshark.log" &
cap=$!
pids+=("$cap")
wait_until 10 grep -q "Capturing on" "$work/tshark.log" || fail "tshark did not start"

ip netns exec "$ns" "$loadgen" --sessions 4 --user 'coa{n}' --password coa-pass --hold 40 --timeout 60 \
  >"$work/load.out" 2>&1 &
pids+=($!)
sessions() { cli_run show services l2tp summary | sed -n 's/.*Sessions: \([0-9]*\).*/\1/p' | head -1; }
wait_until 20 eval '[ "$(sessions)" = 4 ]' || fail "the 4 sessions did not come up: $(cli_run show services l2tp summary)"

field_of() {  # USER FIELD: the field of USER's Start record
  detail_records fr | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get('User-Name') == sys.argv[1] and r.get('Acct-Status-Type') == 'Start':
        print(r.get(sys.argv[2], '')); break
" "$1" "$2"
}
wait_until 10 eval '[ -n "$(field_of coa1 Acct-Session-Id)" ]' || fail "no Start for coa1"
stop_cause() {
  detail_records fr | python3 -c "
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    if r.get('User-Name') == sys.argv[1] and r.get('Acct-Status-Type') == 'Stop':
        print(r.get('Acct-Terminate-Cause', '')); break
" "$1"
}
radclient_send() {  # CODE ATTRIBUTES: radclient's output
  printf '%s\n' "$2" | ip netns exec "$ns" radclient -x -r 1 -t 3 127.0.0.1:3799 "$1" testing123 2>&1 || true
}

# 1. Disconnect by Acct-Session-Id.
sid=$(field_of coa1 Acct-Session-Id)
out=$(radclient_send disconnect "Acct-Session-Id = \"$sid\"")
grep -q "Received Disconnect-ACK" <<<"$out" || fail "no Disconnect-ACK: $out"
wait_until 10 eval '[ "$(sessions)" = 3 ]' || fail "coa1 still up after its Disconnect-ACK"
wait_until 10 eval '[ "$(stop_cause coa1)" = Admin-Reset ]' || fail "coa1's Stop says '$(stop_cause coa1)', not Admin-Reset"
echo "ok 1 - Disconnect-Request by Acct-Session-Id: ACK, the session ends, its Stop says Admin-Reset"

# 2. Disconnect by Framed-IP-Address.
ip=$(field_of coa2 Framed-IP-Address)
[ -n "$ip" ] || fail "no Framed-IP-Address in coa2's Start"
out=$(radclient_send disconnect "Framed-IP-Address = $ip")
grep -q "Received Disconnect-ACK" <<<"$out" || fail "no Disconnect-ACK for $ip: $out"
wait_until 10 eval '[ "$(sessions)" = 2 ]' || fail "coa2 still up"
echo "ok 2 - Disconnect-Request by Framed-IP-Address ends that session"

# 3. CoA: a new Session-Timeout (counted from the session's start) is enforced.
out=$(radclient_send coa "User-Name = \"coa3\"
Session-Timeout = 3")
grep -q "Received CoA-ACK" <<<"$out" || fail "no CoA-ACK: $out"
wait_until 10 eval '[ "$(sessions)" = 1 ]' || fail "coa3 did not end by its new Session-Timeout"
wait_until 10 eval '[ "$(stop_cause coa3)" = Session-Timeout ]' || fail "coa3's Stop says '$(stop_cause coa3)'"
echo "ok 3 - CoA-Request: ACK, and the new Session-Timeout ends the session"

# 4. An unknown session: NAK with Error-Cause Session-Context-Not-Found (503).
out=$(radclient_send disconnect 'User-Name = "nobody"')
grep -q "Received Disconnect-NAK" <<<"$out" || fail "no Disconnect-NAK for an unknown session: $out"
grep -Eq "Error-Cause = (Session-Context-Not-Found|503)" <<<"$out" || fail "no Error-Cause 503: $out"
[ "$(sessions)" = 1 ] || fail "a NAK'd request ended a session"
echo "ok 4 - a request for an unknown session: NAK 503, nothing ends"

# 5. Unlisted client and bad authenticator: dropped (no answer) and counted.
out=$(ip netns exec "$ns" python3 "$tool" dynamic --source 127.0.0.2 --to 127.0.0.1:3799 --secret testing123 \
  --code disconnect User-Name=coa4)
[ "$out" = timeout ] || fail "an unlisted client got an answer: $out"
out=$(ip netns exec "$ns" python3 "$tool" dynamic --to 127.0.0.1:3799 --secret testing123 --bad-authenticator \
  --code disconnect User-Name=coa4)
[ "$out" = timeout ] || fail "a bad authenticator got an answer: $out"
[ "$(sessions)" = 1 ] || fail "a dropped request ended a session"
unknown=$(metric 'brasd_coa_dropped_total{reason="unknown-client"}')
forged=$(metric 'brasd_coa_dropped_total{reason="bad-authenticator"}')
[ "${unknown:-0}" -ge 1 ] && [ "${forged:-0}" -ge 1 ] || fail "drops not counted: unknown=$unknown bad=$forged"
echo "ok 5 - unlisted client and bad authenticator: dropped, counted ($unknown, $forged)"

# 6. The CDNs are on the wire (tshark): one per disconnected or timed-out session.
kill -INT "$cap"; wait "$cap" 2>/dev/null || true
cdns=$(tshark -n -r "$work/l2tp.pcap" -Y "l2tp.avp.message_type == 14" 2>/dev/null | wc -l)
[ "$cdns" -ge 3 ] || fail "tshark sees $cdns CDNs, expected 3"
echo "ok 6 - tshark sees the CDNs brasd sent ($cdns)"

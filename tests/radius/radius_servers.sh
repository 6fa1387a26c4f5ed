#!/usr/bin/env bash
# RADIUS server groups end to end, in a private namespace: failover from one
# Debian stock FreeRADIUS to a second when the first dies, and back once its
# dead time is over and it answers a Status-Server; then BlastRADIUS
# (CVE-2024-3596) with a small independent responder (radius_tool.py): an
# Access-Accept with a bad Response Authenticator is refused, and so is one
# without Message-Authenticator from a server set to `yes` or that has sent
# one before (`auto`).
# usage: radius_servers.sh BRASD BRAS_CLI BRAS_LOADGEN SOURCE_ROOT
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3 root=$4
tool=$(dirname "$0")/radius_tool.py
source "$(dirname "$0")/radius_lib.sh"
radius_test_begin radsrv freeradius

cat >"$work/radius.users" <<'USERS'
DEFAULT	User-Name =~ "^fo[0-9]+$", Cleartext-Password := "fo-pass"

USERS
make_test_namespace
radius_configure fa 1812 1813
radius_configure fb 11812 11813
radius_start fa
radius_start fb
brasd_config "$work/failover.yaml" "
g = c['radius']['authentication']
g['dead-after'] = 1
g['dead-time'] = 4
g['probe-interval'] = 1
s = dict(g['servers'][0])
s.update({'name': 'fa', 'timeout-ms': 500, 'retries': 1, 'weight': 1})
b = dict(s)
b.update({'name': 'fb', 'port': 11812, 'weight': 0})
g['servers'] = [s, b]
"
brasd_up "$work/failover.yaml"

dial() {  # USER: 0 when bras-loadgen established the session
  ip netns exec "$ns" "$loadgen" --sessions 1 --user "$1" --password fo-pass --timeout 15 \
    --report-json "$work/$1.json" >"$work/$1.out" 2>&1 || true
  python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))['established']==1 else 1)" "$work/$1.json"
}
seen_by() { grep -rq "User-Name = \"$2\"" "$work/$1.log" 2>/dev/null; }
up_of() { metric "brasd_radius_server_up{service=\"authentication\",server=\"$1\"}"; }

dial fo1 || fail "fo1 was not established: $(cat "$work/fo1.out")"
seen_by fa fo1 || fail "fo1 did not go to fa"
echo "ok 1 - the weighted server (fa) authenticates"

radius_stop fa
dial fo2 || fail "fo2 was not established with fa down: $(cat "$work/fo2.out")"
seen_by fb fo2 || fail "fo2 did not go to fb"
[ "$(up_of fa)" = 0 ] || fail "fa is not reported down: $(up_of fa)"
cli_run show network-access aaa radius-servers >"$work/servers.txt" || true
grep -Eiq "fa.*(dead|down)" "$work/servers.txt" || fail "show radius-servers: $(cat "$work/servers.txt")"
echo "ok 2 - fa dies: fo2 fails over to fb, fa is dead in the metrics and the show command"

radius_start fa
wait_until 20 eval '[ "$(up_of fa)" = 1 ]' || fail "fa did not come back after its dead time"
grep -q "Status-Server" "$work/fa.log" || fail "fa was not probed with Status-Server"
dial fo3 || fail "fo3 was not established"
seen_by fa fo3 || fail "fo3 did not go back to fa"
echo "ok 3 - fa answers a Status-Server after its dead time and takes requests again"
kill "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true

# BlastRADIUS: the test responder instead of FreeRADIUS.
responder() {  # MODE
  ip netns exec "$ns" python3 "$tool" respond --listen 127.0.0.1:21812 --secret testing123 --mode "$1" \
    --log "$work/responder.log" &
  responder_pid=$!
  pids+=("$responder_pid")
  sleep 0.3
}
blast_config() {  # OUT MESSAGE-AUTHENTICATOR
  brasd_config "$1" "
g = c['radius']['authentication']
s = g['servers'][0]
s.update({'name': 'resp', 'port': 21812, 'timeout-ms': 500, 'retries': 0, 'message-authenticator': '$2'})
g['servers'] = [s]
g['dead-after'] = 100
"
}
dropped() { metric "brasd_radius_dropped_replies_total{service=\"authentication\",server=\"resp\",reason=\"$1\"}"; }

responder bad-auth
blast_config "$work/blast-no.yaml" no
brasd_up "$work/blast-no.yaml"
dial fo4 && fail "an Access-Accept with a bad Response Authenticator was taken"
[ "$(dropped bad-authenticator)" -ge 1 ] || fail "the forged reply was not counted"
echo "ok 4 - a bad Response Authenticator: refused and counted"
kill "$responder_pid"; wait "$responder_pid" 2>/dev/null || true
responder no-ma
dial fo5 || fail "policy no: an Accept without Message-Authenticator was refused"
kill "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
echo "ok 5 - policy no: an Accept without Message-Authenticator is taken"

blast_config "$work/blast-yes.yaml" "yes"
brasd_up "$work/blast-yes.yaml"
dial fo6 && fail "policy yes: an Accept without Message-Authenticator was taken"
[ "$(dropped missing-message-authenticator)" -ge 1 ] || fail "the missing Message-Authenticator was not counted"
kill "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
echo "ok 6 - policy yes: an Accept without Message-Authenticator is refused"

kill "$responder_pid"; wait "$responder_pid" 2>/dev/null || true
responder good
blast_config "$work/blast-auto.yaml" auto
brasd_up "$work/blast-auto.yaml"
# A server not yet known to send Message-Authenticator is named at start (BlastRADIUS).
grep -q "radius-message-authenticator-unknown server=resp" "$work/brasd.log" ||
  fail "no start warning for a server set to auto"
dial fo7 || fail "policy auto: an Accept with Message-Authenticator was refused"
kill "$responder_pid"; wait "$responder_pid" 2>/dev/null || true
responder no-ma
dial fo8 && fail "policy auto: after one with Message-Authenticator, an Accept without was taken"
[ "$(dropped missing-message-authenticator)" -ge 1 ] || fail "not counted"
echo "ok 7 - policy auto: warned at start; once the server sent Message-Authenticator, an Accept without it is refused"

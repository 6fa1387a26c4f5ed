#!/usr/bin/env bash
# Accounting that never loses a record, end to end: 1,000 bras-loadgen sessions
# through brasd (configs/examples/lns-radius.yaml) with Debian's stock
# FreeRADIUS, in a private namespace. Start, Interim-Update and Stop for every
# session reach FreeRADIUS's detail file with counters. FreeRADIUS is then
# stopped for 30 s while the sessions end, brasd is killed with SIGKILL during
# the outage and restarted: afterwards every session's Stop is in the detail
# file, once per Acct-Session-Id (a repeat only as RADIUS permits it: same
# Acct-Session-Id, Acct-Delay-Time grown), and the spool is empty.
# usage: radius_accounting.sh BRASD BRAS_CLI BRAS_LOADGEN SOURCE_ROOT [SESSIONS]
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3 root=$4 sessions=${5:-1000}
source "$(dirname "$0")/radius_lib.sh"
radius_test_begin radacct freeradius

cat >"$work/radius.users" <<'USERS'
DEFAULT	User-Name =~ "^acct[0-9]+$", Cleartext-Password := "acct-pass"
	Class = "acct-class"

USERS
make_test_namespace
radius_configure fr 1812 1813
radius_start fr
brasd_config "$work/brasd.yaml" "
c['radius']['accounting']['interim-interval'] = 3
"
brasd_up "$work/brasd.yaml"

summary_sessions() { cli_run show services l2tp summary | sed -n 's/.*Sessions: \([0-9]*\).*/\1/p' | head -1; }

ip netns exec "$ns" "$loadgen" --sessions "$sessions" --tunnels 4 --max-outstanding 200 --user 'acct{n}' \
  --password acct-pass --hold 14 --traffic 1 --timeout 60 --report-json "$work/load.json" >"$work/load.out" 2>&1 &
lg=$!
wait_until 60 bash -c "[ \"\$('$cli' --socket '$work/cli.sock' show services l2tp summary | sed -n 's/.*Sessions: \([0-9]*\).*/\1/p' | head -1)\" = $sessions ]" ||
  fail "not every session came up: $(cli_run show services l2tp summary)"
echo "ok 1 - $sessions sessions up with RADIUS authentication"

count() {  # STATUS: distinct Acct-Session-Ids of acct users with a record of that status
  detail_records fr | python3 -c "
import json, sys
ids = set()
for line in sys.stdin:
    r = json.loads(line)
    if r.get('Acct-Status-Type') == sys.argv[1] and r.get('User-Name', '').startswith('acct'):
        ids.add(r['Acct-Session-Id'])
print(len(ids))
" "$1"
}
deadline=$((SECONDS + 30))
until [ "$(count Start)" -ge "$sessions" ] && [ "$(count Interim-Update)" -ge "$sessions" ]; do
  [ $SECONDS -lt $deadline ] || fail "Starts $(count Start), Interims $(count Interim-Update) of $sessions"
  sleep 1
done
echo "ok 2 - every session's Start and an Interim-Update are in the detail file"

# The outage: FreeRADIUS goes while the sessions are still up; they end during it.
outage_start=$SECONDS
radius_stop fr
wait "$lg" || true
wait_until 30 bash -c "'$cli' --socket '$work/cli.sock' show services l2tp summary | grep -q 'Sessions: 0'" ||
  fail "sessions still up after the hold"
all_ended=$SECONDS  # every Stop was due by now
pending=$(metric brasd_accounting_spool_records)
[ -n "$pending" ] && [ "$pending" -ge "$sessions" ] || fail "the spool holds $pending records, not the $sessions Stops"
echo "ok 3 - FreeRADIUS down: the $sessions Stops wait in the spool ($pending records)"

kill -KILL "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
brasd_up "$work/brasd.yaml"
replayed=$(metric brasd_accounting_spool_records)
[ -n "$replayed" ] && [ "$replayed" -ge "$sessions" ] || fail "after SIGKILL and restart the spool holds $replayed"
echo "ok 4 - brasd killed with SIGKILL and restarted: the spool still holds them ($replayed)"

# At least 30 s of outage, and at least 10 s after the last session ended (a loaded machine can
# take a while to tear 1,000 sessions down): every Stop then waited at least that long.
wait_s=$((30 - (SECONDS - outage_start)))
[ $((10 - (SECONDS - all_ended))) -gt "$wait_s" ] && wait_s=$((10 - (SECONDS - all_ended)))
[ "$wait_s" -gt 0 ] && sleep "$wait_s"
min_delay=$((SECONDS - all_ended))
radius_start fr
wait_until 90 eval '[ "$(metric brasd_accounting_spool_records)" = 0 ]' ||
  fail "the spool did not drain: $(metric brasd_accounting_spool_records) left"
echo "ok 5 - FreeRADIUS back after 30 s: the spool drained"

detail_records fr | python3 -c "
import json, sys
n = int(sys.argv[1])
stops = {}
for line in sys.stdin:
    r = json.loads(line)
    if r.get('Acct-Status-Type') == 'Stop' and r.get('User-Name', '').startswith('acct'):
        stops.setdefault(r['Acct-Session-Id'], []).append(r)
assert len(stops) == n, f'{len(stops)} sessions have a Stop, not {n}'
for sid, rs in stops.items():
    delays = [int(r.get('Acct-Delay-Time', '0')) for r in rs]
    # A repeat is a retransmission RADIUS permits: the same record, Acct-Delay-Time grown.
    assert delays == sorted(delays) and len(set(delays)) == len(delays), (sid, delays)
    first = rs[0]
    assert first.get('Acct-Terminate-Cause'), first
    assert int(first.get('Acct-Session-Time', '0')) >= 1, first
    assert int(first.get('Acct-Input-Octets', '0')) > 0 and int(first.get('Acct-Output-Octets', '0')) > 0, first
    assert first.get('Class') in ('acct-class', '0x' + b'acct-class'.hex()), first
dups = sum(len(rs) - 1 for rs in stops.values())
min_delay = int(sys.argv[2])
late = sum(1 for rs in stops.values() if int(rs[0].get('Acct-Delay-Time', '0')) >= min_delay)
print(f'stops={len(stops)} repeats={dups} delayed>={min_delay}s={late}')
assert late >= n * 0.9, f'only {late} Stops carry the outage in Acct-Delay-Time'
" "$sessions" "$min_delay" >"$work/verdict" || fail "detail file check: $(cat "$work/verdict")"
echo "ok 6 - every Stop exactly once per Acct-Session-Id, with counters, Class and the outage in Acct-Delay-Time ($(cat "$work/verdict"))"

on=$(detail_records fr | grep -c '"Acct-Status-Type": "Accounting-On"' || true)
[ "$on" -ge 2 ] || fail "expected an Accounting-On per start, found $on"
kill -TERM "$brasd_pid"; wait "$brasd_pid" 2>/dev/null || true
wait_until 10 bash -c "[ \$(grep -c 'Accounting-Off' $work/fr.log || true) -ge 1 ]" || true
off=$(detail_records fr | grep -c '"Acct-Status-Type": "Accounting-Off"' || true)
[ "$off" -ge 1 ] || fail "no Accounting-Off after a clean stop"
echo "ok 7 - Accounting-On at each start, Accounting-Off at the clean stop"

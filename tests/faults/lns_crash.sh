#!/usr/bin/env bash
# Fault: an LNS dies (SIGKILL) under its sessions. One private namespace holds
# a brasd LAC (127.0.0.2) and two brasd LNSs (127.0.0.11 and 127.0.0.12, each
# with its own CLI socket, metrics port, tun device and pool); the LAC dials
# both, round-robin, with HELLO every 2 s and a short retransmission cycle.
# bras-loadgen's PPPoE subscribers come in on veths from a second namespace.
#   1. SESSIONS subscribers (sub0) are up, both LNSs hold some.
#   2. kill -9 LNS 1: within hello-interval + the full retransmission cycle
#      + 3 s the LAC counts the tunnel failure, locks LNS 1 out and clears its
#      sessions, each subscriber getting a PADT (Generic-Error "call-cleared"
#      on the wire, bras-loadgen's ended_while_up); LNS 2's sessions and their
#      traffic go on untouched.
#   3. bras-loadgen does not re-dial: a second run (sub1) dials as many
#      subscribers again at once; all come up on LNS 2 within 30 s.
#   4. LNS 1 restarts on the same configuration: healthy, and once the
#      destination lockout ends new subscribers (sub2) are placed on it.
#   5. Everyone hangs up: 0 sessions, PPPoE sessions and pool addresses in use
#      on every daemon, no tunnel left in set-up; no brasd crashed, and each
#      exits 0 on SIGTERM (an ASan build's leak check included).
# Assertions read the daemons' metrics and bras-cli, not their logs; the times are measured by
# polling the metrics every 100 ms.
# usage: lns_crash.sh BRAS_LOADGEN BRASD BRAS_CLI SOURCE_DIR [SESSIONS]   (as root; exit 77 otherwise)
# Environment: FAULT_HOLD (seconds the first subscribers are held, step 2 included; default 30),
# FAULT_NEW (subscribers placed after the restart; default 20), FAULT_LOCKOUT (destination-lockout,
# default 10), FAULT_KEEP (set: keep the work directory: logs, configurations,
# bras-loadgen reports, the Discovery capture).
set -euo pipefail
loadgen=$1 brasd=$2 cli=$3 src=$4 sessions=${5:-200}
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces, veths, tun)"; exit 77; }
hold=${FAULT_HOLD:-30}
new=${FAULT_NEW:-20}
lockout=${FAULT_LOCKOUT:-10}
hello=2 rto_initial_ms=500 rto_max_ms=1000 rto_count=3
# The LAC gives a silent peer up after HELLO is due (hello s of silence) and the full retransmission
# cycle (protocol/l2tp/reliable.cpp): rto_count + 1 timeouts, doubling from the initial one to the cap.
cycle_ms=0 t=$rto_initial_ms
for _ in $(seq 0 "$rto_count"); do cycle_ms=$((cycle_ms + t)); t=$((t * 2 > rto_max_ms ? rto_max_ms : t * 2)); done
detect_bound_ms=$((hello * 1000 + cycle_ms + 3000))
ns=bras-fault-$$
sub=bras-fsub-$$
work=$(mktemp -d /tmp/bras-fault.XXXXXX)
source "$src/tests/lib/access_netns.sh"
source "$src/tests/lib/wait_for.sh"
lac_pid="" lns1_pid="" lns2_pid="" lg_a="" lg_b="" lg_c="" cap_pid="" poll_detect="" poll_clear="" poll_rehome=""
cleanup() {
  set +e
  for p in $poll_detect $poll_clear $poll_rehome $cap_pid $lg_a $lg_b $lg_c; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  stop_daemons "$lac_pid" "$lns1_pid" "$lns2_pid"
  ip netns del "$ns" 2>/dev/null
  ip netns del "$sub" 2>/dev/null
  if [ -n "${FAULT_KEEP:-}" ]; then echo "# kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
passed=0
fail() {
  echo "not ok $((passed + 1)) - $*"
  echo "FAIL: $*" >&2
  local name pid
  for name in lac lns1 lns2; do  # a daemon that died (a crash, a sanitizer report) is the first thing to know
    eval "pid=\$${name}_pid"
    [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || echo "# $name (pid $pid) is no longer running" >&2
    grep -m1 -A14 'runtime error\|ERROR: AddressSanitizer\|ERROR: LeakSanitizer' "$work/$name.log" >&2 2>/dev/null || true
  done
  for f in lac.log lns1.log lns2.log a.err b.err c.err; do
    [ -s "$work/$f" ] && { echo "--- $f" >&2; tr '\r' '\n' <"$work/$f" | grep -v '^$' | tail -12 >&2; }
  done
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $passed - $*"
  echo "# at $SECONDS s"
}
ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }
secs() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }  # secs MS: "1.234"

# metric.py get ADDRESS FAMILY... [ADDRESS FAMILY...]: each family's sum over its series, one a line
# (FAMILY{label="v"}: the series whose labels hold that text; A+B: the sum of families); exit 1
# when a daemon does not answer.
# metric.py wait SECONDS (ADDRESS FAMILY eq|gt|ge|le VALUE)...: polls every 100 ms until every
# condition holds, then prints the time (ms since the epoch); exit 1 with the last values on timeout.
cat >"$work/metric.py" <<'PY'
import re, sys, time, urllib.request
def scrape(address):
    try:
        return urllib.request.urlopen("http://%s/metrics" % address, timeout=2).read().decode()
    except OSError:
        return None
def value(text, want):
    total = 0.0
    for one in want.split("+"):
        family, _, labels = one.partition("{")
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            key, _, v = line.rpartition(" ")
            name, _, have = key.partition("{")
            if name == family and labels.rstrip("}") in have:
                total += float(v)
    return int(total) if total.is_integer() else total
ops = {"eq": lambda a, b: a == b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b, "le": lambda a, b: a <= b}
if sys.argv[1] == "get":
    text = None
    for arg in sys.argv[2:]:
        if re.fullmatch(r"[0-9.]+:[0-9]+", arg):
            text = scrape(arg)
            if text is None:
                sys.exit(1)
        else:
            print(value(text, arg))
    sys.exit(0)
deadline = time.time() + float(sys.argv[2])
conditions = [sys.argv[i:i + 4] for i in range(3, len(sys.argv), 4)]
while True:
    texts, seen, held = {}, [], True
    for address, want, op, bound in conditions:
        if address not in texts:
            texts[address] = scrape(address)
        v = None if texts[address] is None else value(texts[address], want)
        seen.append("%s %s=%s (want %s %s)" % (address, want, v, op, bound))
        held = held and v is not None and ops[op](v, float(bound))
    if held:
        print(int(time.time() * 1000))
        sys.exit(0)
    if time.time() > deadline:
        print("; ".join(seen), file=sys.stderr)
        sys.exit(1)
    time.sleep(0.1)
PY
# The LAC's destinations (bras-cli JSON): "NAME STATE SESSIONS-ACTIVE TUNNELS-ACTIVE" a line.
cat >"$work/dest.py" <<'PY'
import json, sys
def value(v):  # Junos JSON: [{"data": "..."}]
    return str(v[0]["data"] if isinstance(v, list) else v)
def walk(o):
    if isinstance(o, dict):
        if "destination-name" in o:
            print(value(o["destination-name"]), value(o["destination-state"]).replace(" ", "-"),
                  value(o["destination-sessions-active"]), value(o["destination-tunnels-active"]))
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))
PY
lac_m=127.0.0.1:9102 lns1_m=127.0.0.1:9111 lns2_m=127.0.0.1:9112
metric() { ip netns exec "$ns" python3 "$work/metric.py" get "$@" 2>/dev/null; }
m1() { metric "$@" || echo -1; }  # one family, -1 when the daemon does not answer
await() { ip netns exec "$ns" python3 "$work/metric.py" wait "$@"; }
# destinations: dest_lns1 and dest_lns2 become "STATE SESSIONS TUNNELS" (state Enabled or Locked-out).
destinations() {
  local out
  out=$(ip netns exec "$ns" "$cli" -s "$work/lac.sock" show services l2tp destination "|" display json |
    python3 "$work/dest.py") || out=""
  dest_lns1=$(awk '$1 == "lns1" { print $2, $3, $4 }' <<<"$out")
  dest_lns2=$(awk '$1 == "lns2" { print $2, $3, $4 }' <<<"$out")
}

# --- The namespaces: access0..2 on the LAC's side, sub0..2 for the three bras-loadgen runs.
access_namespaces "$ns" "$sub"
for i in 1 2; do
  ip link add "bs$$x$i" type veth peer name "bl$$x$i"
  ip link set "bs$$x$i" netns "$sub" name "sub$i"
  ip link set "bl$$x$i" netns "$ns" name "access$i"
  for n in "$ns:access$i" "$sub:sub$i"; do
    ip netns exec "${n%%:*}" sysctl -qw "net.ipv6.conf.${n##*:}.disable_ipv6=1"
    ip -n "${n%%:*}" link set "${n##*:}" up
  done
done
# The Discovery frames on sub0, to read the PADTs' Generic-Error tags.
if command -v dumpcap >/dev/null && command -v tshark >/dev/null; then
  ip netns exec "$sub" dumpcap -q -i sub0 -f "ether proto 0x8863" -w "$work/discovery.pcapng" >/dev/null 2>"$work/dumpcap.err" &
  cap_pid=$!
fi

# --- Two LNSs on the embedded default: their own address, Host Name, tun, pool, CLI and metrics.
"$brasd" --print-default-config >"$work/default.yaml"
for i in 1 2; do
  python3 - "$work/default.yaml" "$work/lns$i.yaml" "$i" "$work" <<'PY'
import sys
src, dst, i, work = sys.argv[1:]
s = open(src).read()
for old, new in [
    ("host-name: brasd", "host-name: lns%s" % i),
    ("address: 127.0.0.1\n      port: 1701", "address: 127.0.0.1%s\n      port: 1701" % i),
    ("tun: bras0", "tun: lns%stun" % i),
    ("local-address: 100.64.0.1", "local-address: 100.%d.0.1" % (63 + int(i))),
    ("prefixes: [100.64.0.0/16]", "prefixes: [100.%d.0.0/16]" % (63 + int(i))),
    ("exclude: [100.64.0.1]", "exclude: [100.%d.0.1]" % (63 + int(i))),
    ("socket: /run/brasd/cli.sock", "socket: %s/lns%s.sock" % (work, i)),
    ("listen: 127.0.0.1:9101", "listen: 127.0.0.1:911%s" % i),
]:
    assert s.count(old) == 1, old
    s = s.replace(old, new)
open(dst, "w").write(s)
PY
done
cat >"$work/lac.yaml" <<EOF
runtime: {threads: 2, shards: 2}
log: {level: info}
l2tp:
  host-name: lac
  destination-lockout: $lockout
  retransmit-initial-ms: $rto_initial_ms
  retransmit-max-ms: $rto_max_ms
  retransmit-count: $rto_count
  local-gateways:
    - {name: lac, address: 127.0.0.2, port: 1701}
  destinations:
    - {name: lns1, address: 127.0.0.11, port: 1701, local-gateway: lac, secret: "", hello-interval: $hello}
    - {name: lns2, address: 127.0.0.12, port: 1701, local-gateway: lac, secret: "", hello-interval: $hello}
  tunnel-profiles:
    - {name: both, destinations: [lns1, lns2], selection: round-robin}
  domain-map:
    - {realm: "*", tunnel-profile: both}
pppoe:
  interfaces:
    - {name: access0, untagged: true}
    - {name: access1, untagged: true}
    - {name: access2, untagged: true}
  ac-name: lac
  max-payload: 1492
ppp:
  authentication: [chap, pap]
data-plane: {tun: ""}
cli: {socket: $work/lac.sock}
metrics: {listen: "$lac_m"}
EOF

launch() {  # launch NAME: brasd on NAME.yaml in the background (a configuration error ends it), pid in NAME_pid
  ip netns exec "$ns" "$brasd" --config "$work/$1.yaml" >>"$work/$1.log" 2>&1 &
  eval "$1_pid=$!"
}
healthy() {  # healthy NAME PID METRICS: running, its CLI and its metrics answer
  kill -0 "$2" 2>/dev/null || fail "$1 exited: $(tail -5 "$work/$1.log")"
  ip netns exec "$ns" "$cli" -s "$work/$1.sock" show services l2tp summary >/dev/null 2>&1 &&
    [ "$(m1 "$3" brasd_build_info)" = 1 ]
}
launch lns1
launch lns2
launch lac
wait_for 20 "LNS 1 did not come up" healthy lns1 "$lns1_pid" "$lns1_m"
wait_for 20 "LNS 2 did not come up" healthy lns2 "$lns2_pid" "$lns2_m"
wait_for 20 "the LAC did not come up" healthy lac "$lac_pid" "$lac_m"

# run_loadgen VAR IFACE SESSIONS HOLD NAME: a bras-loadgen run in the background (pid in VAR).
run_loadgen() {
  ip netns exec "$sub" "$loadgen" --pppoe "$2" --sessions "$3" --max-outstanding 100 --user demo --password demo \
    --traffic 1 --hold "$4" --timeout 60 --report-json "$work/$5.json" >"$work/$5.out" 2>"$work/$5.err" &
  eval "$1=$!"
}
holding() {  # holding NAME PID: bras-loadgen's set-up is over, the hold begun (fails if it ended)
  grep -q "holding" "$work/$1.err" && return 0
  kill -0 "$2" 2>/dev/null || fail "bras-loadgen run $1 ended: $(tr '\r' '\n' <"$work/$1.err" | grep -v '^$' | tail -3)"
  return 1
}
still_holding() { kill -0 "$lg_a" 2>/dev/null || fail "the first subscribers' hold ended before $1: raise FAULT_HOLD"; }
rest_of_hold() { echo $((a_end - SECONDS > 10 ? a_end - SECONDS : 10)); }  # a later run ends with the first

# --- 1. SESSIONS subscribers up, on both LNSs.
[ -z "$cap_pid" ] || wait_for 10 "dumpcap did not start" grep -q "Capturing on" "$work/dumpcap.err"
run_loadgen lg_a sub0 "$sessions" "$hold" a
wait_for 90 "the first $sessions subscribers did not all come up" holding a "$lg_a"
a_end=$((SECONDS + hold))
await 10 "$lac_m" brasd_pppoe_sessions eq "$sessions" "$lac_m" brasd_l2tp_sessions eq "$sessions" >/dev/null ||
  fail "the LAC does not count $sessions sessions"
# One snapshot: the LAC's counters, then each LNS's sessions, then LNS 2's counters.
mapfile -t before < <(metric "$lac_m" brasd_l2tp_tunnel_failures_total 'brasd_pppoe_discovery_sent_total{code="PADT"}' \
  brasd_l2tp_sessions_destroyed_total "$lns1_m" brasd_l2tp_sessions brasd_ppp_sessions \
  "$lns2_m" brasd_l2tp_sessions brasd_ppp_sessions brasd_l2tp_sessions_destroyed_total brasd_ppp_disconnects_total \
  'brasd_data_packets_total{direction="to-subscriber"}')
[ "${#before[@]}" -eq 10 ] || fail "metrics: ${before[*]}"
k1=${before[3]} k2=${before[5]}
lns2_before=("${before[@]:7}")
[ "$k1" -gt 0 ] && [ "$k2" -gt 0 ] && [ $((k1 + k2)) -eq "$sessions" ] && [ "${before[4]}" -eq "$k1" ] &&
  [ "${before[6]}" -eq "$k2" ] ||
  { still_holding "the count"; fail "sessions (L2TP, PPP) on LNS 1: ${before[*]:3:2}, on LNS 2: ${before[*]:5:2}"; }
destinations
tunnels2=${dest_lns2##* }
[ "${dest_lns1% *}" = "Enabled $k1" ] && [ "${dest_lns2% *}" = "Enabled $k2" ] ||
  { still_holding "the count"; fail "the LAC's destinations: lns1 $dest_lns1, lns2 $dest_lns2"; }
ok "$sessions PPPoE subscribers up through the LAC: $k1 on LNS 1, $k2 on LNS 2"

# --- 2. kill -9 LNS 1.
still_holding "the kill"
for name in lac lns1 lns2; do
  eval "pid=\$${name}_pid"
  kill -0 "$pid" 2>/dev/null || fail "$name died before the kill: $(grep -m3 -i 'sanitizer\|error' "$work/$name.log")"
done
# The pollers watch the LAC from before the kill: the times are the daemon's, not this script's.
await 30 "$lac_m" brasd_l2tp_tunnel_failures_total gt "${before[0]}" >"$work/t_detect" &
poll_detect=$!
await 40 "$lac_m" brasd_pppoe_sessions eq "$k2" "$lac_m" brasd_l2tp_sessions eq "$k2" >"$work/t_clear" &
poll_clear=$!
t_kill=$(ms)
kill -KILL "$lns1_pid"
wait "$lns1_pid" 2>/dev/null || true
lns1_pid=""
wait "$poll_detect" || fail "the LAC did not find LNS 1 dead in 30 s"
poll_detect=""
detect_ms=$(($(cat "$work/t_detect") - t_kill))
wait "$poll_clear" || fail "the LAC did not clear LNS 1's $k1 sessions"
poll_clear=""
clear_ms=$(($(cat "$work/t_clear") - t_kill))
mapfile -t after < <(metric "$lac_m" brasd_l2tp_tunnel_failures_total 'brasd_pppoe_discovery_sent_total{code="PADT"}' \
  brasd_l2tp_sessions_destroyed_total brasd_l2tp_tunnels "$lns2_m" brasd_l2tp_sessions_destroyed_total \
  brasd_ppp_disconnects_total 'brasd_data_packets_total{direction="to-subscriber"}' brasd_l2tp_sessions \
  brasd_ppp_sessions brasd_ppp_sessions_up_total)
[ "${#after[@]}" -eq 10 ] || fail "metrics after the failure"
lns2_after=("${after[@]:4}")
still_holding "the failure was cleared"

# --- 3. The subscribers dial again at once (a second bras-loadgen: it does not re-dial by itself),
# while the figures of step 2 are checked. LNS 1 is dead: every new session is LNS 2's (counted by
# its PPP sessions up, whatever the first run does meanwhile).
t_redial=$(ms)
run_loadgen lg_b sub1 "$k1" "$(rest_of_hold)" b
await 30 "$lns2_m" brasd_ppp_sessions_up_total ge $((lns2_after[5] + k1)) >"$work/t_rehome" &
poll_rehome=$!
destinations  # (the re-dial's sessions go to lns2 meanwhile)
lockout_ms=$(($(ms) - t_kill - detect_ms))

[ "$detect_ms" -le "$detect_bound_ms" ] ||
  fail "LNS 1 found dead after $(secs "$detect_ms") s, over hello $hello s + cycle $(secs $cycle_ms) s + 3 s"
ok "the LAC found LNS 1 dead after $(secs "$detect_ms") s (bound $(secs $detect_bound_ms) s: hello $hello s + retransmission cycle $(secs $cycle_ms) s + 3 s)"
[ "${after[0]}" -eq $((before[0] + 1)) ] || fail "tunnel failures: ${before[0]} -> ${after[0]}"
[ "${after[1]}" -eq $((before[1] + k1)) ] || fail "PADTs sent: ${before[1]} -> ${after[1]}, not +$k1"
[ "${after[2]}" -eq $((before[2] + k1)) ] || fail "LAC sessions destroyed: ${before[2]} -> ${after[2]}, not +$k1"
[ "${after[3]}" -eq "$tunnels2" ] || fail "LAC tunnels: ${after[3]}, not LNS 2's $tunnels2"
# Locked out, unless the CLI (an ASan build on a loaded host) answered only after the lockout.
read -r state1 sessions1 _ <<<"$dest_lns1"
[ "$sessions1" = 0 ] || fail "destination lns1 after the failure: $dest_lns1"
if [ "$state1" = Locked-out ]; then
  locked="lns1 locked out"
elif [ "$state1" = Enabled ] && [ "$lockout_ms" -ge $((lockout * 1000)) ]; then
  locked="lns1's lockout not seen: the CLI answered $(secs "$lockout_ms") s after the failure"
else
  fail "destination lns1 $(secs "$lockout_ms") s after the failure: $dest_lns1"
fi
ok "the LAC cleared LNS 1's $k1 sessions $(secs "$clear_ms") s after the kill: 1 tunnel failure, $k1 PADTs, $locked"

[ "${lns2_after[3]}" -eq "$k2" ] && [ "${lns2_after[4]}" -eq "$k2" ] ||
  fail "LNS 2 holds ${lns2_after[3]} sessions (${lns2_after[4]} PPP), not $k2"
[ "${lns2_after[0]}" -eq "${lns2_before[0]}" ] && [ "${lns2_after[1]}" -eq "${lns2_before[1]}" ] ||
  fail "LNS 2 lost sessions: destroyed ${lns2_before[0]} -> ${lns2_after[0]}, disconnects ${lns2_before[1]} -> ${lns2_after[1]}"
# 1 ping a second each: from just before the kill to the clearing, at least 2 replies a session.
echoed=$((lns2_after[2] - lns2_before[2]))
[ "$echoed" -ge $((2 * k2)) ] || fail "LNS 2 sent $echoed packets to its $k2 subscribers across the failure"
[ "${dest_lns2%% *} ${dest_lns2##* }" = "Enabled $tunnels2" ] || fail "destination lns2 after the failure: $dest_lns2"
ok "LNS 2 untouched: $k2 sessions, none ended, $echoed packets to its subscribers across the failure"

if [ -n "$cap_pid" ]; then
  kill "$cap_pid"; wait "$cap_pid" 2>/dev/null || true
  cap_pid=""
  lac_mac=$(ip -n "$ns" link show access0 | awk '/link\/ether/ { print $2 }')
  tshark -r "$work/discovery.pcapng" -Y "pppoed && pppoe.code == 0xa7 && eth.src == $lac_mac" \
    -T fields -e pppoed.tags.generic_error 2>/dev/null | sort | uniq -c >"$work/padt.txt" || true
  [ "$(awk '{ n += $1 } END { print n + 0 }' "$work/padt.txt")" -eq "$k1" ] &&
    [ "$(awk '$2 == "call-cleared" { print $1 }' "$work/padt.txt")" = "$k1" ] ||
    fail "the LAC's PADTs on sub0 (count, Generic-Error): $(cat "$work/padt.txt")"
  ok "$k1 PADTs reached the subscribers, each with Generic-Error \"call-cleared\""
fi

wait "$poll_rehome" ||
  fail "the $k1 subscribers did not all come up on LNS 2 within 30 s: $(tr '\r' '\n' <"$work/b.err" | grep -v '^$' | tail -2)"
poll_rehome=""
rehome_ms=$(($(cat "$work/t_rehome") - t_kill)) redial_ms=$(($(cat "$work/t_rehome") - t_redial))
wait_for 10 "the re-dial run is not holding its subscribers" holding b "$lg_b"
grep -q "holding $k1 sessions" "$work/b.err" || fail "not all $k1 subscribers came up again: $(grep holding "$work/b.err")"
ups=$(($(m1 "$lns2_m" brasd_ppp_sessions_up_total) - lns2_after[5]))
[ "$ups" -eq "$k1" ] || fail "LNS 2 counts $ups sessions up since the failure, not $k1"
ok "the $k1 subscribers dialled again: all up on LNS 2 in $(secs "$redial_ms") s, $(secs "$rehome_ms") s after the kill"

# --- 4. LNS 1 restarts on the same configuration; once its lockout ends it takes new subscribers.
t_restart=$(ms)
launch lns1
wait_for 20 "LNS 1 did not come up again" healthy lns1 "$lns1_pid" "$lns1_m"
restart_ms=$(($(ms) - t_restart))
[ "$(metric "$lns1_m" brasd_l2tp_sessions brasd_l2tp_tunnels | sort -u)" = 0 ] || fail "the restarted LNS 1 is not empty"
ok "LNS 1 restarted on its configuration and is healthy (CLI and metrics) in $(secs "$restart_ms") s"

unlocked() { destinations; [ "$dest_lns1" = "Enabled 0 0" ]; }
# (A call placed on the dead LNS 1 after its lockout, during the re-dial, locks it out again.)
wait_for $((lockout + 10)) "destination lns1 still locked out: $dest_lns1" unlocked
run_loadgen lg_c sub2 "$new" "$(rest_of_hold)" c
wait_for 30 "the $new new subscribers did not come up" holding c "$lg_c"
grep -q "holding $new sessions" "$work/c.err" ||
  fail "not all $new new subscribers came up: $(tr '\r' '\n' <"$work/c.err" | grep -v '^$' | tail -2)"
on1=$(m1 "$lns1_m" brasd_ppp_sessions_up_total)
[ "$on1" -ge 1 ] && [ "$on1" -le "$new" ] || fail "$on1 new subscribers placed on the restarted LNS 1"
destinations
[ "${dest_lns1%% *}" = Enabled ] || fail "destination lns1: $dest_lns1"
ok "after its lockout the restarted LNS 1 takes new subscribers: $on1 of $new (the rest on LNS 2)"

# --- 5. Everyone hangs up: nothing left anywhere; no brasd crashed, each stops cleanly.
for run in a b c; do
  eval "pid=\$lg_$run"
  rc=0
  wait "$pid" || rc=$?
  eval "lg_$run=''"
  [ "$rc" -eq 0 ] || fail "bras-loadgen run $run exit $rc: $(cat "$work/$run.out")"
done
python3 - "$work" "$sessions" "$k1" "$new" <<'PY' || fail "bras-loadgen reports: $(cat "$work"/[abc].json)"
import json, sys
work, n, k1, new = sys.argv[1], *map(int, sys.argv[2:])
for run, count in (("a", n), ("b", k1), ("c", new)):
    r = json.load(open("%s/%s.json" % (work, run)))
    assert r["established"] == count and r["failed"] == 0, (run, r["established"], r["failed"])
a = json.load(open(work + "/a.json"))["pppoe"]
# The first run's subscribers on LNS 1 ended while held: by the LAC's PADT, one each.
assert a["ended_while_up"] == k1 and a["padt_received"] == k1, a
for run in ("b", "c"):
    t = json.load(open("%s/%s.json" % (work, run)))["traffic"]
    assert t["sent"] > 0 and t["received"] >= 0.95 * t["sent"], (run, t)
PY
ok "bras-loadgen: the $k1 subscribers of LNS 1 ended while held, by one PADT each; the re-dialled and new ones passed traffic"

left=brasd_l2tp_sessions+brasd_ppp_sessions+brasd_pppoe_sessions+brasd_pppoe_sessions_starting
left=$left+brasd_address_pool_used_addresses+brasd_l2tp_sessions_in_setup+brasd_l2tp_calls_waiting
left=$left+brasd_l2tp_tunnels_in_setup
await 30 "$lac_m" "$left" eq 0 "$lns1_m" "$left" eq 0 "$lns2_m" "$left" eq 0 >/dev/null ||
  fail "sessions, PPPoE sessions or pool addresses left after the hang-up"
tunnels="$(m1 "$lac_m" brasd_l2tp_tunnels) $(m1 "$lns1_m" brasd_l2tp_tunnels) $(m1 "$lns2_m" brasd_l2tp_tunnels)"
read -r t_lac t_lns1 t_lns2 <<<"$tunnels"
[ "$t_lac" -le 2 ] && [ "$t_lns1" -le 1 ] && [ "$t_lns2" -le 1 ] || fail "tunnels left (LAC, LNS 1, LNS 2): $tunnels"
destinations
[ "$(cut -d' ' -f2 <<<"$dest_lns1")" = 0 ] && [ "$(cut -d' ' -f2 <<<"$dest_lns2")" = 0 ] ||
  fail "the LAC's destinations hold sessions: lns1 $dest_lns1, lns2 $dest_lns2"
ok "after the hang-up: 0 sessions, PPPoE sessions and pool addresses in use on the LAC and both LNSs (tunnels $tunnels)"

for name in lac lns1 lns2; do
  eval "pid=\$${name}_pid"
  kill -0 "$pid" 2>/dev/null || fail "$name is not running at the end"
done
stopping() {  # stopping NAME...: SIGTERM to each, then each must exit 0 within 20 s
  local name pid rc
  for name in "$@"; do eval "kill -TERM \$${name}_pid"; done
  for name in "$@"; do
    eval "pid=\$${name}_pid"
    for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && fail "$name did not exit within 20 s of SIGTERM"
    rc=0
    wait "$pid" || rc=$?
    eval "${name}_pid=''"
    [ "$rc" -eq 0 ] || fail "$name exited $rc on SIGTERM: $(grep -m3 -i 'sanitizer\|error' "$work/$name.log")"
  done
}
stopping lac  # first: the LNSs acknowledge its StopCCNs
stopping lns1 lns2
ok "no brasd crashed: the LAC, the restarted LNS 1 and LNS 2 ran to the end and exited 0 on SIGTERM"
echo "# figures: detection $(secs "$detect_ms") s, $k1 sessions cleared $(secs "$clear_ms") s after the kill (PADT" \
  "Generic-Error call-cleared), re-dial $(secs "$redial_ms") s ($(secs "$rehome_ms") s after the kill)," \
  "LNS 1 restart $(secs "$restart_ms") s"

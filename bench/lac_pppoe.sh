#!/usr/bin/env bash
# The LAC's three figures (issue #13), on this machine, with release builds:
# bras-loadgen's PPPoE subscribers on a veth (sub0, in their own namespace)
# -> brasd as LAC (configs/examples/lac-pppoe.yaml on access0) -> brasd as
# LNS (the embedded default), both daemons in one private namespace, as in
# tests/lac/pppoe_lac_lns.sh. Run by hand, as root, not in CI.
#
#   sudo bench/lac_pppoe.sh [SETUP-SESSIONS [RSS-SESSIONS [SECONDS]]]    defaults 10000 20000 5
#
#  1. Set-up rate: bras-loadgen --pppoe with SETUP-SESSIONS subscribers
#     (demo/demo, 1,000 in flight) on a freshly started LAC; its report's rate
#     and latency percentiles (PADI to IPCP up, through the LAC to the LNS).
#  2. RSS per subscriber: the LAC restarted, its VmRSS idle, then its peak
#     while RSS-SESSIONS subscribers come up and are held: (peak - idle) / N.
#  3. Forwarding, with those subscribers up and bras-loadgen paused (SIGSTOP,
#     so it spends no CPU on the traffic), SECONDS per measurement:
#     - up: bras_pppoe_blast sends 128-byte IPv4 ICMP Echo Requests in PPPoE
#       session frames from every subscriber (round robin) into sub0 as fast
#       as it can, to 198.18.0.1, blackholed behind the LNS (nothing comes
#       back). Counted: the LNS's brasd_data_packets_total{direction=
#       "from-subscriber"} (packets the LNS took out of L2TP from the LAC and
#       wrote to tun); the LAC's own counter is printed beside it.
#     - down: bras_pppoe_blast sends 128-byte UDP datagrams to every
#       subscriber's address beside the LNS; the kernel routes them into the
#       LNS's tun, the LNS sends them to the LAC in L2TP, the LAC out of
#       access0 as PPPoE. Counted: frames bras_afpacket_rx reads on sub0; the
#       LNS's to-subscriber counter is printed beside it (what the LAC was
#       offered).
#     - baseline, same run, after the LAC is stopped: bras_afpacket_rx (the
#       LAC's AF_PACKET receive, counting only) on access0 while the same
#       blaster sends the same upstream frames into sub0; and on sub0 while
#       the blaster sends the downstream frames (from the AC's MAC) into access0.
# The subscribers' MACs, PPPoE session IDs and addresses come from sniffing
# the IPCP Configure-Acks on sub0 while they come up (bras_pppoe_blast learn).
# One summary line per figure at the end (lines starting "lac-pppoe").
# KEEP=1 keeps the work directory (logs, reports) and names it. WINDOW=N sets
# the L2TP receive window of both ends (default 16) for the LAC's one tunnel.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
setup_sessions=${1:-10000}
rss_sessions=${2:-20000}
seconds=${3:-5}
bin=$root/build/release
brasd=$bin/daemon/brasd
loadgen=$bin/tools/bras-loadgen
cli=$bin/cli/bras-cli
rx=$bin/bench/bras_afpacket_rx
blast=$bin/bench/bras_pppoe_blast
for b in "$brasd" "$loadgen" "$cli" "$rx" "$blast"; do
  [ -x "$b" ] || {
    echo "missing $b; build first: cmake --build build/release --target brasd bras-cli bras-loadgen" \
      "bras_afpacket_rx bras_pppoe_blast" >&2
    exit 2
  }
done
ns=bras-lacb-$$
sub=bras-subb-$$
work=$(mktemp -d /tmp/bras-lac-bench.XXXXXX)
lac_pid="" lns_pid="" lg_pid="" learn_pid="" blast_pid="" rx_pid=""
stop_pid() {  # stop_pid PID: SIGTERM, SIGKILL after 10 s
  local p=$1
  [ -n "$p" ] || return 0
  kill -CONT "$p" 2>/dev/null || true
  kill -TERM "$p" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  set +e
  for p in $blast_pid $rx_pid $learn_pid $lg_pid $lac_pid $lns_pid; do stop_pid "$p"; done
  ip netns del "$ns" 2>/dev/null
  ip netns del "$sub" 2>/dev/null
  if [ -n "${KEEP:-}" ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in lac.log lns.log loadgen.err; do [ -f "$work/$f" ] && { echo "--- $f" >&2; tail -15 "$work/$f" >&2; }; done
  exit 1
}
# Foreground only: a function run with & would leave $! naming its subshell, not the process.
in_ns() { ip netns exec "$ns" "$@"; }
in_sub() { ip netns exec "$sub" "$@"; }
lac_cli() { in_ns "$cli" -s "$work/lac.sock" "$@"; }

source "$root/tests/lib/access_netns.sh"
source "$root/tests/lib/wait_for.sh"
access_namespaces "$ns" "$sub"
# The upstream blast's destination: dropped by the kernel behind the LNS's tun, no reply.
ip -n "$ns" route add blackhole 198.18.0.0/15

# The LNS: the embedded default with a private CLI socket.
"$brasd" --print-default-config | sed "s#socket: /run/brasd/cli.sock#socket: $work/lns.sock#" >"$work/lns.yaml"
# The LAC: the shipped example with a private CLI socket, and without the PADI
# rate and max-starting limits, so the set-up rate is the LAC's, not a limit's.
sed -e "s#/run/brasd/lac.sock#$work/lac.sock#" "$root/configs/examples/lac-pppoe.yaml" >"$work/lac.yaml"
python3 - "$work/lac.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s2 = re.sub(r"(\npppoe:\n)", r"\1  padi-rate: 0\n  padi-rate-per-mac: 0\n  max-starting: 0\n", s, count=1)
assert s2 != s, "no pppoe section in lac-pppoe.yaml"
open(p, "w").write(s2)
PY
if [ -n "${WINDOW:-}" ]; then
  sed -i "s/receive-window: 16/receive-window: $WINDOW/" "$work/lns.yaml"
  sed -i "s/\(- {name: lns-local, \)/\1receive-window: $WINDOW, /" "$work/lac.yaml"
  for f in lns.yaml lac.yaml; do grep -q "receive-window: $WINDOW" "$work/$f" || fail "no receive window in $f"; done
fi
"$brasd" --check-config "$work/lac.yaml" >/dev/null 2>"$work/check.err" || fail "LAC config: $(cat "$work/check.err")"

start_lns() {
  rm -f "$work/lns.sock"
  ip netns exec "$ns" "$brasd" --config "$work/lns.yaml" >>"$work/lns.log" 2>&1 &
  lns_pid=$!
  wait_for 10 "the LNS did not start" test -S "$work/lns.sock"
}
start_lac() {
  rm -f "$work/lac.sock"
  ip netns exec "$ns" "$brasd" --config "$work/lac.yaml" >>"$work/lac.log" 2>&1 &
  lac_pid=$!
  wait_for 10 "the LAC did not start" test -S "$work/lac.sock"
  sleep 1  # let it settle before its idle RSS is read
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$lac_pid/status"; }
lac_sessions() { lac_cli show services l2tp summary 2>/dev/null | grep -oE 'Sessions: +[0-9]+' | grep -oE '[0-9]+$'; }
# metric PORT SERIES: the value of one series on the daemon's /metrics (0 if absent).
metric() {
  in_ns python3 - "$1" "$2" <<'PY'
import sys, urllib.request
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics").read().decode()
v = [l.rsplit(" ", 1)[1] for l in text.splitlines() if l.startswith(sys.argv[2] + " ")]
print(int(float(v[0])) if v else 0)
PY
}
now() { date +%s.%N; }
rate() { python3 -c "import sys; print(round(($2 - $1) / ($4 - $3)))" "$@"; }  # rate V0 V1 T0 T1
json() { python3 -c "import json, sys; r = json.load(open(sys.argv[1])); print($2)" "$1"; }

# 1. Set-up rate on a fresh LAC.
start_lns
start_lac
in_sub "$loadgen" --pppoe sub0 --sessions "$setup_sessions" --max-outstanding 1000 --user demo --password demo \
  --hold 2 --timeout 60 --report-json "$work/setup.json" >"$work/setup.out" 2>"$work/loadgen.err" ||
  fail "bras-loadgen (set-up): $(cat "$work/setup.out")"
cat "$work/setup.out"
setup_line="lac-pppoe setup sessions=$setup_sessions $(json "$work/setup.json" \
  '"established=%d failed=%d rate-cps=%.0f latency-ms-p50=%.0f p90=%.0f p99=%.0f max=%.0f" % (r["established"], r["failed"], r["setup_rate_cps"]["overall"], r["setup_latency_ms"]["p50"], r["setup_latency_ms"]["p90"], r["setup_latency_ms"]["p99"], r["setup_latency_ms"]["max"])')"
echo "$setup_line"
drained() { [ "$(lac_sessions)" = 0 ]; }
wait_for 60 "the LAC kept sessions after the PADTs" drained

# 2. RSS per subscriber on a restarted LAC. The LNS is restarted too: for its
# post-StopCCN hold (31 s) it takes the new LAC's SCCRQ, from the same address,
# port and assigned tunnel ID, for a retransmission of the old tunnel's.
stop_pid "$lac_pid"
lac_pid=""
stop_pid "$lns_pid"
lns_pid=""
start_lns
start_lac
idle=$(rss)
peak=$idle
ip netns exec "$sub" "$blast" learn sub0 "$work/sessions.txt" >"$work/learn.out" 2>&1 &
learn_pid=$!
ip netns exec "$sub" "$loadgen" --pppoe sub0 --sessions "$rss_sessions" --max-outstanding 1000 --user demo --password demo \
  --hold 900 --timeout 60 --report-json "$work/rss.json" >"$work/rss.out" 2>"$work/loadgen.err" &
lg_pid=$!
coming_up() { kill -0 "$lg_pid" 2>/dev/null && ! grep -q "^holding" "$work/loadgen.err"; }
while coming_up; do
  r=$(rss)
  [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.5
done
kill -0 "$lg_pid" 2>/dev/null || fail "bras-loadgen ended before holding: $(cat "$work/rss.out")"
for _ in 1 2 3 4; do  # a few samples while held, before any traffic
  r=$(rss)
  [ "$r" -gt "$peak" ] && peak=$r
  sleep 0.5
done
up=$(grep -oE '^holding [0-9]+' "$work/loadgen.err" | grep -oE '[0-9]+$')
rss_line="lac-pppoe rss subscribers=$up idle-kB=$idle peak-kB=$peak per-subscriber-bytes=$(((peak - idle) * 1024 / up))"
echo "$rss_line"
stop_pid "$learn_pid"
learn_pid=""
learnt=$(wc -l <"$work/sessions.txt")
[ "$learnt" -ge $((up * 99 / 100)) ] || fail "learnt $learnt sessions of $up"

# 3. Forwarding, with the subscribers held and bras-loadgen paused.
kill -STOP "$lg_pid"
lns_up='brasd_data_packets_total{direction="from-subscriber"}'
lns_down='brasd_data_packets_total{direction="to-subscriber"}'
run=$((seconds + 3))
ip netns exec "$sub" "$blast" send sub0 "$work/sessions.txt" "$run" >"$work/up.out" &
blast_pid=$!
sleep 1.5
t0=$(now) n0=$(metric 9101 "$lns_up") l0=$(metric 9102 "$lns_up")
sleep "$seconds"
t1=$(now) n1=$(metric 9101 "$lns_up") l1=$(metric 9102 "$lns_up")
wait "$blast_pid"
up_lac=$(rate "$n0" "$n1" "$t0" "$t1")
up_lac_counter=$(rate "$l0" "$l1" "$t0" "$t1")
up_offered=$(grep -oE 'per-second=[0-9]+' "$work/up.out" | cut -d= -f2)

ip netns exec "$sub" "$rx" sub0 "$seconds" >"$work/down-rx.out" &
rx_pid=$!
sleep 0.3
ip netns exec "$ns" "$blast" udp "$work/sessions.txt" "$run" >"$work/down.out" &
blast_pid=$!
sleep 1
t0=$(now) d0=$(metric 9101 "$lns_down") e0=$(metric 9102 "$lns_down")
wait "$rx_pid" || fail "nothing came down to sub0"
t1=$(now) d1=$(metric 9101 "$lns_down") e1=$(metric 9102 "$lns_down")
wait "$blast_pid"
down_lac=$(grep -oE 'frames-per-second=[0-9]+' "$work/down-rx.out" | cut -d= -f2)
down_lns=$(rate "$d0" "$d1" "$t0" "$t1")
down_lac_counter=$(rate "$e0" "$e1" "$t0" "$t1")
down_offered=$(grep -oE 'per-second=[0-9]+' "$work/down.out" | cut -d= -f2)

# Baselines: the LAC stopped, its receive replaced by the counting one, same frames.
stop_pid "$lac_pid"
lac_pid=""
ip netns exec "$ns" "$rx" access0 "$seconds" >"$work/up-base.out" &
rx_pid=$!
sleep 0.3
in_sub "$blast" send sub0 "$work/sessions.txt" "$run" >"$work/up-base-blast.out"
wait "$rx_pid" || fail "baseline: nothing on access0"
up_base=$(grep -oE 'frames-per-second=[0-9]+' "$work/up-base.out" | cut -d= -f2)
up_base_offered=$(grep -oE 'per-second=[0-9]+' "$work/up-base-blast.out" | cut -d= -f2)
ip netns exec "$sub" "$rx" sub0 "$seconds" >"$work/down-base.out" &
rx_pid=$!
sleep 0.3
in_ns "$blast" send access0 "$work/sessions.txt" "$run" --down >"$work/down-base-blast.out"
wait "$rx_pid" || fail "baseline: nothing on sub0"
down_base=$(grep -oE 'frames-per-second=[0-9]+' "$work/down-base.out" | cut -d= -f2)
down_base_offered=$(grep -oE 'per-second=[0-9]+' "$work/down-base-blast.out" | cut -d= -f2)

percent() { python3 -c "import sys; print(round(100 * $1 / $2))"; }
echo "$setup_line"
echo "$rss_line"
echo "lac-pppoe forwarding-up subscribers=$learnt lac-pps=$up_lac (LNS from-subscriber; LAC's own counter $up_lac_counter)" \
  "offered-pps=$up_offered baseline-afpacket-pps=$up_base (offered $up_base_offered) ratio=$(percent "$up_lac" "$up_base")%"
echo "lac-pppoe forwarding-down subscribers=$learnt lac-pps=$down_lac (frames on sub0; LAC's own counter $down_lac_counter, LNS to-subscriber $down_lns," \
  "UDP offered $down_offered) baseline-afpacket-pps=$down_base (offered $down_base_offered)" \
  "ratio=$(percent "$down_lac" "$down_base")%"

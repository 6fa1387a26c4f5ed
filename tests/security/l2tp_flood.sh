#!/usr/bin/env bash
# An LNS under an L2TP flood keeps its subscribers and still takes a real
# LAC's new tunnel. A real brasd in a private network namespace holds
# FLOOD_SESSIONS bras-loadgen sessions (with traffic) while l2tp_flood.py sends
#   - FLOOD_MALFORMED datagrams it cannot take, from 127.0.0.2, paced at
#     FLOOD_MALFORMED_RATE (a rate brasd reads whole, so that each is counted),
#   - FLOOD_SCCRQ well-formed SCCRQs, each a new tunnel key, from 127.0.0.2 (an
#     allowed source), paced at FLOOD_SCCRQ_RATE, never answering the SCCRPs;
#     half a second in, a second bras-loadgen opens one tunnel and session from
#     127.0.0.1, which must be up within FLOOD_PROBE_LIMIT_MS,
#   - FLOOD_SCCRQ_UNKNOWN SCCRQs from 127.0.0.3, a source no client allows,
#   - FLOOD_ICRQ ICRQs inside one established tunnel from 127.0.0.4 (an allowed
#     source), each a new call, never an ICCN, everything brasd sends
#     acknowledged; brasd runs with max-sessions-in-setup 200, setup-queue 1000
#     and iccn-timeout 4 s. Meanwhile a second bras-loadgen opens a tunnel and
#     a session from 127.0.0.1; after a round of ICCN timeouts the flooder
#     sends a StopCCN (l2tp_flood_icrq.sh, sourced, says what is asserted),
# with /metrics scraped every 0.2 s throughout (as a monitoring system would).
# Then: every held session is still up, brasd is alive, the drop counters
# counted the flood by reason (malformed, unknown-client, and the tunnel
# set-up limits l2tp.tunnel-setup-rate[-per-source], max-tunnels-in-setup
# [-per-source]), brasd_l2tp_tunnels_in_setup never exceeded the per-source
# limit, every ICRQ was answered or dropped with its tunnel and counted by
# reason, the sessions in set-up never exceeded the cap nor the waiting calls
# the set-up queue, nothing of the ICRQ flood outlived its tunnel, and brasd's
# RSS grew by at most FLOOD_RSS_LIMIT_MIB in the datagram and SCCRQ floods and
# by at most FLOOD_ICRQ_RSS_LIMIT_MIB more in the ICRQ flood (half as much
# again for an ASan build, run with a 1 MB quarantine).
# usage: l2tp_flood.sh BRASD BRAS_LOADGEN BRAS_CLI     (as root; exit 77 otherwise)
# Parameters (environment): FLOOD_SESSIONS (1000), FLOOD_PER_TUNNEL (100), FLOOD_MALFORMED (200000),
# FLOOD_MALFORMED_RATE (20000 a second; 0: unpaced), FLOOD_SCCRQ (20000), FLOOD_SCCRQ_RATE (2500),
# FLOOD_SCCRQ_UNKNOWN (2000), FLOOD_ICRQ (10000; 0: no ICRQ flood), FLOOD_ICRQ_RATE (0: as fast as brasd's
# receive window lets them through), FLOOD_TRAFFIC (1 pps per session), FLOOD_SETUP_TIMEOUT (60 s),
# FLOOD_RSS_LIMIT_MIB (16), FLOOD_ICRQ_RSS_LIMIT_MIB (8), FLOOD_ASAN_QUARANTINE_MB (1),
# FLOOD_PROBE_LIMIT_MS (2000), FLOOD_REPORT (a file: the figures as key=value lines, for bench/flood.sh),
# FLOOD_KEEP_WORK=1 (keep the work directory: brasd's log, the scrapes, bras-loadgen's output).
set -euo pipefail
brasd=$1
loadgen=$2
cli=$3
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces)"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
flood=$here/l2tp_flood.py
sessions=${FLOOD_SESSIONS:-1000}
per_tunnel=${FLOOD_PER_TUNNEL:-100}
malformed=${FLOOD_MALFORMED:-200000}
malformed_rate=${FLOOD_MALFORMED_RATE:-20000}
sccrq=${FLOOD_SCCRQ:-20000}
sccrq_rate=${FLOOD_SCCRQ_RATE:-2500}
sccrq_unknown=${FLOOD_SCCRQ_UNKNOWN:-2000}
icrq=${FLOOD_ICRQ:-10000}
traffic=${FLOOD_TRAFFIC:-1}
setup_timeout=${FLOOD_SETUP_TIMEOUT:-60}
rss_limit_kib=$((${FLOOD_RSS_LIMIT_MIB:-16} * 1024))
icrq_rss_limit_kib=$((${FLOOD_ICRQ_RSS_LIMIT_MIB:-8} * 1024))
probe_limit_ms=${FLOOD_PROBE_LIMIT_MS:-2000}
in_setup_per_source=200
setup_rate_per_source=500
# The ICRQ flood's limits: small enough for FLOOD_ICRQ to go well past them and for a round of ICCN
# timeouts within the test.
icrq_setup_cap=200
icrq_setup_share=150  # max-sessions-in-setup-per-tunnel: the flooding tunnel's share of the cap
icrq_setup_queue=1000
icrq_iccn_timeout=4
ns=brasflood$$
work=$(mktemp -d /tmp/bras-flood.XXXXXX)
# shellcheck source-path=SCRIPTDIR source=../lib/brasd_netns.sh
source "$here/../lib/brasd_netns.sh"
# shellcheck source-path=SCRIPTDIR source=l2tp_flood_icrq.sh
source "$here/l2tp_flood_icrq.sh"
holder="" probe="" flooder="" sampler=""
cleanup() {
  rm -f "$work/sampling"
  local p
  for p in "$sampler" "$flooder" "$probe" "$holder"; do
    if [ -n "$p" ]; then
      kill "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  brasd_stop "$ns"
  if [ -n "${FLOOD_KEEP_WORK:-}" ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
passed=0
fail() {
  local why=$*
  # brasd gone: say so, with what a sanitizer said about it.
  if [ -n "${brasd_pid:-}" ] && ! kill -0 "$brasd_pid" 2>/dev/null; then
    why+=" (brasd is gone: $(grep -m1 -E "runtime error|ERROR: AddressSanitizer|Sanitizer" "$work/brasd.log" ||
      echo "no sanitizer report in its log"))"
  fi
  echo "not ok $((passed + 1)) - $why"
  echo "FAIL: $why" >&2
  [ -f "$work/brasd.log" ] && tail -20 "$work/brasd.log" >&2
  [ -f "$work/holder.err" ] && tail -c 600 "$work/holder.err" | tr '\r' '\n' | tail -5 >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $passed - $*"
}
# report KEY VALUE: one figure, for the summary line and FLOOD_REPORT (written as they come: a
# failed run still leaves what it measured).
figures=()
report() {
  figures+=("$1=$2")
  if [ -n "${FLOOD_REPORT:-}" ]; then echo "$1=$2" >>"$FLOOD_REPORT"; fi
}
if [ -n "${FLOOD_REPORT:-}" ]; then : >"$FLOOD_REPORT"; fi

# --- 1. brasd: LNS on 127.0.0.1:1701; one client, any Host Name, from 127.0.0.1, .2 and .4 only.
# set_l2tp KEY VALUE (awk on the configuration): the key in the l2tp section, replaced or added.
set_l2tp() {
  awk -v key="$1" -v value="$2" '
    /^[a-z]/ { if (section == "l2tp" && !done) { print "  " key ": " value; done = 1 } section = $1; sub(/:.*/, "", section) }
    section == "l2tp" && $1 == key ":" { print "  " key ": " value; done = 1; next }
    { print }' "$work/brasd.yaml" >"$work/brasd.yaml.new"
  mv "$work/brasd.yaml.new" "$work/brasd.yaml"
  grep -q "^  $1: $2\$" "$work/brasd.yaml" || fail "could not set l2tp.$1 in the test configuration"
}
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#allowed-sources: \[127.0.0.0/8\]#allowed-sources: [127.0.0.1/32, 127.0.0.2/32, 127.0.0.4/32]#" \
  >"$work/brasd.yaml"
{ grep -q "allowed-sources: \[127.0.0.1/32, 127.0.0.2/32, 127.0.0.4/32\]" "$work/brasd.yaml" &&
  grep -q "listen: 127.0.0.1:9101" "$work/brasd.yaml" && grep -q "port: 1701" "$work/brasd.yaml"; } ||
  fail "could not write the test configuration"
set_l2tp tunnel-setup-rate-per-source "$setup_rate_per_source"
set_l2tp max-tunnels-in-setup-per-source "$in_setup_per_source"
set_l2tp max-sessions-in-setup "$icrq_setup_cap"
set_l2tp max-sessions-in-setup-per-tunnel "$icrq_setup_share"
set_l2tp setup-queue "$icrq_setup_queue"
set_l2tp iccn-timeout "$icrq_iccn_timeout"
# An ASan build: its quarantine (256 MB by default) holds on to what brasd frees, which would count as
# growth: brasd runs with a small one here (an ASAN_OPTIONS quarantine of the caller's own wins).
# Its redzones and shadow make every allocation dearer too: the RSS limit is half as much again there,
# unless FLOOD_RSS_LIMIT_MIB says otherwise.
brasd_asan=""
if grep -qa __asan_init "$brasd"; then
  brasd_asan="quarantine_size_mb=${FLOOD_ASAN_QUARANTINE_MB:-1}:"
  [ -n "${FLOOD_RSS_LIMIT_MIB:-}" ] || rss_limit_kib=$((rss_limit_kib * 3 / 2))
  [ -n "${FLOOD_ICRQ_RSS_LIMIT_MIB:-}" ] || icrq_rss_limit_kib=$((icrq_rss_limit_kib * 3 / 2))
fi
# A sanitizer's report names where (UBSan prints no stack by default).
UBSAN_OPTIONS="print_stacktrace=1:${UBSAN_OPTIONS:-}" ASAN_OPTIONS="$brasd_asan${ASAN_OPTIONS:-}" \
  brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
  fail "brasd did not start: $(cat "$work/err")"

# scrape FILE: brasd's /metrics (inside the namespace) into FILE.
scrape() {
  ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9101; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3' \
    >"$1.tmp" 2>/dev/null && mv "$1.tmp" "$1"
}
# metric FILE "SERIES...": the sum of the SERIES (name{labels} exactly as exposed, space-separated;
# 0 when absent).
metric() {
  awk -v list="$2" 'BEGIN { n = split(list, want, " "); for (i = 1; i <= n; i++) w[want[i]] = 1 }
    ($1 in w) { s += $2 } END { printf "%.0f\n", s }' "$1"
}
dropped() { local r out=""; for r in "$@"; do out+=" brasd_l2tp_dropped_datagrams_total{reason=\"$r\"}"; done; echo "$out"; }
admission_reasons="setup-rate setup-rate-per-source tunnels-in-setup tunnels-in-setup-per-source"
# shellcheck disable=SC2086 # a word list
all_drops=$(dropped malformed unknown-tunnel unknown-session wrong-peer shed-for-control unknown-client $admission_reasons)
# shellcheck disable=SC2086
admission_drops=$(dropped $admission_reasons)
sock_series='brasd_l2tp_socket_dropped_datagrams_total{socket="control"} brasd_l2tp_socket_dropped_datagrams_total{socket="data"}'
established_series='brasd_l2tp_session_setups_total{result="established"}'
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$brasd_pid/status"; }
# settle FILE: scrapes until brasd has taken what was sent (the drop counters and the tunnels
# created stay put for 0.6 s; 20 s at most), into FILE.
settle() {
  local last=-1 now deadline=$((SECONDS + 20))
  while [ $SECONDS -lt $deadline ]; do
    scrape "$1" || fail "no /metrics scrape"
    now=$(metric "$1" "$all_drops brasd_l2tp_tunnels_created_total $sock_series")
    [ "$now" = "$last" ] && return 0
    last=$now
    sleep 0.6
  done
}
ok "brasd started (LNS 127.0.0.1:1701, client \"*\" from 127.0.0.1/32, 127.0.0.2/32 and 127.0.0.4/32)"

# --- 2. FLOOD_SESSIONS sessions held, with traffic, for the whole test (killed at the end).
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --hold 3600 --traffic "$traffic" --report-json "$work/holder.json" >"$work/holder.out" 2>"$work/holder.err" &
holder=$!
deadline=$((SECONDS + setup_timeout))
t_setup=$SECONDS
until grep -q "^holding" "$work/holder.err" 2>/dev/null; do
  kill -0 "$holder" 2>/dev/null || fail "the holding bras-loadgen exited: $(cat "$work/holder.out")"
  [ $SECONDS -lt $deadline ] || fail "$sessions sessions not up within $setup_timeout s"
  sleep 0.3
done
held=$(grep -o "^holding [0-9]*" "$work/holder.err" | grep -o "[0-9]*$")
report sessions "$sessions"
[ "$held" -eq "$sessions" ] || fail "bras-loadgen holds $held sessions of $sessions"
scrape "$work/m0" || fail "no /metrics scrape"
[ "$(metric "$work/m0" brasd_l2tp_sessions)" -ge "$sessions" ] || fail "brasd_l2tp_sessions below $sessions"
report setup_seconds $((SECONDS - t_setup))
ok "$sessions sessions up and held with $traffic pps each (brasd_l2tp_sessions $(metric "$work/m0" brasd_l2tp_sessions))"

# --- 3. Before the flood: RSS, counters; then RSS, tunnels in set-up, sessions in set-up and calls
# waiting sampled every 0.2 s.
sleep 1  # the set-up's last allocations settle
scrape "$work/m0" || fail "no /metrics scrape"
rss_before=$(rss)
report rss_before_kib "$rss_before"
touch "$work/sampling" "$work/samples"
(
  while [ -f "$work/sampling" ]; do
    scrape "$work/ms" && echo "$(rss) $(awk '$1 == "brasd_l2tp_tunnels_in_setup" { t = $2 }
      $1 == "brasd_l2tp_sessions_in_setup" { s = $2 } $1 == "brasd_l2tp_calls_waiting" { w = $2 }
      END { printf "%d %d %d\n", t, s, w }' "$work/ms")" >>"$work/samples"
    sleep 0.2
  done
) &
sampler=$!
# peaks: "RSS-KIB IN-SETUP" maxima of the samples so far (RSS: until the ICRQ flood, which has its own).
icrq_samples_at=""
peaks() {
  awk -v r="$rss_before" -v until="${icrq_samples_at:-0}" '
    { if ((!until || NR <= until) && $1 > r) r = $1; if ($2 > s) s = $2 } END { print r, s + 0 }' "$work/samples" 2>/dev/null
}
# runflood NAME ARGS...: l2tp_flood.py in the namespace; its line into $work/NAME.out.
runflood() {
  local name=$1
  shift
  ip netns exec "$ns" python3 "$flood" "$@" --target 127.0.0.1:1701 >"$work/$name.out" 2>&1 ||
    fail "l2tp_flood.py $*: $(cat "$work/$name.out")"
}
field() { grep -o " $2=[0-9.]*" "$work/$1.out" | head -1 | cut -d= -f2; }

# --- 4a. Malformed datagrams from 127.0.0.2.
runflood malformed malformed "$malformed" --source 127.0.0.2 --rate "$malformed_rate"
settle "$work/m1"
must=$(field malformed must_be_malformed)
rand=$(field malformed random)
d_malformed=$(($(metric "$work/m1" "$(dropped malformed)") - $(metric "$work/m0" "$(dropped malformed)")))
d_all1=$(($(metric "$work/m1" "$all_drops") - $(metric "$work/m0" "$all_drops")))
sock_drops() { metric "$1" "$sock_series"; }
d_sock1=$(($(sock_drops "$work/m1") - $(sock_drops "$work/m0")))
report malformed_sent "$malformed"
report malformed_seconds "$(field malformed seconds)"
report malformed_counted "$d_malformed"
report socket_dropped_malformed_phase "$d_sock1"
d_shed1=$(($(metric "$work/m1" "$(dropped shed-for-control)") - $(metric "$work/m0" "$(dropped shed-for-control)")))
# Two drops come before the decoder: the kernel's on a full socket buffer (counted by brasd,
# SO_RXQ_OVFL) and brasd's own shedding of data messages unread while control ones wait
# (shed-for-control; the held sessions' traffic among them). Of the rest, the must-be-malformed share
# is what must be counted as malformed. Paced at FLOOD_MALFORMED_RATE brasd reads nearly all of it;
# unpaced, it must still read at least half.
[ $((d_sock1 * 2)) -le "$malformed" ] ||
  fail "malformed: the kernel dropped $d_sock1 of $malformed datagrams on brasd's full sockets"
decoded_must=$(((malformed - d_sock1 - d_shed1) * must / malformed))
[ "$d_malformed" -ge $((decoded_must * 9 / 10)) ] ||
  fail "malformed: $d_malformed counted of $must sent that must be ($decoded_must without the kernel's" \
    "$d_sock1 drops and the $d_shed1 shed for control)"
ok "malformed flood: $malformed sent in $(field malformed seconds) s; $d_malformed counted malformed of $must" \
  "that must be; all drop reasons $d_all1 ($rand random ones sent, $d_shed1 shed for control); the kernel" \
  "dropped $d_sock1"
kill -0 "$brasd_pid" 2>/dev/null || fail "brasd died in the malformed flood"

# --- 4b/5. SCCRQs from many source ports of 127.0.0.2; a real LAC's tunnel from 127.0.0.1 meanwhile.
ip netns exec "$ns" python3 "$flood" sccrq "$sccrq" --source 127.0.0.2 --rate "$sccrq_rate" \
  --target 127.0.0.1:1701 >"$work/sccrq.out" 2>&1 &
flooder=$!
sleep 0.5
# The probe's tunnel is the only one established from here on (the flood's never are): brasd's log
# tells when it came up, and whether the flood was still running then.
tunnels_up() { grep -c "tunnel-established" "$work/brasd.log" || true; }
tunnels_before=$(tunnels_up)
t0=$(date +%s%N)
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions 1 --tunnels 1 --timeout 10 \
  --report-json "$work/probe.json" >"$work/probe.out" 2>"$work/probe.err" &
probe=$!
flood_at_probe_up=""
while kill -0 "$probe" 2>/dev/null; do
  if [ -z "$flood_at_probe_up" ] && [ "$(tunnels_up)" -gt "$tunnels_before" ]; then
    flood_at_probe_up=no
    kill -0 "$flooder" 2>/dev/null && flood_at_probe_up=yes
  fi
  sleep 0.05
done
probe_status=0
wait "$probe" || probe_status=$?
probe=""
probe_wall_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$probe_status" -eq 0 ] || fail "the legitimate tunnel did not come up in the flood: $(cat "$work/probe.out")"
probe_ms=$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["setup_latency_ms"]["max"]))' \
  "$work/probe.json") || fail "no set-up latency in the probe's report: $(cat "$work/probe.out")"
flood_running=no
kill -0 "$flooder" 2>/dev/null && flood_running=yes
wait "$flooder" || fail "l2tp_flood.py sccrq: $(cat "$work/sccrq.out")"
flooder=""
report probe_setup_ms "$probe_ms"
report probe_wall_ms "$probe_wall_ms"
[ "$probe_ms" -le "$probe_limit_ms" ] ||
  fail "the legitimate tunnel took $probe_ms ms (> $probe_limit_ms ms) in the SCCRQ flood"
# Not seen in the log while bras-loadgen ran (a log line renamed?): the flood must have outlasted it.
[ "${flood_at_probe_up:-$flood_running}" = yes ] ||
  fail "the SCCRQ flood ($sccrq at $sccrq_rate a second) was over before the legitimate tunnel came up" \
    "(bras-loadgen's wall time $probe_wall_ms ms): lower FLOOD_SCCRQ_RATE"
ok "legitimate tunnel and session from 127.0.0.1 up in $probe_ms ms in the SCCRQ flood (bras-loadgen" \
  "wall time $probe_wall_ms ms; the flood still running when its tunnel came up: ${flood_at_probe_up:-?}," \
  "when it ended: $flood_running)"
settle "$work/m2"
d_admission=$(($(metric "$work/m2" "$admission_drops") - $(metric "$work/m1" "$admission_drops")))
d_created=$(($(metric "$work/m2" brasd_l2tp_tunnels_created_total) - $(metric "$work/m1" brasd_l2tp_tunnels_created_total) - 1))
d_sock2=$(($(sock_drops "$work/m2") - $(sock_drops "$work/m1")))
for r in $admission_reasons; do
  report "dropped_$r" $(($(metric "$work/m2" "$(dropped "$r")") - $(metric "$work/m1" "$(dropped "$r")")))
done
report sccrq_sent "$sccrq"
report sccrq_seconds "$(field sccrq seconds)"
report sccrq_tunnels_created "$d_created"
report socket_dropped_sccrq_phase "$d_sock2"
[ $((d_admission + d_created)) -ge $((sccrq * 9 / 10)) ] ||
  fail "SCCRQs: $d_admission refused by the set-up limits + $d_created tunnels created, of $sccrq sent" \
    "(socket drops $d_sock2)"
ok "SCCRQ flood: $sccrq sent in $(field sccrq seconds) s; $d_admission refused by the set-up limits," \
  "$d_created tunnels created"
[ "$d_admission" -gt 0 ] || fail "no SCCRQ of the flood was refused by setup-rate, setup-rate-per-source," \
  "tunnels-in-setup or tunnels-in-setup-per-source"
ok "the tunnel set-up limits refused $d_admission SCCRQs of the flood"

# --- 4c. SCCRQs from 127.0.0.3, which no client allows.
runflood unknown sccrq "$sccrq_unknown" --source 127.0.0.3 --rate "$sccrq_rate"
settle "$work/m3"
d_unknown=$(($(metric "$work/m3" "$(dropped unknown-client)") - $(metric "$work/m2" "$(dropped unknown-client)")))
d_created3=$(($(metric "$work/m3" brasd_l2tp_tunnels_created_total) - $(metric "$work/m2" brasd_l2tp_tunnels_created_total)))
report unknown_sent "$sccrq_unknown"
report dropped_unknown-client "$d_unknown"
report unknown_tunnels_created "$d_created3"
[ "$d_unknown" -ge $((sccrq_unknown * 9 / 10)) ] ||
  fail "unknown-client: $d_unknown counted of $sccrq_unknown SCCRQs from 127.0.0.3 ($d_created3 tunnels created)"
[ "$d_created3" -eq 0 ] || fail "SCCRQs from 127.0.0.3 created $d_created3 tunnels"
ok "SCCRQs from a source no client allows: $d_unknown of $sccrq_unknown dropped as unknown-client," \
  "$d_created3 tunnels created"

# --- 4d. ICRQs inside a tunnel from 127.0.0.4; a real LAC's tunnel and session from 127.0.0.1 meanwhile.
[ "$icrq" -eq 0 ] || icrq_phase "$icrq"

# --- 6. After the flood: the sessions, brasd, the tunnels in set-up; 7. memory.
sleep 1
rm -f "$work/sampling"
wait "$sampler" 2>/dev/null || true
sampler=""
rss_after=$(rss)
read -r rss_peak in_setup_peak < <(peaks)
samples=$(wc -l <"$work/samples")
scrape "$work/m4" || fail "no /metrics scrape after the flood"
kill -0 "$brasd_pid" 2>/dev/null || fail "brasd died in the flood"
kill -0 "$holder" 2>/dev/null || fail "the holding bras-loadgen exited: $(cat "$work/holder.out")"
ok "brasd and the holding bras-loadgen are alive"
now_sessions=$(metric "$work/m4" brasd_l2tp_sessions)
destroyed=$(($(metric "$work/m4" brasd_l2tp_sessions_destroyed_total) - $(metric "$work/m0" brasd_l2tp_sessions_destroyed_total)))
established=$(($(metric "$work/m4" "$established_series") - $(metric "$work/m0" "$established_series")))
lost=$((destroyed - established - icrq_sessions))  # the probes' sessions: established, then ended; the ICRQ flood's
[ $lost -ge 0 ] || lost=0
report sessions_lost "$lost"
# The operator's view: bras-cli answers, and its summary counts the sessions too.
timeout 20 "$cli" --socket "$work/cli.sock" show services l2tp summary >"$work/summary" 2>&1 ||
  fail "bras-cli show services l2tp summary: $(cat "$work/summary")"
listed=$(grep -o "Sessions: [0-9]*" "$work/summary" | head -1 | grep -o "[0-9]*$" || echo 0)
{ [ "$now_sessions" -ge "$sessions" ] && [ "$listed" -ge "$sessions" ] && [ "$lost" -eq 0 ]; } ||
  fail "sessions lost in the flood: brasd_l2tp_sessions $now_sessions, bras-cli $listed, $destroyed ended," \
    "$established set up since, $icrq_sessions made for the ICRQ flood"
ok "all $sessions held sessions still up (brasd_l2tp_sessions $now_sessions, bras-cli summary $listed;" \
  "$destroyed ended: $established set up during the flood, the probes', and the ICRQ flood's $icrq_sessions)"
report in_setup_peak "$in_setup_peak"
# The SCCRQ flood's, and the probes' and the ICRQ flooder's tunnels (from 127.0.0.1 and .4) may be in
# set-up too, one probe and the ICRQ flooder at a time.
[ "$in_setup_peak" -le $((in_setup_per_source + 2)) ] ||
  fail "brasd_l2tp_tunnels_in_setup reached $in_setup_peak (max-tunnels-in-setup-per-source $in_setup_per_source)"
[ "$samples" -ge 3 ] || fail "only $samples samples of brasd_l2tp_tunnels_in_setup"
ok "brasd_l2tp_tunnels_in_setup at most $in_setup_peak in $samples samples (per-source limit $in_setup_per_source)"
report rss_peak_kib "$rss_peak"
report rss_after_kib "$rss_after"
[ $((rss_peak - rss_before)) -le "$rss_limit_kib" ] ||
  fail "RSS grew by $((rss_peak - rss_before)) KiB in the datagram and SCCRQ floods (before $rss_before, peak" \
    "$rss_peak, after $rss_after KiB; limit $rss_limit_kib KiB)"
ok "RSS before $rss_before KiB, peak $rss_peak KiB (+$((rss_peak - rss_before))) in the datagram and SCCRQ" \
  "floods, after $rss_after KiB (limit +$rss_limit_kib KiB${brasd_asan:+, an ASan build})"

# The held sessions' traffic while the flood ran (bras-loadgen's per-second rates), for the record.
traffic_min=$(tr '\r' '\n' <"$work/holder.err" | awk '/^traffic:/ { if (min == "" || $5 < min) min = $5 } END { print min + 0 }')
report traffic_min_received_pps "$traffic_min"
for r in malformed unknown-tunnel unknown-session wrong-peer shed-for-control; do
  report "dropped_total_$r" $(($(metric "$work/m4" "$(dropped "$r")") - $(metric "$work/m0" "$(dropped "$r")")))
done
report socket_dropped_total $(($(sock_drops "$work/m4") - $(sock_drops "$work/m0")))
report tunnels_in_setup_after "$(metric "$work/m4" brasd_l2tp_tunnels_in_setup)"
report tunnels_after "$(metric "$work/m4" brasd_l2tp_tunnels)"
echo "# summary: ${figures[*]}"
echo "$passed passed, 0 failed"

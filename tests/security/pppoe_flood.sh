#!/usr/bin/env bash
# A LAC under a PPPoE Discovery flood keeps its subscribers and takes new ones.
# A brasd LAC (configs/examples/lac-pppoe.yaml; padi-rate 1000/s,
# padi-rate-per-mac 5/s, max-starting 1000 made explicit) and a brasd LNS in a
# private namespace (tests/lac/lac_lib.sh); bras-loadgen holds FLOOD_SESSIONS
# PPPoE subscribers, FLOOD_TRAFFIC pings a second each, while
# tests/lac/pppoe_attacker.py sends
#   1. FLOOD_PADI PADIs, each from another MAC, at FLOOD_PADI_RATE (0: as fast
#      as python sends), then, once the LAC has read them,
#   2. PADRs with forged cookies from random MACs and PADIs from one MAC at
#      once, at FLOOD_PADR_RATE and FLOOD_PADI_MAC_RATE, until the new
#      subscriber below is up and gone (at most FLOOD_PADR, FLOOD_PADI_MAC).
# Once the LAC refuses each part's frames, a second bras-loadgen brings up one
# new subscriber (VLAN 100: its MAC is the first held one's), which must be up
# within FLOOD_PROBE_LIMIT_MS. In part 1 its PADIs meet the flood's at the
# global padi-rate every subscriber shares (docs/security.md, section 2): its
# time is reported, and checked only with FLOOD_PADI_PROBE_STRICT=1 (else a TAP
# "# TODO" line). Then, from /metrics (the LAC's, scraped every 0.2 s) and
# bras-cli only: every held subscriber is still up on the LAC and the LNS (and
# in bras-loadgen's report, its pings answered), every PADI and PADR the LAC
# read got a PADO or PADS or was counted by reason (padi-rate, bad-cookie,
# padi-rate-per-mac; overload: its queue full), at most the configured rates
# got a PADO, the kernel dropped at most half of each part, the flood opened no
# session and left none starting, the LAC's RSS grew by at most
# FLOOD_RSS_LIMIT_MIB (half as much again for an ASan build, run with a 1 MB
# quarantine), and both daemons exit 0 on SIGTERM with no sanitizer report. The
# set-up times and the RSS are checked without stopping the test; any "not ok"
# fails it.
# usage: pppoe_flood.sh BRASD BRAS_LOADGEN BRAS_CLI SOURCE_DIR     (as root; exit 77 otherwise)
# Parameters (environment): FLOOD_SESSIONS (300), FLOOD_PADI (100000), FLOOD_PADI_RATE (0: unpaced),
# FLOOD_PADR (100000), FLOOD_PADR_RATE (5000 a second), FLOOD_PADI_MAC (50000), FLOOD_PADI_MAC_RATE
# (2500), FLOOD_TRAFFIC (1 pps per subscriber), FLOOD_HOLD (seconds the subscribers are held, the
# whole flood within them: 40), FLOOD_SETUP_TIMEOUT (60 s), FLOOD_RSS_LIMIT_MIB (16),
# FLOOD_ASAN_QUARANTINE_MB (1), FLOOD_PROBE_LIMIT_MS (2000), FLOOD_PADI_PROBE_STRICT=1, FLOOD_REPORT (a
# file: the figures as key=value lines, for bench/pppoe_flood.sh), FLOOD_KEEP_WORK=1 (keep the work
# directory: the daemons' logs, the scrapes and samples, bras-loadgen's and the attacker's output).
set -euo pipefail
brasd=$1 loadgen=$2 cli=$3 src=$4
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces)"; exit 77; }
sessions=${FLOOD_SESSIONS:-300}
padi=${FLOOD_PADI:-100000}
padi_rate=${FLOOD_PADI_RATE:-0}
padr=${FLOOD_PADR:-100000}
padr_rate=${FLOOD_PADR_RATE:-5000}
padi_mac=${FLOOD_PADI_MAC:-50000}
padi_mac_rate=${FLOOD_PADI_MAC_RATE:-2500}
traffic=${FLOOD_TRAFFIC:-1}
hold=${FLOOD_HOLD:-40}
setup_timeout=${FLOOD_SETUP_TIMEOUT:-60}
rss_limit_kib=$((${FLOOD_RSS_LIMIT_MIB:-16} * 1024))
probe_limit_ms=${FLOOD_PROBE_LIMIT_MS:-2000}
# The LAC's limits, written into its configuration (the defaults, made explicit: the checks count on them).
rate_global=1000 rate_per_mac=5 max_starting=1000
ns=bras-lacf-$$
sub=bras-subf-$$
work=$(mktemp -d /tmp/bras-lacf.XXXXXX)
attacker=$src/tests/lac/pppoe_attacker.py
# shellcheck source-path=SCRIPTDIR source=../lac/lac_lib.sh
source "$src/tests/lac/lac_lib.sh"
holder="" prober="" flooder="" storm="" sampler=""
# (lac_lib.sh's cleanup and fail, with this test's processes and TAP lines)
cleanup() {
  set +e
  rm -f "$work/sampling"
  local p
  for p in "$sampler" "$flooder" "$storm" "$prober" "$holder"; do
    [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  stop_daemons "$lac_pid" "$lns_pid"
  ip netns del "$ns" 2>/dev/null
  ip netns del "$sub" 2>/dev/null
  if [ -n "${FLOOD_KEEP_WORK:-}" ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
passed=0 failed=0
fail() {
  local why=$* d pid_var
  for d in lac lns; do
    pid_var=${d}_pid
    if [ -n "${!pid_var:-}" ] && ! kill -0 "${!pid_var}" 2>/dev/null; then
      why+=" (the $d brasd is gone: $(grep -m1 -E "runtime error|ERROR: AddressSanitizer|Sanitizer" "$work/$d.log" ||
        echo "no sanitizer report in its log"))"
    fi
  done
  echo "not ok $((passed + failed + 1)) - $why"
  echo "FAIL: $why" >&2
  for d in lac.log lns.log; do [ -f "$work/$d" ] && { echo "--- $d" >&2; tail -15 "$work/$d" >&2; }; done
  [ -f "$work/holder.err" ] && tail -c 600 "$work/holder.err" | tr '\r' '\n' | tail -5 >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $((passed + failed)) - $*"
}
# not_ok DESCRIPTION: a failed check that does not stop the test (the figures after it still count).
not_ok() {
  failed=$((failed + 1))
  echo "not ok $((passed + failed)) - $*"
  echo "FAIL: $*" >&2
}
# report KEY VALUE: one figure, for the summary line and FLOOD_REPORT (written as they come).
figures=()
report() {
  figures+=("$1=$2")
  if [ -n "${FLOOD_REPORT:-}" ]; then echo "$1=$2" >>"$FLOOD_REPORT"; fi
}
if [ -n "${FLOOD_REPORT:-}" ]; then : >"$FLOOD_REPORT"; fi
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# --- 1. The LNS and the LAC; the LAC's PADI limits and max-starting explicit, VLAN 100 for the probe.
lac_edit='s.replace("{name: access0, untagged: true}", "{name: access0, untagged: true, vlans: [{vlan: \"100\"}]}", 1)'
lac_edit+=".replace(\"  max-sessions-per-mac: 4\n\", \"  max-sessions-per-mac: 4\n  padi-rate: $rate_global\n"
lac_edit+="  padi-rate-per-mac: $rate_per_mac\n  max-starting: $max_starting\n\", 1)"
# An ASan build: its quarantine (256 MB by default) holds on to what brasd frees, which would count as
# growth: both daemons run with a small one here (an ASAN_OPTIONS quarantine of the caller's own wins).
# Its redzones and shadow make every allocation dearer too: the RSS limit is half as much again there,
# unless FLOOD_RSS_LIMIT_MIB says otherwise.
brasd_asan=""
if grep -qa __asan_init "$brasd"; then
  brasd_asan="quarantine_size_mb=${FLOOD_ASAN_QUARANTINE_MB:-1}:"
  [ -n "${FLOOD_RSS_LIMIT_MIB:-}" ] || rss_limit_kib=$((rss_limit_kib * 3 / 2))
fi
ASAN_OPTIONS="$brasd_asan${ASAN_OPTIONS:-}" lac_lns_start
grep -q "padi-rate-per-mac: $rate_per_mac" "$work/lac.yaml" || fail "could not set the LAC's PADI limits"
ac_mac=$(ip -n "$ns" -o link show access0 | grep -o "link/ether [0-9a-f:]*" | cut -d' ' -f2)
ok "the LNS and the LAC started (padi-rate $rate_global, padi-rate-per-mac $rate_per_mac, max-starting" \
  "$max_starting; access0 $ac_mac)"

# scrape FILE [PORT]: the LAC's /metrics (the LNS's with 9101) into FILE.
scrape() {
  ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/127.0.0.1/${2:-9102}"'; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3
    cat <&3' >"$1.tmp" 2>/dev/null && mv "$1.tmp" "$1"
}
# total FILE SERIES...: their sum in a scrape (name{labels} exactly as exposed; 0 when absent).
total() {
  awk -v list="${*:2}" 'BEGIN { n = split(list, want, " "); for (i = 1; i <= n; i++) w[want[i]] = 1 }
    ($1 in w) { s += $2 } END { printf "%.0f\n", s }' "$1"
}
# deltas FROM TO: d[SERIES] is how much each series grew from scrape FROM to scrape TO (one awk for all).
declare -A d
deltas() {
  local k v
  d=()
  while read -r k v; do d[$k]=$v; done < <(awk 'NR == FNR { a[$1] = $2; next }
    $1 !~ /^#/ && NF == 2 { printf "%s %.0f\n", $1, $2 - a[$1] }' "$1" "$2")
}
# dsum SERIES...: the sum of their d[].
dsum() {
  local s=0 k
  for k in "$@"; do s=$((s + ${d[$k]:-0})); done
  echo "$s"
}
# refused REASON..., dropped REASON...: their series, space-separated.
series() {  # series NAME LABEL VALUE...
  local name=$1 label=$2 v out=""
  shift 2
  for v in "$@"; do out+=" $name{$label=\"$v\"}"; done
  echo "${out# }"
}
refused() { series brasd_pppoe_refusals_total reason "$@"; }
dropped() { series brasd_pppoe_dropped_frames_total reason "$@"; }
rx() { series brasd_pppoe_discovery_received_total code "$1"; }
tx() { series brasd_pppoe_discovery_sent_total code "$1"; }
drop_reasons="malformed vlan-not-configured unknown-session wrong-mac not-for-us unexpected-code overload send"
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$lac_pid/status"; }
# settle FILE: scrapes until the LAC has taken what was sent (the Discovery counters stay put for 0.6 s;
# 30 s at most), into FILE.
settle() {
  local last=-1 now deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    scrape "$1" || fail "no /metrics scrape"
    now=$(awk '/^brasd_pppoe_(discovery_received|refusals|dropped_frames)_total/ { s += $2 } END { print s }' "$1")
    [ "$now" = "$last" ] && return 0
    last=$now
    sleep 0.6
  done
  fail "the LAC's Discovery counters still moving after 30 s"
}
lac_cli() { timeout 20 ip netns exec "$ns" "$cli" -s "$work/lac.sock" "$@"; }
lns_cli() { timeout 20 ip netns exec "$ns" "$cli" -s "$work/lns.sock" "$@"; }
# json_field FILE KEY: the first number after "KEY": in bras-loadgen's report; latency_max FILE: its
# slowest set-up, ms.
json_field() { grep -o "\"$2\": [0-9.]*" "$1" | head -1 | grep -o "[0-9.]*$"; }
latency_max() { grep -o '"setup_latency_ms": {[^}]*' "$1" | grep -o '"max": [0-9]*' | grep -o "[0-9]*$"; }

# --- 2. FLOOD_SESSIONS subscribers held with traffic for FLOOD_HOLD s (the flood fits in it).
# bras-loadgen runs without LeakSanitizer (an ASan build): its exit is not under test, and would lengthen
# the test and the new subscribers' runs, whose end tells when they were up.
loadgen_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
ASAN_OPTIONS=$loadgen_asan ip netns exec "$sub" "$loadgen" --pppoe sub0 --sessions "$sessions" --max-outstanding 200 \
  --user demo --password demo --traffic "$traffic" --hold "$hold" --timeout "$setup_timeout" \
  --report-json "$work/holder.json" >"$work/holder.out" 2>"$work/holder.err" &
holder=$!
t_setup=$SECONDS
until grep -q "^holding" "$work/holder.err" 2>/dev/null; do
  kill -0 "$holder" 2>/dev/null || fail "the holding bras-loadgen exited: $(cat "$work/holder.out")"
  [ $((SECONDS - t_setup)) -lt "$setup_timeout" ] || fail "$sessions subscribers not up within $setup_timeout s"
  sleep 0.3
done
t_hold=$SECONDS
held=$(grep -o "^holding [0-9]*" "$work/holder.err" | grep -o "[0-9]*$")
report sessions "$sessions"
report setup_seconds $((SECONDS - t_setup))
[ "$held" -eq "$sessions" ] || fail "bras-loadgen holds $held subscribers of $sessions"
calls_up() { scrape "$work/m0" && [ "$(total "$work/m0" brasd_pppoe_sessions_starting)" -eq 0 ]; }
wait_for 10 "PPPoE sessions still starting with every subscriber up" calls_up
[ "$(total "$work/m0" brasd_pppoe_sessions)" -eq "$sessions" ] ||
  fail "brasd_pppoe_sessions $(total "$work/m0" brasd_pppoe_sessions), not $sessions"
ok "$sessions subscribers up and held with $traffic pps each in $((SECONDS - t_setup)) s" \
  "(brasd_pppoe_sessions $(total "$work/m0" brasd_pppoe_sessions), none starting)"

# --- 3. Before the flood: RSS and the counters; then sampled every 0.2 s (the loop in the namespace, one
# awk a sample), as lines "MS RSS-KIB SESSIONS STARTING".
sleep 1  # the set-up's last allocations settle
scrape "$work/m0" || fail "no /metrics scrape"
rss_before=$(rss)
report rss_before_kib "$rss_before"
touch "$work/sampling" "$work/samples"
cat >"$work/sample.awk" <<'AWK'
FNR == NR { if ($1 == "VmRSS:") rss = $2; next }
$1 == "brasd_pppoe_sessions" { s = $2 }
$1 == "brasd_pppoe_sessions_starting" { st = $2 }
END { printf "%.0f %d %d %d\n", at, rss, s, st }
AWK
# shellcheck disable=SC2016 # the loop's own variables
ip netns exec "$ns" bash -c '
  while [ -f "$1/sampling" ]; do
    if { exec 3<>/dev/tcp/127.0.0.1/9102 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 &&
      cat <&3 >"$1/ms"; } 2>/dev/null; then
      awk -v at=$((${EPOCHREALTIME/./} / 1000)) -f "$1/sample.awk" "/proc/$2/status" "$1/ms" >>"$1/samples"
    fi
    exec 3<&-
    sleep 0.2
  done' sampler "$work" "$lac_pid" &
sampler=$!
# attack NAME ARGS...: pppoe_attacker.py on sub0 in the background, its line into $work/NAME.out; sets
# flooder, or storm when flooder is taken.
attack() {
  local name=$1
  shift
  ip netns exec "$sub" python3 "$attacker" sub0 "$@" >"$work/$name.out" 2>&1 &
  if [ -z "$flooder" ]; then flooder=$!; else storm=$!; fi
}
# finish NAME PID [stop]: waits for the attacker (with "stop": ends it first); its figures reported.
finish() {
  [ -z "${3:-}" ] || kill -TERM "$2" 2>/dev/null || true
  wait "$2" || fail "pppoe_attacker.py $1: $(cat "$work/$1.out")"
  report "${1}_sent" "$(sent_of "$1")"
  report "${1}_seconds" "$(field "$1" seconds)"
}
sent_of() { grep -o " sent [0-9]*" "$work/$1.out" | grep -o "[0-9]*$"; }
field() { grep -o " $2=[0-9.]*" "$work/$1.out" | head -1 | cut -d= -f2; }
# started FROM SERIES...: waits until the LAC counts more refusals of SERIES than scrape FROM did (the
# flood part reaches it; python may take a while to start on a loaded machine).
started() {
  local base
  base=$(total "$@")
  flood_counted() { scrape "$work/mw" && [ "$(total "$work/mw" "${@:2}")" -gt "$base" ]; }
  wait_for 15 "the flood did not reach the LAC (no more $2)" flood_counted "$@"
}
# still_on SERIES...: "yes" if the LAC counts more of SERIES half a second after a first scrape, both
# taken once the new subscriber was up and gone (the flood part still on at the LAC), else "no".
still_on() {
  scrape "$work/on1" || fail "no /metrics scrape"
  sleep 0.5
  scrape "$work/on2" || fail "no /metrics scrape"
  if [ "$(total "$work/on2" "$@")" -gt "$(total "$work/on1" "$@")" ]; then echo yes; else echo no; fi
}
# probe NAME TIMEOUT: one new subscriber on VLAN 100 (apart from the held ones' frames: the first of
# them has its MAC), hung up once up. Sets probe_ms (bras-loadgen's set-up time; "" if it failed).
probe() {
  local t0 status=0
  t0=$(now_ms)
  ASAN_OPTIONS=$loadgen_asan ip netns exec "$sub" "$loadgen" --pppoe sub0 --vlan 100 --sessions 1 --user demo \
    --password demo --timeout "$2" --report-json "$work/$1.json" >"$work/$1.out" 2>"$work/$1.err" &
  prober=$!
  wait "$prober" || status=$?
  prober=""
  report "${1}_wall_ms" $(($(now_ms) - t0))
  probe_ms=""
  [ "$status" -eq 0 ] || return 0
  probe_ms=$(latency_max "$work/$1.json") || fail "no set-up latency in the report of $1: $(cat "$work/$1.out")"
  report "${1}_setup_ms" "$probe_ms"
}
# account PART SENT "CODES": the LAC read (or dropped for overload: its queue full) at least half of the
# SENT frames (d[] of the part), the rest being the kernel's drops, which the LAC counts too
# (brasd_pppoe_socket_dropped_frames_total: its socket's, so the held subscribers' frames it dropped
# as well). Sets got.
account() {
  local c over kernel
  got=0
  for c in $3; do got=$((got + $(dsum "$(rx "$c")"))); done
  over=$(dsum "$(dropped overload)")
  kernel=$(dsum 'brasd_pppoe_socket_dropped_frames_total{interface="access0"}')
  report "${1}_read" "$got"
  report "${1}_dropped_overload" "$over"
  report "${1}_kernel_dropped" $(($2 - got - over))
  report "${1}_kernel_dropped_counted" "$kernel"
  [ $(((got + over) * 2)) -ge "$2" ] ||
    fail "$1: the LAC read $got and dropped $over for overload of $2 frames sent (the kernel the rest)"
  [ $((kernel * 10)) -ge $(((${2} - got - over) * 9)) ] ||
    fail "$1: of $(($2 - got - over)) frames the LAC neither read nor dropped, its socket counted $kernel" \
      "(brasd_pppoe_socket_dropped_frames_total)"
}
# answered PART: every PADI and PADR the LAC read in the part (d[]) got a PADO or a PADS, or was counted
# by reason (an answer the kernel did not take is a `send` drop; a PADR refused for its service or a
# session limit has both a PADS and a reason: the sum may exceed what was read by those).
answered() {
  local read sum send twice
  read=$(dsum "$(rx PADI)" "$(rx PADR)")
  # shellcheck disable=SC2046 # word lists
  twice=$(dsum $(refused service-name max-sessions max-sessions-per-mac max-sessions-per-vlan max-starting))
  # shellcheck disable=SC2046
  sum=$(($(dsum "$(tx PADO)" "$(tx PADS)" $(refused padi-rate padi-rate-per-mac bad-cookie) \
    $(dropped vlan-not-configured malformed)) + twice))
  send=$(dsum "$(dropped send)")
  report "${1}_unaccounted" $((read - sum))
  { [ $((sum + send)) -ge "$read" ] && [ "$sum" -le $((read + twice)) ]; } ||
    fail "$1: $read PADIs and PADRs read, $sum answered or counted by reason ($send send drops)"
}
probe_limit_note="the global padi-rate is every subscriber's (docs/security.md, section 2)"

# --- 4. PADIs from FLOOD_PADI MACs; a new subscriber once the LAC refuses them for padi-rate.
t_flood=$(now_ms)
attack padi padi-flood "$padi" --rate "$padi_rate"
started "$work/m0" "$(refused padi-rate)"
probe probe_padi 5
on=$(still_on "$(refused padi-rate)")
finish padi "$flooder"
flooder=""
settle "$work/m1"
deltas "$work/m0" "$work/m1"
account padi "$(sent_of padi)" PADI
answered padi
pado=$(dsum "$(tx PADO)")
d_rate=$(dsum "$(refused padi-rate)")
d_mac=$(dsum "$(refused padi-rate-per-mac)")
report padi_pado "$pado"
report padi_refused_padi-rate "$d_rate"
report padi_refused_padi-rate-per-mac "$d_mac"
# PADOs: the global bucket's burst, then padi-rate a second, over the time the LAC had (to the settle).
part_ms=$(($(now_ms) - t_flood))
[ "$pado" -le $((rate_global + rate_global * part_ms / 1000)) ] ||
  fail "PADI flood: $pado PADOs in $part_ms ms, over padi-rate $rate_global"
[ "$d_rate" -ge $((got - rate_global - rate_global * part_ms / 1000)) ] ||
  fail "PADI flood: $d_rate of $got PADIs read refused for padi-rate"
ok "PADI flood: $(sent_of padi) sent in $(field padi seconds) s, $got read by the LAC: $pado PADOs (at most" \
  "$rate_global a second), $d_rate refused padi-rate, $d_mac padi-rate-per-mac; none unaccounted for"
# The new subscriber: its PADIs are refused for padi-rate like the flood's while it lasts (by design), so
# it is up within the limit only by luck or once the flood is over. FLOOD_PADI_PROBE_STRICT=1 asserts it.
report probe_padi_flood_on_after "$on"
what="a new subscriber up in ${probe_ms:-(not up in 5 s)} ms in the PADI flood (limit $probe_limit_ms ms;"
what+=" the flood still on at the LAC after it: $on)"
if [ -n "$probe_ms" ] && [ "$probe_ms" -le "$probe_limit_ms" ] && [ "$on" = yes ]; then
  ok "$what"
elif [ -n "${FLOOD_PADI_PROBE_STRICT:-}" ]; then
  not_ok "$what"
else
  passed=$((passed + 1))
  echo "not ok $((passed + failed)) - $what # TODO $probe_limit_note"
fi

# --- 5. PADRs with forged cookies from random MACs, and PADIs from one MAC, at once, until a new
# subscriber (once the LAC refuses both) is up and gone.
t_flood=$(now_ms)
attack padr padr-flood "$padr" --ac "$ac_mac" --rate "$padr_rate"
attack storm padi-mac "$padi_mac" --rate "$padi_mac_rate"
started "$work/m1" "$(refused bad-cookie)"
started "$work/m1" "$(refused padi-rate-per-mac)"
probe probe_padr "$((probe_limit_ms / 1000 + 3))"
on=$(still_on "$(refused bad-cookie padi-rate-per-mac)")
finish padr "$flooder" stop
finish storm "$storm" stop
flooder="" storm=""
if [ -z "$probe_ms" ]; then
  not_ok "a new subscriber did not come up in the PADR flood and the PADI storm: $(cat "$work/probe_padr.out")"
elif [ "$probe_ms" -gt "$probe_limit_ms" ]; then
  not_ok "a new subscriber took $probe_ms ms (> $probe_limit_ms) in the PADR flood and the PADI storm"
else
  [ "$on" = yes ] || fail "the PADR flood and the PADI storm were over at the LAC before the new subscriber" \
    "was up and gone ($probe_ms ms): raise FLOOD_PADR and FLOOD_PADI_MAC"
  ok "a new subscriber up in $probe_ms ms in the PADR flood and the one-MAC PADI storm"
fi
settle "$work/m2"
deltas "$work/m1" "$work/m2"
account padr_storm $(($(sent_of padr) + $(sent_of storm))) "PADI PADR"
answered padr_storm
part_ms=$(($(now_ms) - t_flood))
read_padr=$(dsum "$(rx PADR)")
read_padi=$(dsum "$(rx PADI)")
d_cookie=$(dsum "$(refused bad-cookie)")
d_mac=$(dsum "$(refused padi-rate-per-mac)")
pado=$(dsum "$(tx PADO)")
probe_padr=$(json_field "$work/probe_padr.json" padr_sent) || fail "no PADRs in the report of probe_padr"
probe_padi=$(json_field "$work/probe_padr.json" padi_sent) || fail "no PADIs in the report of probe_padr"
report padr_refused_bad-cookie "$d_cookie"
report storm_refused_padi-rate-per-mac "$d_mac"
report storm_pado "$pado"
[ "$d_cookie" -ge $((read_padr - probe_padr)) ] ||
  fail "PADR flood: $d_cookie of $read_padr PADRs read refused for bad-cookie (the probe sent $probe_padr)"
[ "$pado" -le $((rate_per_mac + rate_per_mac * part_ms / 1000 + probe_padi)) ] ||
  fail "PADI storm: $pado PADOs in $part_ms ms, over padi-rate-per-mac $rate_per_mac"
[ "$d_mac" -ge $((read_padi - probe_padi - rate_per_mac - rate_per_mac * part_ms / 1000)) ] ||
  fail "PADI storm: $d_mac of $read_padi PADIs read refused for padi-rate-per-mac"
ok "PADR flood: $(sent_of padr) sent in $(field padr seconds) s, $read_padr read, $d_cookie refused" \
  "bad-cookie; one-MAC storm: $(sent_of storm) PADIs in $(field storm seconds) s, $read_padi read, $pado" \
  "PADOs, $d_mac refused padi-rate-per-mac; none unaccounted for"

# --- 6. After the flood: the held subscribers, the half-open state, the memory.
gone_probes() { scrape "$work/m3" && [ "$(total "$work/m3" brasd_pppoe_sessions)" -le "$sessions" ] &&
  [ "$(total "$work/m3" brasd_pppoe_sessions_starting)" -eq 0 ]; }
wait_for 15 "the new subscribers' sessions or a starting one left on the LAC" gone_probes
sleep 1
rm -f "$work/sampling"
wait "$sampler" 2>/dev/null || true
sampler=""
rss_after=$(rss)
kill -0 "$holder" 2>/dev/null ||
  fail "the holding bras-loadgen ended before the flood did: raise FLOOD_HOLD ($hold s)"
report flood_seconds $((SECONDS - t_hold))
scrape "$work/m3" || fail "no /metrics scrape after the flood"
now_sessions=$(total "$work/m3" brasd_pppoe_sessions)
lns_listed=$(lns_cli show services l2tp summary | grep -o "Sessions: [0-9]*" | head -1 | grep -o "[0-9]*$" || echo 0)
lac_listed=$(lac_cli show subscribers summary | grep -Eo "PPPoE: +[0-9]+" | grep -o "[0-9]*$" || echo 0)
report sessions_after "$now_sessions"
report sessions_lost $((sessions - now_sessions))
{ [ "$now_sessions" -eq "$sessions" ] && [ "$lns_listed" -eq "$sessions" ] && [ "$lac_listed" -eq "$sessions" ]; } ||
  fail "held subscribers lost: brasd_pppoe_sessions $now_sessions, LAC bras-cli PPPoE $lac_listed, LNS" \
    "bras-cli sessions $lns_listed, of $sessions"
ok "all $sessions held subscribers still up (brasd_pppoe_sessions $now_sessions, bras-cli: LAC PPPoE" \
  "$lac_listed, LNS sessions $lns_listed)"
read -r peak_rss peak_sessions peak_starting < <(awk -v r="$rss_before" \
  '{ if ($2 > r) r = $2; if ($3 > s) s = $3; if ($4 > t) t = $4 } END { print r, s + 0, t + 0 }' "$work/samples")
samples=$(wc -l <"$work/samples")
deltas "$work/m0" "$work/m3"
pads=$(dsum "$(tx PADS)")
probes_padr=$((probe_padr + $(json_field "$work/probe_padi.json" padr_sent || echo 0)))
d_starting=$(dsum "$(refused max-starting)")
scrape "$work/lns" 9101 || fail "no /metrics scrape of the LNS"
lns_in_setup=$(total "$work/lns" brasd_l2tp_sessions_in_setup)
report pads_sent "$pads"
report starting_peak "$peak_starting"
report starting_after "$(total "$work/m3" brasd_pppoe_sessions_starting)"
report refused_max-starting "$d_starting"
report lns_sessions_in_setup_after "$lns_in_setup"
{ [ "$pads" -le "$probes_padr" ] && [ "$peak_sessions" -le $((sessions + 1)) ] && [ "$peak_starting" -le 1 ] &&
  [ "$d_starting" -eq 0 ] && [ "$lns_in_setup" -eq 0 ] && [ "$samples" -ge 5 ]; } ||
  fail "the flood opened sessions: $pads PADS sent (the new subscribers sent $probes_padr PADRs), at most" \
    "$peak_sessions sessions and $peak_starting starting in $samples samples, $d_starting max-starting refusals," \
    "$lns_in_setup sessions in set-up on the LNS"
ok "the flood opened no session: $pads PADS (the new subscribers'), at most $peak_starting starting in" \
  "$samples samples, none now (nor in set-up on the LNS), no max-starting refusal"
report rss_peak_kib "$peak_rss"
report rss_after_kib "$rss_after"
what="the LAC's RSS before $rss_before KiB, peak $peak_rss KiB (+$((peak_rss - rss_before))), after $rss_after"
what+=" KiB (limit +$rss_limit_kib KiB${brasd_asan:+, an ASan build})"
if [ $((peak_rss - rss_before)) -le "$rss_limit_kib" ]; then ok "$what"; else not_ok "$what"; fi
for r in $drop_reasons; do report "dropped_total_$r" "$(dsum "$(dropped "$r")")"; done
for r in bad-cookie padi-rate padi-rate-per-mac; do report "refused_total_$r" "$(dsum "$(refused "$r")")"; done

# --- 7. The hold ends: bras-loadgen's report; then both daemons stop.
status=0
wait "$holder" || status=$?
holder=""
[ $status -eq 0 ] || fail "the holding bras-loadgen: exit $status: $(cat "$work/holder.out")"
traffic_min=$(tr '\r' '\n' <"$work/holder.err" |
  awk '/^traffic:/ { if (min == "" || $5 < min) min = $5 } END { print min + 0 }')
report traffic_min_received_pps "$traffic_min"
check=$work/holder.check
python3 - "$work/holder.json" "$sessions" >"$check" 2>&1 <<'PY' || fail "bras-loadgen's report: $(cat "$check")"
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert r["established"] == n and r["failed"] == 0, r
assert r["pppoe"]["ended_while_up"] == 0, r["pppoe"]
t = r["traffic"]
assert t["sent"] >= n and t["received"] >= 0.9 * t["sent"], t
print(t["sent"], t["received"], t["loss_percent"])
PY
read -r t_sent t_received t_loss <"$check"
report traffic_loss_percent "$t_loss"
ok "bras-loadgen: $sessions established, none ended while held, $t_received of $t_sent pings back ($t_loss %" \
  "lost; at least $traffic_min a second in the flood)"
nothing_left() { scrape "$work/m4" && [ "$(total "$work/m4" brasd_pppoe_sessions)" -eq 0 ]; }
wait_for 20 "PPPoE sessions left on the LAC after every subscriber hung up" nothing_left
for d in lac lns; do
  pid_var=${d}_pid
  kill -TERM "${!pid_var}"
  status=0
  for _ in $(seq 300); do kill -0 "${!pid_var}" 2>/dev/null || break; sleep 0.1; done
  kill -0 "${!pid_var}" 2>/dev/null && fail "the $d brasd still running 30 s after SIGTERM"
  wait "${!pid_var}" || status=$?
  printf -v "$pid_var" ""
  [ $status -eq 0 ] || fail "the $d brasd exited $status on SIGTERM"
  ! grep -E "ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: [A-Za-z]*Sanitizer" \
    "$work/$d.log" >"$work/$d.san" || fail "the $d brasd's sanitizer report: $(head -5 "$work/$d.san")"
done
ok "both daemons exited 0 on SIGTERM with no sanitizer report"
echo "# summary: ${figures[*]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

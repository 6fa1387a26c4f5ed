#!/usr/bin/env bash
# The soak: brasd under continuous session churn for a long time, sampled, to
# catch what only time shows (memory or descriptors that grow, IDs and pool
# addresses never returned, actors whose mailboxes back up). Run by hand, as
# root, not in CI; tests/soak/soak_short.sh (the ctest soak_short) runs it
# scaled down for 3 minutes under ASan/LSan.
#
#   sudo bench/soak.sh [KEY=VALUE...]        e.g. sudo bench/soak.sh DURATION=120 HELD=2000
#
# A real brasd in a private network namespace (tests/lib/brasd_netns.sh):
#   - one bras-loadgen brings HELD sessions up (PER_TUNNEL a tunnel) and holds
#     them, with TRAFFIC ICMP echo a second each, for the whole run;
#   - once they are up (the soak clock's 0), a scheduler starts another
#     bras-loadgen every BATCH seconds for DURATION seconds, each bringing
#     CHURN*BATCH sessions up at CHURN a second, holding them CHURN_HOLD
#     seconds and hanging up: CHURN sessions a second up and as many down,
#     continuously (at most MAX_CHURN_PROCS at once; a start skipped at the
#     cap is counted);
#   - LOSS % of the L2TP control messages (T bit set, UDP port 1701, either
#     way) are dropped on the namespace's loopback: a classic BPF classifier
#     (random draw, SKF_AD_RANDOM) on lo's egress redirects them to a veth
#     whose peer discards them (other-host MAC): the kernel this was written
#     on has neither sch_netem nor act_gact, and no nft or iptables binary is
#     installed. Data (PPP frames, the traffic) is never dropped;
#   - every SAMPLE seconds one row: brasd's RSS (VmRSS), open fds (less the
#     /metrics connections open at that moment), threads,
#     and from /metrics the sessions, tunnels, tunnel IDs in use (the shards'
#     routed tunnels, brasd_shard_tunnels: an ID is released when its route
#     goes; session IDs are per tunnel), sessions in set-up, pool addresses in
#     use, the shard actors' mailbox depth (brasd_shard_mailbox_messages, the
#     only mailbox exported), and any *_ids_in_use series if brasd has one.
# After DURATION the churn stops (DRAIN seconds for its last ones), the
# held sessions are counted (exactly HELD), the holder hangs up, and brasd
# must come back to nothing within SETTLE seconds (closing tunnels keep their
# state one retransmission cycle, 31 s by default).
#
# Checks (ok / not ok lines; exit 1 on a failure, 77 without root):
#   - after warm-up (the first WARMUP % of DURATION), RSS and fds grow by less
#     than RSS_LIMIT and FD_LIMIT % (the median of the last three soak samples
#     against the median of the first three after warm-up);
#   - churn set-ups failed at most CHURN_FAIL_LIMIT %; every held session up;
#   - at the end: sessions, tunnels, tunnel IDs, sessions in set-up, pool
#     addresses and prefixes in use all 0, created == destroyed, brasd alive;
#   - SIGTERM: brasd exits 0 within 60 s and its output holds no sanitizer
#     report (LeakSanitizer, AddressSanitizer, UBSan "runtime error:").
#
# Parameters (environment or KEY=VALUE arguments; defaults for a release build):
#   DURATION=1800 HELD=20000 CHURN=500 (sessions/s) LOSS=5 (%) SAMPLE=10 (s)
#   TRAFFIC=1 (pps per held session) PER_TUNNEL=100 BATCH=4 CHURN_HOLD=3 MAX_CHURN_PROCS=4
#   DRAIN=BATCH+CHURN_HOLD+90 (s the held sessions stay after DURATION, for the last churn processes: on a
#   2-vCPU machine at full churn their hang-ups with 5 % loss took longer than 27 s)
#   WARMUP=20 (%) RSS_LIMIT=5 FD_LIMIT=5 (%) CHURN_FAIL_LIMIT=1 (%) SETTLE=240 (s)
#   HELLO=60 (tunnel-group hello-interval) THREADS=2 (brasd runtime.threads) LOG_LEVEL=warn
#   BUILD=DIR (default build/release); BRASD, LOADGEN, CLI name one binary each instead
#   TSV=FILE     keep the samples table there too;  KEEP=1 keep the work directory
# With an ASan build, set ASAN_OPTIONS=quarantine_size_mb=16 (as soak_short does): with ASan's default
# 256 MiB quarantine RSS climbs until it is full, whatever brasd does.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
for kv in "$@"; do
  case $kv in
    DURATION=* | HELD=* | CHURN=* | LOSS=* | SAMPLE=* | TRAFFIC=* | PER_TUNNEL=* | BATCH=* | CHURN_HOLD=* | \
      MAX_CHURN_PROCS=* | DRAIN=* | WARMUP=* | RSS_LIMIT=* | FD_LIMIT=* | CHURN_FAIL_LIMIT=* | SETTLE=* | HELLO=* | \
      THREADS=* | LOG_LEVEL=* | BUILD=* | BRASD=* | LOADGEN=* | CLI=* | TSV=* | KEEP=*) export "${kv?}" ;;
    *) echo "usage: $0 [KEY=VALUE...] (see the header)" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces, tc)"; exit 77; }
duration=${DURATION:-1800} held=${HELD:-20000} churn=${CHURN:-500} loss=${LOSS:-5} sample=${SAMPLE:-10}
traffic=${TRAFFIC:-1} per_tunnel=${PER_TUNNEL:-100} batch=${BATCH:-4} churn_hold=${CHURN_HOLD:-3}
max_procs=${MAX_CHURN_PROCS:-4} warmup=${WARMUP:-20} rss_limit=${RSS_LIMIT:-5} fd_limit=${FD_LIMIT:-5}
churn_fail_limit=${CHURN_FAIL_LIMIT:-1} settle=${SETTLE:-240} hello=${HELLO:-60} threads=${THREADS:-2}
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
per_batch=$((churn * batch))
drain=${DRAIN:-$((batch + churn_hold + 90))}  # the last churn processes start, set up, hold, hang up and exit
ns=brassoak$$
work=$(mktemp -d /tmp/bras-soak.XXXXXX)
mkdir "$work/churn"
# shellcheck source-path=SCRIPTDIR source=../tests/lib/brasd_netns.sh
source "$root/tests/lib/brasd_netns.sh"
holder="" sampler="" scheduler=""
cleanup() {
  set +e
  rm -f "$work/sampling" "$work/churning"
  local p
  for p in "$scheduler" "$sampler"; do [ -n "$p" ] && kill "$p" 2>/dev/null; done
  for p in "$work"/churn/*.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
  [ -n "$holder" ] && kill "$holder" 2>/dev/null
  for p in "$scheduler" "$sampler" "$holder"; do [ -n "$p" ] && wait "$p" 2>/dev/null; done
  brasd_stop "$ns"
  if [ -n "${KEEP:-}" ]; then echo "# kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok $((passed + failed)) - $*"; }
not_ok() { failed=$((failed + 1)); echo "not ok $((passed + failed)) - $*"; }
check() {  # check STATUS MESSAGE...: ok when STATUS is 0, not ok otherwise
  local status=$1
  shift
  if [ "$status" -eq 0 ]; then ok "$*"; else not_ok "$*"; fi
}
soak_t0=""  # the soak clock's 0 (epoch seconds): the held sessions up
# table: the samples with t_s on the soak clock (negative: the held sessions coming up).
table() {
  awk -F'\t' -v OFS='\t' -v t0="${soak_t0:-$t_start}" 'NR == 1 { $1 = "t_s" } NR > 1 { $1 = $1 - t0 } { print }' \
    "$work/samples.tsv"
}
sanitizer_report="ERROR: LeakSanitizer|ERROR: AddressSanitizer|runtime error:|WARNING: ThreadSanitizer"
print_samples() { [ -f "$work/samples.tsv" ] && table | column -t -s $'\t'; }
fatal() {  # the run cannot go on: what there is, then exit 1
  not_ok "$*"
  print_samples
  if grep -qE "$sanitizer_report" "$work/brasd.log" 2>/dev/null; then
    grep -m1 -B2 -A60 -E "$sanitizer_report" "$work/brasd.log" >&2
  elif [ -f "$work/brasd.log" ]; then
    tail -20 "$work/brasd.log" >&2
  fi
  [ -f "$work/holder.err" ] && tail -c 600 "$work/holder.err" | tr '\r' '\n' | tail -5 >&2
  exit 1
}

# --- brasd: the default configuration with the soak's pool, threads, hello interval and log level.
pool_prefix=100.64.0.0/16
[ $((held + per_batch * max_procs)) -lt 60000 ] || pool_prefix=100.64.0.0/14
"$brasd" --print-default-config |
  sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
      -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [$pool_prefix]#" \
      -e "s#^  threads: .*#  threads: $threads#" \
      -e "s#^      hello-interval: 60#      hello-interval: $hello#" \
      -e "s#^  level: info #  level: ${LOG_LEVEL:-warn} #" >"$work/brasd.yaml"
{ grep -q "prefixes: \[$pool_prefix\]" "$work/brasd.yaml" && grep -q "^  threads: $threads" "$work/brasd.yaml" &&
  grep -q "^      hello-interval: $hello\$" "$work/brasd.yaml" && grep -q "listen: 127.0.0.1:9101" "$work/brasd.yaml"; } ||
  fatal "could not write the soak configuration"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
  fatal "brasd did not start: $(cat "$work/err")"
t_start=$(date +%s)

# --- Control loss on the namespace's loopback (see the header). The classifier, classic BPF on the
# Ethernet frame lo carries: IPv4, UDP, not a later fragment, port 1701 either side, first payload
# byte with the T bit (0x80), then a random word below LOSS % of 2^32: redirect to soakdrop0.
if [ "$loss" != 0 ]; then
  thresh=$(awk -v p="$loss" 'BEGIN { printf "%.0f", p / 100 * 4294967296 - 1 }')
  bpf="17,40 0 0 12,21 0 14 2048,48 0 0 23,21 0 12 17,40 0 0 20,69 10 0 8191,177 0 0 14,72 0 0 14,21 2 0 1701"
  bpf+=",72 0 0 16,21 0 5 1701,80 0 0 22,69 0 3 128,32 0 0 4294963256,37 1 0 $thresh,6 0 0 4294967295,6 0 0 0"
  { ip -n "$ns" link add soakdrop0 type veth peer name soakdrop1 && ip -n "$ns" link set soakdrop0 up &&
    ip -n "$ns" link set soakdrop1 up && ip netns exec "$ns" tc qdisc add dev lo clsact &&
    ip netns exec "$ns" tc filter add dev lo egress prio 1 protocol ip bpf bytecode "$bpf" \
      action mirred egress redirect dev soakdrop0; } >"$work/tc.err" 2>&1 ||
    fatal "could not set up the control loss (tc clsact, cls_bpf, mirred, veth): $(cat "$work/tc.err")"
fi
# dropped_control: the control messages the loss dropped so far (soakdrop0's transmitted packets; "-": no loss).
dropped_control() {
  local n
  n=$(ip -n "$ns" -s link show soakdrop0 2>/dev/null | awk '/TX:/ { getline; print $2; exit }')
  echo "${n:--}"
}

# scrape FILE: brasd's /metrics (inside the namespace) into FILE.
scrape() {
  ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9101; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3' \
    >"$1.tmp" 2>/dev/null && mv "$1.tmp" "$1"
}
# figures FILE: "sessions tunnels tunnel-ids in-setup pool prefixes mailbox ids" from a scrape (ids: the
# sum of any *_ids_in_use series, "-" when brasd exports none).
figures() {
  awk '{ n = $1; sub(/\{.*/, "", n) }
    n == "brasd_l2tp_sessions" { s = $2 } n == "brasd_l2tp_tunnels" { t = $2 } n == "brasd_shard_tunnels" { ids += $2 }
    n == "brasd_l2tp_sessions_in_setup" { su = $2 } n == "brasd_address_pool_used_addresses" { pool += $2 }
    n == "brasd_prefix_pool_used_prefixes" { pfx += $2 } n == "brasd_shard_mailbox_messages" { mb += $2 }
    n ~ /_ids_in_use$/ { other += $2; has = 1 }
    END { printf "%d %d %d %d %d %d %d %s\n", s, t, ids, su, pool, pfx, mb, has ? other : "-" }' "$1"
}
# metric FILE "SERIES...": the sum of the SERIES (as exposed; 0 when absent).
metric() {
  awk -v list="$2" 'BEGIN { n = split(list, want, " "); for (i = 1; i <= n; i++) w[want[i]] = 1 }
    ($1 in w) { s += $2 } END { printf "%.0f\n", s }' "$1"
}
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$brasd_pid/status" 2>/dev/null; }
# fds: brasd's open descriptors, less the /metrics connections (TCP, local port 9101, not the listener):
# the least of three looks 0.1 s apart, so that a scrape's socket, which is not brasd's to keep, is not
# counted.
fds() {
  local i n least=""
  for i in 1 2 3; do
    n=$(awk 'FNR == 1 { f++ } f == 1 { fd[$0]++ }
      f == 2 && FNR > 1 && $2 ~ /:238D$/ && $4 != "0A" { delete fd["socket:[" $10 "]"] }
      END { for (t in fd) n += fd[t]; print n + 0 }' <(find "/proc/$brasd_pid/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null) \
      "/proc/$brasd_pid/net/tcp")
    if [ -z "$least" ] || [ "$n" -lt "$least" ]; then least=$n; fi
    [ $i -eq 3 ] || sleep 0.1
  done
  echo "$least"
}
phase() { echo "$1" >"$work/phase"; }
now() { date +%s; }

# --- The sampler: one row every SAMPLE seconds until the end.
phase setup
printf 'epoch\tphase\trss_kib\tfds\tthreads\tsessions\ttunnels\ttun_ids\tin_setup\tpool_used\tv6_used\tmailbox\tids\tchurn_procs\tctl_dropped\n' \
  >"$work/samples.tsv"
touch "$work/sampling"
(
  next=$(now)
  while [ -f "$work/sampling" ]; do
    if [ -d "/proc/$brasd_pid" ] && scrape "$work/s.prom"; then
      procs=$(find "$work/churn" -name '*.pid' 2>/dev/null | wc -l)
      read -r s t ids su pool pfx mb other < <(figures "$work/s.prom")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(now)" "$(cat "$work/phase")" \
        "$(rss)" "$(fds)" \
        "$(awk '/^Threads/ { print $2 }' "/proc/$brasd_pid/status" 2>/dev/null)" \
        "$s" "$t" "$ids" "$su" "$pool" "$pfx" "$mb" "$other" "$procs" "$(dropped_control)" >>"$work/samples.tsv"
    fi
    next=$((next + sample))
    while [ "$(now)" -lt $next ] && [ -f "$work/sampling" ]; do sleep 0.5; done
  done
) &
sampler=$!

# --- The held sessions: up, then held (with traffic) until the churn is over and drained.
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$held" --sessions-per-tunnel "$per_tunnel" \
  --max-outstanding 1000 --hold $((duration + drain)) --traffic "$traffic" --timeout 60 \
  --report-json "$work/holder.json" >"$work/holder.out" 2>"$work/holder.err" &
holder=$!
until grep -q "^holding" "$work/holder.err" 2>/dev/null; do
  kill -0 "$holder" 2>/dev/null || fatal "the holding bras-loadgen exited: $(cat "$work/holder.out")"
  sleep 0.3
done
soak_t0=$(now)
up=$(grep -o "^holding [0-9]*" "$work/holder.err" | grep -o "[0-9]*$")
check "$([ "$up" -eq "$held" ]; echo $?)" "$up of $held held sessions up in $((soak_t0 - t_start)) s (at most" \
  "$per_tunnel a tunnel, $traffic pps each, ${loss} % control loss)"
[ "$up" -gt 0 ] || fatal "no held session"
scrape "$work/m0" || fatal "no /metrics scrape"

# --- The churn: a bras-loadgen every BATCH seconds until DURATION (on the soak clock).
phase soak
touch "$work/churning"
(
  trap 'exit 0' TERM
  k=0 skipped=0
  while [ -f "$work/churning" ] && [ $(($(now) - soak_t0)) -lt "$duration" ]; do
    for p in "$work"/churn/*.pid; do  # reap the processes that are done
      [ -f "$p" ] || continue
      kill -0 "$(cat "$p")" 2>/dev/null || { wait "$(cat "$p")" 2>/dev/null; echo $? >"${p%.pid}.rc"; rm -f "$p"; }
    done
    if [ "$(find "$work/churn" -name '*.pid' | wc -l)" -lt "$max_procs" ]; then
      k=$((k + 1))
      ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$per_batch" --rate "$churn" \
        --sessions-per-tunnel "$per_tunnel" --hold "$churn_hold" --timeout 30 --report-json "$work/churn/$k.json" \
        >"$work/churn/$k.out" 2>"$work/churn/$k.err" &
      echo $! >"$work/churn/$k.pid"
    else
      skipped=$((skipped + 1))
    fi
    echo "$k $skipped" >"$work/churn/count"
    while [ -f "$work/churning" ] && [ $(($(now) - soak_t0)) -lt $((k * batch + skipped * batch)) ]; do sleep 0.2; done
  done
  for p in "$work"/churn/*.pid; do
    [ -f "$p" ] || continue
    wait "$(cat "$p")" 2>/dev/null
    echo $? >"${p%.pid}.rc"
    rm -f "$p"
  done
) &
scheduler=$!
while kill -0 "$scheduler" 2>/dev/null && [ $(($(now) - soak_t0)) -lt "$duration" ]; do
  kill -0 "$brasd_pid" 2>/dev/null || fatal "brasd died during the soak"
  sleep 1
done
phase drain
wait "$scheduler" 2>/dev/null || true
scheduler=""
rm -f "$work/churning"
t_churn_done=$(($(now) - soak_t0))

# The churn's figures: processes, sessions established and failed, sanitizer reports.
read -r launched skipped <"$work/churn/count" || launched=0 skipped=0
churn_up=0 churn_failed=0 churn_missing=0 churn_san=0
for ((i = 1; i <= launched; i++)); do
  j=$work/churn/$i.json
  if [ -s "$j" ]; then
    churn_up=$((churn_up + $(grep -o '"established": [0-9]*' "$j" | head -1 | grep -o '[0-9]*$')))
    churn_failed=$((churn_failed + $(grep -o '"failed": [0-9]*' "$j" | head -1 | grep -o '[0-9]*$')))
  else
    churn_missing=$((churn_missing + 1))
    churn_failed=$((churn_failed + per_batch))
  fi
  if grep -qE "$sanitizer_report" "$work/churn/$i.err"; then
    churn_san=$((churn_san + 1))
    [ -f "$work/churn_san.txt" ] || cp "$work/churn/$i.err" "$work/churn_san.txt"
  fi
done
scrape "$work/m1" || fatal "no /metrics scrape after the churn"
created_series='brasd_l2tp_sessions_created_total'
soak_created=$(($(metric "$work/m1" "$created_series") - $(metric "$work/m0" "$created_series")))
echo "# churn: $launched bras-loadgen processes over $t_churn_done s ($skipped starts skipped at the cap of" \
  "$max_procs), $churn_up sessions established, $churn_failed failed ($churn_missing processes without a report);" \
  "brasd created $soak_created sessions: $(awk -v n="$soak_created" -v s="$duration" 'BEGIN { printf "%.0f", n / s }')/s" \
  "up and down (asked: $churn/s); control messages dropped so far: $(dropped_control)"
total=$((churn_up + churn_failed))
check "$([ "$total" -gt 0 ] && [ $((churn_failed * 100)) -le $((total * churn_fail_limit)) ]; echo $?)" \
  "churn: $churn_failed of $total set-ups failed (limit $churn_fail_limit %)"
[ "$churn_san" -eq 0 ] ||
  echo "# NOTE: $churn_san churn bras-loadgen processes printed a sanitizer report; the first: $(head -c 2000 "$work/churn_san.txt")"

# --- The quiet point: the churn gone, the held sessions alone (the holder holds $drain s past DURATION).
# holding: the holder has not printed its report (it does at the end of the hold, before hanging up).
holding() { kill -0 "$holder" 2>/dev/null && [ ! -s "$work/holder.out" ]; }
quiet=-1
while holding; do
  scrape "$work/m2" || fatal "no /metrics scrape"
  quiet=$(metric "$work/m2" brasd_l2tp_sessions)
  holding || quiet=-1  # read too late: the holder may be hanging up
  [ "$quiet" -le "$held" ] && break
  sleep 1
done
if [ "$quiet" -ge 0 ]; then
  check "$([ "$quiet" -eq "$up" ]; echo $?)" "the churn over, brasd_l2tp_sessions $quiet: the $up held sessions alone"
else
  not_ok "the churn not gone $drain s after DURATION, when the holder hangs up (the churn processes are slow: raise DRAIN)"
fi
if [ -x "$cli" ]; then "$cli" --socket "$work/cli.sock" show services l2tp summary >"$work/summary.txt" 2>&1 || true; fi

# --- The held sessions hang up; then everything must be returned within SETTLE seconds.
phase teardown
holder_rc=0
wait "$holder" || holder_rc=$?
holder=""
held_traffic=$(grep -o '"traffic": {[^}]*}' "$work/holder.json" 2>/dev/null | grep -oE '"(sent|received|loss_percent)": [0-9.e+-]*' |
  tr -d '"' | tr '\n' ' ')
echo "# holder: exit $holder_rc; traffic: ${held_traffic:-none}"
if grep -qE "$sanitizer_report" "$work/holder.err"; then
  echo "# NOTE: the holding bras-loadgen printed a sanitizer report: $(grep -m1 -A12 -E 'Sanitizer|runtime error' "$work/holder.err")"
fi
phase settle
t_settle=$SECONDS
while :; do
  scrape "$work/m3" || fatal "no /metrics scrape while settling"
  read -r s t ids su pool pfx mb other < <(figures "$work/m3")
  [ "$s$t$ids$su$pool$pfx" = 000000 ] && break
  [ $((SECONDS - t_settle)) -lt "$settle" ] || break
  kill -0 "$brasd_pid" 2>/dev/null || fatal "brasd died after the soak"
  sleep 2
done
settled=$((SECONDS - t_settle))
sleep $((sample + 1))  # one more sample row, settled
rm -f "$work/sampling"
wait "$sampler" 2>/dev/null || true
sampler=""

# --- The samples; growth after warm-up.
echo "# samples (t_s on the soak clock: 0 = the held sessions up; tun_ids = brasd_shard_tunnels, the tunnel IDs in use;" \
  "mailbox = brasd_shard_mailbox_messages summed; ids = *_ids_in_use series, - : none exported)"
print_samples
if [ -n "${TSV:-}" ]; then table >"$TSV"; fi
# growth COLUMN: "BASE END MAX PERCENT" over the soak rows after warm-up (medians of three).
growth() {
  awk -F'\t' -v c="$1" -v w=$((duration * warmup / 100)) '
    function med(a, n,   x, y, i, j, t) { for (i = 1; i <= n; i++) x[i] = a[i]
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (x[j] < x[i]) { t = x[i]; x[i] = x[j]; x[j] = t }
      return x[int((n + 1) / 2)] }
    NR > 1 && $2 == "soak" && $1 >= w { v[++n] = $c; if ($c > mx) mx = $c }
    END { if (n < 2) { print "0 0 0 -"; exit }
      k = n < 6 ? int(n / 2) : 3; for (i = 1; i <= k; i++) { b[i] = v[i]; e[i] = v[n - k + i] }
      base = med(b, k); end = med(e, k); printf "%d %d %d %.1f\n", base, end, mx, (end - base) * 100 / base }' \
    <(table)
}
read -r rss_base rss_end rss_max rss_pct < <(growth 3)
read -r fd_base fd_end fd_max fd_pct < <(growth 4)
within() { awk -v p="$1" -v l="$2" 'BEGIN { exit !(p != "-" && p < l) }'; }
check "$(within "$rss_pct" "$rss_limit"; echo $?)" "RSS after warm-up ($warmup % of $duration s): $rss_base KiB," \
  "at the end $rss_end KiB ($rss_pct %, limit < $rss_limit %; the peak $rss_max KiB)"
check "$(within "$fd_pct" "$fd_limit"; echo $?)" "fds after warm-up: $fd_base, at the end $fd_end ($fd_pct %, limit" \
  "< $fd_limit %; the peak $fd_max)"
mb_max=$(awk -F'\t' 'NR > 1 && $12 > m { m = $12 } END { print m + 0 }' "$work/samples.tsv")
echo "# the shard actors' mailboxes: at most $mb_max messages queued in any sample; brasd's threads:" \
  "$(awk -F'\t' 'NR > 1 { if (lo == "" || $5 < lo) lo = $5; if ($5 > hi) hi = $5 } END { print lo "-" hi }' "$work/samples.tsv")"

# --- Everything returned.
read -r s t ids su pool pfx mb other < <(figures "$work/m3")
check "$([ "$s$t$ids$su" = 0000 ]; echo $?)" "$settled s after the last hang-up: sessions $s, tunnels $t, tunnel IDs" \
  "in use $ids, sessions in set-up $su (all 0 within $settle s)"
check "$([ "$pool$pfx" = 00 ]; echo $?)" "pool addresses in use $pool, IPv6 prefixes in use $pfx (all returned)"
sc=$(metric "$work/m3" brasd_l2tp_sessions_created_total) sd=$(metric "$work/m3" brasd_l2tp_sessions_destroyed_total)
tc_=$(metric "$work/m3" brasd_l2tp_tunnels_created_total) td=$(metric "$work/m3" brasd_l2tp_tunnels_destroyed_total)
check "$([ "$sc" -eq "$sd" ] && [ "$tc_" -eq "$td" ]; echo $?)" "sessions created $sc = destroyed $sd, tunnels" \
  "created $tc_ = destroyed $td"
# by_reason FAMILY: the family's non-zero series as label=value pairs.
by_reason() { awk -v f="$1" 'index($1, f "{") == 1 && $2 > 0 { l = $1; sub(/^[^{]*/, "", l); printf "%s=%s ", l, $2 }' "$work/m3"; }
echo "# ppp disconnects by cause: $(by_reason brasd_ppp_disconnects_total)"
echo "# dropped datagrams: $(by_reason brasd_l2tp_dropped_datagrams_total)$(by_reason brasd_l2tp_socket_dropped_datagrams_total)" \
  "data dropped: $(by_reason brasd_data_dropped_packets_total)"
echo "# tunnel failures $(metric "$work/m3" brasd_l2tp_tunnel_failures_total), control retransmissions" \
  "$(metric "$work/m3" brasd_l2tp_control_retransmissions_total), control messages dropped by the soak $(dropped_control)"
kill -0 "$brasd_pid" 2>/dev/null && alive=0 || alive=1
check "$alive" "brasd still running after $(($(now) - t_start)) s"

# --- The clean stop: SIGTERM, exit 0, no sanitizer report.
phase stop
rc=0
if [ "$alive" -eq 0 ]; then
  kill -TERM "$brasd_pid"
  for _ in $(seq 600); do kill -0 "$brasd_pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$brasd_pid" 2>/dev/null && { kill -KILL "$brasd_pid"; echo "# brasd killed: no exit 60 s after SIGTERM"; }
  wait "$brasd_pid" || rc=$?
  brasd_pid=""
  check "$rc" "brasd exited $rc on SIGTERM"
fi
if grep -qE "$sanitizer_report" "$work/brasd.log"; then
  not_ok "brasd's output holds a sanitizer report"
  grep -m1 -B2 -A60 -E "$sanitizer_report" "$work/brasd.log" >&2
else
  ok "no sanitizer report (LeakSanitizer, AddressSanitizer, UBSan) in brasd's output"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

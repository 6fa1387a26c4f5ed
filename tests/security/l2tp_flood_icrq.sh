# shellcheck shell=bash disable=SC2154,SC2034 # l2tp_flood.sh's variables, both ways
# The ICRQ flood phase of l2tp_flood.sh (sourced by it; its variables and helpers: ns, work, flood,
# loadgen, cli, sessions, scrape, fail, ok, report, rss, probe, flooder, probe_limit_ms, passed).
#
# One LAC from 127.0.0.4 (an allowed source) opens a tunnel and sends FLOOD_ICRQ ICRQs in it, each a
# new call, never an ICCN, acknowledging everything brasd sends (l2tp_flood.py icrq). brasd runs with
# l2tp.max-sessions-in-setup $icrq_setup_cap, max-sessions-in-setup-per-tunnel $icrq_setup_share,
# setup-queue $icrq_setup_queue and iccn-timeout $icrq_iccn_timeout s (l2tp_flood.sh sets them). What
# the code does with it: the first max-sessions-in-setup-per-tunnel calls get a session (ICRP), the
# next setup-queue ones wait in the tunnel's set-up queue, the rest are refused with CDN 2/4
# (setup-queue-full); each ICCN timeout clears a call (CDN 2) and frees its place, which the flooding
# tunnel's own queue takes at once, never more than its share.
# While the places are taken, a real LAC (bras-loadgen) opens a new tunnel and one session from
# 127.0.0.1: the tunnel and its session must be up within FLOOD_PROBE_LIMIT_MS (the session takes a
# place the flooder's share leaves free). After at least one round of ICCN timeouts the flooder sends
# a StopCCN: its waiting calls are dropped and its sessions end.
# Asserted: every ICRQ answered (ICRP or CDN) or dropped with the tunnel, and each counted by brasd
# by reason, matching what the flooder received; the sessions in set-up never above the cap (and at
# it), the waiting calls never above the set-up queue (and at it); the cleared calls counted as
# iccn-timeout; RSS growth within FLOOD_ICRQ_RSS_LIMIT_MIB; after the StopCCN no session, set-up
# place, waiting call or session ID of the flood is left (the session gauge back to the held count,
# the flooding tunnel gone or holding none).
#
# The polling loops fork little (a 2-core host running ASan binaries pays for every process): a
# scrape is read once into an array, the flooder's figures too.

icrq_sessions=0  # sessions brasd made for the flood (all ended by the end of the phase): l2tp_flood.sh's loss sum
declare -A icrq_m icrq_m0 icrq_f

# now_ms VAR: the wall clock in ms into VAR.
now_ms() { local _t=${EPOCHREALTIME//[!0-9]/}; printf -v "$1" "%s" $((_t / 1000)); }
# mload FILE ARRAY: the brasd_ series of a scrape into ARRAY (name{labels} -> value).
mload() {
  local -n _into=$2
  local _k _v
  _into=()
  # shellcheck disable=SC2004 # an associative array, through a nameref
  while read -r _k _v; do _into[$_k]=$_v; done < <(awk '/^brasd_/ { printf "%s %.0f\n", $1, $2 }' "$1")
}
# msum VAR ARRAY SERIES...: the sum of the SERIES in ARRAY (0 when absent) into VAR.
msum() {
  local -n _from=$2
  local _k _s=0
  for _k in "${@:3}"; do _s=$((_s + ${_from[$_k]:-0})); done
  printf -v "$1" '%s' "$_s"
}
# rise VAR SERIES...: their rise over the phase (icrq_m0 before, icrq_m settled after) into VAR.
rise() {
  local _a _b
  msum _a icrq_m "${@:2}"
  msum _b icrq_m0 "${@:2}"
  printf -v "$1" '%s' $((_a - _b))
}
# fload FILE: the flooder's figures (its status line, or its final line) into icrq_f.
fload() {
  local line="" w
  [ ! -f "$1" ] || read -r line <"$1" || true
  for w in $line; do [[ $w == *=* ]] && icrq_f[${w%%=*}]=${w#*=}; done
  return 0
}
refused_series=()
for r in setup-queue-full max-sessions no-session-id; do
  refused_series+=("brasd_l2tp_calls_refused_total{reason=\"$r\"}")
done
queue_full_series='brasd_l2tp_calls_refused_total{reason="setup-queue-full"}'
iccn_series='brasd_l2tp_session_setups_total{result="iccn-timeout"}'
tunnels_established_series='brasd_l2tp_tunnel_setups_total{result="established"}'
# flood_tunnel_sessions FILE: the Sessions column of the flooding tunnel's row in bras-cli's answer in
# FILE ("gone": no row).
flood_tunnel_sessions() { awk '$3 ~ /^127\.0\.0\.4:/ { n++; s += $4 } END { print n ? s : "gone" }' "$1"; }
ask_flood_tunnel() {
  timeout 20 "$cli" --socket "$work/cli.sock" show services l2tp tunnel peer-gateway 127.0.0.4 >"$1" 2>&1
}
# track: the running maxima of the set-up gauges, from icrq_m.
icrq_max_setup=0 icrq_max_waiting=0
track() {
  local s=${icrq_m[brasd_l2tp_sessions_in_setup]:-0} w=${icrq_m[brasd_l2tp_calls_waiting]:-0}
  [ "$s" -le "$icrq_max_setup" ] || icrq_max_setup=$s
  [ "$w" -le "$icrq_max_waiting" ] || icrq_max_waiting=$w
}
# poll: a scrape into icrq_m, the maxima tracked.
poll() {
  scrape "$work/mi" || fail "no /metrics scrape"
  mload "$work/mi" icrq_m
  track
}

icrq_phase() {
  local icrq=$1 cap=$icrq_setup_cap share=$icrq_setup_share queue=$icrq_setup_queue
  local samples_at rss_i0 deadline t_phase=$SECONDS now t_probe="" t_launch tunnel_ms="" session_ms="" recovery_ms=""
  scrape "$work/mi0" || fail "no /metrics scrape"
  mload "$work/mi0" icrq_m0
  samples_at=$(wc -l <"$work/samples")
  icrq_samples_at=$samples_at
  rss_i0=$(rss)
  touch "$work/icrq.hold"
  ip netns exec "$ns" python3 "$flood" icrq "$icrq" --source 127.0.0.4 --rate "${FLOOD_ICRQ_RATE:-0}" \
    --hold-file "$work/icrq.hold" --linger 120 --quiet-before "$icrq_iccn_timeout" --status "$work/icrq.status" \
    --target 127.0.0.1:1701 >"$work/icrq.out" 2>&1 &
  flooder=$!
  # The places taken and calls waiting: then the probe.
  deadline=$((SECONDS + 20))
  while poll; [ "${icrq_m[brasd_l2tp_sessions_in_setup]:-0}" -lt "$share" ] ||
    [ "${icrq_m[brasd_l2tp_calls_waiting]:-0}" -eq 0 ]; do
    kill -0 "$flooder" 2>/dev/null || fail "l2tp_flood.py icrq exited: $(cat "$work/icrq.out")"
    [ $SECONDS -lt $deadline ] || fail "the ICRQ flood did not take its share of set-up places ($share) within 20 s" \
      "(brasd_l2tp_sessions_in_setup ${icrq_m[brasd_l2tp_sessions_in_setup]:-0}; flooder:" \
      "$(cat "$work/icrq.status" 2>/dev/null))"
    sleep 0.1
  done
  # The probe's times run from its SCCRQ's arrival (brasd_l2tp_tunnels_created_total: no other tunnel is
  # made from here on), not from its start (an ASan binary takes seconds to start on a busy host).
  local est0 tun0 created0 iccn0 iccn_at_probe=0 n
  msum est0 icrq_m "$established_series"
  msum tun0 icrq_m "$tunnels_established_series"
  msum created0 icrq_m brasd_l2tp_tunnels_created_total
  msum iccn0 icrq_m0 "$iccn_series"
  now_ms t_launch
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions 1 --tunnels 1 --timeout 60 \
    --report-json "$work/probe2.json" >"$work/probe2.out" 2>"$work/probe2.err" &
  probe=$!
  # Until the flood is sent, a round of ICCN timeouts has freed places (taken again by the flood's
  # queue) and the probe has waited FLOOD_PROBE_LIMIT_MS at least (or its session is up). Meanwhile
  # bras-cli is asked for the flooding tunnel's sessions (in the background: it is slow to start).
  local asker=""
  deadline=$((SECONDS + 60))
  while :; do
    poll
    now_ms now
    msum n icrq_m brasd_l2tp_tunnels_created_total
    if [ -z "$t_probe" ] && [ "$n" -gt "$created0" ]; then
      t_probe=$now
      msum iccn_at_probe icrq_m "$iccn_series"
    fi
    [ -n "$t_probe" ] && now=$((now - t_probe))
    msum n icrq_m "$tunnels_established_series"
    [ -n "$tunnel_ms" ] || [ "$n" -le "$tun0" ] || tunnel_ms=$now
    msum n icrq_m "$established_series"
    [ -n "$session_ms" ] || [ "$n" -le "$est0" ] || session_ms=$now
    fload "$work/icrq.status"
    if [ -z "$asker" ] && [ -n "${icrq_f[send_seconds]:-}" ]; then
      ask_flood_tunnel "$work/icrq.cli" &
      asker=$!
    fi
    msum n icrq_m "$iccn_series"
    if [ -n "$t_probe" ] && [ -n "$asker" ] && [ $((n - iccn0)) -ge "$share" ] &&
      { [ "$now" -gt "$probe_limit_ms" ] || [ -n "$session_ms" ]; }; then
      break
    fi
    kill -0 "$flooder" 2>/dev/null || fail "l2tp_flood.py icrq exited early: $(cat "$work/icrq.out")"
    [ $SECONDS -lt $deadline ] || fail "the ICRQ flood not sent, no round of ICCN timeouts or no SCCRQ from the" \
      "probe within 60 s (iccn-timeout $((n - iccn0)), the probe's SCCRQ ${t_probe:+seen}${t_probe:-not seen};" \
      "flooder: $(cat "$work/icrq.status"))"
    sleep 0.1
  done
  local mid_sessions mid_open
  wait "$asker" || fail "bras-cli show services l2tp tunnel peer-gateway 127.0.0.4: $(cat "$work/icrq.cli")"
  mid_sessions=$(flood_tunnel_sessions "$work/icrq.cli")
  fload "$work/icrq.status"
  mid_open=$((icrq_f[icrp] - icrq_f[cdn_cleared]))
  # The flooder's StopCCN (at a moment no ICCN timeout is near: l2tp_flood.py --quiet-before); then the
  # probe's session, which waited for a place.
  rm -f "$work/icrq.hold"
  deadline=$((SECONDS + 20))
  local gone=""
  while [ -z "$session_ms" ]; do
    kill -0 "$probe" 2>/dev/null || gone=1
    poll
    msum n icrq_m "$established_series"
    if [ "$n" -gt "$est0" ]; then
      now_ms now
      session_ms=$((now - t_probe))
      break
    fi
    { [ -z "$gone" ] && [ $SECONDS -lt $deadline ]; } || break
    sleep 0.1
  done
  local probe_status=0 flood_status=0
  wait "$flooder" || flood_status=$?
  flooder=""
  [ "$flood_status" -eq 0 ] || fail "l2tp_flood.py icrq: $(cat "$work/icrq.out")"
  grep -o " sent=.*" "$work/icrq.out" >"$work/icrq.now" || fail "l2tp_flood.py icrq said nothing: $(cat "$work/icrq.out")"
  icrq_f=()
  fload "$work/icrq.now"
  [ -z "$session_ms" ] || recovery_ms=$((t_probe + session_ms - icrq_f[stopccn_at_ms]))

  # Settled: brasd has ended the flood's sessions and dropped its waiting calls (20 s at most).
  deadline=$((SECONDS + 20))
  until poll; [ "${icrq_m[brasd_l2tp_sessions]:-0}" -le "$sessions" ] &&
    [ "${icrq_m[brasd_l2tp_sessions_in_setup]:-0}" -eq 0 ] && [ "${icrq_m[brasd_l2tp_calls_waiting]:-0}" -eq 0 ]; do
    [ $SECONDS -lt $deadline ] || break
    sleep 0.3
  done
  sleep 0.5
  scrape "$work/mi1" || fail "no /metrics scrape"
  mload "$work/mi1" icrq_m
  # The probe: its session is over by now (it ends it once up); bras-loadgen's exit is waited for only now.
  wait "$probe" || probe_status=$?
  probe=""
  [ "$probe_status" -eq 0 ] || fail "the legitimate session did not come up after the ICRQ flood: $(cat "$work/probe2.out")"
  local probe_setup_ms
  probe_setup_ms=$(python3 -c 'import json, sys; print(round(json.load(open(sys.argv[1]))["setup_latency_ms"]["max"]))' \
    "$work/probe2.json") || fail "no set-up latency in the probe's report: $(cat "$work/probe2.out")"
  local sent=${icrq_f[sent]} icrp=${icrq_f[icrp]} refused=${icrq_f[cdn_refused]} cleared=${icrq_f[cdn_cleared]}
  local waiting=${icrq_f[unanswered]} cdn24=${icrq_f[cdn_2_4]:-0} cdn20=${icrq_f[cdn_2_0]:-0}
  local d_refused d_queue d_created d_destroyed d_iccn d_dropped d_deferred
  rise d_refused "${refused_series[@]}"
  rise d_queue "$queue_full_series"
  rise d_created brasd_l2tp_sessions_created_total
  rise d_destroyed brasd_l2tp_sessions_destroyed_total
  rise d_iccn "$iccn_series"
  rise d_dropped brasd_l2tp_deferred_calls_dropped_total
  rise d_deferred brasd_l2tp_calls_deferred_total
  icrq_sessions=$icrp
  local peak_rss peak_setup peak_waiting rss_now
  read -r peak_rss peak_setup peak_waiting < <(tail -n +$((samples_at + 1)) "$work/samples" |
    awk -v r="$rss_i0" '{ if ($1 > r) r = $1; if ($3 > s) s = $3; if ($4 > w) w = $4 } END { print r, s + 0, w + 0 }')
  [ "$peak_setup" -le "$icrq_max_setup" ] || icrq_max_setup=$peak_setup
  [ "$peak_waiting" -le "$icrq_max_waiting" ] || icrq_max_waiting=$peak_waiting
  rss_now=$(rss)
  local s
  for s in sent icrp cdn_refused cdn_cleared unanswered max_open lns_session_ids cdn_2_4 cdn_2_0 send_seconds rate \
    zlb_sent rx_duplicates retransmitted end_waited stopccn; do
    report "icrq_$s" "${icrq_f[$s]:--}"
  done
  report icrq_refused_counted "$d_refused"
  report icrq_deferred_counted "$d_deferred"
  report icrq_dropped_counted "$d_dropped"
  report icrq_iccn_timeout_counted "$d_iccn"
  report icrq_max_sessions_in_setup "$icrq_max_setup"
  report icrq_max_calls_waiting "$icrq_max_waiting"
  report icrq_probe_tunnel_ms "${tunnel_ms:--}"
  report icrq_probe_session_ms "${session_ms:--}"
  report icrq_probe_after_stopccn_ms "${recovery_ms:--}"
  report icrq_probe_setup_ms "$probe_setup_ms"
  report icrq_probe_start_ms $((t_probe - t_launch))
  report icrq_rss_before_kib "$rss_i0"
  report icrq_rss_peak_kib "$peak_rss"
  report icrq_rss_after_kib "$rss_now"

  # What the flooder got: an answer to every ICRQ, or its call dropped with the tunnel.
  { [ "$sent" -eq "$icrq" ] && [ $((icrp + refused + waiting)) -eq "$sent" ] && [ "${icrq_f[stopccn]}" = acked ]; } ||
    fail "ICRQ flood: sent $sent of $icrq; $icrp ICRPs + $refused refused + $waiting waiting at the end" \
      "!= $sent, or the StopCCN unacknowledged (${icrq_f[stopccn]})"
  ok "ICRQ flood from 127.0.0.4: $sent ICRQs in ${icrq_f[send_seconds]} s (${icrq_f[rate]}/s) in one tunnel, never" \
    "an ICCN: $icrp answered with an ICRP, $refused refused with a CDN ($cdn24 2/4), $waiting waiting when its" \
    "StopCCN came; brasd retransmitted ${icrq_f[rx_duplicates]} to it, it ${icrq_f[retransmitted]}"
  # brasd counted each by reason, as many as the flooder saw.
  { [ "$d_queue" -eq "$refused" ] && [ "$d_refused" -eq "$refused" ] && [ "$cdn24" -eq "$refused" ]; } ||
    fail "refusals: the flooder got $refused CDNs ($cdn24 2/4); brasd counted $d_queue setup-queue-full," \
      "$d_refused in all"
  { [ "$refused" -ge $((icrq - icrp - queue)) ] && [ "$refused" -gt 0 ]; } ||
    fail "only $refused of $icrq ICRQs refused ($icrp sessions, a set-up queue of $queue)"
  [ "$d_created" -eq $((icrp + 1)) ] ||
    fail "sessions: brasd made $d_created, the flooder got $icrp ICRPs (and the probe 1)"
  { [ "$d_dropped" -eq "$waiting" ] && [ "$waiting" -le "$queue" ]; } ||
    fail "waiting calls: $waiting unanswered when the tunnel ended, brasd dropped $d_dropped (set-up queue $queue)"
  [ "$d_deferred" -ge "$queue" ] ||
    fail "brasd_l2tp_calls_deferred_total rose by $d_deferred, under the set-up queue ($queue): it never filled"
  { [ "$d_iccn" -eq "$cleared" ] && [ "$cdn20" -eq "$cleared" ] && [ "$cleared" -ge "$share" ]; } ||
    fail "ICCN timeouts: brasd counted $d_iccn, the flooder got $cleared calls cleared ($cdn20 CDN 2/0;" \
      "at least $share expected, one round)"
  ok "brasd counted it all: $d_queue refused setup-queue-full, $d_created sessions made (the flood's $icrp and the" \
    "probe's), $d_deferred calls deferred, $d_iccn cleared by iccn-timeout, $d_dropped waiting calls dropped with the" \
    "tunnel"
  # The cap and the per-tunnel queue held.
  { [ "$icrq_max_setup" -ge "$share" ] && [ "$icrq_max_setup" -le "$cap" ] && [ "${icrq_f[max_open]}" -le "$share" ] &&
    [ "$mid_sessions" != gone ] && [ "$mid_sessions" -le "$share" ] && [ "$mid_open" -le "$share" ]; } ||
    fail "max-sessions-in-setup $cap, per tunnel $share: brasd_l2tp_sessions_in_setup reached $icrq_max_setup, the flooder had" \
      "${icrq_f[max_open]} calls open at most ($mid_open mid-flood), its tunnel $mid_sessions sessions"
  # The queue full, and one more at most: the probe's call, had it waited in its own tunnel's queue.
  { [ "$icrq_max_waiting" -ge "$queue" ] && [ "$icrq_max_waiting" -le $((queue + 1)) ]; } ||
    fail "setup-queue $queue: brasd_l2tp_calls_waiting reached $icrq_max_waiting"
  ok "brasd_l2tp_sessions_in_setup at most $icrq_max_setup (max-sessions-in-setup $cap, per tunnel $share), the flooding tunnel" \
    "$mid_sessions sessions mid-flood; brasd_l2tp_calls_waiting at most $icrq_max_waiting (setup-queue $queue, and" \
    "the probe's)"
  # The probe: its tunnel at once.
  { [ -n "$tunnel_ms" ] && [ "$tunnel_ms" -le "$probe_limit_ms" ]; } ||
    fail "the legitimate tunnel took ${tunnel_ms:-more than the flood} ms (> $probe_limit_ms ms) in the ICRQ flood"
  ok "legitimate tunnel from 127.0.0.1 up $tunnel_ms ms after its SCCRQ reached brasd (to the 0.1 s of the" \
    "scrapes), in the ICRQ flood (bras-loadgen sent it $((t_probe - t_launch)) ms after its start)"
  # Its session: a place the flooding tunnel's share leaves free, at once.
  { [ -n "$session_ms" ] && [ "$session_ms" -le "$probe_limit_ms" ]; } ||
    fail "the legitimate session took ${session_ms:-more than the flood} ms (> $probe_limit_ms ms) in the ICRQ" \
      "flood (the flooding tunnel's share $share of $cap places)"
  ok "legitimate session up $session_ms ms after its tunnel's SCCRQ in the ICRQ flood (the flooding tunnel holds" \
    "its share, $share of $cap set-up places; bras-loadgen's set-up latency $probe_setup_ms ms)"
  # Up by the StopCCN's time + FLOOD_PROBE_LIMIT_MS (before it, when it got a place in the flood).
  { [ -n "$recovery_ms" ] && [ "$recovery_ms" -le "$probe_limit_ms" ]; } ||
    fail "the legitimate session was not up within $probe_limit_ms ms of the flood's StopCCN" \
      "(${recovery_ms:-never} ms; set-up ${session_ms:-?} ms)"
  if [ "$recovery_ms" -ge 0 ]; then
    ok "legitimate session up $recovery_ms ms after the flood's StopCCN ($session_ms ms after its tunnel's SCCRQ;" \
      "bras-loadgen's set-up latency $probe_setup_ms ms)"
  else
    ok "legitimate session up $((-recovery_ms)) ms before the flood's StopCCN ($session_ms ms after its tunnel's" \
      "SCCRQ; bras-loadgen's set-up latency $probe_setup_ms ms)"
  fi
  [ $((peak_rss - rss_i0)) -le "$icrq_rss_limit_kib" ] ||
    fail "RSS grew by $((peak_rss - rss_i0)) KiB in the ICRQ flood (before $rss_i0, peak $peak_rss KiB;" \
      "limit $icrq_rss_limit_kib KiB)"
  # Nothing of the flood left.
  local after_sessions=${icrq_m[brasd_l2tp_sessions]:-0} after_setup=${icrq_m[brasd_l2tp_sessions_in_setup]:-0}
  local after_waiting=${icrq_m[brasd_l2tp_calls_waiting]:-0} after_tunnel listed
  ask_flood_tunnel "$work/icrq.cli" || fail "bras-cli show services l2tp tunnel peer-gateway 127.0.0.4: $(cat "$work/icrq.cli")"
  after_tunnel=$(flood_tunnel_sessions "$work/icrq.cli")
  timeout 20 "$cli" --socket "$work/cli.sock" show services l2tp summary >"$work/summary" 2>&1 ||
    fail "bras-cli show services l2tp summary: $(cat "$work/summary")"
  listed=$(grep -o "Sessions: [0-9]*" "$work/summary" | head -1 | grep -o "[0-9]*$" || echo 0)
  report icrq_sessions_after "$after_sessions"
  report icrq_flood_tunnel_sessions_after "$after_tunnel"
  report icrq_phase_seconds $((SECONDS - t_phase))
  { [ "$after_sessions" -eq "$sessions" ] && [ "$listed" -eq "$sessions" ] && [ "$after_setup" -eq 0 ] &&
    [ "$after_waiting" -eq 0 ] && [ "$d_created" -eq "$d_destroyed" ] &&
    { [ "$after_tunnel" = gone ] || [ "$after_tunnel" -eq 0 ]; }; } ||
    fail "after the ICRQ flood: brasd_l2tp_sessions $after_sessions, bras-cli $listed (held $sessions)," \
      "in set-up $after_setup, waiting $after_waiting, $d_created made and $d_destroyed ended, the flooding" \
      "tunnel's sessions: $after_tunnel"
  ok "after the flood's StopCCN nothing of it is left: brasd_l2tp_sessions $after_sessions and bras-cli $listed" \
    "(the held $sessions), none in set-up or waiting, $d_created sessions made and $d_destroyed ended, the flooding" \
    "tunnel's sessions: $after_tunnel; RSS $rss_i0 KiB before, $peak_rss peak (+$((peak_rss - rss_i0)), limit" \
    "+$icrq_rss_limit_kib), $rss_now after"
}

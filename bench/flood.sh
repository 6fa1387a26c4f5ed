#!/usr/bin/env bash
# The L2TP flood at scale: tests/security/l2tp_flood.sh (the ctest l2tp_flood,
# 1,000 sessions) with bench-size parameters against a release build, then its
# figures as a table. Run by hand, as root, not in CI.
#
#   sudo bench/flood.sh [SESSIONS [MALFORMED [SCCRQ [ICRQ]]]]     defaults 10000 1000000 100000 100000
#                                               (the ctest: 1000 200000 20000 10000)
#
# brasd in a private network namespace holds SESSIONS bras-loadgen sessions with
# traffic while l2tp_flood.py sends MALFORMED undecodable datagrams and SCCRQ
# SCCRQs (each a new tunnel key, never answered) from 127.0.0.2, then SCCRQ/10
# SCCRQs from 127.0.0.3 (no client allows it), then ICRQ ICRQs inside one
# tunnel from 127.0.0.4 (each a new call, never an ICCN; brasd with
# max-sessions-in-setup 200, 150 per tunnel, setup-queue 1000, iccn-timeout 4 s; the flooder
# ends with a StopCCN after a round of ICCN timeouts); during the SCCRQ flood
# and again during the ICRQ flood a second bras-loadgen opens one new tunnel
# and session from 127.0.0.1 and is timed. The test's assertions hold here too
# (no session lost, drops and refused calls counted by reason, tunnels in
# set-up within the per-source limit, sessions in set-up within the cap and
# waiting calls within the set-up queue, nothing of the ICRQ flood left after
# its tunnel, RSS growth within RSS_LIMIT_MIB and ICRQ_RSS_LIMIT_MIB): its
# ok/not ok lines are printed, and the table whatever the outcome.
#
# Environment:
#   BUILD=DIR      the binaries' build directory (default build/release); BRASD,
#                  LOADGEN, CLI name one binary each instead
#   PER_TUNNEL=N   sessions per tunnel of the held sessions (default 100)
#   TRAFFIC=PPS    ICMP echo per held session per second (default 1)
#   SCCRQ_RATE=N   SCCRQs per second, both SCCRQ floods (default 5000); MALFORMED_RATE=N
#                  paces the malformed flood (default 0: as fast as python sends); ICRQ_RATE=N
#                  paces the ICRQs (default 0: as fast as brasd's receive window lets them)
#   UNKNOWN=N      SCCRQs from 127.0.0.3 (default SCCRQ/10)
#   RSS_LIMIT_MIB  allowed RSS growth in the datagram and SCCRQ floods (default 16; 24 for an
#                  ASan build); ICRQ_RSS_LIMIT_MIB, more in the ICRQ flood (default 8; 12);
#                  PROBE_LIMIT_MS (default 2000)
#   KEEP=FILE      keep the figures (key=value lines) in FILE
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
malformed=${2:-1000000}
sccrq=${3:-100000}
icrq=${4:-100000}
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces): sudo $0 $*" >&2; exit 2; }
figures=${KEEP:-$(mktemp /tmp/bras-flood-figures.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -f "$figures"' EXIT
status=0
FLOOD_SESSIONS=$sessions FLOOD_MALFORMED=$malformed FLOOD_SCCRQ=$sccrq FLOOD_ICRQ=$icrq \
  FLOOD_SCCRQ_UNKNOWN=${UNKNOWN:-$((sccrq / 10))} FLOOD_PER_TUNNEL=${PER_TUNNEL:-100} \
  FLOOD_TRAFFIC=${TRAFFIC:-1} FLOOD_SCCRQ_RATE=${SCCRQ_RATE:-5000} FLOOD_MALFORMED_RATE=${MALFORMED_RATE:-0} \
  FLOOD_ICRQ_RATE=${ICRQ_RATE:-0} FLOOD_ICRQ_RSS_LIMIT_MIB=${ICRQ_RSS_LIMIT_MIB:-} \
  FLOOD_RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-} FLOOD_PROBE_LIMIT_MS=${PROBE_LIMIT_MS:-2000} \
  FLOOD_SETUP_TIMEOUT=$((60 + sessions / 50)) FLOOD_REPORT=$figures \
  "$root/tests/security/l2tp_flood.sh" "$brasd" "$loadgen" "$cli" 2>&1 | grep -v "^# summary" || status=$?

# The table: one figure a line (those the run got to measure; "-" for the others).
awk -F= '{ v[$1] = $2 }
  function g(k) { return (k in v) ? v[k] : "-" }
  function row(what, value) { printf "%-64s %s\n", what, value }
  END {
    row("sessions held (set-up s)", g("sessions") " (" g("setup_seconds") " s)")
    row("sessions lost in the flood", g("sessions_lost"))
    d = ("rss_peak_kib" in v) ? sprintf(" (+%d)", v["rss_peak_kib"] - v["rss_before_kib"]) : ""
    row("brasd RSS KiB: before / peak / after", g("rss_before_kib") " / " g("rss_peak_kib") d " / " g("rss_after_kib"))
    row("malformed: sent in s / counted malformed", g("malformed_sent") " in " g("malformed_seconds") " / " \
        g("malformed_counted"))
    row("SCCRQs from 127.0.0.2: sent in s / tunnels created", g("sccrq_sent") " in " g("sccrq_seconds") " / " \
        g("sccrq_tunnels_created"))
    split("setup-rate setup-rate-per-source tunnels-in-setup tunnels-in-setup-per-source", r, " ")
    for (i = 1; i <= 4; i++) row("  dropped, reason " r[i], g("dropped_" r[i]))
    row("SCCRQs from 127.0.0.3: sent / dropped unknown-client / tunnels", g("unknown_sent") " / " \
        g("dropped_unknown-client") " / " g("unknown_tunnels_created"))
    split("malformed unknown-tunnel unknown-session wrong-peer shed-for-control", t, " ")
    for (i = 1; i <= 5; i++) row("whole flood, dropped, reason " t[i], g("dropped_total_" t[i]))
    row("whole flood, dropped by the kernel (full socket buffers)", g("socket_dropped_total"))
    row("brasd_l2tp_tunnels_in_setup: peak in the flood / after", g("in_setup_peak") " / " g("tunnels_in_setup_after"))
    row("legitimate tunnel + session in the flood: set-up ms (wall)", g("probe_setup_ms") " (" g("probe_wall_ms") ")")
    row("ICRQs from 127.0.0.4: sent in s (per s)", g("icrq_sent") " in " g("icrq_send_seconds") " (" g("icrq_rate") ")")
    row("  answered ICRP / refused CDN 2/4 / waiting at the StopCCN", g("icrq_icrp") " / " g("icrq_cdn_refused") \
        " / " g("icrq_unanswered"))
    row("  counted: setup-queue-full / deferred / dropped / iccn-timeout", g("icrq_refused_counted") " / " \
        g("icrq_deferred_counted") " / " g("icrq_dropped_counted") " / " g("icrq_iccn_timeout_counted"))
    row("  peak sessions in set-up (cap 200) / calls waiting (queue 1000)", g("icrq_max_sessions_in_setup") " / " \
        g("icrq_max_calls_waiting"))
    row("  legitimate tunnel up ms / its session ms (after the StopCCN)", g("icrq_probe_tunnel_ms") " / " \
        g("icrq_probe_session_ms") " (" g("icrq_probe_after_stopccn_ms") ")")
    d = ("icrq_rss_peak_kib" in v) ? sprintf(" (+%d)", v["icrq_rss_peak_kib"] - v["icrq_rss_before_kib"]) : ""
    row("  brasd RSS KiB: before / peak / after", g("icrq_rss_before_kib") " / " g("icrq_rss_peak_kib") d " / " \
        g("icrq_rss_after_kib"))
    row("  after: brasd_l2tp_sessions / sessions of the flooding tunnel", g("icrq_sessions_after") " / " \
        g("icrq_flood_tunnel_sessions_after"))
    row("held sessions traffic: lowest received pps in a second", g("traffic_min_received_pps"))
  }' "$figures"
[ "$status" -eq 0 ] || echo "the flood test failed (status $status): see its lines above"
exit "$status"

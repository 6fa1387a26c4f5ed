#!/usr/bin/env bash
# The PPPoE Discovery flood at scale: tests/security/pppoe_flood.sh (the ctest
# pppoe_flood, 300 subscribers) with bench-size parameters against a release
# build, then its figures as a table. Run by hand, as root, not in CI.
#
#   sudo bench/pppoe_flood.sh [SESSIONS [PADI [PADR]]]     defaults 10000 1000000 200000
#
# A brasd LAC and a brasd LNS in a private namespace; bras-loadgen holds
# SESSIONS PPPoE subscribers (with traffic) on the LAC's access veth while
# tests/lac/pppoe_attacker.py sends PADI PADIs, each from another MAC, as fast
# as python sends, then at most PADR PADRs with forged cookies from random
# MACs together with at most PADR/2 PADIs from one MAC, until a new subscriber
# is up; a second bras-loadgen times one new subscriber in each part. The
# test's assertions hold here too (no subscriber lost, every PADI and PADR
# read answered or counted by reason, the PADI rates held, no session opened
# nor left starting by the flood, RSS growth within RSS_LIMIT_MIB, a clean
# SIGTERM): its ok/not ok lines are printed, and the table whatever the outcome.
#
# Environment:
#   BUILD=DIR        the binaries' build directory (default build/release); BRASD,
#                    LOADGEN, CLI name one binary each instead
#   TRAFFIC=PPS      ICMP echo per held subscriber per second (default 1)
#   PADI_RATE=N      PADIs per second of part 1 (default 0: as fast as python sends);
#                    PADR_RATE=N (default 20000), PADI_MAC_RATE=N (default 5000) pace part 2
#   HOLD=S           seconds the subscribers are held once up, the flood within them
#                    (default 90 + PADI / 20000)
#   RSS_LIMIT_MIB    allowed RSS growth of the LAC in the flood (default 16; 24 for an ASan
#                    build); PROBE_LIMIT_MS (default 2000); PADI_PROBE_STRICT=1 checks the new
#                    subscriber of part 1 against it too
#   KEEP=FILE        keep the figures (key=value lines) in FILE
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-10000}
padi=${2:-1000000}
padr=${3:-200000}
# shellcheck source=binaries.sh
source "$root/bench/binaries.sh"
[ "$(id -u)" -eq 0 ] || { echo "needs root (network namespaces): sudo $0 $*" >&2; exit 2; }
figures=${KEEP:-$(mktemp /tmp/bras-pppoe-flood-figures.XXXXXX)}
[ -n "${KEEP:-}" ] || trap 'rm -f "$figures"' EXIT
status=0
FLOOD_SESSIONS=$sessions FLOOD_PADI=$padi FLOOD_PADR=$padr FLOOD_PADI_MAC=$((padr / 2)) \
  FLOOD_PADI_RATE=${PADI_RATE:-0} FLOOD_PADR_RATE=${PADR_RATE:-20000} FLOOD_PADI_MAC_RATE=${PADI_MAC_RATE:-5000} \
  FLOOD_TRAFFIC=${TRAFFIC:-1} FLOOD_HOLD=${HOLD:-$((90 + padi / 20000))} FLOOD_SETUP_TIMEOUT=$((60 + sessions / 50)) \
  FLOOD_RSS_LIMIT_MIB=${RSS_LIMIT_MIB:-} FLOOD_PROBE_LIMIT_MS=${PROBE_LIMIT_MS:-2000} \
  FLOOD_PADI_PROBE_STRICT=${PADI_PROBE_STRICT:-} FLOOD_REPORT=$figures \
  "$root/tests/security/pppoe_flood.sh" "$brasd" "$loadgen" "$cli" "$root" 2>&1 | grep -v "^# summary" || status=$?

# The table: one figure a line (those the run got to measure; "-" for the others).
awk -F= '{ v[$1] = $2 }
  function g(k) { return (k in v) ? v[k] : "-" }
  function row(what, value) { printf "%-70s %s\n", what, value }
  END {
    row("subscribers held (set-up s) / lost in the flood", g("sessions") " (" g("setup_seconds") " s) / " \
        g("sessions_lost"))
    d = ("rss_peak_kib" in v) ? sprintf(" (+%d)", v["rss_peak_kib"] - v["rss_before_kib"]) : ""
    row("LAC RSS KiB: before / peak / after", g("rss_before_kib") " / " g("rss_peak_kib") d " / " g("rss_after_kib"))
    row("part 1, PADIs from as many MACs: sent in s / read by the LAC", g("padi_sent") " in " g("padi_seconds") \
        " / " g("padi_read"))
    row("  dropped overload / by the kernel (sent less read / counted by the socket)", g("padi_dropped_overload") " / " \
        g("padi_kernel_dropped") " / " g("padi_kernel_dropped_counted"))
    row("  PADOs / refused padi-rate / padi-rate-per-mac", g("padi_pado") " / " g("padi_refused_padi-rate") " / " \
        g("padi_refused_padi-rate-per-mac"))
    row("  new subscriber: set-up ms (wall) / flood on after it", g("probe_padi_setup_ms") " (" \
        g("probe_padi_wall_ms") ") / " g("probe_padi_flood_on_after"))
    row("part 2, forged PADRs: sent in s / refused bad-cookie", g("padr_sent") " in " g("padr_seconds") " / " \
        g("padr_refused_bad-cookie"))
    row("  PADIs from one MAC: sent in s / refused padi-rate-per-mac / PADOs", g("storm_sent") " in " \
        g("storm_seconds") " / " g("storm_refused_padi-rate-per-mac") " / " g("storm_pado"))
    row("  read by the LAC / dropped overload / by the kernel", g("padr_storm_read") " / " \
        g("padr_storm_dropped_overload") " / " g("padr_storm_kernel_dropped") " (counted " g("padr_storm_kernel_dropped_counted") ")")
    row("  new subscriber: set-up ms (wall)", g("probe_padr_setup_ms") " (" g("probe_padr_wall_ms") ")")
    row("PADS sent in the flood / starting at most / max-starting refusals", g("pads_sent") " / " \
        g("starting_peak") " / " g("refused_max-starting"))
    row("pings of the held subscribers: lost % / lowest received pps a second", g("traffic_loss_percent") " / " \
        g("traffic_min_received_pps"))
    row("the flood, s (from the subscribers up to the checks)", g("flood_seconds"))
  }' "$figures"
[ "$status" -eq 0 ] || echo "the PPPoE flood test failed (status $status): see its lines above"
exit "$status"

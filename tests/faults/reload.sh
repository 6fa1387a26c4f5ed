#!/usr/bin/env bash
# SIGHUP under load: a real brasd LNS in a private network namespace holds
# RELOAD_SESSIONS bras-loadgen sessions with traffic while its configuration
# file is reloaded:
#   1. a file changing a log level (applied at once: `bras-cli show log level`),
#      l2tp.max-sessions to the held count (applied at once: new calls are
#      refused, brasd_l2tp_calls_refused_total{reason="max-sessions"}, while
#      the held sessions stay), l2tp.tunnel-setup-rate-per-source to 1 (applied
#      at once: of 50 SCCRQs from a new source at once, the rest are dropped
#      setup-rate-per-source) and l2tp.host-name, which takes a restart:
#      counted applied, the host name counted in
#      brasd_config_restart_pending_settings;
#   2. a file with a value out of range: refused, counted, the log levels and
#      the pending count unchanged, brasd_config_last_reload_successful 0;
#   3. the original file back (max-sessions 0 again), with RELOAD_STORM SIGHUPs
#      sent while a second bras-loadgen sets up and ends RELOAD_CHURN sessions:
#      applied again (the kernel may merge signals: at least once), nothing
#      pending, every churn session up.
# Throughout: not one held session ends (brasd_l2tp_sessions, the sessions
# destroyed against those set up, bras-cli's summary), and brasd exits 0 on
# SIGTERM with no sanitizer report. Asserted on /metrics and bras-cli, not on
# log text.
# usage: reload.sh BRASD BRAS_LOADGEN BRAS_CLI     (as root; exit 77 otherwise)
# Environment: RELOAD_SESSIONS (300), RELOAD_PER_TUNNEL (100), RELOAD_CHURN (50), RELOAD_STORM (20),
# RELOAD_SETUP_TIMEOUT (60 s), RELOAD_KEEP_WORK=1 (keep the work directory). bench/reload.sh runs it
# with 10,000 sessions.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BRASD BRAS_LOADGEN BRAS_CLI" >&2; exit 2; }
brasd=$1 loadgen=$2 cli=$3
[ "$(id -u)" -eq 0 ] || { echo "# SKIP: needs root (network namespaces)"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
sessions=${RELOAD_SESSIONS:-300}
per_tunnel=${RELOAD_PER_TUNNEL:-100}
churn=${RELOAD_CHURN:-50}
storm=${RELOAD_STORM:-20}
setup_timeout=${RELOAD_SETUP_TIMEOUT:-60}
ns=brasreload$$
work=$(mktemp -d /tmp/bras-reload.XXXXXX)
# shellcheck source-path=SCRIPTDIR source=../lib/brasd_netns.sh
source "$here/../lib/brasd_netns.sh"
holder="" churner=""
cleanup() {
  local p
  for p in "$churner" "$holder"; do
    [ -n "$p" ] && { kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
  done
  brasd_stop "$ns"
  if [ -n "${RELOAD_KEEP_WORK:-}" ]; then echo "# kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
passed=0
fail() {
  echo "not ok $((passed + 1)) - $*"
  echo "FAIL: $*" >&2
  [ -f "$work/brasd.log" ] && tail -20 "$work/brasd.log" >&2
  exit 1
}
ok() {
  passed=$((passed + 1))
  echo "ok $passed - $*"
}
scrape() {
  ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9101; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3' \
    >"$1.tmp" 2>/dev/null && mv "$1.tmp" "$1"
}
# metric FILE SERIES: the series' value (0 when absent).
metric() { awk -v s="$2" '$1 == s { v = $2 } END { printf "%.0f\n", v }' "$1"; }
reloads() { metric "$1" "brasd_config_reloads_total{result=\"$2\"}"; }
# level COMPONENT: its level as bras-cli shows it.
level() {
  timeout 10 "$cli" --socket "$work/cli.sock" show log level >"$work/levels" 2>&1 || fail "bras-cli show log level"
  awk -v c="$1" '$1 == c { print $2 }' "$work/levels"
}
# hup_until RESULT COUNT: SIGHUP, then wait_reloads RESULT COUNT.
hup_until() {
  kill -HUP "$brasd_pid"
  wait_reloads "$@"
}
# wait_reloads RESULT COUNT: up to 10 s for brasd_config_reloads_total{result} to reach COUNT.
wait_reloads() {
  local deadline=$((SECONDS + 10))
  until scrape "$work/m" && [ "$(reloads "$work/m" "$1")" -ge "$2" ]; do
    [ $SECONDS -lt $deadline ] || fail "no $1 reload counted after SIGHUP (brasd_config_reloads_total{result=\"$1\"} $(reloads "$work/m" "$1"))"
    sleep 0.2
  done
}
established='brasd_l2tp_session_setups_total{result="established"}'
refused_max='brasd_l2tp_calls_refused_total{reason="max-sessions"}'
# set SECTION KEY VALUE FILE: the key's value in the section (the default file's layout: two-space keys).
set_key() {
  python3 - "$@" <<'PY' || fail "could not set $1.$2 in $4"
import re, sys
section, key, value, path = sys.argv[1:5]
lines, out, current, done = open(path).read().split("\n"), [], None, False
for line in lines:
    m = re.match(r"^([a-z0-9-]+):", line)
    if m:
        current = m.group(1)
    elif current == section and not done and re.match(r"^  " + re.escape(key) + r":", line):
        line, done = re.sub(r"^(  [a-z0-9-]+:) *[^#]*?( *#.*)?$", r"\1 " + value + r"\2", line), True
    out.append(line)
if not done:
    sys.exit(1)
open(path, "w").write("\n".join(out))
PY
}
# no_session_lost STEP: brasd_l2tp_sessions still at least the held count, and no session ended
# beyond those set up and ended by the churn since the start.
no_session_lost() {
  scrape "$work/m" || fail "no /metrics scrape"
  local now destroyed made
  now=$(metric "$work/m" brasd_l2tp_sessions)
  destroyed=$(($(metric "$work/m" brasd_l2tp_sessions_destroyed_total) - $(metric "$work/m0" brasd_l2tp_sessions_destroyed_total)))
  made=$(($(metric "$work/m" "$established") - $(metric "$work/m0" "$established")))
  { [ "$now" -ge "$sessions" ] && [ "$destroyed" -le "$made" ]; } ||
    fail "$1: sessions lost (brasd_l2tp_sessions $now of $sessions held; $destroyed ended, $made set up since)"
  kill -0 "$holder" 2>/dev/null || fail "$1: the holding bras-loadgen exited: $(tail -c 300 "$work/holder.err")"
}

# --- brasd on the default configuration, from a file.
"$brasd" --print-default-config | sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" >"$work/original.yaml"
grep -q "socket: $work/cli.sock" "$work/original.yaml" || fail "could not write the test configuration"
cp "$work/original.yaml" "$work/brasd.yaml"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
  fail "brasd did not start: $(cat "$work/err")"
scrape "$work/m" || fail "no /metrics scrape"
[ "$(reloads "$work/m" applied)$(reloads "$work/m" refused)$(metric "$work/m" brasd_config_restart_pending_settings)" = 000 ] &&
  [ "$(metric "$work/m" brasd_config_last_reload_successful)" = 1 ] || fail "reload figures not at zero at the start"
[ "$(level ppp)" = info ] || fail "ppp logs at $(level ppp), not info, at the start"
ok "brasd started; no reload counted, ppp at info"

# --- RELOAD_SESSIONS held with traffic.
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$sessions" --sessions-per-tunnel "$per_tunnel" \
  --hold 3600 --traffic 1 >"$work/holder.out" 2>"$work/holder.err" &
holder=$!
deadline=$((SECONDS + setup_timeout))
until grep -q "^holding" "$work/holder.err" 2>/dev/null; do
  kill -0 "$holder" 2>/dev/null || fail "the holding bras-loadgen exited: $(cat "$work/holder.out")"
  [ $SECONDS -lt $deadline ] || fail "$sessions sessions not up within $setup_timeout s"
  sleep 0.3
done
scrape "$work/m0" || fail "no /metrics scrape"
[ "$(metric "$work/m0" brasd_l2tp_sessions)" -ge "$sessions" ] || fail "brasd_l2tp_sessions below $sessions"
ok "$sessions sessions up and held with 1 pps each"

# --- 1. A log level and l2tp.max-sessions (applied), l2tp.host-name (takes a restart).
set_key log components "{ppp: warn}" "$work/brasd.yaml"
set_key l2tp max-sessions "$sessions" "$work/brasd.yaml"
set_key l2tp tunnel-setup-rate-per-source 1 "$work/brasd.yaml"
set_key l2tp host-name brasd-reloaded "$work/brasd.yaml"
[ "$(diff "$work/original.yaml" "$work/brasd.yaml" | grep -c '^>')" -eq 4 ] || fail "could not edit the configuration"
hup_until applied 1
[ "$(level ppp)" = warning ] || fail "ppp logs at $(level ppp) after the reload, not warning"
[ "$(level l2tp)" = info ] || fail "l2tp logs at $(level l2tp) after the reload, not info"
[ "$(metric "$work/m" brasd_config_restart_pending_settings)" = 1 ] ||
  fail "brasd_config_restart_pending_settings $(metric "$work/m" brasd_config_restart_pending_settings), not 1"
# max-sessions is the held count now: new calls are refused, the held ones stay.
refused_before=$(metric "$work/m" "$refused_max")
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions 5 --sessions-per-tunnel 5 --hold 1 \
  --timeout 10 --report-json "$work/over.json" >"$work/over.out" 2>"$work/over.err" || true
over_up=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["established"])' "$work/over.json" 2>/dev/null ||
  echo -1)
scrape "$work/m" || fail "no /metrics scrape"
refused=$(($(metric "$work/m" "$refused_max") - refused_before))
{ [ "$over_up" = 0 ] && [ "$refused" -ge 5 ]; } ||
  fail "over the reloaded max-sessions $sessions: $over_up of 5 new sessions up, $refused refused as max-sessions"
# tunnel-setup-rate-per-source is 1 now: 50 SCCRQs at once from one new source, one admitted.
rate_drops='brasd_l2tp_dropped_datagrams_total{reason="setup-rate-per-source"}'
drops_before=$(metric "$work/m" "$rate_drops")
ip netns exec "$ns" python3 "$here/../security/l2tp_flood.py" sccrq 50 --sockets 50 --source 127.0.0.5 \
  --target 127.0.0.1:1701 >"$work/sccrq.out" 2>&1 || fail "l2tp_flood.py sccrq: $(cat "$work/sccrq.out")"
sleep 1
scrape "$work/m" || fail "no /metrics scrape"
rate_dropped=$(($(metric "$work/m" "$rate_drops") - drops_before))
[ "$rate_dropped" -ge 45 ] || fail "tunnel-setup-rate-per-source 1: $rate_dropped of 50 SCCRQs dropped setup-rate-per-source"
no_session_lost "after the reload"
ok "reload applied: ppp at warning; max-sessions $sessions refuses new calls ($refused refused, 0 up) and keeps the" \
  "held ones; tunnel-setup-rate-per-source 1 drops $rate_dropped of 50 SCCRQs; l2tp.host-name counted as waiting" \
  "for a restart; no session lost"

# --- 2. An invalid file: refused, nothing changed.
cp "$work/brasd.yaml" "$work/bad.yaml"
set_key log components "{ppp: debug}" "$work/bad.yaml"
set_key l2tp retransmit-count 1000 "$work/bad.yaml"
[ "$(diff "$work/brasd.yaml" "$work/bad.yaml" | grep -c '^>')" -eq 2 ] || fail "could not write the invalid file"
! "$brasd" --check-config "$work/bad.yaml" >/dev/null 2>&1 || fail "--check-config takes the invalid file"
cp "$work/bad.yaml" "$work/brasd.yaml"
hup_until refused 1
[ "$(metric "$work/m" brasd_config_last_reload_successful)" = 0 ] || fail "brasd_config_last_reload_successful not 0"
[ "$(reloads "$work/m" applied)" = 1 ] || fail "the invalid file counted as applied"
[ "$(level ppp)" = warning ] || fail "the refused file changed ppp's level to $(level ppp)"
[ "$(metric "$work/m" brasd_config_restart_pending_settings)" = 1 ] || fail "the refused file changed the pending count"
no_session_lost "after the refused reload"
ok "invalid file refused (retransmit-count 1000): ppp still at warning, 1 setting still pending, no session lost"

# --- 3. The original back, a SIGHUP storm while sessions come and go.
cp "$work/original.yaml" "$work/brasd.yaml"
ip netns exec "$ns" "$loadgen" --lns 127.0.0.1:1701 --sessions "$churn" --sessions-per-tunnel "$churn" --hold 2 \
  --traffic 1 --report-json "$work/churn.json" >"$work/churn.out" 2>"$work/churn.err" &
churner=$!
for _ in $(seq "$storm"); do
  kill -HUP "$brasd_pid"
  sleep 0.05
done
wait_reloads applied 2
wait "$churner" || fail "the churning bras-loadgen failed: $(tail -5 "$work/churn.out")"
churner=""
up=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["established"])' \
  "$work/churn.json" 2>/dev/null || echo -1)
[ "$up" = "$churn" ] || fail "$up of $churn churn sessions established during the SIGHUP storm ($(tail -3 "$work/churn.out"))"
scrape "$work/m" || fail "no /metrics scrape"
applied=$(reloads "$work/m" applied)
[ "$applied" -ge 2 ] && [ "$applied" -le $((storm + 1)) ] || fail "$applied reloads applied after $storm SIGHUPs"
[ "$(metric "$work/m" brasd_config_last_reload_successful)" = 1 ] || fail "brasd_config_last_reload_successful not 1"
[ "$(metric "$work/m" brasd_config_restart_pending_settings)" = 0 ] || fail "settings still pending with the original file"
[ "$(level ppp)" = info ] || fail "ppp at $(level ppp) with the original file back, not info"
no_session_lost "after the SIGHUP storm"
ok "$storm SIGHUPs ($((applied - 1)) reloads applied) while $churn sessions came and went: all up, nothing pending," \
  "ppp back at info, no held session lost"

# --- The operator's view, then a clean exit.
timeout 20 "$cli" --socket "$work/cli.sock" show services l2tp summary >"$work/summary" 2>&1 ||
  fail "bras-cli show services l2tp summary: $(cat "$work/summary")"
listed=$(grep -o "Sessions: [0-9]*" "$work/summary" | head -1 | grep -o "[0-9]*$" || echo 0)
[ "$listed" -ge "$sessions" ] || fail "bras-cli summary shows $listed sessions, not $sessions"
kill "$holder" 2>/dev/null || true
wait "$holder" 2>/dev/null || true
holder=""
kill -TERM "$brasd_pid"
rc=0
wait "$brasd_pid" || rc=$?
brasd_pid=""
[ $rc -eq 0 ] || fail "brasd exited $rc on SIGTERM"
! grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error" "$work/brasd.log" || fail "a sanitizer report in brasd's log"
ok "bras-cli lists $listed sessions; brasd exits 0 on SIGTERM with no sanitizer report"
echo "$passed passed, 0 failed"

# Sourced by the shell tests (tests/ipv6/ipv6_lib.sh, tests/lac/lac_lib.sh, tests/faults) and
# bench/lac_pppoe.sh that poll for a condition. The caller defines
# fail MESSAGE, which reports and exits.

# wait_for SECONDS DESCRIPTION COMMAND...: fails with DESCRIPTION unless COMMAND succeeds in time.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "$what"
    sleep 0.3
  done
}

# stop_daemons PID...: SIGTERM to each, up to 5 s each to exit, then SIGKILL; reaps them. Empty
# arguments are skipped, so clean-up traps may pass PIDs that were never set.
stop_daemons() {
  local p
  for p in "$@"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null; done
  for p in "$@"; do
    [ -n "$p" ] || continue
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  return 0
}

# Sourced by the shell tests (tests/ipv6/ipv6_lib.sh, tests/lac/lac_lib.sh) and
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

# Sourced by the shell tests (and bench/setup_rate.sh) that run a real brasd
# in a private network namespace: it binds 1701 and 9101 on loopback and may
# create a tun device, none of which may touch the root namespace.

brasd_pid=""

# brasd_start BRASD NS CONFIG LOG READY-COMMAND...
# Creates NS (loopback up), starts brasd on CONFIG in it with its output in
# LOG, sets brasd_pid, and waits up to 10 s for READY-COMMAND to succeed.
# Returns 1 with the reason on stderr if brasd exits or is not ready in time.
brasd_start() {
  local brasd=$1 ns=$2 config=$3 log=$4
  shift 4
  ip netns add "$ns" || return 1
  ip -n "$ns" link set lo up || return 1
  ip netns exec "$ns" "$brasd" --config "$config" >"$log" 2>&1 &
  brasd_pid=$!
  local deadline=$((SECONDS + 10))
  until "$@"; do
    kill -0 "$brasd_pid" 2>/dev/null || { echo "brasd exited before it was ready" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "brasd was not ready within 10 s" >&2; return 1; }
    sleep 0.1
  done
}

# brasd_stop NS: SIGTERM, SIGKILL after 5 s, then the namespace goes. Safe to
# call when nothing was started (clean-up traps).
brasd_stop() {
  local ns=$1
  if [ -n "$brasd_pid" ]; then
    kill -TERM "$brasd_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$brasd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$brasd_pid" 2>/dev/null || true
    wait "$brasd_pid" 2>/dev/null || true
    brasd_pid=""
  fi
  ip netns del "$ns" 2>/dev/null || true
}

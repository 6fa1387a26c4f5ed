# shellcheck shell=bash disable=SC2154  # work, pids and client are the caller's
# Sourced by the PPPoE/l2tpns interop scripts: namespaces, a veth, captures,
# FreeRADIUS, l2tpns, the rp-pppoe subscriber and tshark checks. The caller
# sets `work` (a private directory), `pids` (an array), `client` (the
# bras_ppp_stdio_client binary) and a `fail` function, and calls
# interop_cleanup from its EXIT trap.

interop_namespaces=()

# require_tools TOOL...: exit 77 (ctest SKIP) when a package is missing.
require_tools() {
  PATH=$PATH:/usr/sbin:/sbin
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed" >&2; exit 77; }
  done
}

# interop_cleanup: stops every process in `pids`, deletes the namespaces
# (and with them the veths) and the work directory (kept if BRAS_KEEP_WORK is set).
interop_cleanup() {
  local p n alive
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # brasd sends StopCCN and waits for its ack on SIGTERM: give it a moment.
  for _ in $(seq 30); do
    alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for n in "${interop_namespaces[@]}"; do ip netns del "$n" 2>/dev/null || true; done
  if [ -n "${BRAS_KEEP_WORK:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}

# wait_for FILE REGEX SECONDS
wait_for() {
  local deadline=$((SECONDS + $3))
  while [ $SECONDS -lt $deadline ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# make_namespace NS: loopback up, IPv6 off (no RS/RA noise in the captures).
make_namespace() {
  ip netns add "$1"
  interop_namespaces+=("$1")
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$1" link set lo up
}

# make_veth NS_A NAME_A NS_B NAME_B: a veth pair between two namespaces, up.
make_veth() {
  local tmp_a=bqa$$ tmp_b=bqb$$
  ip link add "$tmp_a" type veth peer name "$tmp_b"
  ip link set "$tmp_a" netns "$1" name "$2"
  ip link set "$tmp_b" netns "$3" name "$4"
  ip -n "$1" link set "$2" up
  ip -n "$3" link set "$4" up
}

# start_capture NS IFACE FILTER NAME: tshark writes $work/NAME.pcap; sets capture_pid.
start_capture() {
  ip netns exec "$1" tshark -q -n -i "$2" -f "$3" -w "$work/$4.pcap" 2>"$work/tshark-$4.log" &
  capture_pid=$!
  pids+=("$capture_pid")
  wait_for "$work/tshark-$4.log" "Capturing on" 10 || fail "tshark on $2 did not start"
}

# stop_capture PID
stop_capture() {
  kill -INT "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# capture_fields NAME: one line per frame in $work/NAME.fields:
# protocols|L2TP message types|L2TP AVP types|malformed|expert severities.
# Fails if the capture is empty or tshark flags a malformed or error frame.
capture_fields() {
  tshark -n -r "$work/$1.pcap" -T fields -E separator='|' -e frame.protocols -e l2tp.avp.message_type \
    -e l2tp.avp.type -e _ws.malformed -e _ws.expert.severity >"$work/$1.fields" 2>/dev/null
  [ -s "$work/$1.fields" ] || fail "the $1 capture is empty"
  local bad
  bad=$(awk -F'|' '$4 != "" || $5 ~ /8388608/' "$work/$1.fields" | wc -l)
  [ "$bad" -eq 0 ] || fail "tshark flags $bad frames in the $1 capture"
}

# capture_has NAME PROTOCOL-CHAIN...: every chain (e.g. pppoes:ppp:lcp) occurs.
capture_has() {
  local name=$1 chain
  shift
  for chain in "$@"; do
    grep -q "$chain" "$work/$name.fields" || fail "no $chain in the $name capture"
  done
}

# message_avps NAME TYPE: the AVP types of each L2TP message of TYPE, one message a line.
message_avps() {
  awk -F'|' -v t="$2" '{ n = split($2, m, ","); for (i = 1; i <= n; i++) if (m[i] == t) { print $3; break } }' \
    "$work/$1.fields"
}

# start_radius NS: FreeRADIUS on a copy of Debian's configuration, with the
# users in $work/radius.users prepended to its users file (client localhost,
# secret testing123, as shipped).
start_radius() {
  chmod 755 "$work"  # FreeRADIUS drops to the freerad user and reads its copy here
  cp -a /etc/freeradius/3.0 "$work/raddb"
  local authorize=$work/raddb/mods-config/files/authorize
  if [ -f "$work/radius.users" ]; then
    cat "$work/radius.users" "$authorize" >"$work/authorize.new"
    cat "$work/authorize.new" >"$authorize"  # keeps the file's owner and mode
  fi
  ip netns exec "$1" freeradius -X -d "$work/raddb" >"$work/radius.log" 2>&1 &
  pids+=($!)
  wait_for "$work/radius.log" "Ready to process requests" 10 || fail "FreeRADIUS did not start"
}

# start_l2tpns NS CONFIG-LINES: l2tpns with the common settings plus the
# given ones; waits until it is master (it ignores L2TP before). setsid: one
# of l2tpns's exit paths signals its whole process group, which would
# otherwise be this script's (and ctest's).
start_l2tpns() {
  cat >"$work/l2tpns.cfg" <<CFG
set debug 3
set log_file "$work/l2tpns.log"
set pid_file "$work/l2tpns.pid"
set l2tp_secret "tunnelsecret"
set bind_address 127.0.0.1
set primary_dns 192.0.2.53
set primary_radius 127.0.0.1
set radius_secret "testing123"
set cli_bind_address 127.0.0.1
set send_garp no
set cluster_interface "lo"
set cluster_hb_interval 2
set cluster_hb_timeout 10
$2
CFG
  ip netns exec "$1" setsid l2tpns -c "$work/l2tpns.cfg" >"$work/l2tpns.out" 2>&1 &
  pids+=($!)
  wait_for "$work/l2tpns.log" "declaring myself the master" 10 || fail "l2tpns did not become master"
}

# start_subscriber NS IFACE NAME CLIENT-ARGS...: rp-pppoe's pppoe on IFACE with
# the stdio PPP client as its PPP end, joined by two FIFOs; the client's event
# lines go to $work/NAME.err. Sets subscriber_pid (the client's).
start_subscriber() {
  local ns=$1 iface=$2 name=$3
  shift 3
  mkfifo "$work/$name.to-client" "$work/$name.to-pppoe"
  ip netns exec "$ns" pppoe -I "$iface" <"$work/$name.to-pppoe" >"$work/$name.to-client" 2>"$work/$name.pppoe.err" &
  pids+=($!)
  # Opening a FIFO blocks until its other end opens: open them in pppoe's order.
  "$client" "$@" >"$work/$name.to-pppoe" <"$work/$name.to-client" 2>"$work/$name.err" &
  subscriber_pid=$!
  pids+=("$subscriber_pid")
}

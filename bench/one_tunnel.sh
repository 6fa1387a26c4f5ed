#!/usr/bin/env bash
# The one-tunnel row: SESSIONS (default 1,000) sessions in a single tunnel
# from bras-loadgen (a window-bound peer: every ICRQ, ICRP and ICCN is a
# control message on the one reliable channel) against brasd, RUNS times,
# each run captured on the namespace's loopback and analysed: per direction
# the control messages, ZLBs and retransmissions, how long each side takes to
# acknowledge the other's messages (piggybacked or ZLB), and how often and
# how long the sender sat with its window full. Run by hand, as root.
#
#   sudo bench/one_tunnel.sh [RUNS [THREADS [SESSIONS]]]       e.g. 3 2 1000
#
# Environment: as bench/setup_rate.sh (BUILD, BRASD, LOADGEN, BRASD_SED,
# MAX_OUTSTANDING; default here 1000). KEEP=DIR keeps the captures there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
threads=${2:-2}
sessions=${3:-1000}
out=$(mktemp -d /tmp/bras-one-tunnel.XXXXXX)
trap 'rm -rf "$out"' EXIT
for i in $(seq "$runs"); do
  cap=$out/run$i.pcapng
  MAX_OUTSTANDING=${MAX_OUTSTANDING:-1000} CAPTURE=$cap RUNS=1 \
    "$root/bench/setup_rate.sh" "$sessions" "$threads" "$sessions" >"$out/run$i.txt" 2>&1 || {
    tail -20 "$out/run$i.txt" >&2
    exit 1
  }
  echo "run $i: $(grep '^cpu-per-setup:' "$out/run$i.txt")"
  # One line per L2TP control packet: time, source port, Ns, Nr, message type (empty: ZLB).
  tshark -r "$cap" -Y "l2tp.type == 1" -T fields -E separator=' ' -E occurrence=f \
    -e frame.time_relative -e udp.srcport -e l2tp.Ns -e l2tp.Nr -e l2tp.avp.message_type 2>/dev/null |
    python3 "$root/bench/l2tp_window.py"
  [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp "$cap" "$KEEP/"
done

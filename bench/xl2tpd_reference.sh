#!/usr/bin/env bash
# A peer reference for the control plane: L2TP tunnel + session set-up
# (SCCRQ..SCCCN, ICRQ..ICCN) by bras-loadgen --no-ppp against xl2tpd as LNS,
# then against brasd as LNS, same machine, same options, one run.
#
#   sudo bench/xl2tpd_reference.sh [SESSIONS [PER-TUNNEL]]     e.g. 2000 100
#
# Control plane only: xl2tpd hands each session to pppd, which cannot run on
# this machine (no /dev/ppp), so xl2tpd clears every session with a CDN a few
# milliseconds after its ICCN. A session counts as set up when bras-loadgen's
# LAC has its ICCN acknowledged path (call established), for both LNSs.
# Run by hand, not in CI.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sessions=${1:-2000}
per_tunnel=${2:-100}
brasd=$root/build/release/daemon/brasd
loadgen=$root/build/release/tools/bras-loadgen
[ -x "$brasd" ] && [ -x "$loadgen" ] || {
  echo "build first: cmake --build build/release --target brasd bras-loadgen" >&2
  exit 2
}
command -v xl2tpd >/dev/null || { echo "xl2tpd is not installed (apt-get install xl2tpd)" >&2; exit 2; }
ns=bras-xref-$$
work=$(mktemp -d /tmp/bras-xref.XXXXXX)
source "$root/tests/lib/brasd_netns.sh"
xl2tpd_pid=""
cleanup() {
  [ -n "$xl2tpd_pid" ] && kill "$xl2tpd_pid" 2>/dev/null
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT

run_loadgen() {  # LABEL
  local rc=0
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --no-ppp --sessions "$sessions" \
    --sessions-per-tunnel "$per_tunnel" --max-outstanding 1000 --threads 2 --timeout 30 \
    --report-json "$work/$1.json" >"$work/$1.out" 2>/dev/null || rc=$?
  echo "== $1 (bras-loadgen exit $rc)"
  cat "$work/$1.out"
}

# ------------------------------------------------------------ xl2tpd as LNS
ip netns add "$ns"
ip -n "$ns" link set lo up
printf 'noauth\n' >"$work/options"
cat >"$work/xl2tpd.conf" <<CONF
[global]
listen-addr = 127.0.0.1
port = 1701
[lns default]
ip range = 100.64.0.10-100.64.255.250
local ip = 100.64.0.1
hostname = lns-xl2tpd
require authentication = no
pppoptfile = $work/options
CONF
ip netns exec "$ns" xl2tpd -D -c "$work/xl2tpd.conf" -p "$work/xl2tpd.pid" -C "$work/control" \
  >"$work/xl2tpd.log" 2>&1 &
xl2tpd_pid=$!
sleep 1
kill -0 "$xl2tpd_pid" || { cat "$work/xl2tpd.log" >&2; exit 1; }
run_loadgen xl2tpd
kill "$xl2tpd_pid"
wait "$xl2tpd_pid" 2>/dev/null || true
xl2tpd_pid=""
ip netns del "$ns"

# ------------------------------------------------------------- brasd as LNS
"$brasd" --print-default-config | sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
  -e "s#prefixes: \[100.64.0.0/16\]#prefixes: [100.64.0.0/14]#" >"$work/brasd.yaml"
brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock"
run_loadgen brasd

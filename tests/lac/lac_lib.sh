# Sourced by the LAC shell tests: a LAC namespace ($ns) holding a brasd LNS on
# the embedded default and a brasd LAC on configs/examples/lac-pppoe.yaml (both
# with CLI sockets in $work), and a subscriber namespace ($sub) joined to it by
# a veth: sub0 there, access0 on the LAC's side. The caller sets ns, sub, work,
# brasd and src, and may set lac_edit (a python expression on `s`, the LAC's
# YAML text) before lac_lns_start.

source "$(dirname "${BASH_SOURCE[0]}")/../lib/access_netns.sh"

lac_pid="" lns_pid="" cap_pid=""

cleanup() {
  set +e
  [ -n "$cap_pid" ] && kill "$cap_pid" 2>/dev/null && wait "$cap_pid" 2>/dev/null
  stop_daemons "$lac_pid" "$lns_pid"
  ip netns del "$ns" 2>/dev/null
  ip netns del "$sub" 2>/dev/null
  rm -rf "$work"
}

fail() {
  echo "FAIL: $*" >&2
  for f in lac.log lns.log loadgen.err; do [ -f "$work/$f" ] && { echo "--- $f" >&2; tail -20 "$work/$f" >&2; }; done
  exit 1
}

source "$(dirname "${BASH_SOURCE[0]}")/../lib/wait_for.sh"

# The namespaces, the veth, and both daemons up with their CLI sockets.
lac_lns_start() {
  access_namespaces "$ns" "$sub"
  "$brasd" --print-default-config | sed "s#socket: /run/brasd/cli.sock#socket: $work/lns.sock#" >"$work/lns.yaml"
  sed -e "s#/run/brasd/lac.sock#$work/lac.sock#" "$src/configs/examples/lac-pppoe.yaml" >"$work/lac.yaml"
  if [ -n "${lac_edit:-}" ]; then
    python3 - "$work/lac.yaml" "$lac_edit" <<'PY'
import sys
p, edit = sys.argv[1], sys.argv[2]
s = open(p).read()
t = eval(edit)
assert t != s, "the edit changed nothing in lac-pppoe.yaml"
open(p, "w").write(t)
PY
  fi
  "$brasd" --check-config "$work/lac.yaml" >/dev/null 2>"$work/check.err" || fail "LAC config: $(cat "$work/check.err")"
  ip netns exec "$ns" "$brasd" --config "$work/lns.yaml" >"$work/lns.log" 2>&1 &
  lns_pid=$!
  wait_for 10 "the LNS did not start" test -S "$work/lns.sock"
  ip netns exec "$ns" "$brasd" --config "$work/lac.yaml" >"$work/lac.log" 2>&1 &
  lac_pid=$!
  wait_for 10 "the LAC did not start" test -S "$work/lac.sock"
}

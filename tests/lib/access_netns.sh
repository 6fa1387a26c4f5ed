# Sourced by the LAC tests (tests/lac/lac_lib.sh) and bench/lac_pppoe.sh: the
# two namespaces of a PPPoE LAC run, joined by a veth.

# access_namespaces NS SUB: NS (the LAC side, access0) and SUB (the subscribers,
# sub0), loopback up in both, IPv6 off on both ends (no RS/DAD noise on the access link).
access_namespaces() {
  local ns=$1 sub=$2 n
  ip netns add "$ns" && ip -n "$ns" link set lo up
  ip netns add "$sub" && ip -n "$sub" link set lo up
  ip link add "bs$$" type veth peer name "bl$$"
  ip link set "bs$$" netns "$sub" name sub0
  ip link set "bl$$" netns "$ns" name access0
  for n in "$ns:access0" "$sub:sub0"; do
    ip netns exec "${n%%:*}" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
    ip -n "${n%%:*}" link set "${n##*:}" up
  done
}

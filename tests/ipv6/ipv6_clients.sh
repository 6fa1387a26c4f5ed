#!/usr/bin/env bash
# Real Debian IPv6 clients over one subscriber's link: brasd's LNS in one
# namespace, bras-loadgen --ipv6 --tun sub0 in another (joined by a veth), so
# the subscriber's PPP session is a local interface there. rdisc6 reads the RA
# (the session's /64 and RDNSS), dhcpcd obtains, renews and releases a
# delegated prefix, ping -6 from the delegated prefix reaches the LNS side,
# and a spoofed source is dropped and counted. The L2TP traffic on the veth is
# captured and tshark decodes the RA and DHCPv6 exchanges with no malformed packet.
# usage: ipv6_clients.sh BRASD BRAS_CLI BRAS_LOADGEN
set -euo pipefail
brasd=$1 cli=$2 loadgen=$3
lns_ns=bras-v6lns-$$ sub_ns=bras-v6sub-$$
work=$(mktemp -d /tmp/bras-ipv6-clients.XXXXXX)
source "$(dirname "$0")/ipv6_lib.sh"
trap ipv6_cleanup EXIT
for tool in rdisc6 dhcpcd ping dumpcap tshark; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/lib.sh BRAS_TEST_PACKAGES)"
done

ipv6_config 10.99.0.1 10.99.0.0/24
ipv6_two_namespaces
lns_start
ip netns exec "$lns_ns" dumpcap -q -i lns0 -f "udp port 1701" -w "$work/l2tp.pcap" 2>"$work/dumpcap.err" &
capture_pid=$!
wait_for 10 "dumpcap did not start: $(cat "$work/dumpcap.err")" test -s "$work/l2tp.pcap"

# One dual-stack subscriber, its link exposed as sub0 in $sub_ns.
ip netns exec "$sub_ns" "$loadgen" --lns 10.99.0.1 --sessions 1 --ipv6 --tun sub0 --hold 120 \
  --user demo --password demo >"$work/loadgen.out" 2>"$work/loadgen.err" &
loadgen_pid=$!
tun_ready() {
  kill -0 "$loadgen_pid" 2>/dev/null || fail "bras-loadgen --tun exited: $(cat "$work/loadgen.out" "$work/loadgen.err")"
  grep -q "^tun sub0 ready ipv4=" "$work/loadgen.out" "$work/loadgen.err"
}
wait_for 30 "bras-loadgen did not report 'tun sub0 ready'" tun_ready
ip -n "$sub_ns" -6 addr show dev sub0 scope link | grep -q "inet6 fe80::" || fail "sub0 has no link-local address"
echo "ok 1 - bras-loadgen --tun sub0 is up: $(grep -h "^tun sub0 ready" "$work/loadgen.out" "$work/loadgen.err")"

# session_field NAME: the value after "NAME:" in the session's extensive output.
session_field() {
  lns_cli show services l2tp session extensive 2>/dev/null | sed -n "s/^ *$1: *\([^ ,]*\).*/\1/p" | head -1
}
has_prefix() { [ -n "$(session_field "IPv6 prefix")" ]; }
wait_for 10 "bras-cli shows no 'IPv6 prefix:' for the session" has_prefix
prefix=$(session_field "IPv6 prefix")
prefix_in "$prefix" 2001:db8:100::/40 64 || fail "IPv6 prefix '$prefix' is not a /64 of demo-v6"

# rdisc6 sends its own RS on sub0 and prints the RA that answers it.
ip netns exec "$sub_ns" rdisc6 -1 -w 3000 -r 3 sub0 >"$work/rdisc6.out" 2>&1 || fail "rdisc6: $(cat "$work/rdisc6.out")"
ra_prefix=$(sed -n 's/^ *Prefix *: *\(\S*\).*/\1/p' "$work/rdisc6.out" | head -1)
[ "$ra_prefix" = "$prefix" ] || fail "RA prefix '$ra_prefix', bras-cli says '$prefix': $(cat "$work/rdisc6.out")"
grep -Eq "^ *Recursive DNS server *: *2001:db8::53$" "$work/rdisc6.out" || fail "RA has no RDNSS 2001:db8::53: $(cat "$work/rdisc6.out")"
echo "ok 2 - rdisc6 reads the RA: prefix $ra_prefix (as bras-cli shows) and RDNSS 2001:db8::53"

# dhcpcd (9.4.1) on a tun with no hardware address: it makes a DUID-LLT from
# lo's and keeps it in its (private) database; noipv6rs makes it Solicit at
# once rather than wait for an RA with the M flag (brasd's default is M off,
# O on); -N sends a Renew, -k a Release and ends it. dhcpcd-base ships no
# service, so installing it starts nothing in the root namespace.
mkdir -p "$work/dhcpcd-db" "$work/dhcpcd-run" /var/lib/dhcpcd /run/dhcpcd
cat >"$work/dhcpcd.conf" <<'EOF'
ipv6only
noipv6rs
duid
iaid 1
ia_pd 1
option rapid_commit
nohook resolv.conf
script /bin/true
EOF
solicits=$(metric brasd_dhcpv6_received_total type=solicit) || fail "$solicits"
dhcpcd_run -B -d -f "$work/dhcpcd.conf" sub0 >"$work/dhcpcd.log" 2>&1 &
dhcpcd_pid=$!
bound() { grep -qs "delegated prefix" "$work/dhcpcd.log"; }
wait_for 30 "dhcpcd obtained no delegated prefix" bound
pd=$(sed -n 's/.*sub0: delegated prefix \(\S*\).*/\1/p' "$work/dhcpcd.log" | head -1)
cli_pd=$(session_field "Delegated prefix")
[ "$pd" = "$cli_pd" ] || fail "dhcpcd got $pd, bras-cli says '$cli_pd'"
prefix_in "$pd" 2001:db8:8000::/36 56 || fail "delegated prefix '$pd' is not a /56 of demo-pd"
[ "$(metric brasd_dhcpv6_received_total type=solicit)" -gt "$solicits" ] || fail "brasd counted no Solicit"
[ "$(metric brasd_dhcpv6_delegated_prefixes)" = 1 ] || fail "brasd_dhcpv6_delegated_prefixes is not 1"
lns_cli show services l2tp session extensive 2>&1 | grep -q "Delegated prefix: $pd (bound)" ||
  fail "bras-cli does not show $pd (bound): $(lns_cli show services l2tp session extensive 2>&1 | grep prefix)"
echo "ok 3 - dhcpcd obtains $pd (as bras-cli shows), one delegated prefix bound"

renews=$(metric brasd_dhcpv6_received_total type=renew) || fail "$renews"
dhcpcd_run -N sub0 >/dev/null 2>&1 || fail "dhcpcd -N"
renewed() { [ "$(grep -c "delegated prefix $pd" "$work/dhcpcd.log")" -ge 2 ]; }
wait_for 20 "dhcpcd's Renew got no Reply with $pd" renewed
[ "$(metric brasd_dhcpv6_received_total type=renew)" -gt "$renews" ] || fail "brasd counted no Renew"
grep -q "RENEW6" "$work/dhcpcd.log" || fail "dhcpcd sent no RENEW6"
echo "ok 4 - dhcpcd renews $pd and brasd counts the Renew"

# ping -6 from the delegated prefix and from the /64 to the LNS side.
ip -n "$sub_ns" -6 route replace default dev sub0
pd_address=${pd%%/*}1
link_address=${prefix%%/*}1
ip -n "$sub_ns" addr add "$pd_address/128" dev lo
ip -n "$sub_ns" addr add "$link_address/128" dev sub0 nodad
for from in "$pd_address" "$link_address"; do
  ip netns exec "$sub_ns" ping -6 -n -c 3 -i 0.3 -W 2 -I "$from" 2001:db8:ffff::1 >"$work/ping.out" 2>&1 ||
    fail "ping -6 from $from to 2001:db8:ffff::1: $(cat "$work/ping.out")"
done
echo "ok 5 - ping -6 from $pd_address (delegated) and $link_address (/64) to 2001:db8:ffff::1 is answered"

# A source outside both prefixes: no reply, and every packet counted as spoofed.
spoofed=$(metric brasd_data_dropped_packets_total reason=spoofed-source-ipv6) || fail "$spoofed"
ip -n "$sub_ns" addr add 2001:db8:dead::1/128 dev sub0 nodad
rc=0
ip netns exec "$sub_ns" ping -6 -n -c 5 -i 0.2 -W 1 -I 2001:db8:dead::1 2001:db8:ffff::1 >"$work/ping.out" 2>&1 || rc=$?
[ $rc -eq 1 ] || fail "ping from the spoofed source: exit $rc, not 1 (no reply): $(cat "$work/ping.out")"
grep -q "5 packets transmitted, 0 received" "$work/ping.out" || fail "spoofed ping: $(cat "$work/ping.out")"
spoofed_now() { metric brasd_data_dropped_packets_total reason=spoofed-source-ipv6; }
spoof_counted() { [ "$(spoofed_now)" -ge $((spoofed + 5)) ]; }
wait_for 5 "brasd_data_dropped_packets_total{reason=spoofed-source-ipv6} did not grow by 5" spoof_counted
[ "$(spoofed_now)" -eq $((spoofed + 5)) ] || fail "the spoofed-source-ipv6 count grew by $(($(spoofed_now) - spoofed)), not 5"
echo "ok 6 - 5 pings from 2001:db8:dead::1 get no reply and are counted as spoofed-source-ipv6"

releases=$(metric brasd_dhcpv6_received_total type=release) || fail "$releases"
dhcpcd_run -k sub0 >/dev/null 2>&1 || fail "dhcpcd -k"
dhcpcd_gone() { ! kill -0 "$dhcpcd_pid" 2>/dev/null; }
wait_for 15 "dhcpcd -k did not end dhcpcd" dhcpcd_gone
wait "$dhcpcd_pid" 2>/dev/null || true
dhcpcd_pid=""
wait_for 5 "brasd counted no Release" metric_is brasd_dhcpv6_received_total type=release $((releases + 1))
wait_for 5 "brasd_dhcpv6_delegated_prefixes is not 0 after the Release" metric_is brasd_dhcpv6_delegated_prefixes "" 0
lns_cli show services l2tp session extensive >"$work/extensive.txt" 2>&1 || fail "bras-cli: $(cat "$work/extensive.txt")"
# The prefix stays the session's (from its pool) until the session ends, no longer bound.
grep -q "Delegated prefix: $pd (not bound)" "$work/extensive.txt" ||
  fail "bras-cli does not show $pd (not bound): $(grep "prefix" "$work/extensive.txt")"
echo "ok 7 - dhcpcd -k releases $pd: brasd counts the Release and shows it not bound"

# tshark, an independent decoder, over the L2TP capture of all of the above.
kill -INT "$capture_pid"
wait "$capture_pid" 2>/dev/null || true
capture_pid=""
count() { tshark -r "$work/l2tp.pcap" -d udp.port==1701,l2tp -Y "$1" 2>/dev/null | wc -l; }
for filter in "icmpv6.type == 133" "icmpv6.type == 134 && icmpv6.opt.prefix == ${prefix%%/*}" \
  "icmpv6.type == 134 && icmpv6.opt.rdnss == 2001:db8::53" "dhcpv6.msgtype == 1" "dhcpv6.msgtype == 7" \
  "dhcpv6.msgtype == 5" "dhcpv6.msgtype == 8" "icmpv6.type == 129"; do
  [ "$(count "$filter")" -gt 0 ] || fail "tshark finds no '$filter' in the capture"
done
[ "$(count "dhcpv6.msgtype == 7 && dhcpv6.iaprefix.pref_addr == ${pd%%/*}")" -gt 0 ] ||
  fail "tshark finds no DHCPv6 Reply delegating $pd"
bad=$(count "_ws.malformed || _ws.expert.severity >= 0x00800000")
[ "$bad" -eq 0 ] || fail "tshark flags $bad packets: $(tshark -r "$work/l2tp.pcap" -d udp.port==1701,l2tp \
  -Y "_ws.malformed || _ws.expert.severity >= 0x00800000" 2>/dev/null | head -5)"
echo "ok 8 - tshark decodes RS, RA, DHCPv6 Solicit/Reply/Renew/Release and echo replies with no malformed packet or error"

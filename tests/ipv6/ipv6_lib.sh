# Sourced by the IPv6 shell tests: brasd as an LNS on the embedded default
# plus the dual-stack pools and ipv6 section (demo-v6 2001:db8:100::/40 in /64s,
# demo-pd 2001:db8:8000::/36 in /56s, the LNS side 2001:db8:ffff::1, DNS
# 2001:db8::53), in private namespaces, and the helpers the tests share. The
# caller sets work, brasd and cli, and lns_ns (plus sub_ns for ipv6_two_namespaces).

lns_pid="" loadgen_pid="" dhcpcd_pid="" capture_pid=""

ipv6_cleanup() {
  set +e
  # dhcpcd forks privilege-separation helpers: its own exit (-x) takes them along.
  if [ -n "$dhcpcd_pid" ] && kill -0 "$dhcpcd_pid" 2>/dev/null; then
    dhcpcd_run -x sub0 >/dev/null 2>&1
    for _ in $(seq 30); do kill -0 "$dhcpcd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$dhcpcd_pid" 2>/dev/null
  fi
  for p in $capture_pid $loadgen_pid $lns_pid; do kill -TERM "$p" 2>/dev/null; done
  for p in $capture_pid $loadgen_pid $lns_pid; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  ip netns del "$lns_ns" 2>/dev/null
  [ -n "${sub_ns:-}" ] && ip netns del "$sub_ns" 2>/dev/null
  rm -rf "$work"
}

fail() {
  echo "FAIL: $*" >&2
  for f in lns.log loadgen.out loadgen.err dhcpcd.log; do
    [ -s "$work/$f" ] && { echo "--- $f" >&2; tail -20 "$work/$f" >&2; }
  done
  exit 1
}

source "$(dirname "${BASH_SOURCE[0]}")/../lib/wait_for.sh"

# ipv6_config LISTEN ALLOWED: $work/lns.yaml, the embedded default with the CLI
# socket in $work, the LNS gateway on LISTEN (allowing ALLOWED sources) and the
# dual-stack section (and per-session metrics when per_session_metrics=1);
# brasd --check-config must take it.
ipv6_config() {
  local listen=$1 allowed=$2
  "$brasd" --print-default-config >"$work/default.yaml" || fail "brasd --print-default-config"
  python3 - "$work/default.yaml" "$work/lns.yaml" "$work" "$listen" "$allowed" "${per_session_metrics:-0}" <<'PY' ||
import re, sys
src, dst, work, listen, allowed, per_session = sys.argv[1:]
s = open(src).read()
def edit(old, new):
    global s
    assert old in s, f"the default config has no {old!r}"
    s = s.replace(old, new, 1)
edit("socket: /run/brasd/cli.sock", f"socket: {work}/cli.sock")
if listen != "127.0.0.1":
    edit("address: 127.0.0.1\n      port: 1701", f"address: {listen}\n      port: 1701")
    edit("allowed-sources: [127.0.0.0/8]", f"allowed-sources: [{allowed}]")
if per_session == "1":
    edit("per-session: false", "per-session: true")
# The default may carry the pools and the ipv6 section already (then the
# pools must be these, and the LNS side address and DNS are set in it).
if "\nprefix-pools:" not in s:
    s += """prefix-pools:
  - name: demo-v6
    prefixes: [2001:db8:100::/40]
    prefix-length: 64
  - name: demo-pd
    prefixes: [2001:db8:8000::/36]
    prefix-length: 56
"""
start = s.find("\nipv6:\n")
if start < 0:
    s += """ipv6:
  prefix-pool: demo-v6
  delegated-prefix-pool: demo-pd
  local-address: 2001:db8:ffff::1
  dns: [2001:db8::53]
"""
else:
    start += len("\nipv6:\n")
    next_key = re.search(r"^[a-z]", s[start:], re.M)
    end = start + next_key.start() if next_key else len(s)
    section = s[start:end]
    section, n = re.subn(r"^  dns: \[[^\]]*\]", "  dns: [2001:db8::53]", section, count=1, flags=re.M)
    assert n == 1, "the default's ipv6 section has no dns: [...]"
    section, n = re.subn(r"^  #? *local-address: .*$", "  local-address: 2001:db8:ffff::1", section, count=1, flags=re.M)
    if n == 0:
        section = "  local-address: 2001:db8:ffff::1\n" + section
    s = s[:start] + section + s[end:]
for want in ("demo-v6", "demo-pd", "2001:db8:100::/40", "2001:db8:8000::/36", "2001:db8:ffff::1", "2001:db8::53"):
    assert want in s, f"the config has no {want}"
open(dst, "w").write(s)
PY
    fail "config edit"
  "$brasd" --check-config "$work/lns.yaml" >/dev/null 2>"$work/check.err" ||
    fail "brasd does not take the dual-stack config (prefix-pools / ipv6 sections): $(cat "$work/check.err")"
}

# ipv6_two_namespaces: $lns_ns (lns0 10.99.0.1/24) and $sub_ns (lns1
# 10.99.0.2/24) joined by a veth, loopback up in both.
ipv6_two_namespaces() {
  { ip netns add "$lns_ns" && ip -n "$lns_ns" link set lo up; } || fail "netns $lns_ns"
  { ip netns add "$sub_ns" && ip -n "$sub_ns" link set lo up; } || fail "netns $sub_ns"
  ip link add "v6l$$" type veth peer name "v6s$$" || fail "veth"
  ip link set "v6l$$" netns "$lns_ns" name lns0
  ip link set "v6s$$" netns "$sub_ns" name lns1
  ip -n "$lns_ns" addr add 10.99.0.1/24 dev lns0
  ip -n "$sub_ns" addr add 10.99.0.2/24 dev lns1
  ip -n "$lns_ns" link set lns0 up
  ip -n "$sub_ns" link set lns1 up
}

# lns_start: brasd on $work/lns.yaml in $lns_ns (which must exist), up with its CLI socket.
lns_start() {
  ip netns exec "$lns_ns" "$brasd" --config "$work/lns.yaml" >"$work/lns.log" 2>&1 &
  lns_pid=$!
  wait_for 10 "brasd did not start" test -S "$work/cli.sock"
}

lns_cli() { ip netns exec "$lns_ns" "$cli" -s "$work/cli.sock" "$@"; }

# metric NAME [LABEL=VALUE]: the sum of the series of NAME (in $lns_ns's brasd
# /metrics on 127.0.0.1:9101) whose labels include LABEL=VALUE; exit 1 when
# brasd exports no such family (a missing piece, not a zero).
metric() {
  ip netns exec "$lns_ns" python3 - "$1" "${2:-}" <<'PY'
import re, sys, urllib.request
name, want = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=5).read().decode()
total, seen = 0.0, False
for line in text.splitlines():
    m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$', line)
    if not m or m.group(1) != name:
        continue
    labels = dict(re.findall(r'([a-zA-Z_]+)="([^"]*)"', m.group(3) or ""))
    if want:
        k, v = want.split("=", 1)
        if labels.get(k) != v:
            continue
    seen = True
    total += float(m.group(4))
if not seen:
    sys.exit(f"no series {name}{{{want}}} in /metrics")
print(int(total) if total == int(total) else total)
PY
}

# metric_is NAME LABEL VALUE: NAME{LABEL} equals VALUE now (for wait_for).
metric_is() { [ "$(metric "$1" "$2" 2>/dev/null)" = "$3" ]; }

# dhcpcd_run ARGS...: dhcpcd in $sub_ns with its database and run directories
# private to the test ($work/dhcpcd-db and $work/dhcpcd-run bound over
# /var/lib/dhcpcd and /run/dhcpcd in a mount namespace of its own): it neither
# reads nor leaves a DUID, lease or pid file on the machine, and its hook
# script is /bin/true (dhcpcd.conf) so the machine's resolv.conf stays as it is.
dhcpcd_run() {
  ip netns exec "$sub_ns" unshare -m --propagation private sh -c \
    'mount --bind "$1" /var/lib/dhcpcd && mount --bind "$2" /run/dhcpcd && shift 2 && exec dhcpcd "$@"' \
    dhcpcd "$work/dhcpcd-db" "$work/dhcpcd-run" "$@"
}

# prefix_in PREFIX AGGREGATE LENGTH: PREFIX is a valid /LENGTH inside AGGREGATE.
prefix_in() {
  python3 - "$@" <<'PY' 2>/dev/null
import ipaddress, sys
p = ipaddress.ip_network(sys.argv[1])
sys.exit(0 if p.prefixlen == int(sys.argv[3]) and p.subnet_of(ipaddress.ip_network(sys.argv[2])) else 1)
PY
}

# pool_in_use POOL: what brasd's /metrics says POOL has handed out now, from
# its "used" gauge (brasd_address_pool_used_addresses or a brasd_prefix_pool_*
# used family, whichever carries pool="POOL"); exit 1 when none does.
pool_in_use() {
  ip netns exec "$lns_ns" python3 - "$1" <<'PY'
import re, sys, urllib.request
pool = sys.argv[1]
text = urllib.request.urlopen("http://127.0.0.1:9101/metrics", timeout=5).read().decode()
found = []
for line in text.splitlines():
    m = re.match(r'^(brasd_(?:address|prefix)_pool_used\w*)\{(.*)\} (\S+)$', line)
    if m and dict(re.findall(r'([a-zA-Z_]+)="([^"]*)"', m.group(2))).get("pool") == pool:
        found.append(float(m.group(3)))
if len(found) != 1:
    sys.exit(f"{len(found)} pool-usage series for pool {pool} in /metrics, not 1")
print(int(found[0]))
PY
}

# pool_is POOL N: POOL has N in use now (for wait_for).
pool_is() { [ "$(pool_in_use "$1" 2>/dev/null)" = "$2" ]; }

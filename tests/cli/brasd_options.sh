#!/usr/bin/env bash
# brasd's command line: --version, --print-default-config, --check-config
# (exit 0, or 2 with file:line: key: reason), a bad --config fails fast.
# usage: brasd_options.sh BRASD
set -euo pipefail
brasd=$1
work=$(mktemp -d /tmp/bras-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$brasd" --version | grep -qE '^brasd [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
echo "ok 1 - --version"

"$brasd" --print-default-config > "$work/default.yaml"
grep -q "127.0.0.1" "$work/default.yaml" || fail "default config lacks the loopback gateway"
"$brasd" --check-config "$work/default.yaml" > "$work/out" || fail "the embedded default does not pass --check-config"
echo "ok 2 - the printed default passes --check-config"

printf 'runtime:\n  threads: 0\n' > "$work/bad.yaml"
rc=0; "$brasd" --check-config "$work/bad.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "--check-config on a bad file exited $rc, not 2"
grep -qF "$work/bad.yaml:2: runtime.threads: must be between 1 and 256" "$work/err" || fail "message: $(cat "$work/err")"
echo "ok 3 - --check-config names file, line, key and reason, exit 2"

printf 'l2tp:\n  local-gateways:\n    - {address: 127.0.0.1, prot: 1701}\n' > "$work/typo.yaml"
rc=0; timeout 10 "$brasd" --config "$work/typo.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] || fail "brasd started on a config with a typo (exit $rc)"
grep -qF "typo.yaml:3: l2tp.local-gateways[0].prot: unknown key" "$work/err" || fail "message: $(cat "$work/err")"
echo "ok 4 - a typo in --config fails fast with exit 2"

rc=0; "$brasd" --config "$work/missing.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "cannot read" "$work/err" || fail "missing file: exit $rc"
echo "ok 5 - a missing --config file fails with exit 2"
here=$(cd "$(dirname "$0")/../.." && pwd)
for f in "$here"/configs/examples/*.yaml; do
  [ "$(basename "$f")" = subscribers.yaml ] && continue  # not a brasd configuration: lns.yaml names it
  "$brasd" --check-config "$f" > /dev/null || fail "example $f is rejected"
done
echo "ok 6 - every example in configs/examples passes --check-config"

# The subscribers file is checked with the configuration naming it.
printf 'subscribers:\n  - {user: a, password: x}\n  - {user: a, password: y}\n' > "$work/subs.yaml"
printf 'aaa: {subscribers-file: subs.yaml}\n' > "$work/with-subs.yaml"
rc=0; "$brasd" --check-config "$work/with-subs.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "subs.yaml:3: subscribers\[1\].user: duplicate user a" "$work/err" ||
  fail "a bad subscribers file passes: exit $rc: $(cat "$work/err")"
echo "ok 7 - a bad subscribers file fails --check-config with file, line and reason"

# An unusable PPP setting fails with its line.
printf 'ppp:\n  authentication: [pap, eap]\n' > "$work/bad-ppp.yaml"
rc=0; "$brasd" --check-config "$work/bad-ppp.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -q "bad-ppp.yaml:2: ppp.authentication\[1\]: unknown method eap" "$work/err" ||
  fail "a bad PPP setting passes: exit $rc: $(cat "$work/err")"
echo "ok 8 - a bad PPP setting fails with file, line and reason"

# The PPPoE LAC example passes; a broken copy (a VLAN out of range, a profile naming an
# unknown destination) fails with its file, line, key and reason.
"$brasd" --check-config "$here/configs/examples/lac-pppoe.yaml" > /dev/null || fail "lac-pppoe.yaml is rejected"
sed 's/- {name: access0, untagged: true}/- {name: access0, untagged: true, vlans: [{vlan: 4095}]}/' \
  "$here/configs/examples/lac-pppoe.yaml" > "$work/lac-vlan.yaml"
line=$(grep -n 'vlan: 4095' "$work/lac-vlan.yaml" | cut -d: -f1)
[ -n "$line" ] || fail "the broken copy of lac-pppoe.yaml was not made"
rc=0; "$brasd" --check-config "$work/lac-vlan.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && grep -qF "lac-vlan.yaml:$line: pppoe.interfaces[0].vlans[0].vlan: VLAN IDs are 1 to 4094" "$work/err" ||
  fail "a VLAN out of range passes: exit $rc: $(cat "$work/err")"
sed 's/destinations: \[lns-local\]/destinations: [lns-remote]/' "$here/configs/examples/lac-pppoe.yaml" > "$work/lac-profile.yaml"
line=$(grep -n 'lns-remote' "$work/lac-profile.yaml" | cut -d: -f1)
[ -n "$line" ] || fail "the broken copy of lac-pppoe.yaml was not made"
rc=0; "$brasd" --check-config "$work/lac-profile.yaml" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] &&
  grep -qF "lac-profile.yaml:$line: l2tp.tunnel-profiles[0].destinations[0]: no destination named lns-remote" "$work/err" ||
  fail "a profile naming an unknown destination passes: exit $rc: $(cat "$work/err")"
echo "ok 9 - lac-pppoe.yaml passes --check-config; broken copies fail with file, line, key and reason"

# The systemd unit is well formed (systemd-analyze, with ExecStart pointed at this build).
if command -v systemd-analyze > /dev/null; then
  sed "s|/usr/sbin/brasd|$(readlink -f "$brasd")|g" "$here/configs/brasd.service" > "$work/brasd.service"
  systemd-analyze verify "$work/brasd.service" > "$work/verify" 2>&1 || fail "systemd-analyze: $(cat "$work/verify")"
  ! grep -qi "unknown\|invalid\|failed" "$work/verify" || fail "systemd-analyze: $(cat "$work/verify")"
  echo "ok 10 - configs/brasd.service passes systemd-analyze verify"
else
  echo "ok 10 - # SKIP systemd-analyze not installed"
fi
# Secrets: a short one is named by its setting, a file others may read by its mode; warnings only
# (exit 0), and the secret itself is never printed.
printf 'l2tp:\n  tunnel-groups:\n    - name: g\n      clients:\n        - {host-name: a, secret: tiny-secret}\n' \
  > "$work/secrets.yaml"
chmod 644 "$work/secrets.yaml"
"$brasd" --check-config "$work/secrets.yaml" > /dev/null 2> "$work/err" || fail "warnings made --check-config fail"
grep -qF "warning: $work/secrets.yaml: l2tp.tunnel-groups[0].clients[0].secret is 11 bytes; use at least 16" \
  "$work/err" || fail "no short-secret warning: $(cat "$work/err")"
grep -qF "warning: $work/secrets.yaml: holds secrets and is readable by everyone (mode 0644)" "$work/err" ||
  fail "no file-mode warning: $(cat "$work/err")"
! grep -q "tiny-secret" "$work/err" || fail "the secret was printed: $(cat "$work/err")"
chmod 600 "$work/secrets.yaml"
"$brasd" --check-config "$work/secrets.yaml" > /dev/null 2> "$work/err"
! grep -q "readable by" "$work/err" || fail "mode 0600 still warned: $(cat "$work/err")"
echo "ok 11 - --check-config warns of a short secret and of a secrets file others can read"
echo "11 passed, 0 failed"

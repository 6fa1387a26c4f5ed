#!/usr/bin/env bash
# No password, CHAP secret or tunnel secret leaves brasd by a side door: with
# every logger at trace, per-session metrics on and the operator's extensive
# listings, nothing brasd writes or answers carries them. Two real brasd runs
# in a private network namespace, each with a bras-loadgen subscriber that
# authenticates over an authenticated tunnel (tunnel secret): PAP (the
# password in clear on the wire, and in the LAC's proxy AVPs) and CHAP. Each
# run first proves it reached the point (the session up, the user name in the
# log and the listing), then greps the log, a /metrics scrape and the
# listings (text and JSON) for the secrets.
# usage: secrets_not_exposed.sh BRASD BRAS_LOADGEN BRAS_CLI
set -euo pipefail
brasd=$1
loadgen=$2
cli=$3
ns=bras-secrets-$$
work=$(mktemp -d /tmp/bras-secrets.XXXXXX)
source "$(dirname "$0")/../lib/brasd_netns.sh"
cleanup() {
  brasd_stop "$ns"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/brasd.log" ] && tail -20 "$work/brasd.log" >&2; exit 1; }

tunnel_secret=TunnelSecret-7f3a9c1e5d
password=SubscriberPassword-9b21d4c8
user=leakcheck
passed=0

# run AUTH [LOADGEN-FLAGS...]: one brasd run asking for AUTH (pap or chap), one subscriber.
run() {
  local auth=$1
  shift
  "$brasd" --print-default-config |
    sed -e "s#socket: /run/brasd/cli.sock#socket: $work/cli.sock#" \
        -e "s#^  level: info .*#  level: trace#" \
        -e "s#secret: \"\"#secret: \"$tunnel_secret\"#" \
        -e "s#authentication: \[chap, pap\]#authentication: [$auth]#" \
        -e "s#per-session: false#per-session: true#" \
        -e "s#    - user: demo#    - user: $user\n      password: $password\n    - user: demo#" >"$work/brasd.yaml"
  grep -q "level: trace" "$work/brasd.yaml" && grep -q "$tunnel_secret" "$work/brasd.yaml" &&
    grep -q "authentication: \[$auth\]" "$work/brasd.yaml" && grep -q "per-session: true" "$work/brasd.yaml" ||
    fail "could not write the test configuration"
  rm -f "$work/cli.sock"
  brasd_start "$brasd" "$ns" "$work/brasd.yaml" "$work/brasd.log" test -S "$work/cli.sock" 2>"$work/err" ||
    fail "brasd did not start: $(cat "$work/err")"
  ip netns exec "$ns" "$loadgen" --lns 127.0.0.1 --sessions 1 --user "$user" --password "$password" \
    --secret "$tunnel_secret" --hold 3 "$@" >"$work/out" 2>"$work/err" &
  local lg=$!
  local deadline=$((SECONDS + 15))
  until "$cli" --socket "$work/cli.sock" show services l2tp session extensive user "$user" 2>&1 | tee "$work/last" |
    grep -q "State: Established"; do
    [ $SECONDS -lt $deadline ] || fail "$auth: the session did not come up: $(cat "$work/out" "$work/err" "$work/last")"
    sleep 0.2
  done
  {
    "$cli" --socket "$work/cli.sock" show services l2tp session extensive
    "$cli" --socket "$work/cli.sock" show services l2tp session extensive "|" display json
    "$cli" --socket "$work/cli.sock" show services l2tp tunnel extensive
    "$cli" --socket "$work/cli.sock" show services l2tp tunnel extensive "|" display json
    "$cli" --socket "$work/cli.sock" show network-access aaa statistics
    "$cli" --socket "$work/cli.sock" show network-access aaa radius-servers
    "$cli" --socket "$work/cli.sock" show subscribers summary
  } >"$work/cli.out" 2>&1
  ip netns exec "$ns" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9101; printf "GET /metrics HTTP/1.0\r\n\r\n" >&3; cat <&3' \
    >"$work/metrics.out" || fail "$auth: no /metrics scrape"
  wait "$lg" || fail "$auth: bras-loadgen failed: $(cat "$work/out" "$work/err")"
  brasd_stop "$ns"
  # It got there: the user is in the listing, the per-session metrics and the log.
  grep -q "$user" "$work/cli.out" || fail "$auth: the listing does not name the user"
  grep -q "user=\"$user\"" "$work/metrics.out" || fail "$auth: no per-session series for the user"
  grep -q "$user" "$work/brasd.log" || fail "$auth: the trace log does not name the user"
  grep -q "ppp-up" "$work/brasd.log" || fail "$auth: no ppp-up in the trace log"
  for what in "$password" "$tunnel_secret"; do
    for f in brasd.log cli.out metrics.out; do
      ! grep -qF "$what" "$work/$f" || fail "$auth: $f carries a secret: $(grep -F "$what" "$work/$f" | head -3)"
    done
  done
  passed=$((passed + 1))
  echo "ok $passed - $auth: neither the password nor the tunnel secret in the trace log, /metrics or the listings"
}

run pap --proxy
run chap
echo "$passed passed, 0 failed"

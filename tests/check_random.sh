#!/usr/bin/env bash
# Every use of randomness in brasd is reviewed (issue #12: no constant or
# predictable challenge, ID or cookie anywhere). Lists each file that draws
# random numbers (wire::random_bytes, <random> engines) outside
# protocol/common/crypto.*, and fails on any file not in the table below, on a
# count that changed, and on a fallback that puts a constant in place of
# random bytes (`if (!...random_bytes(...)) x = ...` or `.assign(` / `fill(`).
#
#   check_random.sh ROOT
#
# The table: file, the number of lines that draw, and why it is safe. Each
# secret-bearing caller has a test with a failing generator
# (tests/unit/random_failure_test.cpp, pppoe_access_actor_test.cpp).
set -euo pipefail
root=${1:?usage: check_random.sh ROOT}

declare -A reviewed=(
  # Secrets: fail closed, each tested with a failing generator.
  [protocol/l2tp/control_connection_handshake.cpp]=1  # tunnel Challenge: no challenge, no tunnel (StopCCN 2/4)
  [protocol/l2tp/avp_codec.cpp]=2                     # hidden AVPs' Random Vector and stand-in: message not encoded, tunnel closes
  [protocol/radius/crypto.cpp]=1                      # Request Authenticator: no request (crypto-unavailable)
  [actors/ppp_settings.cpp]=1                         # PPP magic, CHAP challenge, seed, interface ID: session ends no-randomness
  [actors/pppoe_access.cpp]=1                         # AC-Cookie secret: no PADO until one is drawn; a failed rotation keeps the old
  # Not secrets: spreading and jitter, predictable by design of their purpose.
  [actors/lac.cpp]=2                                  # tie breaker and LNS selection order (mt19937_64)
  [actors/lac.hpp]=1                                  # (the selection seed's comment)
  [actors/ipv6_host.cpp]=1                            # Router Advertisement interval jitter (RFC 4861 §6.2.4)
  [protocol/l2tp/lac_selection.hpp]=1                 # the LAC selection's generator (seeded by the caller)
)

pattern='random_bytes\(|random_device|mt19937|minstd_rand|[^a-z_]rand\(\)|srand\('
status=0
declare -A found=()
while IFS= read -r line; do
  file=${line%%:*}
  found[$file]=$((${found[$file]:-0} + 1))
done < <(cd "$root" && grep -rnE "$pattern" --include='*.cpp' --include='*.hpp' \
  actors io protocol daemon cli metrics dataplane model configs tools 2>/dev/null |
  grep -v '^protocol/common/crypto\.')

for file in "${!found[@]}"; do
  if [ -z "${reviewed[$file]:-}" ]; then
    echo "FAIL: $file draws random numbers and is not reviewed in tests/check_random.sh"
    status=1
  elif [ "${found[$file]}" != "${reviewed[$file]}" ]; then
    echo "FAIL: $file has ${found[$file]} random draws, ${reviewed[$file]} reviewed"
    status=1
  fi
done
for file in "${!reviewed[@]}"; do
  [ -n "${found[$file]:-}" ] || { echo "FAIL: $file is reviewed but draws no random numbers (update the table)"; status=1; }
done

# A constant in place of random bytes: the failure branch assigns or fills.
if (cd "$root" && grep -rnE -A2 'if \(!wire::random_bytes' --include='*.cpp' protocol actors io |
  grep -E '\.assign\(|std::fill|= \{\};|= \{[^}]+\};'); then
  echo "FAIL: a random_bytes failure falls back to a constant (above)"
  status=1
fi
[ $status -eq 0 ] && echo "ok: ${#found[@]} files draw random numbers, each reviewed"
exit $status

#!/usr/bin/env bash
# brasd must not carry the subscriber emulator (tools/emulator/, bras_emulator)
# or the PPP client engine (protocol/ppp/client*, bras_ppp_client): they are
# for tools, benches and tests only.
#
#   check_brasd_contents.sh BRASD
set -euo pipefail

brasd=${1:?usage: check_brasd_contents.sh BRASD}
symbols=$(nm -C "$brasd")

# A symbol the daemon surely holds: without it the binary is stripped (or nm
# failed) and the absence of the others would prove nothing.
if ! grep -q 'bras::ppp::server_engine::' <<<"$symbols"; then
  echo "no bras::ppp::server_engine symbol in $brasd: stripped binary? cannot check" >&2
  exit 1
fi

bad=0
# Defined only by the emulator and the client engine, respectively.
for symbol in 'bras::actors::spawn_subscriber(' 'bras::ppp::client_engine::'; do
  if grep -qF "$symbol" <<<"$symbols"; then
    echo "brasd contains $symbol (emulator or PPP client engine linked into the daemon)" >&2
    bad=1
  fi
done
[ $bad -eq 0 ] && echo "brasd holds neither the subscriber emulator nor the PPP client engine"
exit $bad

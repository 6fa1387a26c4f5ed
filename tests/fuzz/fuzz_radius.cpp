// libFuzzer target for the RADIUS codec and its cryptography: decode, the
// Vendor-Specific walk, open_reply / open_request on the raw input (as a reply
// or a request from anyone), and, since a fuzzer cannot forge MD5, the input
// re-sealed with our secret and opened again so the checks past the
// authenticators (Message-Authenticator, Tunnel-Password) see arbitrary
// attributes. A failed invariant traps.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "protocol/radius/crypto.hpp"

namespace {

using namespace bras;

constexpr std::string_view secret = "fuzzsecret";

radius::authenticator fixed_authenticator() {
  radius::authenticator a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::byte{static_cast<std::uint8_t>(0x5a ^ i)};
  return a;
}

void open_raw(wire::byte_span input) {
  const auto auth = fixed_authenticator();
  for (auto policy : {radius::message_authenticator_policy::no, radius::message_authenticator_policy::yes}) {
    const auto opened = radius::open_reply(input, auth, secret, policy);
    if (const auto* refusal = std::get_if<radius::reply_refusal>(&opened)) (void)radius::to_string(*refusal);
  }
  (void)radius::open_request(input, secret);
}

/// Our reply, sealed with a Message-Authenticator, must open unless a Tunnel-Password is malformed.
void reseal_reply(radius::packet p) {
  const auto auth = fixed_authenticator();
  const auto sealed = radius::seal_reply(p, auth, secret, true);
  if (!sealed) return;  // past 4096 bytes
  const auto opened = radius::open_reply(*sealed, auth, secret, radius::message_authenticator_policy::yes);
  if (const auto* refusal = std::get_if<radius::reply_refusal>(&opened)) {
    if (*refusal != radius::reply_refusal::malformed || p.find(radius::attr::tunnel_password) == nullptr) {
      __builtin_trap();
    }
    return;
  }
  const auto& reply = std::get<radius::opened_reply>(opened);
  if (!reply.had_message_authenticator) __builtin_trap();
  // Every Tunnel-Password decrypted in place: the tag, then at most 239 clear bytes.
  for (const auto* a : reply.reply.all(radius::attr::tunnel_password)) {
    if (a->value.empty() || a->value.size() > 240) __builtin_trap();
  }
}

/// Our request, sealed, must open on the server side.
void reseal_request(radius::packet p, radius::code c) {
  p.code = c;
  p.auth = fixed_authenticator();
  const auto sealed = radius::seal_request(p, secret);
  if (!sealed) return;  // past 4096 bytes
  const auto opened = radius::open_request(*sealed, secret);
  if (!std::holds_alternative<radius::packet>(opened)) __builtin_trap();
  if (c == radius::code::access_request) {
    for (const auto* a : std::get<radius::packet>(opened).all(radius::attr::user_password)) {
      if (!radius::unhide_password(a->value, secret, p.auth)) __builtin_trap();
    }
  }
}

/// Hiding and the Tunnel-Password encryption invert exactly on arbitrary strings.
void round_trip_passwords(wire::byte_span input) {
  const auto auth = fixed_authenticator();
  const auto text = wire::to_string(input.first(std::min<std::size_t>(input.size(), 300)));
  auto hidden = radius::hide_password(text, secret, auth);
  auto clear = radius::unhide_password(hidden, secret, auth);
  auto expected = text.substr(0, 128);
  expected.erase(expected.find_last_not_of('\0') + 1);  // NUL padding is not part of a password
  if (!clear || *clear != expected) __builtin_trap();
  const auto salt = static_cast<std::uint16_t>(input.empty() ? 0 : std::to_integer<unsigned>(input[0]) << 4);
  const auto encrypted = radius::encrypt_tunnel_password(text, salt, secret, auth);
  const auto decrypted = radius::decrypt_tunnel_password(encrypted, secret, auth);
  if (!decrypted || *decrypted != text.substr(0, 239)) __builtin_trap();
  // Arbitrary bytes as a hidden password or a Tunnel-Password value: refused or decrypted, never more.
  if (auto any = radius::decrypt_tunnel_password(input, secret, auth); any && any->size() > input.size()) {
    __builtin_trap();
  }
  (void)radius::unhide_password(input, secret, auth);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const wire::byte_span input{reinterpret_cast<const std::byte*>(data), size};

  open_raw(input);
  round_trip_passwords(input);

  auto p = radius::decode(input);
  if (!p) return 0;
  // decode() then encode() gives back the packet up to its length field, byte for byte.
  const auto re = radius::encode(*p);
  if (re.size() > input.size() || !std::equal(re.begin(), re.end(), input.begin())) __builtin_trap();
  for (const auto& v : p->vendor_attributes()) {
    if (v.value.size() > radius::max_attribute_value - 6) __builtin_trap();
  }
  reseal_reply(*p);
  reseal_request(*p, radius::code::access_request);
  reseal_request(*p, radius::code::coa_request);
  reseal_request(*p, radius::code::disconnect_request);
  reseal_request(*p, radius::code::accounting_request);
  return 0;
}

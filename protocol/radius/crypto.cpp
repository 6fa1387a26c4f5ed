#include "protocol/radius/crypto.hpp"

#include <algorithm>
#include <array>

#include "protocol/common/crypto.hpp"

namespace bras::radius {
namespace {

constexpr std::size_t block_size = 16;
constexpr std::size_t max_hidden_password = 128;  // RFC 2865 §5.2
constexpr std::size_t authenticator_at = 4;
constexpr std::size_t message_authenticator_size = 16;
// Tunnel-Password value after the tag: salt (2) + at most 250 bytes, a multiple of 16: 240.
constexpr std::size_t max_tunnel_ciphertext = 240;
constexpr authenticator zero_authenticator{};

wire::byte_span span_of(const authenticator& a) noexcept {
  return {a.data(), a.size()};
}

/// Where the Message-Authenticator attributes' values start in an encoded packet whose
/// attributes decode() accepted (so the walk stays inside `packet`).
struct message_authenticator_scan {
  std::size_t count = 0;
  std::size_t value_at = 0;  ///< of the first one
  std::size_t value_size = 0;
};

message_authenticator_scan scan_message_authenticator(wire::byte_span packet) noexcept {
  message_authenticator_scan scan;
  std::size_t at = header_size;
  while (packet.size() - at >= 2) {
    const auto type = std::to_integer<std::uint8_t>(packet[at]);
    const auto len = std::to_integer<std::size_t>(packet[at + 1]);
    if (len < 2 || len > packet.size() - at) break;
    if (type == attr::message_authenticator && scan.count++ == 0) {
      scan.value_at = at + 2;
      scan.value_size = len - 2;
    }
    at += len;
  }
  return scan;
}

/// The packet's own length field bounds it (decode() checked it against the datagram).
wire::byte_span framed(wire::byte_span datagram) noexcept {
  return datagram.first(wire::load_u16(datagram.data() + 2));
}

/// RFC 3579 §3.2: HMAC-MD5 over `packet` with `header_auth` in the authenticator field and the
/// Message-Authenticator value (at `value_at`) zeroed.
std::optional<wire::md5_digest> message_authenticator_over(wire::byte_span packet, const authenticator& header_auth,
                                                           std::size_t value_at, std::string_view secret) {
  wire::bytes copy = wire::to_bytes(packet);
  std::copy(header_auth.begin(), header_auth.end(), copy.begin() + authenticator_at);
  std::fill_n(copy.begin() + static_cast<std::ptrdiff_t>(value_at), message_authenticator_size, std::byte{0});
  return wire::hmac_md5(wire::as_bytes(secret), {copy});
}

/// MD5(code+id+length + `header_auth` + attributes + secret): the Response Authenticator
/// (RFC 2865 §3) and the Accounting/CoA Request Authenticator (RFC 2866 §3, RFC 5176 §3.5).
std::optional<wire::md5_digest> packet_digest(wire::byte_span packet, const authenticator& header_auth,
                                              std::string_view secret) {
  return wire::md5(
      {packet.first(authenticator_at), span_of(header_auth), packet.subspan(header_size), wire::as_bytes(secret)});
}

/// Puts a zeroed Message-Authenticator first among the attributes, replacing any.
void put_message_authenticator_first(packet& p) {
  p.remove(attr::message_authenticator);
  p.attributes.insert(p.attributes.begin(),
                      attribute{attr::message_authenticator, wire::bytes(message_authenticator_size, std::byte{0})});
}

/// The encoded size of `p`, to refuse packets past 4096 bytes before encoding them.
std::size_t encoded_size(const packet& p) noexcept {
  std::size_t size = header_size;
  for (const auto& a : p.attributes) size += 2 + std::min(a.value.size(), max_attribute_value);
  return size;
}

/// Writes the Message-Authenticator of the encoded `out` (its first attribute) computed with
/// `header_auth` in the header; `out`'s own header is left as it is.
bool patch_message_authenticator(wire::bytes& out, const authenticator& header_auth, std::string_view secret) {
  const auto mac = message_authenticator_over(out, header_auth, header_size + 2, secret);
  if (!mac) return false;
  std::copy(mac->begin(), mac->end(), out.begin() + header_size + 2);
  return true;
}

/// The keystream of RFC 2865 §5.2 and RFC 2868 §3.5: MD5(secret + request_auth + salt) for the
/// first block, MD5(secret + previous ciphertext block) after it. `encrypt` picks which side of
/// the XOR is the ciphertext. `data` is a whole number of blocks. False when MD5 is unavailable.
bool md5_stream(std::span<std::byte> data, std::string_view secret, const authenticator& request_auth,
                wire::byte_span salt, bool encrypt) {
  std::array<std::byte, block_size> previous_cipher{};
  for (std::size_t at = 0; at + block_size <= data.size(); at += block_size) {
    const auto key = at == 0 ? wire::md5({wire::as_bytes(secret), span_of(request_auth), salt})
                             : wire::md5({wire::as_bytes(secret), previous_cipher});
    if (!key) return false;
    for (std::size_t i = 0; i < block_size; ++i) {
      auto& b = data[at + i];
      if (encrypt) {
        b ^= (*key)[i];
        previous_cipher[i] = b;
      } else {
        previous_cipher[i] = b;
        b ^= (*key)[i];
      }
    }
  }
  return true;
}

enum class tunnel_password_outcome : std::uint8_t { clear, malformed, crypto_unavailable };

tunnel_password_outcome decrypt_tunnel(wire::byte_span value, std::string_view secret,
                                       const authenticator& request_auth, std::string& clear) {
  // Salt (high bit set, RFC 2868 §3.5), then whole 16-byte blocks.
  if (value.size() < 2 + block_size || (value.size() - 2) % block_size != 0) return tunnel_password_outcome::malformed;
  if ((std::to_integer<unsigned>(value[0]) & 0x80U) == 0) return tunnel_password_outcome::malformed;
  wire::bytes plain = wire::to_bytes(value.subspan(2));
  if (!md5_stream(plain, secret, request_auth, value.first(2), false)) {
    return tunnel_password_outcome::crypto_unavailable;
  }
  // The first byte is the password's length: never trust it past the decrypted bytes.
  const auto length = std::to_integer<std::size_t>(plain[0]);
  if (length > plain.size() - 1) return tunnel_password_outcome::malformed;
  clear = wire::to_string(wire::byte_span{plain}.subspan(1, length));
  return tunnel_password_outcome::clear;
}

/// Decrypts every Tunnel-Password in place: the value becomes the tag byte and the clear password.
std::optional<reply_refusal> open_tunnel_passwords(packet& p, std::string_view secret,
                                                   const authenticator& request_auth) {
  for (auto& a : p.attributes) {
    if (a.type != attr::tunnel_password) continue;
    if (a.value.empty()) return reply_refusal::malformed;
    std::string clear;
    switch (decrypt_tunnel(wire::byte_span{a.value}.subspan(1), secret, request_auth, clear)) {
      case tunnel_password_outcome::clear: break;
      case tunnel_password_outcome::malformed: return reply_refusal::malformed;
      case tunnel_password_outcome::crypto_unavailable: return reply_refusal::crypto_unavailable;
    }
    a.value.resize(1);
    wire::writer{a.value}.put(clear);
  }
  return std::nullopt;
}

/// Checks the Message-Authenticator of `packet` (at most one, 16 bytes) computed with
/// `header_auth`; `present` tells whether there was one.
std::optional<reply_refusal> check_message_authenticator(wire::byte_span packet, const authenticator& header_auth,
                                                         std::string_view secret, bool& present) {
  const auto scan = scan_message_authenticator(packet);
  present = scan.count > 0;
  if (scan.count == 0) return std::nullopt;
  if (scan.count > 1 || scan.value_size != message_authenticator_size) return reply_refusal::malformed;
  const auto mac = message_authenticator_over(packet, header_auth, scan.value_at, secret);
  if (!mac) return reply_refusal::crypto_unavailable;
  if (!wire::equal_constant_time(*mac, packet.subspan(scan.value_at, message_authenticator_size))) {
    return reply_refusal::bad_message_authenticator;
  }
  return std::nullopt;
}

bool is_random_authenticator_request(code c) noexcept {
  return c == code::access_request || c == code::status_server;
}

bool is_digest_authenticator_request(code c) noexcept {
  return c == code::accounting_request || c == code::coa_request || c == code::disconnect_request;
}

}  // namespace

std::optional<authenticator> random_authenticator() noexcept {
  authenticator a{};
  if (!wire::random_bytes(a)) return std::nullopt;
  return a;
}

wire::bytes hide_password(std::string_view password, std::string_view secret, const authenticator& request_auth) {
  password = password.substr(0, max_hidden_password);
  // Padded with NULs to a multiple of 16; an empty password is one block of NULs.
  const auto padded = std::max(block_size, (password.size() + block_size - 1) / block_size * block_size);
  wire::bytes out(padded, std::byte{0});
  std::copy_n(wire::as_bytes(password).begin(), password.size(), out.begin());
  if (!md5_stream(out, secret, request_auth, {}, true)) return {};
  return out;
}

std::optional<std::string> unhide_password(wire::byte_span hidden, std::string_view secret,
                                           const authenticator& request_auth) {
  if (hidden.empty() || hidden.size() > max_hidden_password || hidden.size() % block_size != 0) return std::nullopt;
  wire::bytes plain = wire::to_bytes(hidden);
  if (!md5_stream(plain, secret, request_auth, {}, false)) return std::nullopt;
  auto clear = wire::to_string(plain);
  clear.erase(clear.find_last_not_of('\0') + 1);
  return clear;
}

std::optional<std::string> decrypt_tunnel_password(wire::byte_span value, std::string_view secret,
                                                   const authenticator& request_auth) {
  std::string clear;
  if (decrypt_tunnel(value, secret, request_auth, clear) != tunnel_password_outcome::clear) return std::nullopt;
  return clear;
}

wire::bytes encrypt_tunnel_password(std::string_view password, std::uint16_t salt, std::string_view secret,
                                    const authenticator& request_auth) {
  // The length byte and the password, padded to whole blocks, within 240 bytes.
  password = password.substr(0, max_tunnel_ciphertext - 1);
  const auto padded = (password.size() + 1 + block_size - 1) / block_size * block_size;
  wire::bytes plain(padded, std::byte{0});
  plain[0] = std::byte{static_cast<std::uint8_t>(password.size())};
  std::copy_n(wire::as_bytes(password).begin(), password.size(), plain.begin() + 1);
  wire::bytes out;
  wire::writer{out}.u16(static_cast<std::uint16_t>(salt | 0x8000U));
  if (!md5_stream(plain, secret, request_auth, wire::byte_span{out}, true)) return {};
  wire::writer{out}.put(plain);
  return out;
}

std::optional<wire::bytes> seal_request(packet p, std::string_view secret) {
  if (is_random_authenticator_request(p.code)) {
    for (auto& a : p.attributes) {
      if (a.type != attr::user_password) continue;
      a.value = hide_password(wire::to_string(a.value), secret, p.auth);
      if (a.value.empty()) return std::nullopt;
    }
    put_message_authenticator_first(p);
    if (encoded_size(p) > max_packet_size) return std::nullopt;
    auto out = encode(p);
    if (!patch_message_authenticator(out, p.auth, secret)) return std::nullopt;
    return out;
  }
  if (!is_digest_authenticator_request(p.code)) return std::nullopt;
  // RFC 5176 §3.5: the Message-Authenticator (if any) is computed first, over 16 zero bytes.
  p.auth = zero_authenticator;
  const bool with_message_authenticator = p.find(attr::message_authenticator) != nullptr;
  if (with_message_authenticator) put_message_authenticator_first(p);
  if (encoded_size(p) > max_packet_size) return std::nullopt;
  auto out = encode(p);
  if (with_message_authenticator && !patch_message_authenticator(out, zero_authenticator, secret)) return std::nullopt;
  const auto digest = packet_digest(out, zero_authenticator, secret);
  if (!digest) return std::nullopt;
  std::copy(digest->begin(), digest->end(), out.begin() + authenticator_at);
  return out;
}

std::string_view to_string(reply_refusal r) noexcept {
  switch (r) {
    case reply_refusal::malformed: return "malformed";
    case reply_refusal::bad_response_authenticator: return "bad-response-authenticator";
    case reply_refusal::bad_message_authenticator: return "bad-message-authenticator";
    case reply_refusal::missing_message_authenticator: return "missing-message-authenticator";
    case reply_refusal::crypto_unavailable: return "crypto-unavailable";
  }
  return "unknown";
}

std::variant<opened_reply, reply_refusal> open_reply(wire::byte_span datagram, const authenticator& request_auth,
                                                     std::string_view secret, message_authenticator_policy policy) {
  auto decoded = decode(datagram);
  if (!decoded) return reply_refusal::malformed;
  const auto packet = framed(datagram);
  const auto expected = packet_digest(packet, request_auth, secret);
  if (!expected) return reply_refusal::crypto_unavailable;
  if (!wire::equal_constant_time(*expected, packet.subspan(authenticator_at, block_size))) {
    return reply_refusal::bad_response_authenticator;
  }
  opened_reply opened{std::move(*decoded), false};
  if (auto refused = check_message_authenticator(packet, request_auth, secret, opened.had_message_authenticator)) {
    return *refused;
  }
  if (policy == message_authenticator_policy::yes && !opened.had_message_authenticator) {
    return reply_refusal::missing_message_authenticator;
  }
  if (auto refused = open_tunnel_passwords(opened.reply, secret, request_auth)) return *refused;
  return opened;
}

std::variant<packet, reply_refusal> open_request(wire::byte_span datagram, std::string_view secret) {
  auto decoded = decode(datagram);
  if (!decoded) return reply_refusal::malformed;
  const auto packet = framed(datagram);
  bool had_message_authenticator = false;
  if (is_random_authenticator_request(decoded->code)) {
    // Only the Message-Authenticator proves an Access-Request or Status-Server (the test responders').
    if (auto refused = check_message_authenticator(packet, decoded->auth, secret, had_message_authenticator)) {
      return *refused;
    }
    if (!had_message_authenticator) return reply_refusal::missing_message_authenticator;
    return std::move(*decoded);
  }
  if (!is_digest_authenticator_request(decoded->code)) return reply_refusal::malformed;
  const auto expected = packet_digest(packet, zero_authenticator, secret);
  if (!expected) return reply_refusal::crypto_unavailable;
  if (!wire::equal_constant_time(*expected, span_of(decoded->auth))) return reply_refusal::bad_response_authenticator;
  if (auto refused = check_message_authenticator(packet, zero_authenticator, secret, had_message_authenticator)) {
    return *refused;
  }
  return std::move(*decoded);
}

std::optional<wire::bytes> seal_reply(packet reply, const authenticator& request_auth, std::string_view secret,
                                      bool with_message_authenticator) {
  if (with_message_authenticator) put_message_authenticator_first(reply);
  if (encoded_size(reply) > max_packet_size) return std::nullopt;
  reply.auth = request_auth;
  auto out = encode(reply);
  if (with_message_authenticator && !patch_message_authenticator(out, request_auth, secret)) return std::nullopt;
  const auto digest = packet_digest(out, request_auth, secret);
  if (!digest) return std::nullopt;
  std::copy(digest->begin(), digest->end(), out.begin() + authenticator_at);
  return out;
}

}  // namespace bras::radius

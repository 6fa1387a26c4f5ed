#include "protocol/pppoe/cookie.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>

namespace bras::pppoe {

namespace {

// The HMAC over the subject, or empty when libcrypto refused (callers fail closed).
wire::bytes hmac(const wire::bytes& secret, const cookie_subject& s) {
  if (secret.empty() || secret.size() > INT_MAX) return {};
  wire::bytes message;
  wire::writer w{message};
  for (std::uint8_t b : s.mac) w.u8(b);
  w.u16(s.port);
  w.u8(s.tags);
  w.u16(s.outer_vid);
  w.u16(s.inner_vid);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(), &length) == nullptr ||
      length < cookie_size) {
    return {};
  }
  wire::bytes cookie(cookie_size);
  for (std::size_t i = 0; i < cookie_size; ++i) cookie[i] = std::byte{digest[i]};
  return cookie;
}

bool matches(wire::byte_span cookie, const wire::bytes& secret, const cookie_subject& s) {
  if (secret.empty()) return false;
  wire::bytes expected = hmac(secret, s);
  // Constant time: the comparison must not tell an attacker how many bytes were right.
  return !expected.empty() && cookie.size() == expected.size() &&
         CRYPTO_memcmp(cookie.data(), expected.data(), expected.size()) == 0;
}

}  // namespace

cookie_jar::cookie_jar(std::span<const std::byte> secret) : current_(secret.begin(), secret.end()) {}

void cookie_jar::rotate(std::span<const std::byte> secret) {
  previous_ = std::move(current_);
  current_.assign(secret.begin(), secret.end());
}

wire::bytes cookie_jar::make(const cookie_subject& subject) const {
  return hmac(current_, subject);
}

bool cookie_jar::valid(wire::byte_span cookie, const cookie_subject& subject) const {
  return matches(cookie, current_, subject) || matches(cookie, previous_, subject);
}

}  // namespace bras::pppoe

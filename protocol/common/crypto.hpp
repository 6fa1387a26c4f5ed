// MD5, HMAC-MD5 and random bytes from OpenSSL's libcrypto (never hand-written),
// for L2TP tunnel authentication and hidden AVPs, PPP CHAP and RADIUS.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <span>

namespace bras::wire {

using md5_digest = std::array<std::byte, 16>;

/// MD5 over the concatenation of `parts`; nullopt when libcrypto refuses MD5
/// (a FIPS-only provider). Callers must fail closed: never treat a missing
/// digest as a match.
std::optional<md5_digest> md5(std::initializer_list<std::span<const std::byte>> parts) noexcept;

/// HMAC-MD5 (RFC 2104) keyed by `key` over the concatenation of `parts`; nullopt when
/// libcrypto refuses HMAC or MD5. Callers fail closed, as for md5().
std::optional<md5_digest> hmac_md5(std::span<const std::byte> key,
                                   std::initializer_list<std::span<const std::byte>> parts) noexcept;

/// Compares two byte ranges in time independent of their contents (CRYPTO_memcmp);
/// ranges of different sizes are unequal.
[[nodiscard]] bool equal_constant_time(std::span<const std::byte> a, std::span<const std::byte> b) noexcept;

/// Fills `out` from OpenSSL's CSPRNG; false if the generator failed. Every caller fails closed:
/// no constant or predictable challenge, vector, secret or cookie takes the place of random bytes
/// (tests/check_random.sh lists the callers; each one has a test with a failing generator).
[[nodiscard]] bool random_bytes(std::span<std::byte> out) noexcept;

/// Test seam: the generator random_bytes() uses instead of OpenSSL's (nullptr: OpenSSL's again).
/// Tests install one that fails, to show the callers refuse; brasd never sets it.
using random_source = bool (*)(std::span<std::byte> out) noexcept;
void set_random_source(random_source source) noexcept;

}  // namespace bras::wire

// MD5 and random bytes from OpenSSL's libcrypto (never hand-written), for
// L2TP tunnel authentication and hidden AVPs, and PPP CHAP.
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

/// Fills `out` from OpenSSL's CSPRNG; false if the generator failed.
[[nodiscard]] bool random_bytes(std::span<std::byte> out) noexcept;

}  // namespace bras::wire

#include "protocol/common/crypto.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <atomic>
#include <climits>
#include <memory>

namespace bras::wire {

std::optional<md5_digest> md5(std::initializer_list<std::span<const std::byte>> parts) noexcept {
  md5_digest out{};
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1) return std::nullopt;
  for (auto part : parts) {
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) return std::nullopt;
  }
  if (EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len) != 1 || len != out.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<md5_digest> hmac_md5(std::span<const std::byte> key,
                                   std::initializer_list<std::span<const std::byte>> parts) noexcept {
  // Fetched once: the algorithm object is immutable and shared by every thread.
  static const std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac{EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                                     &EVP_MAC_free};
  if (!mac) return std::nullopt;
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx{EVP_MAC_CTX_new(mac.get()), &EVP_MAC_CTX_free};
  if (!ctx) return std::nullopt;
  char digest_name[] = "MD5";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
                               OSSL_PARAM_construct_end()};
  // OpenSSL reads a null key as "keep the previous key": an empty key still needs a pointer.
  static const unsigned char empty_key = 0;
  const auto* key_data = key.empty() ? &empty_key : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx.get(), key_data, key.size(), params) != 1) return std::nullopt;
  for (auto part : parts) {
    if (EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(part.data()), part.size()) != 1) {
      return std::nullopt;
    }
  }
  md5_digest out{};
  std::size_t len = 0;
  if (EVP_MAC_final(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len, out.size()) != 1 ||
      len != out.size()) {
    return std::nullopt;
  }
  return out;
}

bool equal_constant_time(std::span<const std::byte> a, std::span<const std::byte> b) noexcept {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {
std::atomic<random_source> replacement{nullptr};
}  // namespace

void set_random_source(random_source source) noexcept {
  replacement.store(source);
}

bool random_bytes(std::span<std::byte> out) noexcept {
  if (auto* source = replacement.load(std::memory_order_relaxed)) return source(out);
  if (out.size() > INT_MAX) return false;
  return RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) == 1;
}

}  // namespace bras::wire

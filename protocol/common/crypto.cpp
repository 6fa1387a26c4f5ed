#include "protocol/common/crypto.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

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

bool random_bytes(std::span<std::byte> out) noexcept {
  if (out.size() > INT_MAX) return false;
  return RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size())) == 1;
}

}  // namespace bras::wire

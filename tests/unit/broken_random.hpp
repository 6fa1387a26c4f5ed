// A random generator that always fails, installed for a scope through
// wire::set_random_source (OpenSSL's again after): the tests that show each
// caller of random_bytes() fails closed.
#pragma once

#include <cstddef>
#include <span>

#include "protocol/common/crypto.hpp"

namespace bras::test {

struct broken_random {
  broken_random() { wire::set_random_source(&fail); }
  ~broken_random() { wire::set_random_source(nullptr); }
  broken_random(const broken_random&) = delete;
  broken_random& operator=(const broken_random&) = delete;

 private:
  static bool fail(std::span<std::byte>) noexcept { return false; }
};

}  // namespace bras::test

// The LNS's local authentication backend: subscribers from a YAML file, and
// PAP and CHAP-MD5 checks against them. Secrets are compared in constant time.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <variant>

#include "configs/config.hpp"

namespace bras::actors {

/// One subscriber entry.
using subscriber = config::subscriber;

/// Outcome of an authentication check.
enum class verdict { accept, reject_unknown_user, reject_bad_password };

/// Subscribers by exact user name.
class subscriber_db {
 public:
  /// Adds a subscriber; false (and no change) if the user already exists.
  bool add(subscriber s);
  /// The subscriber named exactly `user`, or nullptr.
  [[nodiscard]] const subscriber* find(std::string_view user) const;
  [[nodiscard]] std::size_t size() const noexcept { return by_user_.size(); }
  /// Every subscriber by user name.
  [[nodiscard]] const auto& entries() const noexcept { return by_user_; }

  /// PAP (RFC 1334): the password as sent by the peer.
  [[nodiscard]] verdict check_pap(std::string_view user, std::string_view password) const;
  /// CHAP-MD5 (RFC 1994): response == MD5(id || password || challenge).
  [[nodiscard]] verdict check_chap_md5(std::string_view user, std::uint8_t id, std::span<const std::byte> challenge,
                                       std::span<const std::byte> response) const;

 private:
  /// Lets find() look up a string_view without building a std::string.
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, subscriber, name_hash, std::equal_to<>> by_user_;
};

/// True if `expected` and `supplied` hold the same bytes. The time taken depends
/// on the supplied size only, not on where they differ nor on the expected size.
[[nodiscard]] bool constant_time_equal(std::span<const std::byte> expected,
                                       std::span<const std::byte> supplied) noexcept;

/// A subscriber file, or why it was refused ("file:line: path: reason").
using subscribers_result = std::variant<subscriber_db, config::load_error>;

/// Parses and validates a subscriber file's text.
[[nodiscard]] subscribers_result load_subscribers(std::string_view yaml, std::string_view file_name);
/// Reads and loads a subscriber file.
[[nodiscard]] subscribers_result load_subscribers_file(const std::string& path);

}  // namespace bras::actors

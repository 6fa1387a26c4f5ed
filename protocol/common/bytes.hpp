// Byte cursor and byte builder used by every codec in protocol/.
//
// reader: reads either succeed or change nothing; after the first failure the
// reader stays failed and remembers where and why. Bounds are always checked
// as `n <= remaining()`, never `pos + n <= size` (no overflow), and sub() hands
// out a bounded reader for an AVP, option or tag body.
//
// writer: appends network-order integers to a byte vector, with reserve/patch
// for length fields that are known only at the end.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/common/result.hpp"

namespace bras::wire {

using bytes = std::vector<std::byte>;
using byte_span = std::span<const std::byte>;

/// Views a string's characters as bytes (no copy).
inline byte_span as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}
/// Copies bytes into a string (for text AVPs, names, messages).
inline std::string to_string(byte_span b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline bytes to_bytes(byte_span b) {
  return {b.begin(), b.end()};
}
inline bytes to_bytes(std::string_view s) {
  return to_bytes(as_bytes(s));
}

/// Parses "0a 1b2c ..." (whitespace, and '#'-to-end-of-line comments
/// ignored) into bytes. Used by tests to write annotated vectors; returns
/// nullopt on an odd digit count or a non-hex character.
std::optional<bytes> from_hex(std::string_view annotated);
/// Lower-case hex without separators.
std::string to_hex(byte_span b);

class reader {
 public:
  /// `base` is the absolute offset of data[0] in the outermost buffer, so
  /// errors from sub-readers report offsets relative to the whole packet.
  explicit reader(byte_span data, std::size_t base = 0) noexcept : data_(data), base_(base) {}

  [[nodiscard]] std::size_t remaining() const noexcept { return data_.size() - pos_; }
  [[nodiscard]] bool empty() const noexcept { return remaining() == 0; }
  /// Absolute offset of the next byte to read.
  [[nodiscard]] std::size_t offset() const noexcept { return base_ + pos_; }
  [[nodiscard]] bool failed() const noexcept { return failed_.has_value(); }
  [[nodiscard]] const std::optional<error>& failure() const noexcept { return failed_; }
  /// The unread bytes (no copy, does not advance).
  [[nodiscard]] byte_span rest() const noexcept { return data_.subspan(pos_); }

  [[nodiscard]] bool u8(std::uint8_t& out) noexcept;
  [[nodiscard]] bool u16(std::uint16_t& out) noexcept;
  [[nodiscard]] bool u32(std::uint32_t& out) noexcept;
  [[nodiscard]] bool u64(std::uint64_t& out) noexcept;
  /// Takes n bytes as a view into the input.
  [[nodiscard]] bool take(std::size_t n, byte_span& out) noexcept;
  /// Takes all remaining bytes (always succeeds unless already failed).
  [[nodiscard]] bool take_rest(byte_span& out) noexcept;
  [[nodiscard]] bool skip(std::size_t n) noexcept;
  /// Takes n bytes as a bounded reader whose offsets stay absolute.
  [[nodiscard]] std::optional<reader> sub(std::size_t n) noexcept;

  /// Marks the reader failed with `reason` at the current offset and returns
  /// the error. The first reasoned failure wins; it replaces the generic
  /// "truncated" that a failed read records.
  error fail(std::string_view reason) noexcept;
  /// Marks the reader failed with `reason` at an explicit absolute offset.
  error fail_at(std::string_view reason, std::size_t absolute_offset) noexcept;
  /// The recorded failure, or a generic truncation error at the current
  /// offset if a read failed without a reason being given.
  [[nodiscard]] error last_error() const noexcept;

 private:
  bool check(std::size_t n) noexcept;

  byte_span data_;
  std::size_t base_ = 0;
  std::size_t pos_ = 0;
  std::optional<error> failed_;
  bool generic_failure_ = false;
};

class writer {
 public:
  /// Appends to `out`, which must outlive the writer.
  explicit writer(bytes& out) noexcept : out_(&out) {}

  void u8(std::uint8_t v) { out_->push_back(std::byte{v}); }
  void u16(std::uint16_t v);
  void u32(std::uint32_t v);
  void u64(std::uint64_t v);
  void put(byte_span b) { out_->insert(out_->end(), b.begin(), b.end()); }
  void put(std::string_view s) { put(as_bytes(s)); }
  void zeros(std::size_t n) { out_->insert(out_->end(), n, std::byte{0}); }

  /// Reserves a 16-bit field and returns its position for patch_u16().
  std::size_t reserve_u16();
  void patch_u16(std::size_t at, std::uint16_t v);
  [[nodiscard]] std::size_t size() const noexcept { return out_->size(); }
  [[nodiscard]] bytes& buffer() noexcept { return *out_; }

 private:
  bytes* out_;
};

/// Reads a big-endian 16-bit value from exactly two bytes (caller checked size).
inline std::uint16_t load_u16(const std::byte* p) noexcept {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(p[0]) << 8) | std::to_integer<unsigned>(p[1]));
}
inline std::uint32_t load_u32(const std::byte* p) noexcept {
  return (std::uint32_t{load_u16(p)} << 16) | load_u16(p + 2);
}
/// Writes `v` big-endian into exactly two bytes (caller checked size).
inline void store_u16(std::byte* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::byte>(v >> 8);
  p[1] = static_cast<std::byte>(v & 0xffu);
}
/// The byte at `i` as a number (caller checked `i < p.size()`).
inline std::uint8_t byte_at(byte_span p, std::size_t i) noexcept {
  return std::to_integer<std::uint8_t>(p[i]);
}

}  // namespace bras::wire

#include "protocol/common/bytes.hpp"

#include <limits>

namespace bras::wire {

std::string to_string(const error& e) {
  std::string s{e.reason};
  s += " at offset ";
  s += std::to_string(e.offset);
  return s;
}

namespace {
int hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<bytes> from_hex(std::string_view text) {
  bytes out;
  int high = -1;
  bool comment = false;
  for (char c : text) {
    if (comment) {
      if (c == '\n') comment = false;
      continue;
    }
    if (c == '#') {
      comment = true;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '|' || c == ':') continue;
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    if (high < 0) {
      high = d;
    } else {
      out.push_back(static_cast<std::byte>((high << 4) | d));
      high = -1;
    }
  }
  if (high >= 0) return std::nullopt;
  return out;
}

std::string to_hex(byte_span b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (std::byte x : b) {
    auto v = std::to_integer<unsigned>(x);
    s.push_back(digits[v >> 4]);
    s.push_back(digits[v & 0xf]);
  }
  return s;
}

bool reader::check(std::size_t n) noexcept {
  if (failed_) return false;
  if (n > remaining()) {
    failed_ = error{"truncated", offset()};
    generic_failure_ = true;
    return false;
  }
  return true;
}

bool reader::u8(std::uint8_t& out) noexcept {
  if (!check(1)) return false;
  out = std::to_integer<std::uint8_t>(data_[pos_]);
  pos_ += 1;
  return true;
}

bool reader::u16(std::uint16_t& out) noexcept {
  if (!check(2)) return false;
  out = load_u16(data_.data() + pos_);
  pos_ += 2;
  return true;
}

bool reader::u32(std::uint32_t& out) noexcept {
  if (!check(4)) return false;
  out = load_u32(data_.data() + pos_);
  pos_ += 4;
  return true;
}

bool reader::u64(std::uint64_t& out) noexcept {
  if (!check(8)) return false;
  out = (std::uint64_t{load_u32(data_.data() + pos_)} << 32) | load_u32(data_.data() + pos_ + 4);
  pos_ += 8;
  return true;
}

bool reader::take(std::size_t n, byte_span& out) noexcept {
  if (!check(n)) return false;
  out = data_.subspan(pos_, n);
  pos_ += n;
  return true;
}

bool reader::take_rest(byte_span& out) noexcept {
  return take(remaining(), out);
}

bool reader::skip(std::size_t n) noexcept {
  if (!check(n)) return false;
  pos_ += n;
  return true;
}

std::optional<reader> reader::sub(std::size_t n) noexcept {
  std::size_t at = offset();
  byte_span body;
  if (!take(n, body)) return std::nullopt;
  return reader{body, at};
}

error reader::fail(std::string_view reason) noexcept {
  return fail_at(reason, offset());
}

error reader::fail_at(std::string_view reason, std::size_t absolute_offset) noexcept {
  // A caller's reason replaces the generic one a failed read recorded.
  if (!failed_ || generic_failure_) failed_ = error{reason, absolute_offset};
  generic_failure_ = false;
  return *failed_;
}

error reader::last_error() const noexcept {
  if (failed_) return *failed_;
  return error{"truncated", offset()};
}

void writer::u16(std::uint16_t v) {
  u8(static_cast<std::uint8_t>(v >> 8));
  u8(static_cast<std::uint8_t>(v & 0xff));
}

void writer::u32(std::uint32_t v) {
  u16(static_cast<std::uint16_t>(v >> 16));
  u16(static_cast<std::uint16_t>(v & 0xffff));
}

void writer::u64(std::uint64_t v) {
  u32(static_cast<std::uint32_t>(v >> 32));
  u32(static_cast<std::uint32_t>(v & 0xffffffffu));
}

std::size_t writer::reserve_u16() {
  std::size_t at = out_->size();
  u16(0);
  return at;
}

void writer::patch_u16(std::size_t at, std::uint16_t v) {
  (*out_)[at] = static_cast<std::byte>(v >> 8);
  (*out_)[at + 1] = static_cast<std::byte>(v & 0xff);
}

}  // namespace bras::wire

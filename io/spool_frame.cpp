#include "io/spool_frame.hpp"

#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace bras::io::spool {

namespace {

void put_be(std::byte* at, std::uint64_t value, int width) {
  for (int i = width - 1; i >= 0; --i, value >>= 8) at[i] = std::byte(value & 0xff);
}

std::uint64_t get_be(const std::byte* at, int width) {
  std::uint64_t v = 0;
  for (int i = 0; i < width; ++i) v = (v << 8) | std::to_integer<std::uint64_t>(at[i]);
  return v;
}

std::uint32_t crc_of(const std::byte* head, wire::byte_span payload) {
  uLong c = crc32(0L, Z_NULL, 0);
  c = crc32(c, reinterpret_cast<const Bytef*>(head), 24);
  if (!payload.empty()) c = crc32(c, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<std::uint32_t>(c);
}

}  // namespace

wire::bytes encode_frame(const frame& f, wire::byte_span payload) {
  wire::bytes out(frame_header + payload.size());
  put_be(&out[0], frame_magic, 4);
  put_be(&out[4], payload.size(), 4);
  put_be(&out[8], f.seq, 8);
  out[16] = std::byte(f.type);
  out[17] = std::byte(f.kind);
  put_be(&out[20], f.written, 4);
  std::copy(payload.begin(), payload.end(), out.begin() + frame_header);
  put_be(&out[24], crc_of(out.data(), payload), 4);
  return out;
}

std::optional<frame> decode_frame(wire::byte_span data) {
  if (data.size() < frame_header || get_be(data.data(), 4) != frame_magic) return std::nullopt;
  frame f;
  f.length = static_cast<std::uint32_t>(get_be(&data[4], 4));
  if (f.length > max_payload || f.length > data.size() - frame_header) return std::nullopt;
  f.seq = get_be(&data[8], 8);
  f.type = std::to_integer<std::uint8_t>(data[16]);
  f.kind = std::to_integer<std::uint8_t>(data[17]);
  f.written = static_cast<std::uint32_t>(get_be(&data[20], 4));
  if (f.type != frame_record && f.type != frame_ack) return std::nullopt;
  if (crc_of(data.data(), data.subspan(frame_header, f.length)) != get_be(&data[24], 4)) return std::nullopt;
  return f;
}

bool starts_with_magic(wire::byte_span data) noexcept {
  return data.size() >= 4 && get_be(data.data(), 4) == frame_magic;
}

std::string failure(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

bool write_all(int fd, wire::byte_span data, off_t offset) {
  while (!data.empty()) {
    const ssize_t n = ::pwrite(fd, data.data(), data.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    data = data.subspan(static_cast<std::size_t>(n));
    offset += n;
  }
  return true;
}

bool read_all(int fd, std::byte* out, std::size_t size, off_t offset) {
  while (size > 0) {
    const ssize_t n = ::pread(fd, out, size, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    out += n;
    size -= static_cast<std::size_t>(n);
    offset += n;
  }
  return true;
}

}  // namespace bras::io::spool

// The accounting spool's on-disk framing (io/acct_spool.cpp) and the file
// helpers it uses. A frame: 28 header bytes (network order) then the payload.
//   0 magic  4 payload length  8 seq  16 type  17 kind  18 reserved(2)  20 written_unix  24 crc32
// The CRC covers the first 24 header bytes and the payload, so a torn or
// flipped record is recognised whatever part of it is damaged.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/common/bytes.hpp"

namespace bras::io::spool {

inline constexpr std::uint32_t frame_magic = 0x42535031;  // "BSP1"
inline constexpr std::size_t frame_header = 28;
inline constexpr std::uint32_t max_payload = 65536;
inline constexpr std::uint8_t frame_record = 1;
inline constexpr std::uint8_t frame_ack = 2;  ///< "record `seq` is acknowledged"; no payload

struct frame {
  std::uint32_t length = 0;
  std::uint64_t seq = 0;
  std::uint8_t type = 0;
  std::uint8_t kind = 0;
  std::uint32_t written = 0;
};

[[nodiscard]] wire::bytes encode_frame(const frame& f, wire::byte_span payload);
/// The frame at the start of `data` if it is whole and its CRC holds.
[[nodiscard]] std::optional<frame> decode_frame(wire::byte_span data);
/// Whether `data` starts with the frame magic (a cheap test before decode_frame).
[[nodiscard]] bool starts_with_magic(wire::byte_span data) noexcept;

/// "<what> <path>: <strerror(err)>".
[[nodiscard]] std::string failure(const std::string& what, const std::string& path, int err);
/// pwrite/pread all of it at `offset`; false with errno set otherwise.
[[nodiscard]] bool write_all(int fd, wire::byte_span data, off_t offset);
[[nodiscard]] bool read_all(int fd, std::byte* out, std::size_t size, off_t offset);

}  // namespace bras::io::spool

// The control packet format shared by LCP, IPCP and IPv6CP (RFC 1661 §5, §6):
// code, identifier, length, data; Configure-* data is a list of
// type-length-value options. Also the header of PAP and CHAP packets.
//
// Options are one std::variant per protocol (see lcp.hpp, ncp.hpp) built from
// the small option kinds below, so an FSM can copy, filter and rewrite them
// when it answers a Configure-Request with an Ack, Nak or Reject.
#pragma once

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/common/result.hpp"

namespace bras::ppp {

/// LCP codes (RFC 1661 §5); IPCP and IPv6CP use 1-7.
enum class control_code : std::uint8_t {
  configure_request = 1,
  configure_ack = 2,
  configure_nak = 3,
  configure_reject = 4,
  terminate_request = 5,
  terminate_ack = 6,
  code_reject = 7,
  protocol_reject = 8,
  echo_request = 9,
  echo_reply = 10,
  discard_request = 11,
};

/// Code, identifier and the data covered by the length field (padding dropped).
struct control_header {
  std::uint8_t code = 0;
  std::uint8_t identifier = 0;
  wire::byte_span data;
  /// Absolute offset of data[0].
  std::size_t data_offset = 0;
};

/// Decodes the 4-byte header; length must be >= 4 and <= the bytes available.
[[nodiscard]] wire::result<control_header> decode_control_header(wire::byte_span packet, std::size_t base = 0);

// ---- option kinds: each has a static `type` (unknown_option a member one) ----

/// An option without data (PFC, ACFC).
template <std::uint8_t Type>
struct flag_option {
  static constexpr std::uint8_t type = Type;
  friend bool operator==(const flag_option&, const flag_option&) = default;
};

/// An option holding a 16-bit value (MRU).
template <std::uint8_t Type>
struct u16_option {
  static constexpr std::uint8_t type = Type;
  std::uint16_t value = 0;
  friend bool operator==(const u16_option&, const u16_option&) = default;
};

/// An option holding a 32-bit value (ACCM, Magic-Number, IPv4 addresses).
template <std::uint8_t Type>
struct u32_option {
  static constexpr std::uint8_t type = Type;
  std::uint32_t value = 0;
  friend bool operator==(const u32_option&, const u32_option&) = default;
};

/// An option holding a 64-bit value (IPv6 Interface-Identifier).
template <std::uint8_t Type>
struct u64_option {
  static constexpr std::uint8_t type = Type;
  std::uint64_t value = 0;
  friend bool operator==(const u64_option&, const u64_option&) = default;
};

/// A known option whose data we keep as raw bytes.
template <std::uint8_t Type>
struct opaque_option {
  static constexpr std::uint8_t type = Type;
  wire::bytes data;
  friend bool operator==(const opaque_option&, const opaque_option&) = default;
};

/// An option type the protocol does not know, kept so it can be Configure-Rejected.
/// The decoder never produces one whose type is a known option.
struct unknown_option {
  std::uint8_t type = 0;
  wire::bytes data;
  friend bool operator==(const unknown_option&, const unknown_option&) = default;
};

/// The type byte of any option variant.
template <class... Alternatives>
[[nodiscard]] std::uint8_t option_type(const std::variant<Alternatives...>& option) noexcept {
  return std::visit([](const auto& o) -> std::uint8_t { return o.type; }, option);
}

/// The first option of kind T in a list, or nullptr.
template <class T, class Option>
[[nodiscard]] const T* find_option(const std::vector<Option>& options) noexcept {
  for (const auto& o : options) {
    if (const T* found = std::get_if<T>(&o)) return found;
  }
  return nullptr;
}

// ---- packets shared by LCP, IPCP and IPv6CP ----

/// Configure-Request, -Ack, -Nak or -Reject: an ordered option list.
template <control_code Code, class Option>
struct configure_packet {
  using option = Option;
  static constexpr control_code code = Code;
  std::uint8_t identifier = 0;
  std::vector<Option> options;
  friend bool operator==(const configure_packet&, const configure_packet&) = default;
};

/// Terminate-Request or -Ack: opaque data.
template <control_code Code>
struct terminate_packet {
  static constexpr control_code code = Code;
  std::uint8_t identifier = 0;
  wire::bytes data;
  friend bool operator==(const terminate_packet&, const terminate_packet&) = default;
};
/// Terminate-Request (code 5).
using terminate_request = terminate_packet<control_code::terminate_request>;
/// Terminate-Ack (code 6).
using terminate_ack = terminate_packet<control_code::terminate_ack>;

/// Code-Reject (code 7): a copy of the rejected packet from its code field on.
struct code_reject {
  static constexpr control_code code = control_code::code_reject;
  std::uint8_t identifier = 0;
  wire::bytes rejected_packet;
  friend bool operator==(const code_reject&, const code_reject&) = default;
};

/// A packet with a code the protocol does not know: the FSM answers Code-Reject.
struct unknown_code {
  std::uint8_t code = 0;
  std::uint8_t identifier = 0;
  wire::bytes data;
  friend bool operator==(const unknown_code&, const unknown_code&) = default;
};

}  // namespace bras::ppp

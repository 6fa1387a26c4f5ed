// TR-101 access loop identification and line characteristics, carried by the
// PPPoE Intermediate Agent in a Vendor-Specific tag with the Broadband Forum
// vendor id 3561. The tag data is a list of sub-options: 1-byte type, 1-byte
// length, value (numbers as in RFC 4679 / RFC 6320).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/pppoe/pppoe.hpp"

namespace bras::pppoe {

/// TR-101 sub-option types this codec decodes into access_line fields.
enum class access_line_option : std::uint8_t {
  agent_circuit_id = 0x01,
  agent_remote_id = 0x02,
  actual_rate_up = 0x81,
  actual_rate_down = 0x82,
  min_rate_up = 0x83,
  min_rate_down = 0x84,
  attainable_rate_up = 0x85,
  attainable_rate_down = 0x86,
  max_rate_up = 0x87,
  max_rate_down = 0x88,
  min_rate_up_low_power = 0x89,
  min_rate_down_low_power = 0x8a,
  max_interleaving_delay_up = 0x8b,
  actual_interleaving_delay_up = 0x8c,
  max_interleaving_delay_down = 0x8d,
  actual_interleaving_delay_down = 0x8e,
  access_loop_encapsulation = 0x90,
};

/// True for the sub-option types that decode to a typed access_line field.
[[nodiscard]] bool is_known_access_line_option(std::uint8_t t) noexcept;

/// Access-Loop-Encapsulation (0x90): data link (0 ATM AAL5, 1 Ethernet) and two encapsulation codes.
struct access_loop_encapsulation {
  std::uint8_t data_link = 0;
  std::uint8_t encaps1 = 0;
  std::uint8_t encaps2 = 0;
  friend bool operator==(const access_loop_encapsulation&, const access_loop_encapsulation&) = default;
};

/// A sub-option this codec does not interpret, kept raw.
struct access_line_unknown {
  std::uint8_t type = 0;
  wire::bytes value;
  friend bool operator==(const access_line_unknown&, const access_line_unknown&) = default;
};

/// The decoded TR-101 tag. Rates are kbit/s, delays ms; absent sub-options stay empty.
struct access_line {
  std::optional<std::string> circuit_id;  ///< Agent-Circuit-Id (0x01)
  std::optional<std::string> remote_id;   ///< Agent-Remote-Id (0x02)
  std::optional<std::uint32_t> actual_rate_up;
  std::optional<std::uint32_t> actual_rate_down;
  std::optional<std::uint32_t> min_rate_up;
  std::optional<std::uint32_t> min_rate_down;
  std::optional<std::uint32_t> attainable_rate_up;
  std::optional<std::uint32_t> attainable_rate_down;
  std::optional<std::uint32_t> max_rate_up;
  std::optional<std::uint32_t> max_rate_down;
  std::optional<std::uint32_t> min_rate_up_low_power;
  std::optional<std::uint32_t> min_rate_down_low_power;
  std::optional<std::uint32_t> max_interleaving_delay_up;
  std::optional<std::uint32_t> actual_interleaving_delay_up;
  std::optional<std::uint32_t> max_interleaving_delay_down;
  std::optional<std::uint32_t> actual_interleaving_delay_down;
  std::optional<access_loop_encapsulation> encapsulation;  ///< Access-Loop-Encapsulation (0x90)
  std::vector<access_line_unknown> unknown;                ///< other sub-options, in wire order

  friend bool operator==(const access_line&, const access_line&) = default;
};

/// Decodes the sub-options (the Vendor-Specific data after the vendor id).
/// A repeated known sub-option is an error.
[[nodiscard]] wire::result<access_line> decode_access_line(wire::byte_span in, std::size_t base = 0);
/// Appends the sub-options: circuit id, remote id, 0x81..0x8e, 0x90, then the unknown ones.
[[nodiscard]] wire::status encode(const access_line& a, wire::writer& w);
/// Wraps the sub-options in a Vendor-Specific tag with the BBF vendor id.
[[nodiscard]] wire::result<vendor_specific> to_vendor_tag(const access_line& a);

/// Decodes the first BBF Vendor-Specific tag of `d`: nullopt if there is none.
/// `base` is the offset of the PPPoE header, so errors point into the original packet.
[[nodiscard]] wire::result<std::optional<access_line>> access_line_of(const discovery& d, std::size_t base = 0);

}  // namespace bras::pppoe

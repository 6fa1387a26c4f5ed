// Value codecs of the AVP table (avp_table.hpp): for each codec tag of
// avp_values.hpp, decode_value() reads one AVP value into its field and
// encode_value() writes a field as zero, one or more AVPs. Internal to the
// message codec (message.cpp); callers use decode_control/encode_control.
#pragma once

#include <optional>

#include "protocol/l2tp/message.hpp"

namespace bras::l2tp::detail {

/// Reads one AVP value; errors carry the offset of the AVP header.
class value_reader {
 public:
  value_reader(byte_span value, std::size_t avp_offset) : r_{value, avp_offset + avp_header_size}, at_{avp_offset} {}
  [[nodiscard]] bool exact(std::size_t n) const noexcept { return r_.remaining() == n; }
  [[nodiscard]] bool at_least(std::size_t n) const noexcept { return r_.remaining() >= n; }
  wire::reader& r() noexcept { return r_; }
  [[nodiscard]] wire::error bad_length() const noexcept { return {"AVP value has wrong length", at_}; }

 private:
  wire::reader r_;
  std::size_t at_;
};

/// Builds each AVP's value in a scratch buffer, then writes it plain or
/// hidden (a Random Vector before the first hidden AVP).
class avp_emitter {
 public:
  avp_emitter(bytes& out, const encode_options& opts) : w_{out}, opts_{opts} {}
  void emit(bool mandatory, std::uint16_t vendor, std::uint16_t type, bool want_hidden, byte_span value);
  /// True when the options ask to hide this IETF type.
  [[nodiscard]] bool wants_hidden(std::uint16_t type) const noexcept {
    return type < 64 && ((opts_.hide_types >> type) & 1U) != 0;
  }
  bytes& scratch() {
    scratch_.clear();
    return scratch_;
  }
  /// An AVP to be hidden could not be (no random bytes): the output must not be sent.
  [[nodiscard]] bool failed() const noexcept { return failed_; }

 private:
  wire::writer w_;
  const encode_options& opts_;
  bytes random_vector_;
  bool random_vector_written_ = false;
  bool failed_ = false;
  bytes scratch_;
};

/// Where the AVPs of one field go, with the bits the table gives them.
struct avp_sink {
  avp_emitter& emitter;
  bool mandatory;
  std::uint16_t vendor;
  std::uint16_t type;
  bool hide;
  bytes& scratch() { return emitter.scratch(); }
  void put(byte_span value) { emitter.emit(mandatory, vendor, type, hide, value); }
};

template <class T>
wire::status decode_value(codec::uint<T>, value_reader& v, std::optional<T>& out) {
  T x{};
  bool read = false;
  if constexpr (sizeof(T) == 2) {
    read = v.exact(2) && v.r().u16(x);
  } else if constexpr (sizeof(T) == 4) {
    read = v.exact(4) && v.r().u32(x);
  } else {
    read = v.exact(8) && v.r().u64(x);
  }
  if (!read) return v.bad_length();
  out = x;
  return wire::ok_status();
}

template <class T>
void encode_value(codec::uint<T>, const std::optional<T>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  if constexpr (sizeof(T) == 2) {
    w.u16(*field);
  } else if constexpr (sizeof(T) == 4) {
    w.u32(*field);
  } else {
    w.u64(*field);
  }
  out.put(s);
}

// clang-format off
#define BRAS_L2TP_DECLARE_CODEC(tag)                                                  \
  wire::status decode_value(codec::tag, value_reader& v, codec::tag::field_type& out); \
  void encode_value(codec::tag, const codec::tag::field_type& field, avp_sink out);
BRAS_L2TP_DECLARE_CODEC(text)
BRAS_L2TP_DECLARE_CODEC(text_nonempty)
BRAS_L2TP_DECLARE_CODEC(octets)
BRAS_L2TP_DECLARE_CODEC(octets_nonempty)
BRAS_L2TP_DECLARE_CODEC(flag)
BRAS_L2TP_DECLARE_CODEC(digest)
BRAS_L2TP_DECLARE_CODEC(result)
BRAS_L2TP_DECLARE_CODEC(version)
BRAS_L2TP_DECLARE_CODEC(q931)
BRAS_L2TP_DECLARE_CODEC(call_errors)
BRAS_L2TP_DECLARE_CODEC(accm)
BRAS_L2TP_DECLARE_CODEC(disconnect_cause)
BRAS_L2TP_DECLARE_CODEC(speed_updates)
BRAS_L2TP_DECLARE_CODEC(encapsulation)
#undef BRAS_L2TP_DECLARE_CODEC
// clang-format on

/// Whether a field holds a value (check() asks for mandatory AVPs).
template <class T>
bool present(const std::optional<T>& field) noexcept {
  return field.has_value();
}
template <class T>
bool present(const std::vector<T>& field) noexcept {
  return !field.empty();
}
inline bool present(bool field) noexcept {
  return field;
}

}  // namespace bras::l2tp::detail

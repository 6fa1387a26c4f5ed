// check(): the semantics of a decoded control message (RFC 2661 §6): which
// AVPs each message type requires, and the unknown-mandatory rule (§4.1).
#include <span>

#include "protocol/l2tp/avp_codec.hpp"
#include "protocol/l2tp/message.hpp"

namespace bras::l2tp {

namespace {

/// RFC 2661 §6 (and RFC 5515 §3) mandatory AVPs, Message Type aside.
std::span<const avp_type> mandatory_avps(message_type type) noexcept {
  using a = avp_type;
  static constexpr a sccrx[] = {a::protocol_version, a::host_name, a::framing_capabilities, a::assigned_tunnel_id};
  static constexpr a stopccn[] = {a::assigned_tunnel_id, a::result_code};
  static constexpr a ocrq[] = {a::assigned_session_id, a::call_serial_number, a::minimum_bps,  a::maximum_bps,
                               a::bearer_type,         a::framing_type,       a::called_number};
  static constexpr a session_id[] = {a::assigned_session_id};
  static constexpr a connected[] = {a::tx_connect_speed, a::framing_type};
  static constexpr a icrq[] = {a::assigned_session_id, a::call_serial_number};
  static constexpr a cdn[] = {a::result_code, a::assigned_session_id};
  static constexpr a wen[] = {a::call_errors};
  static constexpr a sli[] = {a::accm};
  static constexpr a csu[] = {a::connect_speed_update};
  switch (type) {
    case message_type::sccrq:
    case message_type::sccrp: return sccrx;
    case message_type::stopccn: return stopccn;
    case message_type::ocrq: return ocrq;
    case message_type::ocrp:
    case message_type::icrp: return session_id;
    case message_type::occn:
    case message_type::iccn: return connected;
    case message_type::icrq: return icrq;
    case message_type::cdn: return cdn;
    case message_type::wen: return wen;
    case message_type::sli: return sli;
    case message_type::csun:
    case message_type::csurq: return csu;
    case message_type::zlb:
    case message_type::scccn:
    case message_type::hello: return {};
  }
  return {};
}

/// Whether `m` carries AVP `a` (AVPs without a field count as present).
bool has(const control_message& m, avp_type a) noexcept {
  switch (a) {
// clang-format off
#define BRAS_L2TP_HAS(enumerator, number, name, mandatory, hideable, member, codec_tag) \
  case avp_type::enumerator: return detail::present(m.member);
#define BRAS_L2TP_FRAMING(enumerator, ...) \
  case avp_type::enumerator: return true;
    // clang-format on
    BRAS_L2TP_IETF_AVPS(BRAS_L2TP_HAS, BRAS_L2TP_FRAMING)
#undef BRAS_L2TP_HAS
#undef BRAS_L2TP_FRAMING
  }
  return true;
}

std::string_view missing_reason(avp_type a) noexcept {
  switch (a) {
#define BRAS_L2TP_MISSING(enumerator, number, name, ...) \
  case avp_type::enumerator: return "missing mandatory AVP " name " (" #number ")";
    BRAS_L2TP_IETF_AVPS(BRAS_L2TP_MISSING, BRAS_L2TP_MISSING)
#undef BRAS_L2TP_MISSING
  }
  return "missing mandatory AVP";
}

}  // namespace

const unknown_avp* control_message::unknown_mandatory() const noexcept {
  for (const auto& u : unknown) {
    if (u.mandatory) return &u;
  }
  return nullptr;
}

wire::status control_message::check() const {
  if (type == message_type::zlb) return wire::ok_status();
  if (!is_known_message(static_cast<std::uint16_t>(type))) return wire::error{"unknown message type", 0};
  for (avp_type a : mandatory_avps(type)) {
    if (!has(*this, a)) return wire::error{missing_reason(a), 0};
  }
  if (unknown_mandatory() != nullptr) return wire::error{"unknown AVP with the M bit set", 0};
  return wire::ok_status();
}

}  // namespace bras::l2tp

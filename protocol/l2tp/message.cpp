// The message codec: decode_control() and encode_control() walk the AVP
// table (avp_table.hpp) and hand each value to its codec (avp_codec.*).
#include "protocol/l2tp/message.hpp"

#include "protocol/l2tp/avp_codec.hpp"

namespace bras::l2tp {

namespace {

using detail::value_reader;

constexpr std::uint16_t t(avp_type a) noexcept {
  return static_cast<std::uint16_t>(a);
}

/// Decodes an AVP of the IETF table into its field; nullopt for a type the
/// table does not type (Message Type and Random Vector never get here).
std::optional<wire::status> decode_ietf(control_message& m, std::uint16_t type, value_reader& v) {
  switch (static_cast<avp_type>(type)) {
#define BRAS_L2TP_DECODE(enumerator, number, name, mandatory, hideable, member, codec_tag) \
  case avp_type::enumerator:                                                               \
    return detail::decode_value(codec_tag{}, v, m.member);
#define BRAS_L2TP_FRAMING(enumerator, ...) \
  case avp_type::enumerator: return std::nullopt;
    BRAS_L2TP_IETF_AVPS(BRAS_L2TP_DECODE, BRAS_L2TP_FRAMING)
#undef BRAS_L2TP_DECODE
#undef BRAS_L2TP_FRAMING
  }
  return std::nullopt;
}

/// Decodes a Broadband Forum AVP of the table; nullopt for other types.
std::optional<wire::status> decode_bbf(access_line_info& a, std::uint16_t type, value_reader& v) {
  switch (static_cast<bbf_avp_type>(type)) {
#define BRAS_L2TP_DECODE(enumerator, number, member, codec_tag) \
  case bbf_avp_type::enumerator: return detail::decode_value(codec_tag{}, v, a.member);
    BRAS_L2TP_BBF_AVPS(BRAS_L2TP_DECODE)
#undef BRAS_L2TP_DECODE
  }
  return std::nullopt;
}

}  // namespace

std::string_view message_name(message_type type) noexcept {
  switch (type) {
    case message_type::zlb: return "ZLB";
    case message_type::sccrq: return "SCCRQ";
    case message_type::sccrp: return "SCCRP";
    case message_type::scccn: return "SCCCN";
    case message_type::stopccn: return "StopCCN";
    case message_type::hello: return "HELLO";
    case message_type::ocrq: return "OCRQ";
    case message_type::ocrp: return "OCRP";
    case message_type::occn: return "OCCN";
    case message_type::icrq: return "ICRQ";
    case message_type::icrp: return "ICRP";
    case message_type::iccn: return "ICCN";
    case message_type::cdn: return "CDN";
    case message_type::wen: return "WEN";
    case message_type::sli: return "SLI";
    case message_type::csun: return "CSUN";
    case message_type::csurq: return "CSURQ";
  }
  return "unknown";
}

bool is_known_message(std::uint16_t type) noexcept {
  return type != 0 && message_name(static_cast<message_type>(type)) != "unknown";
}

control_message make_message(message_type type) {
  control_message m;
  m.type = type;
  return m;
}

wire::result<control_message> decode_control(byte_span avps, std::size_t base, const decode_options& opts) {
  control_message m;
  wire::reader r{avps, base};
  if (r.empty()) return m;  // ZLB

  bytes random_vector;
  bool have_random_vector = false;
  bool first = true;
  while (!r.empty()) {
    auto avp = read_avp(r);
    if (!avp) return avp.err();
    m.seen.push_back({avp->vendor, avp->type, avp->mandatory, avp->hidden});
    bool ietf = avp->vendor == ietf_vendor;

    if (first) {
      // RFC 2661 §4.4.1: Message Type is the first AVP, not hidden, 2 octets.
      if (!ietf || avp->type != t(avp_type::message_type)) {
        return wire::error{"first AVP is not Message Type", avp->offset};
      }
      if (avp->hidden) return wire::error{"Message Type AVP hidden", avp->offset};
      if (avp->value.size() != 2) return wire::error{"AVP value has wrong length", avp->offset};
      auto raw_type = wire::load_u16(avp->value.data());
      if (raw_type == 0) return wire::error{"Message Type 0 is reserved", avp->offset};
      m.type = static_cast<message_type>(raw_type);
      first = false;
      continue;
    }

    bytes plain;
    byte_span value = avp->value;
    if (avp->hidden) {
      if (ietf && !avp_may_be_hidden(avp->type)) return wire::error{"AVP may not be hidden", avp->offset};
      if (!have_random_vector) return wire::error{"hidden AVP without preceding Random Vector", avp->offset};
      if (!opts.secret) return wire::error{"hidden AVP but no shared secret", avp->offset};
      auto deciphered = unhide(*avp, *opts.secret, random_vector);
      if (!deciphered) return deciphered.err();
      plain = std::move(*deciphered);
      value = plain;
    }

    value_reader v{value, avp->offset};
    if (ietf && avp->type == t(avp_type::random_vector)) {
      if (value.empty()) return wire::error{"empty Random Vector", avp->offset};
      random_vector = wire::to_bytes(value);
      have_random_vector = true;
      continue;
    }
    if (ietf && avp->type == t(avp_type::message_type)) {
      return wire::error{"second Message Type AVP", avp->offset};
    }
    std::optional<wire::status> typed;
    if (ietf) {
      typed = decode_ietf(m, avp->type, v);
    } else if (avp->vendor == broadband_forum_vendor) {
      typed = decode_bbf(m.access_line, avp->type, v);
    }
    if (!typed) {
      m.unknown.push_back({avp->mandatory, avp->hidden, avp->vendor, avp->type, wire::to_bytes(value)});
    } else if (!*typed) {
      return typed->err();
    }
  }
  return m;
}

bool encode_control(bytes& out, const control_message& m, const encode_options& opts) {
  if (m.type == message_type::zlb) return true;
  detail::avp_emitter e{out, opts};
  auto ietf_sink = [&e](avp_type a) {
    return detail::avp_sink{e, avp_mandatory_by_rfc(t(a)), ietf_vendor, t(a), e.wants_hidden(t(a))};
  };
  std::optional<std::uint16_t> type{static_cast<std::uint16_t>(m.type)};
  detail::encode_value(codec::u16{}, type, ietf_sink(avp_type::message_type));
#define BRAS_L2TP_ENCODE(enumerator, number, name, mandatory, hideable, member, codec_tag) \
  detail::encode_value(codec_tag{}, m.member, {e, mandatory, ietf_vendor, number, e.wants_hidden(number)});
#define BRAS_L2TP_FRAMING(...)
  BRAS_L2TP_IETF_AVPS(BRAS_L2TP_ENCODE, BRAS_L2TP_FRAMING)
#undef BRAS_L2TP_ENCODE
#undef BRAS_L2TP_FRAMING
#define BRAS_L2TP_ENCODE(enumerator, number, member, codec_tag) \
  detail::encode_value(codec_tag{}, m.access_line.member, {e, false, broadband_forum_vendor, number, false});
  BRAS_L2TP_BBF_AVPS(BRAS_L2TP_ENCODE)
#undef BRAS_L2TP_ENCODE
  for (const auto& u : m.unknown) e.emit(u.mandatory, u.vendor, u.type, u.hidden, u.value);
  if (e.failed()) {
    out.clear();
    return false;
  }
  return true;
}

bytes encode_control_packet(std::uint16_t tunnel_id, std::uint16_t session_id, std::uint16_t ns, std::uint16_t nr,
                            const control_message& m, const encode_options& opts) {
  bytes avps;
  if (!encode_control(avps, m, opts)) return {};
  header h;
  h.control = true;
  h.length_present = true;
  h.sequence_present = true;
  h.tunnel_id = tunnel_id;
  h.session_id = session_id;
  h.ns = ns;
  h.nr = nr;
  return encode_packet(h, avps);
}

}  // namespace bras::l2tp

#include "protocol/l2tp/avp_codec.hpp"

#include <algorithm>

namespace bras::l2tp::detail {

void avp_emitter::emit(bool mandatory, std::uint16_t vendor, std::uint16_t type, bool want_hidden, byte_span value) {
  bool hidden = want_hidden && opts_.secret.has_value() && (vendor != ietf_vendor || avp_may_be_hidden(type));
  if (!hidden) {
    write_avp(w_, mandatory, false, vendor, type, value);
    return;
  }
  if (failed_) return;
  if (!random_vector_written_) {
    if (opts_.random_vector.empty()) {
      random_vector_.resize(16);
      if (!wire::random_bytes(random_vector_)) {
        failed_ = true;  // a predictable vector would weaken the hiding: send nothing
        return;
      }
    } else {
      random_vector_ = opts_.random_vector;
    }
    write_avp(w_, true, false, ietf_vendor, static_cast<std::uint16_t>(avp_type::random_vector), random_vector_);
    random_vector_written_ = true;
  }
  auto cipher = hide(type, value, *opts_.secret, random_vector_);
  if (!cipher) {
    // No MD5: never send the value in the clear. Random bytes of the same
    // size fail the peer's deciphering instead.
    cipher.emplace(value.size() + 2);
    if (!wire::random_bytes(*cipher)) {
      failed_ = true;
      return;
    }
  }
  write_avp(w_, mandatory, true, vendor, type, *cipher);
}

namespace {

wire::status get_string(value_reader& v, std::optional<std::string>& out, bool non_empty) {
  if (non_empty && !v.at_least(1)) return v.bad_length();
  out = wire::to_string(v.r().rest());
  return wire::ok_status();
}

wire::status get_bytes(value_reader& v, std::optional<bytes>& out, bool non_empty) {
  if (non_empty && !v.at_least(1)) return v.bad_length();
  out = wire::to_bytes(v.r().rest());
  return wire::ok_status();
}

}  // namespace

wire::status decode_value(codec::text, value_reader& v, std::optional<std::string>& out) {
  return get_string(v, out, false);
}
void encode_value(codec::text, const std::optional<std::string>& field, avp_sink out) {
  if (field) out.put(wire::as_bytes(*field));
}

wire::status decode_value(codec::text_nonempty, value_reader& v, std::optional<std::string>& out) {
  return get_string(v, out, true);
}
void encode_value(codec::text_nonempty, const std::optional<std::string>& field, avp_sink out) {
  if (field) out.put(wire::as_bytes(*field));
}

wire::status decode_value(codec::octets, value_reader& v, std::optional<bytes>& out) {
  return get_bytes(v, out, false);
}
void encode_value(codec::octets, const std::optional<bytes>& field, avp_sink out) {
  if (field) out.put(*field);
}

wire::status decode_value(codec::octets_nonempty, value_reader& v, std::optional<bytes>& out) {
  return get_bytes(v, out, true);
}
void encode_value(codec::octets_nonempty, const std::optional<bytes>& field, avp_sink out) {
  if (field) out.put(*field);
}

wire::status decode_value(codec::flag, value_reader& v, bool& out) {
  if (!v.exact(0)) return v.bad_length();
  out = true;
  return wire::ok_status();
}
void encode_value(codec::flag, const bool& field, avp_sink out) {
  if (field) out.put({});
}

wire::status decode_value(codec::digest, value_reader& v, std::optional<wire::md5_digest>& out) {
  wire::md5_digest d{};
  byte_span b;
  if (!v.exact(d.size()) || !v.r().take(d.size(), b)) return v.bad_length();
  std::copy(b.begin(), b.end(), d.begin());
  out = d;
  return wire::ok_status();
}
void encode_value(codec::digest, const std::optional<wire::md5_digest>& field, avp_sink out) {
  if (field) out.put(*field);
}

// RFC 2661 §4.4.2: result (2), then optionally error (2) and a message.
wire::status decode_value(codec::result, value_reader& v, std::optional<result_code>& out) {
  auto& r = v.r();
  result_code rc;
  if (!v.at_least(2) || v.exact(3) || !r.u16(rc.result)) return v.bad_length();
  if (!r.empty()) {
    std::uint16_t e = 0;
    if (!r.u16(e)) return v.bad_length();
    rc.error = e;
    rc.message = wire::to_string(r.rest());
  }
  out = std::move(rc);
  return wire::ok_status();
}
void encode_value(codec::result, const std::optional<result_code>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u16(field->result);
  if (field->error) {
    w.u16(*field->error);
    w.put(field->message);
  }
  out.put(s);
}

wire::status decode_value(codec::version, value_reader& v, std::optional<protocol_version_value>& out) {
  protocol_version_value pv;
  if (!v.exact(2) || !v.r().u8(pv.version) || !v.r().u8(pv.revision)) return v.bad_length();
  out = pv;
  return wire::ok_status();
}
void encode_value(codec::version, const std::optional<protocol_version_value>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u8(field->version);
  w.u8(field->revision);
  out.put(s);
}

wire::status decode_value(codec::q931, value_reader& v, std::optional<q931_cause>& out) {
  auto& r = v.r();
  q931_cause q;
  if (!v.at_least(3) || !r.u16(q.cause) || !r.u8(q.message)) return v.bad_length();
  q.advisory = wire::to_string(r.rest());
  out = std::move(q);
  return wire::ok_status();
}
void encode_value(codec::q931, const std::optional<q931_cause>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u16(field->cause);
  w.u8(field->message);
  w.put(field->advisory);
  out.put(s);
}

wire::status decode_value(codec::call_errors, value_reader& v, std::optional<call_errors_value>& out) {
  auto& r = v.r();
  call_errors_value ce;
  std::uint16_t reserved = 0;
  if (!v.exact(26) || !r.u16(reserved) || !r.u32(ce.crc_errors) || !r.u32(ce.framing_errors) ||
      !r.u32(ce.hardware_overruns) || !r.u32(ce.buffer_overruns) || !r.u32(ce.timeout_errors) ||
      !r.u32(ce.alignment_errors)) {
    return v.bad_length();
  }
  out = ce;
  return wire::ok_status();
}
void encode_value(codec::call_errors, const std::optional<call_errors_value>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u16(0);
  w.u32(field->crc_errors);
  w.u32(field->framing_errors);
  w.u32(field->hardware_overruns);
  w.u32(field->buffer_overruns);
  w.u32(field->timeout_errors);
  w.u32(field->alignment_errors);
  out.put(s);
}

wire::status decode_value(codec::accm, value_reader& v, std::optional<accm_value>& out) {
  auto& r = v.r();
  accm_value a;
  std::uint16_t reserved = 0;
  if (!v.exact(10) || !r.u16(reserved) || !r.u32(a.send) || !r.u32(a.receive)) return v.bad_length();
  out = a;
  return wire::ok_status();
}
void encode_value(codec::accm, const std::optional<accm_value>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u16(0);
  w.u32(field->send);
  w.u32(field->receive);
  out.put(s);
}

wire::status decode_value(codec::disconnect_cause, value_reader& v, std::optional<ppp_disconnect_cause>& out) {
  auto& r = v.r();
  ppp_disconnect_cause c;
  if (!v.at_least(5) || !r.u16(c.code) || !r.u16(c.protocol) || !r.u8(c.direction)) return v.bad_length();
  c.message = wire::to_string(r.rest());
  out = std::move(c);
  return wire::ok_status();
}
void encode_value(codec::disconnect_cause, const std::optional<ppp_disconnect_cause>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  w.u16(field->code);
  w.u16(field->protocol);
  w.u8(field->direction);
  w.put(field->message);
  out.put(s);
}

wire::status decode_value(codec::speed_updates, value_reader& v, std::vector<connect_speed_update>& out) {
  auto& r = v.r();
  connect_speed_update u;
  std::uint16_t reserved = 0;
  if (!v.exact(12) || !r.u16(reserved) || !r.u16(u.remote_session_id) || !r.u32(u.tx_speed) || !r.u32(u.rx_speed)) {
    return v.bad_length();
  }
  out.push_back(u);
  return wire::ok_status();
}
void encode_value(codec::speed_updates, const std::vector<connect_speed_update>& field, avp_sink out) {
  for (const auto& u : field) {
    auto& s = out.scratch();
    wire::writer w{s};
    w.u16(0);
    w.u16(u.remote_session_id);
    w.u32(u.tx_speed);
    w.u32(u.rx_speed);
    out.put(s);
  }
}

wire::status decode_value(codec::encapsulation, value_reader& v, std::optional<std::array<std::uint8_t, 3>>& out) {
  auto& r = v.r();
  std::array<std::uint8_t, 3> ale{};
  if (!v.exact(3) || !r.u8(ale[0]) || !r.u8(ale[1]) || !r.u8(ale[2])) return v.bad_length();
  out = ale;
  return wire::ok_status();
}
void encode_value(codec::encapsulation, const std::optional<std::array<std::uint8_t, 3>>& field, avp_sink out) {
  if (!field) return;
  auto& s = out.scratch();
  wire::writer w{s};
  for (auto x : *field) w.u8(x);
  out.put(s);
}

}  // namespace bras::l2tp::detail

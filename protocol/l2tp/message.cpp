#include "protocol/l2tp/message.hpp"

#include <algorithm>
#include <initializer_list>
#include <span>

namespace bras::l2tp {

namespace {

constexpr std::uint16_t t(avp_type a) noexcept {
  return static_cast<std::uint16_t>(a);
}

/// Reads an AVP value that must be exactly `n` bytes.
class value_reader {
 public:
  value_reader(byte_span value, std::size_t avp_offset) : r_{value, avp_offset + avp_header_size}, at_{avp_offset} {}
  [[nodiscard]] bool exact(std::size_t n) const noexcept { return r_.remaining() == n; }
  [[nodiscard]] bool at_least(std::size_t n) const noexcept { return r_.remaining() >= n; }
  wire::reader& r() noexcept { return r_; }
  [[nodiscard]] wire::error bad_length() const noexcept { return {"AVP value has wrong length", at_}; }
  [[nodiscard]] wire::error bad_value(std::string_view why) const noexcept { return {why, at_}; }

 private:
  wire::reader r_;
  std::size_t at_;
};

template <class T>
bool read_uint(wire::reader& r, T& out) noexcept {
  if constexpr (sizeof(T) == 2) {
    return r.u16(out);
  } else if constexpr (sizeof(T) == 4) {
    return r.u32(out);
  } else {
    return r.u64(out);
  }
}

/// Fixed-size unsigned AVP.
template <class T>
wire::status get_uint(value_reader& v, std::optional<T>& out) {
  T x{};
  if (!v.exact(sizeof(T)) || !read_uint(v.r(), x)) return v.bad_length();
  out = x;
  return wire::ok_status();
}

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

wire::status get_empty(value_reader& v, bool& out) {
  if (!v.exact(0)) return v.bad_length();
  out = true;
  return wire::ok_status();
}

wire::status decode_ietf(control_message& m, std::uint16_t type, value_reader& v) {
  auto& r = v.r();
  switch (static_cast<avp_type>(type)) {
    case avp_type::message_type: return v.bad_value("Message Type AVP not first");
    case avp_type::result_code: {
      // RFC 2661 §4.4.2: result (2), then optionally error (2) and a message.
      result_code rc;
      if (!v.at_least(2) || v.exact(3) || !r.u16(rc.result)) return v.bad_length();
      if (!r.empty()) {
        std::uint16_t e = 0;
        if (!r.u16(e)) return v.bad_length();
        rc.error = e;
        rc.message = wire::to_string(r.rest());
      }
      m.result = std::move(rc);
      return wire::ok_status();
    }
    case avp_type::protocol_version: {
      protocol_version_value pv;
      if (!v.exact(2)) return v.bad_length();
      std::uint8_t a = 0, b = 0;
      if (!r.u8(a) || !r.u8(b)) return v.bad_length();
      pv.version = a;
      pv.revision = b;
      m.protocol_version = pv;
      return wire::ok_status();
    }
    case avp_type::framing_capabilities: return get_uint(v, m.framing_capabilities);
    case avp_type::bearer_capabilities: return get_uint(v, m.bearer_capabilities);
    case avp_type::tie_breaker: return get_uint(v, m.tie_breaker);
    case avp_type::firmware_revision: return get_uint(v, m.firmware_revision);
    case avp_type::host_name: return get_string(v, m.host_name, true);
    case avp_type::vendor_name: return get_string(v, m.vendor_name, false);
    case avp_type::assigned_tunnel_id: return get_uint(v, m.assigned_tunnel_id);
    case avp_type::receive_window_size: return get_uint(v, m.receive_window_size);
    case avp_type::challenge: return get_bytes(v, m.challenge, true);
    case avp_type::q931_cause_code: {
      q931_cause q;
      if (!v.at_least(3) || !r.u16(q.cause) || !r.u8(q.message)) return v.bad_length();
      q.advisory = wire::to_string(r.rest());
      m.q931 = std::move(q);
      return wire::ok_status();
    }
    case avp_type::challenge_response: {
      if (!v.exact(16)) return v.bad_length();
      wire::md5_digest d{};
      byte_span b;
      if (!r.take(16, b)) return v.bad_length();
      std::copy(b.begin(), b.end(), d.begin());
      m.challenge_response = d;
      return wire::ok_status();
    }
    case avp_type::assigned_session_id: return get_uint(v, m.assigned_session_id);
    case avp_type::call_serial_number: return get_uint(v, m.call_serial_number);
    case avp_type::minimum_bps: return get_uint(v, m.minimum_bps);
    case avp_type::maximum_bps: return get_uint(v, m.maximum_bps);
    case avp_type::bearer_type: return get_uint(v, m.bearer_type);
    case avp_type::framing_type: return get_uint(v, m.framing_type);
    case avp_type::called_number: return get_string(v, m.called_number, false);
    case avp_type::calling_number: return get_string(v, m.calling_number, false);
    case avp_type::sub_address: return get_string(v, m.sub_address, false);
    case avp_type::tx_connect_speed: return get_uint(v, m.tx_connect_speed);
    case avp_type::physical_channel_id: return get_uint(v, m.physical_channel_id);
    case avp_type::initial_received_lcp_confreq: return get_bytes(v, m.initial_received_lcp_confreq, false);
    case avp_type::last_sent_lcp_confreq: return get_bytes(v, m.last_sent_lcp_confreq, false);
    case avp_type::last_received_lcp_confreq: return get_bytes(v, m.last_received_lcp_confreq, false);
    case avp_type::proxy_authen_type: return get_uint(v, m.proxy_authen_type);
    case avp_type::proxy_authen_name: return get_string(v, m.proxy_authen_name, false);
    case avp_type::proxy_authen_challenge: return get_bytes(v, m.proxy_authen_challenge, false);
    case avp_type::proxy_authen_id: return get_uint(v, m.proxy_authen_id);
    case avp_type::proxy_authen_response: return get_bytes(v, m.proxy_authen_response, false);
    case avp_type::call_errors: {
      call_errors_value ce;
      std::uint16_t reserved = 0;
      if (!v.exact(26) || !r.u16(reserved) || !r.u32(ce.crc_errors) || !r.u32(ce.framing_errors) ||
          !r.u32(ce.hardware_overruns) || !r.u32(ce.buffer_overruns) || !r.u32(ce.timeout_errors) ||
          !r.u32(ce.alignment_errors)) {
        return v.bad_length();
      }
      m.call_errors = ce;
      return wire::ok_status();
    }
    case avp_type::accm: {
      accm_value a;
      std::uint16_t reserved = 0;
      if (!v.exact(10) || !r.u16(reserved) || !r.u32(a.send) || !r.u32(a.receive)) return v.bad_length();
      m.accm = a;
      return wire::ok_status();
    }
    case avp_type::random_vector: return v.bad_value("Random Vector handled by the caller");
    case avp_type::private_group_id: return get_bytes(v, m.private_group_id, false);
    case avp_type::rx_connect_speed: return get_uint(v, m.rx_connect_speed);
    case avp_type::sequencing_required: return get_empty(v, m.sequencing_required);
    case avp_type::ppp_disconnect_cause_code: {
      ppp_disconnect_cause c;
      if (!v.at_least(5) || !r.u16(c.code) || !r.u16(c.protocol) || !r.u8(c.direction)) return v.bad_length();
      c.message = wire::to_string(r.rest());
      m.disconnect_cause = std::move(c);
      return wire::ok_status();
    }
    case avp_type::connect_speed_update: {
      connect_speed_update u;
      std::uint16_t reserved = 0;
      if (!v.exact(12) || !r.u16(reserved) || !r.u16(u.remote_session_id) || !r.u32(u.tx_speed) || !r.u32(u.rx_speed)) {
        return v.bad_length();
      }
      m.speed_updates.push_back(u);
      return wire::ok_status();
    }
    case avp_type::connect_speed_update_enable: return get_empty(v, m.connect_speed_update_enable);
  }
  return v.bad_value("unhandled AVP type");  // not reached: callers route unknown types elsewhere
}

bool is_typed_ietf(std::uint16_t type) noexcept {
  return avp_name(type) != "unknown" && type != t(avp_type::random_vector);
}

bool is_typed_bbf(std::uint16_t type) noexcept {
  return (type >= 0x01 && type <= 0x02) || (type >= 0x81 && type <= 0x8e) || type == 0x90;
}

wire::status decode_bbf(access_line_info& a, std::uint16_t type, value_reader& v) {
  switch (static_cast<bbf_avp_type>(type)) {
    case bbf_avp_type::agent_circuit_id: return get_string(v, a.agent_circuit_id, false);
    case bbf_avp_type::agent_remote_id: return get_string(v, a.agent_remote_id, false);
    case bbf_avp_type::actual_data_rate_upstream: return get_uint(v, a.actual_rate_up);
    case bbf_avp_type::actual_data_rate_downstream: return get_uint(v, a.actual_rate_down);
    case bbf_avp_type::minimum_data_rate_upstream: return get_uint(v, a.minimum_rate_up);
    case bbf_avp_type::minimum_data_rate_downstream: return get_uint(v, a.minimum_rate_down);
    case bbf_avp_type::attainable_data_rate_upstream: return get_uint(v, a.attainable_rate_up);
    case bbf_avp_type::attainable_data_rate_downstream: return get_uint(v, a.attainable_rate_down);
    case bbf_avp_type::maximum_data_rate_upstream: return get_uint(v, a.maximum_rate_up);
    case bbf_avp_type::maximum_data_rate_downstream: return get_uint(v, a.maximum_rate_down);
    case bbf_avp_type::minimum_data_rate_upstream_low_power: return get_uint(v, a.minimum_rate_up_low_power);
    case bbf_avp_type::minimum_data_rate_downstream_low_power: return get_uint(v, a.minimum_rate_down_low_power);
    case bbf_avp_type::maximum_interleaving_delay_upstream: return get_uint(v, a.maximum_interleaving_delay_up);
    case bbf_avp_type::actual_interleaving_delay_upstream: return get_uint(v, a.actual_interleaving_delay_up);
    case bbf_avp_type::maximum_interleaving_delay_downstream: return get_uint(v, a.maximum_interleaving_delay_down);
    case bbf_avp_type::actual_interleaving_delay_downstream: return get_uint(v, a.actual_interleaving_delay_down);
    case bbf_avp_type::access_loop_encapsulation: {
      std::array<std::uint8_t, 3> ale{};
      auto& r = v.r();
      if (!v.exact(3) || !r.u8(ale[0]) || !r.u8(ale[1]) || !r.u8(ale[2])) return v.bad_length();
      a.access_loop_encapsulation = ale;
      return wire::ok_status();
    }
  }
  return v.bad_value("unhandled Broadband Forum AVP type");
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
    if (ietf && is_typed_ietf(avp->type)) {
      if (auto st = decode_ietf(m, avp->type, v); !st) return st.err();
    } else if (avp->vendor == broadband_forum_vendor && is_typed_bbf(avp->type)) {
      if (auto st = decode_bbf(m.access_line, avp->type, v); !st) return st.err();
    } else {
      m.unknown.push_back({avp->mandatory, avp->hidden, avp->vendor, avp->type, wire::to_bytes(value)});
    }
  }
  return m;
}

namespace {

/// Builds each AVP's value in a scratch buffer, then writes it plain or hidden.
class avp_emitter {
 public:
  avp_emitter(bytes& out, const encode_options& opts) : w_{out}, opts_{opts} {}

  void emit(bool mandatory, std::uint16_t vendor, std::uint16_t type, bool want_hidden, byte_span value) {
    bool hidden = want_hidden && opts_.secret.has_value() && (vendor != ietf_vendor || avp_may_be_hidden(type));
    if (!hidden) {
      write_avp(w_, mandatory, false, vendor, type, value);
      return;
    }
    if (!random_vector_written_) {
      if (opts_.random_vector.empty()) {
        random_vector_.resize(16);
        if (!wire::random_bytes(random_vector_)) random_vector_.assign(16, std::byte{0x5a});
      } else {
        random_vector_ = opts_.random_vector;
      }
      write_avp(w_, true, false, ietf_vendor, t(avp_type::random_vector), random_vector_);
      random_vector_written_ = true;
    }
    auto cipher = hide(type, value, *opts_.secret, random_vector_);
    if (!cipher) {
      // No MD5: never send the value in the clear. Random bytes of the same
      // size fail the peer's deciphering instead.
      cipher.emplace(value.size() + 2);
      if (!wire::random_bytes(*cipher)) std::fill(cipher->begin(), cipher->end(), std::byte{0xff});
    }
    write_avp(w_, mandatory, true, vendor, type, *cipher);
  }

  /// IETF AVP with the RFC's M bit, hidden when configured.
  void ietf(avp_type a, byte_span value) {
    auto type = t(a);
    bool hide_it = type < 64 && ((opts_.hide_types >> type) & 1U) != 0;
    emit(avp_mandatory_by_rfc(type), ietf_vendor, type, hide_it, value);
  }

  template <class T>
  void ietf_uint(avp_type a, const std::optional<T>& v) {
    if (!v) return;
    scratch_.clear();
    wire::writer w{scratch_};
    if constexpr (sizeof(T) == 2) {
      w.u16(*v);
    } else if constexpr (sizeof(T) == 4) {
      w.u32(*v);
    } else {
      w.u64(*v);
    }
    ietf(a, scratch_);
  }
  void ietf_text(avp_type a, const std::optional<std::string>& v) {
    if (v) ietf(a, wire::as_bytes(*v));
  }
  void ietf_bytes(avp_type a, const std::optional<bytes>& v) {
    if (v) ietf(a, *v);
  }
  void ietf_flag(avp_type a, bool set) {
    if (set) ietf(a, {});
  }

  template <class T>
  void bbf_uint(bbf_avp_type a, const std::optional<T>& v) {
    if (!v) return;
    scratch_.clear();
    wire::writer w{scratch_};
    if constexpr (sizeof(T) == 4) {
      w.u32(*v);
    } else {
      w.u64(*v);
    }
    emit(false, broadband_forum_vendor, static_cast<std::uint16_t>(a), false, scratch_);
  }
  void bbf_text(bbf_avp_type a, const std::optional<std::string>& v) {
    if (v) emit(false, broadband_forum_vendor, static_cast<std::uint16_t>(a), false, wire::as_bytes(*v));
  }

  bytes& scratch() {
    scratch_.clear();
    return scratch_;
  }

 private:
  wire::writer w_;
  const encode_options& opts_;
  bytes random_vector_;
  bool random_vector_written_ = false;
  bytes scratch_;
};

}  // namespace

void encode_control(bytes& out, const control_message& m, const encode_options& opts) {
  if (m.type == message_type::zlb) return;
  avp_emitter e{out, opts};
  std::optional<std::uint16_t> type{static_cast<std::uint16_t>(m.type)};
  e.ietf_uint(avp_type::message_type, type);
  if (m.result) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(m.result->result);
    if (m.result->error) {
      w.u16(*m.result->error);
      w.put(m.result->message);
    }
    e.ietf(avp_type::result_code, s);
  }
  if (m.protocol_version) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u8(m.protocol_version->version);
    w.u8(m.protocol_version->revision);
    e.ietf(avp_type::protocol_version, s);
  }
  e.ietf_uint(avp_type::framing_capabilities, m.framing_capabilities);
  e.ietf_uint(avp_type::bearer_capabilities, m.bearer_capabilities);
  e.ietf_uint(avp_type::tie_breaker, m.tie_breaker);
  e.ietf_uint(avp_type::firmware_revision, m.firmware_revision);
  e.ietf_text(avp_type::host_name, m.host_name);
  e.ietf_text(avp_type::vendor_name, m.vendor_name);
  e.ietf_uint(avp_type::assigned_tunnel_id, m.assigned_tunnel_id);
  e.ietf_uint(avp_type::receive_window_size, m.receive_window_size);
  e.ietf_bytes(avp_type::challenge, m.challenge);
  if (m.q931) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(m.q931->cause);
    w.u8(m.q931->message);
    w.put(m.q931->advisory);
    e.ietf(avp_type::q931_cause_code, s);
  }
  if (m.challenge_response) e.ietf(avp_type::challenge_response, *m.challenge_response);
  e.ietf_uint(avp_type::assigned_session_id, m.assigned_session_id);
  e.ietf_uint(avp_type::call_serial_number, m.call_serial_number);
  e.ietf_uint(avp_type::minimum_bps, m.minimum_bps);
  e.ietf_uint(avp_type::maximum_bps, m.maximum_bps);
  e.ietf_uint(avp_type::bearer_type, m.bearer_type);
  e.ietf_uint(avp_type::framing_type, m.framing_type);
  e.ietf_text(avp_type::called_number, m.called_number);
  e.ietf_text(avp_type::calling_number, m.calling_number);
  e.ietf_text(avp_type::sub_address, m.sub_address);
  e.ietf_uint(avp_type::tx_connect_speed, m.tx_connect_speed);
  e.ietf_uint(avp_type::physical_channel_id, m.physical_channel_id);
  e.ietf_bytes(avp_type::initial_received_lcp_confreq, m.initial_received_lcp_confreq);
  e.ietf_bytes(avp_type::last_sent_lcp_confreq, m.last_sent_lcp_confreq);
  e.ietf_bytes(avp_type::last_received_lcp_confreq, m.last_received_lcp_confreq);
  e.ietf_uint(avp_type::proxy_authen_type, m.proxy_authen_type);
  e.ietf_text(avp_type::proxy_authen_name, m.proxy_authen_name);
  e.ietf_bytes(avp_type::proxy_authen_challenge, m.proxy_authen_challenge);
  e.ietf_uint(avp_type::proxy_authen_id, m.proxy_authen_id);
  e.ietf_bytes(avp_type::proxy_authen_response, m.proxy_authen_response);
  if (m.call_errors) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(0);
    w.u32(m.call_errors->crc_errors);
    w.u32(m.call_errors->framing_errors);
    w.u32(m.call_errors->hardware_overruns);
    w.u32(m.call_errors->buffer_overruns);
    w.u32(m.call_errors->timeout_errors);
    w.u32(m.call_errors->alignment_errors);
    e.ietf(avp_type::call_errors, s);
  }
  if (m.accm) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(0);
    w.u32(m.accm->send);
    w.u32(m.accm->receive);
    e.ietf(avp_type::accm, s);
  }
  e.ietf_bytes(avp_type::private_group_id, m.private_group_id);
  e.ietf_uint(avp_type::rx_connect_speed, m.rx_connect_speed);
  e.ietf_flag(avp_type::sequencing_required, m.sequencing_required);
  if (m.disconnect_cause) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(m.disconnect_cause->code);
    w.u16(m.disconnect_cause->protocol);
    w.u8(m.disconnect_cause->direction);
    w.put(m.disconnect_cause->message);
    e.ietf(avp_type::ppp_disconnect_cause_code, s);
  }
  for (const auto& u : m.speed_updates) {
    auto& s = e.scratch();
    wire::writer w{s};
    w.u16(0);
    w.u16(u.remote_session_id);
    w.u32(u.tx_speed);
    w.u32(u.rx_speed);
    e.ietf(avp_type::connect_speed_update, s);
  }
  e.ietf_flag(avp_type::connect_speed_update_enable, m.connect_speed_update_enable);

  const auto& a = m.access_line;
  e.bbf_text(bbf_avp_type::agent_circuit_id, a.agent_circuit_id);
  e.bbf_text(bbf_avp_type::agent_remote_id, a.agent_remote_id);
  e.bbf_uint(bbf_avp_type::actual_data_rate_upstream, a.actual_rate_up);
  e.bbf_uint(bbf_avp_type::actual_data_rate_downstream, a.actual_rate_down);
  e.bbf_uint(bbf_avp_type::minimum_data_rate_upstream, a.minimum_rate_up);
  e.bbf_uint(bbf_avp_type::minimum_data_rate_downstream, a.minimum_rate_down);
  e.bbf_uint(bbf_avp_type::attainable_data_rate_upstream, a.attainable_rate_up);
  e.bbf_uint(bbf_avp_type::attainable_data_rate_downstream, a.attainable_rate_down);
  e.bbf_uint(bbf_avp_type::maximum_data_rate_upstream, a.maximum_rate_up);
  e.bbf_uint(bbf_avp_type::maximum_data_rate_downstream, a.maximum_rate_down);
  e.bbf_uint(bbf_avp_type::minimum_data_rate_upstream_low_power, a.minimum_rate_up_low_power);
  e.bbf_uint(bbf_avp_type::minimum_data_rate_downstream_low_power, a.minimum_rate_down_low_power);
  e.bbf_uint(bbf_avp_type::maximum_interleaving_delay_upstream, a.maximum_interleaving_delay_up);
  e.bbf_uint(bbf_avp_type::actual_interleaving_delay_upstream, a.actual_interleaving_delay_up);
  e.bbf_uint(bbf_avp_type::maximum_interleaving_delay_downstream, a.maximum_interleaving_delay_down);
  e.bbf_uint(bbf_avp_type::actual_interleaving_delay_downstream, a.actual_interleaving_delay_down);
  if (a.access_loop_encapsulation) {
    auto& s = e.scratch();
    wire::writer w{s};
    for (auto x : *a.access_loop_encapsulation) w.u8(x);
    e.emit(false, broadband_forum_vendor, static_cast<std::uint16_t>(bbf_avp_type::access_loop_encapsulation), false,
           s);
  }
  for (const auto& u : m.unknown) e.emit(u.mandatory, u.vendor, u.type, u.hidden, u.value);
}

bytes encode_control_packet(std::uint16_t tunnel_id, std::uint16_t session_id, std::uint16_t ns, std::uint16_t nr,
                            const control_message& m, const encode_options& opts) {
  bytes avps;
  encode_control(avps, m, opts);
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

// ---------------------------------------------------------------- check()

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

bool has(const control_message& m, avp_type a) noexcept {
  switch (a) {
    case avp_type::result_code: return m.result.has_value();
    case avp_type::protocol_version: return m.protocol_version.has_value();
    case avp_type::framing_capabilities: return m.framing_capabilities.has_value();
    case avp_type::host_name: return m.host_name.has_value();
    case avp_type::assigned_tunnel_id: return m.assigned_tunnel_id.has_value();
    case avp_type::assigned_session_id: return m.assigned_session_id.has_value();
    case avp_type::call_serial_number: return m.call_serial_number.has_value();
    case avp_type::minimum_bps: return m.minimum_bps.has_value();
    case avp_type::maximum_bps: return m.maximum_bps.has_value();
    case avp_type::bearer_type: return m.bearer_type.has_value();
    case avp_type::framing_type: return m.framing_type.has_value();
    case avp_type::called_number: return m.called_number.has_value();
    case avp_type::tx_connect_speed: return m.tx_connect_speed.has_value();
    case avp_type::call_errors: return m.call_errors.has_value();
    case avp_type::accm: return m.accm.has_value();
    case avp_type::connect_speed_update: return !m.speed_updates.empty();
    default: return true;  // not a mandatory AVP of any message
  }
}

std::string_view missing_reason(avp_type a) noexcept {
  switch (a) {
    case avp_type::result_code: return "missing mandatory AVP Result Code (1)";
    case avp_type::protocol_version: return "missing mandatory AVP Protocol Version (2)";
    case avp_type::framing_capabilities: return "missing mandatory AVP Framing Capabilities (3)";
    case avp_type::host_name: return "missing mandatory AVP Host Name (7)";
    case avp_type::assigned_tunnel_id: return "missing mandatory AVP Assigned Tunnel ID (9)";
    case avp_type::assigned_session_id: return "missing mandatory AVP Assigned Session ID (14)";
    case avp_type::call_serial_number: return "missing mandatory AVP Call Serial Number (15)";
    case avp_type::minimum_bps: return "missing mandatory AVP Minimum BPS (16)";
    case avp_type::maximum_bps: return "missing mandatory AVP Maximum BPS (17)";
    case avp_type::bearer_type: return "missing mandatory AVP Bearer Type (18)";
    case avp_type::framing_type: return "missing mandatory AVP Framing Type (19)";
    case avp_type::called_number: return "missing mandatory AVP Called Number (21)";
    case avp_type::tx_connect_speed: return "missing mandatory AVP Tx Connect Speed (24)";
    case avp_type::call_errors: return "missing mandatory AVP Call Errors (34)";
    case avp_type::accm: return "missing mandatory AVP ACCM (35)";
    case avp_type::connect_speed_update: return "missing mandatory AVP Connect Speed Update (97)";
    default: return "missing mandatory AVP";
  }
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

// Accounting-Request records (RFC 2866, RFC 2869 §5.1-5.3 Gigawords and Event-Timestamp) and
// their inverse, for the spool and the tests.
#include <array>

#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

namespace {

constexpr std::uint32_t acct_authentic_radius = 1;
constexpr std::uint32_t acct_authentic_local = 2;

bool carries_session(acct_status s) noexcept {
  return s == acct_status::start || s == acct_status::interim_update || s == acct_status::stop;
}

void add_erx_u32(packet& p, std::uint8_t type, std::uint64_t value) {
  wire::bytes v;
  wire::writer{v}.u32(static_cast<std::uint32_t>(value));
  p.add_vendor(vendor::unisphere, type, v);
}

/// ERX-IPv6-Acct-*: only for a session with IPv6 (a prefix, or traffic), so IPv4-only records stay as they were.
void add_ipv6_counters(packet& p, const accounting_record& r) {
  const bool ipv6 =
      r.framed_ipv6_prefix || r.delegated_ipv6_prefix || r.ipv6_input_packets != 0 || r.ipv6_output_packets != 0;
  if (!ipv6) return;
  add_erx_u32(p, vendor::erx_ipv6_acct_input_octets, r.ipv6_input_octets);
  add_erx_u32(p, vendor::erx_ipv6_acct_output_octets, r.ipv6_output_octets);
  add_erx_u32(p, vendor::erx_ipv6_acct_input_packets, r.ipv6_input_packets);
  add_erx_u32(p, vendor::erx_ipv6_acct_output_packets, r.ipv6_output_packets);
  add_erx_u32(p, vendor::erx_ipv6_acct_input_gigawords, r.ipv6_input_octets >> 32);
  add_erx_u32(p, vendor::erx_ipv6_acct_output_gigawords, r.ipv6_output_octets >> 32);
}

void add_counters(packet& p, const accounting_record& r) {
  p.add_u32(attr::acct_session_time, r.session_time);
  p.add_u32(attr::acct_input_octets, static_cast<std::uint32_t>(r.input_octets));
  p.add_u32(attr::acct_output_octets, static_cast<std::uint32_t>(r.output_octets));
  p.add_u32(attr::acct_input_gigawords, static_cast<std::uint32_t>(r.input_octets >> 32));
  p.add_u32(attr::acct_output_gigawords, static_cast<std::uint32_t>(r.output_octets >> 32));
  // 32 bits on the wire: the counter wraps, as RFC 2866 §5.5 has it.
  p.add_u32(attr::acct_input_packets, static_cast<std::uint32_t>(r.input_packets));
  p.add_u32(attr::acct_output_packets, static_cast<std::uint32_t>(r.output_packets));
  add_ipv6_counters(p, r);
}

// An optional 32-bit attribute into `out` (left alone when absent).
wire::status read_u32(const packet& p, std::uint8_t type, std::string_view reason, std::uint32_t& out) {
  const auto* a = p.find(type);
  if (a == nullptr) return wire::ok_status();
  auto v = detail::u32_at(p, detail::index_of(p, a), reason);
  if (!v) return v.err();
  out = *v;
  return wire::ok_status();
}

wire::status read_octets(const packet& p, std::uint8_t low, std::uint8_t high, std::uint64_t& out) {
  std::uint32_t low_value = 0;
  std::uint32_t high_value = 0;
  if (auto s = read_u32(p, low, "radius-acct-octets-size", low_value); !s) return s;
  if (auto s = read_u32(p, high, "radius-acct-gigawords-size", high_value); !s) return s;
  out = (std::uint64_t{high_value} << 32) | low_value;
  return wire::ok_status();
}

wire::status read_prefix(const packet& p, std::uint8_t type, std::string_view reason, std::optional<ipv6_prefix>& out) {
  const auto* a = p.find(type);
  if (a == nullptr) return wire::ok_status();
  out = decode_prefix(a->value);
  if (!out) return wire::error{reason, detail::index_of(p, a)};
  return wire::ok_status();
}

/// ERX-IPv6-Acct-* (vendor 4874, 151-156), each a 32-bit value; absent ones stay 0.
wire::status read_ipv6_counters(const packet& p, accounting_record& r) {
  std::array<std::uint32_t, 6> values{};  // by type - 151
  for (const auto& [index, vsa] : detail::indexed_vendor_attributes(p)) {
    if (vsa.vendor != vendor::unisphere || vsa.type < vendor::erx_ipv6_acct_input_octets ||
        vsa.type > vendor::erx_ipv6_acct_output_gigawords) {
      continue;
    }
    wire::reader in{vsa.value};
    std::uint32_t value = 0;
    if (vsa.value.size() != 4 || !in.u32(value)) return wire::error{"radius-erx-ipv6-acct-size", index};
    values[vsa.type - vendor::erx_ipv6_acct_input_octets] = value;
  }
  r.ipv6_input_octets = (std::uint64_t{values[4]} << 32) | values[0];
  r.ipv6_output_octets = (std::uint64_t{values[5]} << 32) | values[1];
  r.ipv6_input_packets = values[2];
  r.ipv6_output_packets = values[3];
  return wire::ok_status();
}

wire::status read_session(const packet& p, accounting_record& r) {
  if (const auto* a = p.find(attr::user_name)) r.user = as_string(*a);
  if (auto s = read_u32(p, attr::framed_ip_address, "radius-framed-ip-size", r.framed_ip); !s) return s;
  if (auto s = read_prefix(p, attr::framed_ipv6_prefix, "radius-framed-ipv6-prefix-malformed", r.framed_ipv6_prefix);
      !s) {
    return s;
  }
  if (auto s = read_prefix(p, attr::delegated_ipv6_prefix, "radius-delegated-ipv6-prefix-malformed",
                           r.delegated_ipv6_prefix);
      !s) {
    return s;
  }
  for (const auto* a : p.all(attr::class_)) r.classes.push_back(a->value);
  if (auto s = detail::read_line(p, r.line); !s) return s;
  std::uint32_t authentic = acct_authentic_radius;
  if (auto s = read_u32(p, attr::acct_authentic, "radius-acct-authentic-size", authentic); !s) return s;
  r.authentic_local = authentic == acct_authentic_local;
  if (auto s = read_u32(p, attr::acct_session_time, "radius-acct-session-time-size", r.session_time); !s) return s;
  if (auto s = read_octets(p, attr::acct_input_octets, attr::acct_input_gigawords, r.input_octets); !s) return s;
  if (auto s = read_octets(p, attr::acct_output_octets, attr::acct_output_gigawords, r.output_octets); !s) return s;
  std::uint32_t packets = 0;
  if (auto s = read_u32(p, attr::acct_input_packets, "radius-acct-packets-size", packets); !s) return s;
  r.input_packets = packets;
  packets = 0;
  if (auto s = read_u32(p, attr::acct_output_packets, "radius-acct-packets-size", packets); !s) return s;
  r.output_packets = packets;
  if (auto s = read_ipv6_counters(p, r); !s) return s;
  return read_u32(p, attr::acct_terminate_cause, "radius-acct-terminate-cause-size", r.terminate_cause);
}

}  // namespace

packet make_accounting_request(const nas_identity& nas, const accounting_record& r, std::uint32_t delay_seconds) {
  packet p;
  p.code = code::accounting_request;
  p.add_u32(attr::acct_status_type, static_cast<std::uint32_t>(r.status));
  p.add_string(attr::acct_session_id, r.session_id);
  const bool session = carries_session(r.status);
  if (session && !r.user.empty()) p.add_string(attr::user_name, r.user);
  detail::add_nas(p, nas);
  if (session) {
    detail::add_line(p, r.line);
    p.add_u32(attr::service_type, service_framed);
    p.add_u32(attr::framed_protocol, framed_protocol_ppp);
    if (r.framed_ip != 0) p.add_ipv4(attr::framed_ip_address, r.framed_ip);
    if (r.framed_ipv6_prefix) p.add(attr::framed_ipv6_prefix, encode_prefix(*r.framed_ipv6_prefix));
    if (r.delegated_ipv6_prefix) p.add(attr::delegated_ipv6_prefix, encode_prefix(*r.delegated_ipv6_prefix));
    for (const auto& c : r.classes) p.add(attr::class_, c);
    p.add_u32(attr::acct_authentic, r.authentic_local ? acct_authentic_local : acct_authentic_radius);
  }
  if (r.event_timestamp != 0) p.add_u32(attr::event_timestamp, r.event_timestamp);
  p.add_u32(attr::acct_delay_time, delay_seconds);
  if (r.status == acct_status::interim_update || r.status == acct_status::stop) add_counters(p, r);
  if (r.status == acct_status::stop && r.terminate_cause != 0) {
    p.add_u32(attr::acct_terminate_cause, r.terminate_cause);
  }
  return p;
}

wire::result<accounting_record> read_accounting_request(const packet& p) {
  if (p.code != code::accounting_request) return wire::error{"radius-not-accounting-request", 0};
  accounting_record r;
  const auto* status = p.find(attr::acct_status_type);
  if (status == nullptr) return wire::error{"radius-acct-status-type-missing", p.attributes.size()};
  auto status_value = detail::u32_at(p, detail::index_of(p, status), "radius-acct-status-type-size");
  if (!status_value) return status_value.err();
  switch (static_cast<acct_status>(*status_value)) {
    case acct_status::start:
    case acct_status::stop:
    case acct_status::interim_update:
    case acct_status::accounting_on:
    case acct_status::accounting_off: r.status = static_cast<acct_status>(*status_value); break;
    default: return wire::error{"radius-acct-status-type-unknown", detail::index_of(p, status)};
  }
  if (const auto* a = p.find(attr::acct_session_id)) r.session_id = as_string(*a);
  if (auto s = read_u32(p, attr::event_timestamp, "radius-event-timestamp-size", r.event_timestamp); !s) {
    return s.err();
  }
  if (carries_session(r.status)) {
    if (auto s = read_session(p, r); !s) return s.err();
  }
  return r;
}

std::optional<std::uint32_t> acct_delay(const packet& p) noexcept {
  const auto* a = p.find(attr::acct_delay_time);
  if (a == nullptr) return std::nullopt;
  return as_u32(*a);
}

void set_acct_delay(packet& p, std::uint32_t delay_seconds) {
  wire::bytes value;
  wire::writer{value}.u32(delay_seconds);
  for (auto& a : p.attributes) {
    if (a.type == attr::acct_delay_time) {
      a.value = value;
      return;
    }
  }
  p.attributes.push_back({attr::acct_delay_time, std::move(value)});
}

}  // namespace bras::radius

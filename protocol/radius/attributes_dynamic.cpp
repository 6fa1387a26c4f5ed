// CoA-Request and Disconnect-Request as brasd acts on them, and their ACK/NAK (RFC 5176).
#include <algorithm>

#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

namespace {

constexpr std::chrono::seconds min_interim{60};

// Attributes that never make a request unsupported: RFC 5176 §3 allows them in both requests.
bool is_transport(std::uint8_t type) noexcept {
  return type == attr::proxy_state || type == attr::message_authenticator || type == attr::state ||
         type == attr::nas_ip_address || type == attr::nas_identifier || type == attr::nas_ipv6_address ||
         type == attr::event_timestamp;
}

bool is_identification(std::uint8_t type) noexcept {
  return type == attr::acct_session_id || type == attr::user_name || type == attr::framed_ip_address ||
         type == attr::nas_port_id;
}

bool is_change(std::uint8_t type) noexcept {
  return type == attr::session_timeout || type == attr::idle_timeout || type == attr::acct_interim_interval;
}

wire::status once(const packet& p, std::size_t index) {
  const auto type = p.attributes[index].type;
  for (std::size_t i = 0; i < index; ++i) {
    if (p.attributes[i].type == type) return wire::error{"radius-attribute-repeated", index};
  }
  return wire::ok_status();
}

wire::status read_u32_into(const packet& p, std::size_t i, std::string_view reason, std::optional<std::uint32_t>& out) {
  auto v = detail::u32_at(p, i, reason);
  if (!v) return v.err();
  out = *v;
  return wire::ok_status();
}

wire::status read_seconds_into(const packet& p, std::size_t i, std::string_view reason,
                               std::optional<std::chrono::seconds>& out) {
  auto v = detail::u32_at(p, i, reason);
  if (!v) return v.err();
  out = std::chrono::seconds{*v};
  return wire::ok_status();
}

wire::status read_one(const packet& p, std::size_t i, dynamic_request& out) {
  const auto& a = p.attributes[i];
  switch (a.type) {
    case attr::acct_session_id: out.acct_session_id = as_string(a); break;
    case attr::user_name: out.user = as_string(a); break;
    case attr::nas_port_id: out.nas_port_id = as_string(a); break;
    case attr::nas_identifier: out.nas_identifier = as_string(a); break;
    case attr::framed_ip_address: return read_u32_into(p, i, "radius-framed-ip-size", out.framed_ip);
    case attr::nas_ip_address: return read_u32_into(p, i, "radius-nas-ip-size", out.nas_ip_address);
    case attr::event_timestamp: return read_u32_into(p, i, "radius-event-timestamp-size", out.event_timestamp);
    case attr::nas_ipv6_address:
      if (a.value.size() != 16) return wire::error{"radius-nas-ipv6-size", i};
      out.nas_ipv6_address.emplace();
      std::copy(a.value.begin(), a.value.end(), out.nas_ipv6_address->begin());
      break;
    case attr::session_timeout: return read_seconds_into(p, i, "radius-session-timeout-size", out.session_timeout);
    case attr::idle_timeout: return read_seconds_into(p, i, "radius-idle-timeout-size", out.idle_timeout);
    case attr::acct_interim_interval: {
      auto s = read_seconds_into(p, i, "radius-interim-interval-size", out.interim_interval);
      if (s && out.interim_interval->count() != 0) out.interim_interval = std::max(*out.interim_interval, min_interim);
      return s;
    }
    default: break;
  }
  return wire::ok_status();
}

}  // namespace

wire::result<dynamic_request> read_dynamic_request(const packet& request) {
  if (request.code != code::coa_request && request.code != code::disconnect_request) {
    return wire::error{"radius-not-dynamic-request", 0};
  }
  dynamic_request out;
  out.disconnect = request.code == code::disconnect_request;
  for (std::size_t i = 0; i < request.attributes.size(); ++i) {
    const auto type = request.attributes[i].type;
    const bool acted_on = is_transport(type) || is_identification(type) || (!out.disconnect && is_change(type));
    if (!acted_on) {
      if (std::find(out.unsupported.begin(), out.unsupported.end(), type) == out.unsupported.end()) {
        out.unsupported.push_back(type);
      }
      continue;
    }
    // Proxy-State may repeat (one per proxy); a second value of anything else would be ambiguous.
    if (type == attr::proxy_state) continue;
    if (auto s = once(request, i); !s) return s.err();
    if (auto s = read_one(request, i, out); !s) return s.err();
  }
  return out;
}

packet make_dynamic_reply(const packet& request, std::optional<std::uint32_t> error_cause) {
  packet reply;
  // 2xx Error-Cause values are informational and go with an ACK (RFC 5176 §3.5).
  const bool ack = !error_cause || *error_cause < 300;
  if (request.code == code::coa_request) {
    reply.code = ack ? code::coa_ack : code::coa_nak;
  } else {
    reply.code = ack ? code::disconnect_ack : code::disconnect_nak;
  }
  reply.id = request.id;
  reply.auth = request.auth;
  if (error_cause) reply.add_u32(attr::error_cause, *error_cause);
  // RFC 5176 §3.1 / RFC 2865 §5.33: every Proxy-State, unmodified and in order.
  for (const auto* a : request.all(attr::proxy_state)) reply.attributes.push_back(*a);
  return reply;
}

}  // namespace bras::radius

// What an Access-Accept grants (RFC 2865 §5, RFC 2869 §5.16, RFC 3162, RFC 2548 DNS VSAs) and the
// Reply-Message of a reply. The RFC 2868 tunnel attributes are read in attributes_tunnel.cpp.
#include <algorithm>

#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

namespace {

constexpr std::chrono::seconds min_interim{60};

// A timeout in seconds; 0 means no limit (nullopt).
wire::status read_timeout(const packet& p, std::uint8_t type, std::string_view reason,
                          std::optional<std::chrono::seconds>& out) {
  const auto* a = p.find(type);
  if (a == nullptr) return wire::ok_status();
  auto v = detail::u32_at(p, detail::index_of(p, a), reason);
  if (!v) return v.err();
  if (*v != 0) out = std::chrono::seconds{*v};
  return wire::ok_status();
}

wire::status read_addresses(const packet& p, authorization& out) {
  if (const auto* a = p.find(attr::framed_ip_address)) {
    auto v = detail::u32_at(p, detail::index_of(p, a), "radius-framed-ip-size");
    if (!v) return v.err();
    if (*v == 0) return wire::error{"radius-framed-ip-zero", detail::index_of(p, a)};
    if (*v == framed_ip_nas_selects || *v == framed_ip_user_selects) {
      out.from_pool = true;
    } else {
      out.framed_ip = *v;
    }
  }
  if (const auto* a = p.find(attr::framed_pool)) out.framed_pool = as_string(*a);
  if (const auto* a = p.find(attr::framed_ipv6_pool)) out.framed_ipv6_pool = as_string(*a);
  if (const auto* a = p.find(attr::delegated_ipv6_prefix_pool)) out.delegated_ipv6_pool = as_string(*a);
  if (const auto* a = p.find(attr::framed_ipv6_prefix)) {
    out.framed_ipv6_prefix = decode_prefix(a->value);
    if (!out.framed_ipv6_prefix) return wire::error{"radius-framed-ipv6-prefix-malformed", detail::index_of(p, a)};
  }
  if (const auto* a = p.find(attr::delegated_ipv6_prefix)) {
    out.delegated_ipv6_prefix = decode_prefix(a->value);
    if (!out.delegated_ipv6_prefix) {
      return wire::error{"radius-delegated-ipv6-prefix-malformed", detail::index_of(p, a)};
    }
  }
  return wire::ok_status();
}

wire::status read_limits(const packet& p, authorization& out) {
  if (auto s = read_timeout(p, attr::session_timeout, "radius-session-timeout-size", out.session_timeout); !s) {
    return s;
  }
  if (auto s = read_timeout(p, attr::idle_timeout, "radius-idle-timeout-size", out.idle_timeout); !s) return s;
  if (auto s = read_timeout(p, attr::acct_interim_interval, "radius-interim-interval-size", out.interim_interval); !s) {
    return s;
  }
  if (out.interim_interval) out.interim_interval = std::max(*out.interim_interval, min_interim);
  if (const auto* a = p.find(attr::framed_mtu)) {
    auto v = detail::u32_at(p, detail::index_of(p, a), "radius-framed-mtu-size");
    if (!v) return v.err();
    // RFC 2865 §5.12: 64..65535.
    if (*v < 64 || *v > 65535) return wire::error{"radius-framed-mtu-range", detail::index_of(p, a)};
    out.framed_mtu = static_cast<std::uint16_t>(*v);
  }
  return wire::ok_status();
}

wire::status read_vendor(const packet& p, authorization& out) {
  std::optional<std::uint32_t> primary;
  std::optional<std::uint32_t> secondary;
  for (const auto& v : detail::indexed_vendor_attributes(p)) {
    if (v.vsa.vendor == vendor::microsoft &&
        (v.vsa.type == vendor::ms_primary_dns_server || v.vsa.type == vendor::ms_secondary_dns_server)) {
      if (v.vsa.value.size() != 4) return wire::error{"radius-ms-dns-size", v.index};
      auto& slot = v.vsa.type == vendor::ms_primary_dns_server ? primary : secondary;
      if (!slot) slot = wire::load_u32(v.vsa.value.data());
    } else if (v.vsa.vendor == vendor::unisphere && v.vsa.type == vendor::erx_tunnel_group) {
      if (out.tunnel_group.empty()) out.tunnel_group = wire::to_string(v.vsa.value);
    }
  }
  // Primary first whatever the wire order.
  if (primary) out.dns.push_back(*primary);
  if (secondary) out.dns.push_back(*secondary);
  return wire::ok_status();
}

}  // namespace

wire::result<authorization> read_authorization(const packet& accept) {
  if (accept.code != code::access_accept) return wire::error{"radius-not-access-accept", 0};
  authorization out;
  if (auto s = read_addresses(accept, out); !s) return s.err();
  if (auto s = read_limits(accept, out); !s) return s.err();
  if (auto s = read_vendor(accept, out); !s) return s.err();
  for (const auto* a : accept.all(attr::class_)) out.classes.push_back(a->value);
  out.reply_message = reply_message(accept);
  if (auto s = detail::read_tunnels(accept, out); !s) return s.err();
  return out;
}

std::string reply_message(const packet& reply) {
  std::string joined;
  for (const auto* a : reply.all(attr::reply_message)) {
    if (!joined.empty()) joined += '\n';
    joined += as_string(*a);
  }
  return joined;
}

}  // namespace bras::radius

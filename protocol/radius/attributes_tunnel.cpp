// RFC 2868 tunnel attributes of an Access-Accept: grouped by tag, one L2TP tunnel candidate per
// tag for the LAC's tunnel selection.
#include <algorithm>
#include <array>
#include <charconv>

#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

namespace {

constexpr std::uint8_t max_tag = 0x1f;

/// Everything one tag carried (the first of each attribute wins).
struct tunnel_group_attributes {
  bool seen = false;
  std::optional<std::uint32_t> type;
  std::optional<std::uint32_t> medium;
  std::optional<std::uint32_t> preference;
  std::optional<std::string> server_endpoint;
  std::optional<std::string> client_endpoint;
  std::optional<std::string> password;
  std::optional<std::string> assignment_id;
  std::optional<std::string> client_auth_id;
  std::optional<std::string> server_auth_id;
};

using tag_table = std::array<tunnel_group_attributes, max_tag + 1>;

bool is_tagged_integer(std::uint8_t type) noexcept {
  return type == attr::tunnel_type || type == attr::tunnel_medium_type || type == attr::tunnel_preference;
}

bool is_tagged_string(std::uint8_t type) noexcept {
  return type == attr::tunnel_client_endpoint || type == attr::tunnel_server_endpoint ||
         type == attr::tunnel_private_group_id || type == attr::tunnel_assignment_id ||
         type == attr::tunnel_client_auth_id || type == attr::tunnel_server_auth_id;
}

void set_first(std::optional<std::string>& slot, std::string value) {
  if (!slot) slot = std::move(value);
}

void set_first(std::optional<std::uint32_t>& slot, std::uint32_t value) {
  if (!slot) slot = value;
}

// A tagged integer: the tag in the first byte, a 24-bit value after it (RFC 2868 §3.1).
wire::status read_tagged_integer(const attribute& a, std::size_t index, tag_table& tags) {
  if (a.value.size() != 4) return wire::error{"radius-tunnel-integer-size", index};
  const auto tag = std::to_integer<std::uint8_t>(a.value[0]);
  if (tag > max_tag) return wire::error{"radius-tunnel-tag-invalid", index};
  const auto value = wire::load_u32(a.value.data()) & 0x00ffffffu;
  auto& g = tags[tag];
  g.seen = true;
  if (a.type == attr::tunnel_type) set_first(g.type, value);
  if (a.type == attr::tunnel_medium_type) set_first(g.medium, value);
  if (a.type == attr::tunnel_preference) set_first(g.preference, value);
  return wire::ok_status();
}

// A tagged string: a first byte 0x00..0x1F is the tag, anything else starts the string.
void read_tagged_string(const attribute& a, tag_table& tags) {
  std::uint8_t tag = 0;
  wire::byte_span text{a.value};
  if (!text.empty() && std::to_integer<std::uint8_t>(text[0]) <= max_tag) {
    tag = std::to_integer<std::uint8_t>(text[0]);
    text = text.subspan(1);
  }
  auto& g = tags[tag];
  g.seen = true;
  auto s = wire::to_string(text);
  switch (a.type) {
    case attr::tunnel_server_endpoint: set_first(g.server_endpoint, std::move(s)); break;
    case attr::tunnel_client_endpoint: set_first(g.client_endpoint, std::move(s)); break;
    case attr::tunnel_assignment_id: set_first(g.assignment_id, std::move(s)); break;
    case attr::tunnel_client_auth_id: set_first(g.client_auth_id, std::move(s)); break;
    case attr::tunnel_server_auth_id: set_first(g.server_auth_id, std::move(s)); break;
    default: break;  // Tunnel-Private-Group-Id: not used by L2TP
  }
}

// Tunnel-Password after open_reply: the tag byte (always present, §3.5), then the clear password.
wire::status read_tunnel_password(const attribute& a, std::size_t index, tag_table& tags) {
  if (a.value.empty()) return wire::error{"radius-tunnel-password-empty", index};
  const auto tag = std::to_integer<std::uint8_t>(a.value[0]);
  if (tag > max_tag) return wire::error{"radius-tunnel-tag-invalid", index};
  auto& g = tags[tag];
  g.seen = true;
  set_first(g.password, wire::to_string(wire::byte_span{a.value}.subspan(1)));
  return wire::ok_status();
}

bool parse_number(std::string_view text, std::uint32_t max, std::uint32_t& out) {
  if (text.empty() || text.size() > 5) return false;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && out <= max;
}

// "a.b.c.d" or "a.b.c.d:port" (host order address); an FQDN or IPv6 literal is not usable here.
bool parse_endpoint(std::string_view text, std::uint32_t& address, std::uint16_t& port) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  port = 1701;
  if (const auto colon = text.find(':'); colon != std::string_view::npos) {
    std::uint32_t p = 0;
    if (!parse_number(text.substr(colon + 1), 65535, p) || p == 0) return false;
    port = static_cast<std::uint16_t>(p);
    text = text.substr(0, colon);
  }
  address = 0;
  for (int octet = 0; octet < 4; ++octet) {
    const auto dot = text.find('.');
    if ((octet < 3) != (dot != std::string_view::npos)) return false;
    std::uint32_t v = 0;
    if (!parse_number(text.substr(0, dot), 255, v) || text.substr(0, dot).size() > 3) return false;
    address = (address << 8) | v;
    text = octet < 3 ? text.substr(dot + 1) : std::string_view{};
  }
  return address != 0;
}

std::string dotted(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

std::optional<l2tp::tunnel_candidate> candidate_of(std::uint8_t tag, const tunnel_group_attributes& g) {
  if (g.type && *g.type != tunnel_type_l2tp) return std::nullopt;
  if (g.medium && *g.medium != tunnel_medium_ipv4) return std::nullopt;
  if (!g.server_endpoint) return std::nullopt;
  l2tp::tunnel_candidate c;
  if (!parse_endpoint(*g.server_endpoint, c.address, c.port)) return std::nullopt;
  c.name = "aaa:" + dotted(c.address);
  if (c.port != 1701) c.name += ":" + std::to_string(c.port);
  c.tag = tag;
  c.preference = g.preference.value_or(0);
  c.secret = g.password.value_or("");
  c.client_auth_id = g.client_auth_id.value_or("");
  c.server_auth_id = g.server_auth_id.value_or("");
  c.assignment_id = g.assignment_id.value_or("");
  c.local_gateway = g.client_endpoint.value_or("");
  return c;
}

}  // namespace

namespace detail {

wire::status read_tunnels(const packet& accept, authorization& out) {
  tag_table tags{};
  for (std::size_t i = 0; i < accept.attributes.size(); ++i) {
    const auto& a = accept.attributes[i];
    if (is_tagged_integer(a.type)) {
      if (auto s = read_tagged_integer(a, i, tags); !s) return s;
    } else if (is_tagged_string(a.type)) {
      read_tagged_string(a, tags);
    } else if (a.type == attr::tunnel_password) {
      if (auto s = read_tunnel_password(a, i, tags); !s) return s;
    }
  }
  for (std::size_t tag = 0; tag < tags.size(); ++tag) {
    if (!tags[tag].seen) continue;
    if (auto c = candidate_of(static_cast<std::uint8_t>(tag), tags[tag])) {
      out.tunnels.push_back(std::move(*c));
    } else {
      out.ignored_tunnel_tags.push_back(static_cast<std::uint8_t>(tag));
    }
  }
  // Lower preference first; equal preferences keep tag order.
  std::stable_sort(out.tunnels.begin(), out.tunnels.end(),
                   [](const auto& x, const auto& y) { return x.preference < y.preference; });
  return wire::ok_status();
}

}  // namespace detail

}  // namespace bras::radius

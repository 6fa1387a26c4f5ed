// The attributes every subscriber request carries (NAS identity, port, RFC 4679 line VSAs), the
// RFC 3162 prefix encoding, and the typed reads the other attributes_*.cpp files share.
#include <algorithm>
#include <array>

#include "protocol/radius/attributes_internal.hpp"

namespace bras::radius {

namespace {

using u32_field = std::optional<std::uint32_t> pppoe::access_line::*;

struct dsl_rate {
  std::uint8_t type;
  u32_field field;
};

// RFC 4679 §3 32-bit attributes, numbered as the TR-101 sub-options they come from.
constexpr std::array<dsl_rate, 14> dsl_rates{{
    {vendor::actual_data_rate_upstream, &pppoe::access_line::actual_rate_up},
    {vendor::actual_data_rate_downstream, &pppoe::access_line::actual_rate_down},
    {vendor::minimum_data_rate_upstream, &pppoe::access_line::min_rate_up},
    {vendor::minimum_data_rate_downstream, &pppoe::access_line::min_rate_down},
    {vendor::attainable_data_rate_upstream, &pppoe::access_line::attainable_rate_up},
    {vendor::attainable_data_rate_downstream, &pppoe::access_line::attainable_rate_down},
    {vendor::maximum_data_rate_upstream, &pppoe::access_line::max_rate_up},
    {vendor::maximum_data_rate_downstream, &pppoe::access_line::max_rate_down},
    {vendor::minimum_data_rate_upstream_low_power, &pppoe::access_line::min_rate_up_low_power},
    {vendor::minimum_data_rate_downstream_low_power, &pppoe::access_line::min_rate_down_low_power},
    {vendor::maximum_interleaving_delay_upstream, &pppoe::access_line::max_interleaving_delay_up},
    {vendor::actual_interleaving_delay_upstream, &pppoe::access_line::actual_interleaving_delay_up},
    {vendor::maximum_interleaving_delay_downstream, &pppoe::access_line::max_interleaving_delay_down},
    {vendor::actual_interleaving_delay_downstream, &pppoe::access_line::actual_interleaving_delay_down},
}};

const dsl_rate* find_rate(std::uint8_t type) noexcept {
  const auto* it =
      std::find_if(dsl_rates.begin(), dsl_rates.end(), [type](const dsl_rate& r) { return r.type == type; });
  return it == dsl_rates.end() ? nullptr : it;
}

void add_u32_vendor(packet& p, std::uint8_t type, std::uint32_t value) {
  wire::bytes b;
  wire::writer{b}.u32(value);
  p.add_vendor(vendor::dsl_forum, type, b);
}

void add_access_line(packet& p, const pppoe::access_line& line) {
  if (line.circuit_id) p.add_vendor(vendor::dsl_forum, vendor::agent_circuit_id, wire::as_bytes(*line.circuit_id));
  if (line.remote_id) p.add_vendor(vendor::dsl_forum, vendor::agent_remote_id, wire::as_bytes(*line.remote_id));
  for (const dsl_rate& rate : dsl_rates) {
    if (const auto& v = line.*(rate.field)) add_u32_vendor(p, rate.type, *v);
  }
  if (line.encapsulation) {
    const std::array<std::byte, 3> value{std::byte{line.encapsulation->data_link},
                                         std::byte{line.encapsulation->encaps1},
                                         std::byte{line.encapsulation->encaps2}};
    p.add_vendor(vendor::dsl_forum, vendor::access_loop_encapsulation, value);
  }
  // Same registry: a sub-option brasd does not interpret keeps its number as a VSA.
  for (const auto& u : line.unknown) p.add_vendor(vendor::dsl_forum, u.type, u.value);
}

wire::status read_dsl_vsa(const detail::indexed_vendor_attribute& v, pppoe::access_line& line) {
  const auto& value = v.vsa.value;
  switch (v.vsa.type) {
    case vendor::agent_circuit_id:
      if (!line.circuit_id) line.circuit_id = wire::to_string(value);
      return wire::ok_status();
    case vendor::agent_remote_id:
      if (!line.remote_id) line.remote_id = wire::to_string(value);
      return wire::ok_status();
    case vendor::access_loop_encapsulation:
      if (value.size() != 3) return wire::error{"radius-dsl-encapsulation-size", v.index};
      if (!line.encapsulation) {
        line.encapsulation = pppoe::access_loop_encapsulation{std::to_integer<std::uint8_t>(value[0]),
                                                              std::to_integer<std::uint8_t>(value[1]),
                                                              std::to_integer<std::uint8_t>(value[2])};
      }
      return wire::ok_status();
    default: break;
  }
  if (const auto* rate = find_rate(v.vsa.type)) {
    if (value.size() != 4) return wire::error{"radius-dsl-rate-size", v.index};
    auto& field = line.*(rate->field);
    if (!field) field = wire::load_u32(value.data());
    return wire::ok_status();
  }
  line.unknown.push_back({v.vsa.type, value});
  return wire::ok_status();
}

}  // namespace

wire::bytes encode_prefix(const ipv6_prefix& p) {
  const std::uint8_t length = std::min<std::uint8_t>(p.length, 128);
  const std::size_t count = (length + 7u) / 8u;
  wire::bytes out;
  out.reserve(2 + count);
  out.push_back(std::byte{0});
  out.push_back(std::byte{length});
  for (std::size_t i = 0; i < count; ++i) {
    auto b = p.address[i];
    // Bits past the length are sent as zero (RFC 3162 §2.3).
    const std::size_t bits_here = std::min<std::size_t>(8, length - i * 8);
    if (bits_here < 8) b &= std::byte{static_cast<std::uint8_t>(0xff00u >> bits_here)};
    out.push_back(b);
  }
  return out;
}

std::optional<ipv6_prefix> decode_prefix(wire::byte_span value) noexcept {
  if (value.size() < 2 || value.size() > 18) return std::nullopt;
  ipv6_prefix p;
  p.length = std::to_integer<std::uint8_t>(value[1]);
  if (p.length > 128) return std::nullopt;
  const auto bytes = value.subspan(2);
  std::copy(bytes.begin(), bytes.end(), p.address.begin());
  // A set bit past the prefix length is malformed.
  for (std::size_t bit = p.length; bit < bytes.size() * 8; ++bit) {
    const auto byte = std::to_integer<unsigned>(p.address[bit / 8]);
    if ((byte >> (7 - bit % 8)) & 1u) return std::nullopt;
  }
  return p;
}

namespace detail {

void add_nas(packet& p, const nas_identity& nas) {
  if (nas.ip_address != 0) p.add_ipv4(attr::nas_ip_address, nas.ip_address);
  if (!nas.identifier.empty()) p.add_string(attr::nas_identifier, nas.identifier);
}

void add_line(packet& p, const subscriber_line& line) {
  p.add_u32(attr::nas_port, line.nas_port);
  if (!line.nas_port_id.empty()) p.add_string(attr::nas_port_id, line.nas_port_id);
  p.add_u32(attr::nas_port_type, line.nas_port_type);
  if (!line.called_station_id.empty()) p.add_string(attr::called_station_id, line.called_station_id);
  if (!line.calling_station_id.empty()) p.add_string(attr::calling_station_id, line.calling_station_id);
  if (!line.connect_info.empty()) p.add_string(attr::connect_info, line.connect_info);
  if (line.line) add_access_line(p, *line.line);
}

wire::status read_line(const packet& p, subscriber_line& line) {
  if (const auto* a = p.find(attr::nas_port)) {
    auto v = u32_at(p, index_of(p, a), "radius-nas-port-size");
    if (!v) return v.err();
    line.nas_port = *v;
  }
  if (const auto* a = p.find(attr::nas_port_type)) {
    auto v = u32_at(p, index_of(p, a), "radius-nas-port-type-size");
    if (!v) return v.err();
    line.nas_port_type = *v;
  }
  if (const auto* a = p.find(attr::nas_port_id)) line.nas_port_id = as_string(*a);
  if (const auto* a = p.find(attr::called_station_id)) line.called_station_id = as_string(*a);
  if (const auto* a = p.find(attr::calling_station_id)) line.calling_station_id = as_string(*a);
  if (const auto* a = p.find(attr::connect_info)) line.connect_info = as_string(*a);
  for (const auto& v : indexed_vendor_attributes(p)) {
    if (v.vsa.vendor != vendor::dsl_forum) continue;
    if (!line.line) line.line.emplace();
    if (auto s = read_dsl_vsa(v, *line.line); !s) return s.err();
  }
  return wire::ok_status();
}

wire::result<std::uint32_t> u32_at(const packet& p, std::size_t index, std::string_view reason) {
  if (auto v = as_u32(p.attributes[index])) return *v;
  return wire::error{reason, index};
}

std::vector<indexed_vendor_attribute> indexed_vendor_attributes(const packet& p) {
  std::vector<indexed_vendor_attribute> out;
  for (std::size_t i = 0; i < p.attributes.size(); ++i) {
    const auto& a = p.attributes[i];
    if (a.type != attr::vendor_specific) continue;
    // One attribute at a time through packet's own walker, so both skip the same malformed tails.
    packet one;
    one.attributes.push_back(a);
    for (auto& v : one.vendor_attributes()) out.push_back({i, std::move(v)});
  }
  return out;
}

}  // namespace detail

}  // namespace bras::radius

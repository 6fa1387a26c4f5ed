#include "actors/client_match.hpp"

#include "protocol/l2tp/avp.hpp"

namespace bras::actors {

std::optional<client_match> match_client(const config::l2tp_settings& cfg, std::string_view gateway_name,
                                         std::uint32_t source, std::string_view host_name) {
  std::size_t index = 0;
  for (const auto& g : cfg.tunnel_groups) {
    bool serves = g.local_gateways.empty();
    for (const auto& name : g.local_gateways) serves = serves || name == gateway_name;
    for (const auto& c : g.clients) {
      bool host_ok = c.host_name == "*" || c.host_name == host_name;
      bool source_ok = c.allowed_sources.empty();
      for (const auto& p : c.allowed_sources) source_ok = source_ok || p.contains(source);
      if (serves && host_ok && source_ok) return client_match{&g, &c, index};
      ++index;
    }
  }
  return std::nullopt;
}

std::size_t client_count(const config::l2tp_settings& cfg) noexcept {
  std::size_t n = 0;
  for (const auto& g : cfg.tunnel_groups) n += g.clients.size();
  return n;
}

std::optional<std::string> peek_host_name(wire::byte_span avps) {
  wire::reader r{avps};
  while (!r.empty()) {
    auto avp = l2tp::read_avp(r);
    if (!avp) return std::nullopt;
    if (avp->vendor == l2tp::ietf_vendor && avp->type == static_cast<std::uint16_t>(l2tp::avp_type::host_name) &&
        !avp->hidden) {
      return wire::to_string(avp->value);
    }
  }
  return std::nullopt;
}

}  // namespace bras::actors

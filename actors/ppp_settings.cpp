#include "actors/ppp_settings.hpp"

#include <algorithm>
#include <array>

#include "protocol/common/crypto.hpp"

namespace bras::actors {

ppp::server_config ppp_base_config(const config::settings& cfg) {
  const auto& pc = cfg.ppp;
  ppp::server_config c;
  for (const auto& m : pc.authentication) {
    c.lcp.auth.push_back(m == "pap" ? ppp::lcp::auth_method::pap : ppp::lcp::auth_method::chap_md5);
  }
  c.lcp.mru = pc.mru;
  c.lcp.min_mru = pc.min_mru;
  c.lcp.max_mru = std::max<std::uint16_t>(pc.mru, 1500);
  c.negotiation.restart_timer = pc.restart_timer;
  c.negotiation.max_configure = pc.max_configure;
  c.negotiation.max_terminate = pc.max_terminate;
  c.negotiation.max_failure = pc.max_failure;
  c.name = cfg.l2tp.host_name;
  c.auth_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(pc.auth_timeout);
  c.echo_interval = std::chrono::duration_cast<std::chrono::milliseconds>(pc.echo_interval);
  c.echo_failures = pc.echo_failures;
  c.lcp_renegotiation = pc.lcp_renegotiation;
  c.ipv6 = pc.ipv6;
  c.local_address = pc.local_address;
  if (!pc.dns.empty()) c.primary_dns = pc.dns[0];
  if (pc.dns.size() > 1) c.secondary_dns = pc.dns[1];
  return c;
}

bool draw_session_secrets(ppp::server_config& c) {
  std::array<std::byte, 32> random{};
  if (!wire::random_bytes(random)) return false;
  auto word = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(random[at + i]);
    return v;
  };
  c.lcp.magic = word(0) == 0 ? 1 : word(0);
  std::copy_n(random.begin() + 4, 16, c.challenge.begin());
  c.seed = word(20) == 0 ? 1 : word(20);
  c.local_interface_id = (std::uint64_t{word(24)} << 32) | word(28);
  if (c.local_interface_id == 0) c.local_interface_id = 1;
  return true;
}

}  // namespace bras::actors

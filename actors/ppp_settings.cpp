#include "actors/ppp_settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>

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

dhcpv6::server_config dhcpv6_config(const config::settings& cfg, std::string_view machine_id) {
  const auto& d = cfg.ipv6.dhcpv6;
  dhcpv6::server_config c;
  c.rapid_commit = d.rapid_commit;
  c.preferred_lifetime = d.preferred_lifetime;
  c.valid_lifetime = d.valid_lifetime;
  c.t1 = d.t1;
  c.t2 = d.t2;
  c.dns_servers = cfg.ipv6.dns;
  if (!d.server_duid.empty()) {
    auto nibble = [](char ch) { return ch <= '9' ? ch - '0' : (ch | 0x20) - 'a' + 10; };
    for (std::size_t i = 0; i + 1 < d.server_duid.size(); i += 2) {
      c.server_duid.push_back(static_cast<std::byte>(nibble(d.server_duid[i]) * 16 + nibble(d.server_duid[i + 1])));
    }
    return c;
  }
  // A name-based UUID (RFC 4122 §4.3, version 3: MD5) of the machine and the instance.
  const std::string name = std::string{machine_id} + "/" + cfg.l2tp.host_name;
  std::array<std::byte, 16> uuid{};
  if (auto digest = wire::md5({std::as_bytes(std::span{name.data(), name.size()})})) uuid = *digest;
  uuid[6] = (uuid[6] & std::byte{0x0f}) | std::byte{0x30};
  uuid[8] = (uuid[8] & std::byte{0x3f}) | std::byte{0x80};
  c.server_duid = dhcpv6::duid_uuid(uuid);
  return c;
}

std::string machine_id() {
  for (const char* path : {"/etc/machine-id", "/var/lib/dbus/machine-id"}) {
    std::ifstream in{path};
    std::string id;
    if (in >> id && !id.empty()) return id;
  }
  std::array<char, 256> host{};
  if (::gethostname(host.data(), host.size() - 1) == 0) return host.data();
  return "brasd";
}

std::optional<ppp::session_secrets> draw_session_secrets(model::counters* stats) {
  std::array<std::byte, 32> random{};
  if (!wire::random_bytes(random)) {
    if (stats != nullptr) stats->random_failures_ppp.fetch_add(1);
    return std::nullopt;
  }
  auto word = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | std::to_integer<std::uint32_t>(random[at + i]);
    return v;
  };
  ppp::session_secrets s;
  s.magic = word(0) == 0 ? 1 : word(0);
  std::copy_n(random.begin() + 4, 16, s.challenge.begin());
  s.seed = word(20) == 0 ? 1 : word(20);
  s.local_interface_id = (std::uint64_t{word(24)} << 32) | word(28);
  if (s.local_interface_id == 0) s.local_interface_id = 1;
  return s;
}

}  // namespace bras::actors

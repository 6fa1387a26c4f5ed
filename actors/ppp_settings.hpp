// The LNS's PPP settings: the part every session shares, converted from the
// configuration once per instance, and the part each session draws at random.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "configs/config.hpp"
#include "model/counters.hpp"
#include "protocol/dhcpv6/server.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

/// The server_config every LNS session starts from: everything but the random
/// parts and the interface_id_in_use callback.
[[nodiscard]] ppp::server_config ppp_base_config(const config::settings& cfg);

/// The per-session DHCPv6 server's settings: lifetimes, DNS (ipv6.dns) and the Server Identifier:
/// ipv6.dhcpv6.server-duid when set (hex, checked by the loader), else a DUID-UUID (RFC 6355) named
/// by `machine_id` and l2tp.host-name, so it stays the same across restarts of this instance and
/// differs between instances on one host (RFC 8415 §11: a DUID must be stable).
[[nodiscard]] dhcpv6::server_config dhcpv6_config(const config::settings& cfg, std::string_view machine_id);
/// This host's machine ID (/etc/machine-id, else /var/lib/dbus/machine-id, else the host name).
[[nodiscard]] std::string machine_id();

/// A session's random parts (magic number, CHAP challenge, seed, IPv6 interface identifier);
/// none when no randomness is available, counted in `stats` (random_failures_ppp) when given.
[[nodiscard]] std::optional<ppp::session_secrets> draw_session_secrets(model::counters* stats = nullptr);

}  // namespace bras::actors

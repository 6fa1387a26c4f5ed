// The LNS's PPP settings: the part every session shares, converted from the
// configuration once per instance, and the part each session draws at random.
#pragma once

#include "configs/config.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

/// The server_config every LNS session starts from: everything but the random
/// parts and the interface_id_in_use callback.
[[nodiscard]] ppp::server_config ppp_base_config(const config::settings& cfg);

/// Fills the per-session random parts of `c` (magic number, CHAP challenge,
/// seed, IPv6 interface identifier). False when no randomness is available.
[[nodiscard]] bool draw_session_secrets(ppp::server_config& c);

}  // namespace bras::actors

// Configuration lookups shared by the acceptor and the tunnel actors: which
// LAC client entry (and so which secret and limits) an SCCRQ falls under.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "configs/config.hpp"
#include "protocol/common/bytes.hpp"

namespace bras::actors {

struct client_match {
  const config::tunnel_group* group = nullptr;
  const config::lac_client* client = nullptr;
  std::size_t client_index = 0;  ///< position over all groups' clients (for per-client counters)
};

/// The first client entry of a tunnel group serving `gateway_name` whose host
/// name matches (exactly, or "*") and whose allowed sources contain `source`.
[[nodiscard]] std::optional<client_match> match_client(const config::l2tp_settings& cfg, std::string_view gateway_name,
                                                       std::uint32_t source, std::string_view host_name);

/// Total number of client entries over all tunnel groups.
[[nodiscard]] std::size_t client_count(const config::l2tp_settings& cfg) noexcept;

/// The Host Name AVP of a control message (never hidden, RFC 2661 §4.4.3),
/// read without deciphering anything; nullopt when absent or malformed.
[[nodiscard]] std::optional<std::string> peek_host_name(wire::byte_span avps);

}  // namespace bras::actors

// What the tunnel actor hands its engine (l2tp::control_connection): the
// settings the configuration gives a tunnel, the LNS's client entry for an
// SCCRQ, and where the engine's counters live in the instance's counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "actors/context.hpp"
#include "actors/tunnel.hpp"
#include "protocol/l2tp/control_connection.hpp"

namespace bras::actors {

/// The engine's settings for a tunnel of `args` (the LAC's from its
/// destination; the LNS's defaults until select_client), without callbacks.
[[nodiscard]] l2tp::connection_config tunnel_engine_config(const tunnel_env& env, const tunnel_args& args);

/// LAC: the configured destination a candidate came from (by name, address and port); null for one from AAA.
[[nodiscard]] const config::lns_destination* configured_destination(const config::l2tp_settings& l2tp,
                                                                    const l2tp::tunnel_candidate& c);

/// LNS: the client entry the SCCRQ's Host Name (in `avps`) and `source` fall
/// under, counted in env.client_tunnels[*client_index] (the tunnel gives it back).
[[nodiscard]] std::optional<l2tp::client_selection> select_tunnel_client(const tunnel_env& env, std::uint16_t gateway,
                                                                         std::uint32_t source, wire::byte_span avps,
                                                                         std::optional<std::size_t>& client_index);

/// The instance-wide counter an engine's count effect names.
[[nodiscard]] std::atomic<std::uint64_t>& counter_for(counters& stats, l2tp::connection_counter c) noexcept;

}  // namespace bras::actors

// The instance-wide L2TP capacity limits, which a configuration reload
// changes in place (daemon/reload.hpp; docs/operations.md "Reloading the
// configuration"): read at each admission decision, on any worker thread, so
// a new value holds from the next tunnel or session on. Sessions and tunnels
// that exist stay, whatever the new value.
#pragma once

#include <atomic>

#include "configs/config.hpp"

namespace bras::actors {

struct live_limits {
  std::atomic<unsigned> max_tunnels{0};                       ///< l2tp.max-tunnels; 0: unlimited
  std::atomic<unsigned> max_sessions{0};                      ///< l2tp.max-sessions; 0: unlimited
  std::atomic<unsigned> max_sessions_in_setup{0};             ///< l2tp.max-sessions-in-setup (LNS); 0: unlimited
  std::atomic<unsigned> max_sessions_in_setup_per_tunnel{0};  ///< l2tp.max-sessions-in-setup-per-tunnel; 0: no share

  void set(const config::l2tp_settings& l2tp) noexcept {
    max_tunnels.store(l2tp.max_tunnels, std::memory_order_relaxed);
    max_sessions.store(l2tp.max_sessions, std::memory_order_relaxed);
    max_sessions_in_setup.store(l2tp.max_sessions_in_setup, std::memory_order_relaxed);
    max_sessions_in_setup_per_tunnel.store(l2tp.max_sessions_in_setup_per_tunnel, std::memory_order_relaxed);
  }
  [[nodiscard]] unsigned tunnels() const noexcept { return max_tunnels.load(std::memory_order_relaxed); }
  [[nodiscard]] unsigned sessions() const noexcept { return max_sessions.load(std::memory_order_relaxed); }
  [[nodiscard]] unsigned sessions_in_setup() const noexcept {
    return max_sessions_in_setup.load(std::memory_order_relaxed);
  }
  [[nodiscard]] unsigned sessions_in_setup_per_tunnel() const noexcept {
    return max_sessions_in_setup_per_tunnel.load(std::memory_order_relaxed);
  }
};

}  // namespace bras::actors

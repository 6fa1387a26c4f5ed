#include "actors/pppoe_sinks.hpp"

namespace bras::actors {

void access_discovery_sink::discovery(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe) noexcept {
  if (!access_) return;
  if (queued_.fetch_add(1, std::memory_order_relaxed) >= max_queued_) {
    queued_.fetch_sub(1, std::memory_order_relaxed);
    stats_.pppoe_drop_overload.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  caf::anon_send(access_, discovery_frame{port, hdr, wire::bytes{pppoe.begin(), pppoe.end()}});
}

void pppoe_session_sink::ppp_frame(wire::byte_span frame) noexcept {
  caf::anon_send(session_, access_ppp{wire::bytes{frame.begin(), frame.end()}});
}

}  // namespace bras::actors

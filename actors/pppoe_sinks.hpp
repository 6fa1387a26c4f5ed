// The data plane's sinks for PPPoE (dataplane/access.hpp, session_table.hpp):
// what the I/O thread does not handle itself is copied into an actor's
// mailbox. Discovery frames go to the access actor, bounded (a PADI flood
// must not grow its mailbox without limit); PPP frames of a session that is
// not relaying yet go to its PPPoE session actor.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "actors/pppoe_messages.hpp"
#include "dataplane/access.hpp"
#include "dataplane/session_table.hpp"
#include "model/counters.hpp"

namespace bras::actors {

/// Discovery frames -> the access actor. Frames beyond `max_queued` not yet handled are
/// dropped and counted (pppoe_drop_overload).
class access_discovery_sink final : public dataplane::discovery_sink {
 public:
  access_discovery_sink(model::counters& stats, std::size_t max_queued) : stats_{stats}, max_queued_{max_queued} {}
  /// Set once the access actor exists (before the ports start).
  void attach(pppoe_access_actor access) { access_ = std::move(access); }
  void discovery(std::uint16_t port, const eth::header& hdr, wire::byte_span pppoe) noexcept override;
  /// The access actor took one frame off its mailbox.
  void handled() noexcept { queued_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  model::counters& stats_;
  std::size_t max_queued_;
  std::atomic<std::size_t> queued_{0};
  pppoe_access_actor access_;
};

/// PPP frames of one session -> its PPPoE session actor (as access_ppp).
class pppoe_session_sink final : public dataplane::session_sink {
 public:
  explicit pppoe_session_sink(pppoe_session_actor session) noexcept : session_{std::move(session)} {}
  void ppp_frame(wire::byte_span frame) noexcept override;
  void tun_packet(wire::byte_span) noexcept override {}  // an LAC has no tun traffic

 private:
  pppoe_session_actor session_;
};

}  // namespace bras::actors

template <>
struct bras::dataplane::sink_for<bras::actors::pppoe_session_actor> {
  static std::shared_ptr<session_sink> make(bras::actors::pppoe_session_actor session) {
    return std::make_shared<actors::pppoe_session_sink>(std::move(session));
  }
};

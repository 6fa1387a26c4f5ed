// The data plane's session_sink for a session actor: frames and packets the
// data plane does not forward itself go to the actor's mailbox. With the
// sink_for specialisation, `entry.actor = session_actor{self}` installs one.
#pragma once

#include <caf/all.hpp>

#include <memory>

#include "actors/catalogue.hpp"
#include "dataplane/session_table.hpp"

namespace bras::actors {

/// Sends ppp_frame and tun_packet messages to a session actor.
class actor_sink final : public dataplane::session_sink {
 public:
  explicit actor_sink(session_actor session) noexcept : session_{std::move(session)} {}
  void ppp_frame(wire::byte_span frame) noexcept override;
  void tun_packet(wire::byte_span packet) noexcept override;
  [[nodiscard]] const session_actor& session() const noexcept { return session_; }

 private:
  session_actor session_;
};

/// The session actor behind a data-plane entry; null when it has none.
[[nodiscard]] session_actor session_of(const dataplane::data_session& s);

}  // namespace bras::actors

template <>
struct bras::dataplane::sink_for<bras::actors::session_actor> {
  static std::shared_ptr<session_sink> make(bras::actors::session_actor session) {
    return std::make_shared<actors::actor_sink>(std::move(session));
  }
};

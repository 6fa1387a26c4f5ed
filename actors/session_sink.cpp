#include "actors/session_sink.hpp"

#include "actors/messages.hpp"

namespace bras::actors {

void actor_sink::ppp_frame(wire::byte_span frame) noexcept {
  caf::anon_send(session_, actors::session_input{actors::ppp_frame{wire::bytes{frame.begin(), frame.end()}}});
}

void actor_sink::tun_packet(wire::byte_span packet) noexcept {
  caf::anon_send(session_, actors::session_input{actors::tun_packet{wire::bytes{packet.begin(), packet.end()}}});
}

session_actor session_of(const dataplane::data_session& s) {
  const auto* sink = dynamic_cast<const actor_sink*>(s.actor.get());
  return sink != nullptr ? sink->session() : session_actor{};
}

}  // namespace bras::actors

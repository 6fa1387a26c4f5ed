// Compiled by tests/check_typed_handles.sh once per case: CASE_OK must
// compile; each other case sends a typed handle a message its interface
// (actors/catalogue.hpp) does not list, and must not.
#include "actors/catalogue.hpp"

namespace bras::actors {

void send_something(const session_actor& session, const shard_actor& shard, const aaa_actor& aaa, const lac_actor& lac,
                    const tunnel_actor& tunnel) {
#if defined(CASE_OK)
  caf::anon_send(session, session_input{session_signal::close});
  caf::anon_send(shard, close_atom::value, std::uint16_t{1});
  caf::anon_send(aaa, aaa_release{});
  caf::anon_send(lac, call_request{});
  caf::anon_send(tunnel, session_gone{});
#elif defined(CASE_SESSION_GETS_AAA_RELEASE)
  caf::anon_send(session, aaa_release{});
#elif defined(CASE_SESSION_GETS_BARE_CLOSE)
  caf::anon_send(session, close_atom::value);  // a session's signals come as session_input
#elif defined(CASE_SHARD_CLOSE_WITHOUT_ID)
  caf::anon_send(shard, close_atom::value);
#elif defined(CASE_AAA_GETS_DATAGRAM)
  caf::anon_send(aaa, datagram{});
#elif defined(CASE_LAC_GETS_SESSION_SEND)
  caf::anon_send(lac, session_send{});
#elif defined(CASE_TUNNEL_GETS_CALL_REQUEST)
  caf::anon_send(tunnel, call_request{});
#endif
}

}  // namespace bras::actors

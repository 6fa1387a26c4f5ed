// The control connection's sessions: ID allocation, routing of session
// messages, incoming calls (LNS) and the calls the LAC places.
#include <string>

#include "protocol/l2tp/control_connection.hpp"

namespace bras::l2tp {

connection_effects control_connection::session_send(std::uint16_t local_session_id, std::uint16_t peer_session_id,
                                                    const control_message& msg, time_point now) {
  begin(now);
  // Sessions exist only once the tunnel is up; before, the peer's window is
  // not known yet, and what went out in it could exceed the window it names.
  if (state_ != tunnel_state::established && state_ != tunnel_state::closing) return finish();
  // A call's opening message from a session already gone would open a call nobody serves.
  if ((msg.type == message_type::icrp || msg.type == message_type::icrq) && !has_session(local_session_id)) {
    return finish();
  }
  send(msg, peer_session_id);
  after_event();
  return finish();
}

connection_effects control_connection::session_gone(std::uint16_t local_session_id, time_point now) {
  begin(now);
  if (state_ == tunnel_state::destroyed) return finish();  // every ID was freed with the tunnel
  auto it = sessions_.find(local_session_id);
  if (it != sessions_.end()) {
    if (it->second != 0) by_peer_id_.erase(it->second);
    sessions_.erase(it);
    session_ids_.release(local_session_id);
  }
  after_event();
  return finish();
}

connection_effects control_connection::place_call(std::uint64_t token, time_point now) {
  begin(now);
  start_waiting_call(token);
  after_event();
  return finish();
}

void control_connection::route_to_session(control_message m, std::uint16_t header_session_id) {
  std::uint16_t local = header_session_id;
  if (local == 0 && m.type == message_type::cdn && m.assigned_session_id) {
    // A CDN sent before the peer learnt our session ID names its own.
    auto it = by_peer_id_.find(*m.assigned_session_id);
    if (it != by_peer_id_.end()) local = it->second;
  }
  if (local == 0 && m.type == message_type::icrq) return new_incoming_call(std::move(m));
  auto it = sessions_.find(local);
  if (it == sessions_.end()) {
    bump(connection_counter::rx_unknown_session);
    log(log_level::debug, log_limit::malformed, "session-unknown",
        tunnel_field() + " session=" + std::to_string(local) + " message=" + std::string{message_name(m.type)});
    return;
  }
  if (m.type == message_type::icrp && m.assigned_session_id) {
    it->second = *m.assigned_session_id;
    by_peer_id_[*m.assigned_session_id] = local;
  }
  emit(deliver_to_session{local, std::move(m)});
}

void control_connection::refuse_call(const control_message& icrq, std::uint16_t result, std::uint16_t error,
                                     const std::string& why) {
  bump(connection_counter::sessions_refused);
  auto cdn = make_message(message_type::cdn);
  cdn.result = result_code{result, error, why};
  cdn.assigned_session_id = 0;
  send(cdn, icrq.assigned_session_id.value_or(0));
}

bool control_connection::reserve_session() {
  if (cfg_.profile.max_sessions != 0 && sessions_.size() >= cfg_.profile.max_sessions) return false;
  return !cfg_.reserve_session || cfg_.reserve_session();
}

void control_connection::new_incoming_call(control_message icrq) {
  if (cfg_.role != connection_role::lns) {
    return refuse_call(icrq, cdn_result::general_error, error_code::vendor_error,
                       "this tunnel does not accept incoming calls");
  }
  if (!icrq.assigned_session_id || *icrq.assigned_session_id == 0) {
    bump(connection_counter::sessions_refused);
    return;  // nothing to address a CDN to
  }
  auto peer_id = *icrq.assigned_session_id;
  if (by_peer_id_.count(peer_id)) return;  // the same call again
  if (!reserve_session()) {
    return refuse_call(icrq, cdn_result::no_facilities_temporary, error_code::insufficient_resources,
                       "session limit reached");
  }
  auto id = session_ids_.allocate();
  if (!id) {
    if (cfg_.release_session) cfg_.release_session();
    return refuse_call(icrq, cdn_result::no_facilities_temporary, error_code::insufficient_resources,
                       "no free session ID");
  }
  sessions_[*id] = peer_id;
  by_peer_id_[peer_id] = *id;
  emit(create_session{*id, peer_id, std::move(icrq)});
}

void control_connection::start_waiting_call(std::uint64_t token) {
  if (state_ == tunnel_state::closing || state_ == tunnel_state::destroyed) {
    emit(call_failed{token, "tunnel closing"});
    return;
  }
  if (state_ != tunnel_state::established) {
    waiting_calls_.push_back(token);
    return;
  }
  if (!reserve_session()) {
    emit(call_failed{token, "session limit reached"});
    return;
  }
  auto id = session_ids_.allocate();
  if (!id) {
    if (cfg_.release_session) cfg_.release_session();
    emit(call_failed{token, "no free session ID"});
    return;
  }
  sessions_[*id] = 0;
  emit(start_call{token, *id, next_call_serial_++});
}

}  // namespace bras::l2tp

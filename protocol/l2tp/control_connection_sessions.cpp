// The control connection's sessions: ID allocation, routing of session
// messages, incoming calls (LNS) and the calls the LAC places.
#include <algorithm>
#include <string>

#include "protocol/l2tp/control_connection.hpp"
#include "protocol/l2tp/header.hpp"

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
  leave_setup(local_session_id);
  after_event();
  return finish();
}

connection_effects control_connection::session_ready(std::uint16_t local_session_id, time_point now) {
  begin(now);
  if (state_ == tunnel_state::destroyed) return finish();
  leave_setup(local_session_id);
  after_event();
  return finish();
}

void control_connection::leave_setup(std::uint16_t local_session_id) {
  if (in_setup_.erase(local_session_id) == 0) return;
  if (cfg_.release_setup) cfg_.release_setup();
  drain_deferred();
}

connection_effects control_connection::place_call(std::uint64_t token, time_point now) {
  begin(now);
  start_waiting_call(token);
  after_event();
  return finish();
}

void control_connection::route_to_session(control_message m, std::uint16_t header_session_id, wire::bytes& raw) {
  std::uint16_t local = header_session_id;
  if (local == 0 && m.type == message_type::cdn && m.assigned_session_id) {
    // A CDN sent before the peer learnt our session ID names its own.
    auto it = by_peer_id_.find(*m.assigned_session_id);
    if (it != by_peer_id_.end()) local = it->second;
    // The LAC gave up on a call still waiting for a set-up place: forget it (the CDN is acknowledged).
    if (local == 0 && deferred_peer_ids_.count(*m.assigned_session_id)) return drop_deferred(*m.assigned_session_id);
  }
  if (local == 0 && m.type == message_type::icrq) return new_incoming_call(std::move(m), raw);
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

void control_connection::new_incoming_call(control_message icrq, wire::bytes& raw) {
  if (cfg_.role != connection_role::lns) {
    return refuse_call(icrq, cdn_result::general_error, error_code::vendor_error,
                       "this tunnel does not accept incoming calls");
  }
  if (!icrq.assigned_session_id || *icrq.assigned_session_id == 0) {
    bump(connection_counter::sessions_refused);
    return;  // nothing to address a CDN to
  }
  auto peer_id = *icrq.assigned_session_id;
  if (by_peer_id_.count(peer_id) || deferred_peer_ids_.count(peer_id)) return;  // the same call again
  if (!cfg_.admit_setup) return accept_call(std::move(icrq), false);
  // Admission control: calls already waiting go first (FIFO), then a set-up place or a wait.
  drain_deferred();
  if (deferred_.empty() && cfg_.admit_setup(in_setup_.size())) return accept_call(std::move(icrq), true);
  defer_call(icrq, raw);
}

void control_connection::defer_call(const control_message& icrq, wire::bytes& raw) {
  if (deferred_.size() >= cfg_.setup_queue_limit) {
    // RFC 2661 §4.4.2: result 2 (see the error code), error 4: insufficient resources to handle this now.
    bump(connection_counter::calls_refused_queue);
    log(log_level::warn, log_limit::peer, "call-refused",
        tunnel_field() + " peer-session=" + std::to_string(*icrq.assigned_session_id) +
            " reason=setup-queue-full waiting=" + std::to_string(deferred_.size()));
    return refuse_call(icrq, cdn_result::general_error, error_code::insufficient_resources,
                       "too many calls in set-up, try again later");
  }
  // Kept as received (its AVPs, a few hundred bytes): no session, no ID, no PPP until a place frees.
  // The reliable channel has already acknowledged it, so the LAC does not send it again.
  bump(connection_counter::calls_deferred);
  deferred_peer_ids_.insert(*icrq.assigned_session_id);
  deferred_.push_back({std::move(raw), *icrq.assigned_session_id});
  if (!retry_setup_at_) retry_setup_at_ = now_ + cfg_.setup_retry;
}

void control_connection::drain_deferred() {
  while (!deferred_.empty() && state_ == tunnel_state::established && cfg_.admit_setup &&
         cfg_.admit_setup(in_setup_.size())) {
    auto call = std::move(deferred_.front());
    deferred_.pop_front();
    deferred_peer_ids_.erase(call.peer_session_id);
    decode_options opts;
    if (!cfg_.profile.secret.empty()) opts.secret = cfg_.profile.secret;
    // It decoded when it arrived, with the same secret; if it no longer does, it is dropped as
    // any waiting call is (counted), and its place in set-up goes back.
    auto m = decode_control(call.avps, header_size(header{true}), opts);
    if (!m) {
      bump(connection_counter::calls_deferred_dropped);
      if (cfg_.release_setup) cfg_.release_setup();
      continue;
    }
    accept_call(std::move(*m), true);
  }
  if (deferred_.empty()) retry_setup_at_.reset();
}

void control_connection::drop_deferred(std::uint16_t peer_session_id) {
  auto it = std::find_if(deferred_.begin(), deferred_.end(),
                         [&](const deferred_call& c) { return c.peer_session_id == peer_session_id; });
  if (it != deferred_.end()) deferred_.erase(it);
  deferred_peer_ids_.erase(peer_session_id);
  bump(connection_counter::calls_deferred_dropped);
  if (deferred_.empty()) retry_setup_at_.reset();
}

void control_connection::accept_call(control_message icrq, bool admitted) {
  auto peer_id = *icrq.assigned_session_id;
  auto give_back = [&] {
    if (admitted && cfg_.release_setup) cfg_.release_setup();
  };
  if (!reserve_session()) {
    give_back();
    bump(connection_counter::calls_refused_limit);
    return refuse_call(icrq, cdn_result::no_facilities_temporary, error_code::insufficient_resources,
                       "session limit reached");
  }
  auto id = session_ids_.allocate();
  if (!id) {
    give_back();
    if (cfg_.release_session) cfg_.release_session();
    bump(connection_counter::calls_refused_no_id);
    return refuse_call(icrq, cdn_result::no_facilities_temporary, error_code::insufficient_resources,
                       "no free session ID");
  }
  sessions_[*id] = peer_id;
  by_peer_id_[peer_id] = *id;
  if (admitted) in_setup_.insert(*id);
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

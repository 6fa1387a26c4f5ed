// The control connection's events, the §7.2 table and the timers.
#include "protocol/l2tp/control_connection.hpp"

#include <algorithm>

#include "protocol/l2tp/header.hpp"

namespace bras::l2tp {

namespace act = tunnel_action;

control_connection::control_connection(connection_config cfg)
    : cfg_(std::move(cfg)),
      channel_(cfg_.profile.reliable),
      hold_time_(full_retransmission_cycle(cfg_.profile.reliable)) {}

control_traffic control_connection::traffic() const noexcept {
  return {traffic_.rx_packets - traffic_baseline_.rx_packets, traffic_.rx_bytes - traffic_baseline_.rx_bytes,
          traffic_.tx_packets - traffic_baseline_.tx_packets, traffic_.tx_bytes - traffic_baseline_.tx_bytes,
          traffic_.retransmissions - traffic_baseline_.retransmissions};
}

// ------------------------------------------------------------ API

connection_effects control_connection::open(time_point now) {
  begin(now);
  if (cfg_.role == connection_role::lac && state_ != tunnel_state::destroyed) {
    // The initiator challenges in its SCCRQ: without random bytes the tunnel is not opened.
    if (!draw_challenge()) {
      fail(tunnel_event::local_close, stopccn_result::general_error, error_code::insufficient_resources,
           "no-randomness");
    } else {
      apply(tunnel_event::local_open);
    }
  }
  return finish();
}

connection_effects control_connection::receive(wire::byte_span datagram, datagram_source from,
                                               std::string_view source_name, time_point now) {
  begin(now);
  if (state_ == tunnel_state::destroyed) return finish();
  auto p = decode_packet(datagram);
  if (!p) {
    bump(connection_counter::rx_malformed);
    log(log_level::warn, log_limit::malformed, "l2tp-malformed",
        tunnel_field() + " peer=" + (from == datagram_source::peer ? cfg_.peer_name : std::string{source_name}) +
            " reason=" + std::string{p.err().reason} + " offset=" + std::to_string(p.err().offset));
    return finish();
  }
  if (from != datagram_source::peer) {
    // RFC 2661 lets the peer answer an SCCRQ from another port (the LNS
    // moving off 1701); afterwards only the tunnel's peer is accepted.
    if (cfg_.role == connection_role::lac && state_ == tunnel_state::wait_ctl_reply &&
        from == datagram_source::peer_address) {
      cfg_.peer_name = std::string{source_name};
      emit(peer_moved{});
    } else {
      bump(connection_counter::rx_wrong_peer);
      return finish();
    }
  }
  if (!p->hdr.control) {
    // The I/O thread hands data messages of known sessions straight to the
    // data plane; what arrives here is for no session (yet, or any more).
    bump(connection_counter::data_rx_unknown_session);
    return finish();
  }
  ++traffic_.rx_packets;
  traffic_.rx_bytes += datagram.size();
  std::vector<inbound_message> delivered;
  if (channel_.receive(p->hdr.ns, p->hdr.nr, p->payload, now_, delivered, frames_, p->hdr.session_id) ==
      receive_verdict::duplicate) {
    bump(connection_counter::control_rx_duplicates);
  }
  flush();
  for (auto& m : delivered) {
    if (state_ == tunnel_state::destroyed) break;
    on_message(m);
  }
  after_event();
  return finish();
}

connection_effects control_connection::timer(time_point now) {
  begin(now);
  if (state_ != tunnel_state::destroyed) {
    on_timer();
    after_event();
  }
  return finish();
}

connection_effects control_connection::close(time_point now) {
  begin(now);
  if (state_ == tunnel_state::destroyed) return finish();
  stop_ = {stopccn_result::general_clear, std::nullopt, ""};
  apply(tunnel_event::local_close);
  after_event();
  return finish();
}

connection_effects control_connection::shutdown(time_point now) {
  begin(now);
  if (state_ == tunnel_state::destroyed) return finish();
  shutting_down_ = true;
  if (state_ != tunnel_state::closing) {
    stop_ = {stopccn_result::shutting_down, std::nullopt, ""};
    apply(tunnel_event::local_close);
  }
  after_event();
  return finish();
}

connection_effects control_connection::tie_break(tie_outcome verdict, time_point now) {
  begin(now);
  if (tie_pending_) {
    proceed_after_tie(verdict);
    after_event();
  }
  return finish();
}

// ------------------------------------------------------------ plumbing

void control_connection::begin(time_point now) {
  now_ = now;
  out_.clear();
}

connection_effects control_connection::finish() {
  if (state_ != tunnel_state::destroyed) {
    std::optional<time_point> next = channel_.next_deadline();
    auto earliest = [&](time_point t) {
      if (!next || t < *next) next = t;
    };
    if (hold_until_) earliest(*hold_until_);
    if (tie_pending_ && tie_deadline_) earliest(*tie_deadline_);
    if (retry_setup_at_) earliest(*retry_setup_at_);
    // HELLO is due after silence only while nothing is in flight: a message
    // in flight has its own retransmission deadline.
    if (state_ == tunnel_state::established && cfg_.profile.hello_interval.count() > 0 && channel_.idle()) {
      earliest(channel_.last_receive() + cfg_.profile.hello_interval);
    }
    // Overdue work is due now, never in the past.
    if (next) emit(wake_at{std::max(*next, now_)});
  }
  return std::move(out_);
}

std::string control_connection::tunnel_field() const {
  return "tunnel=" + std::to_string(cfg_.local_tunnel_id);
}

void control_connection::log(log_level level, log_limit limit, std::string event, std::string fields) {
  emit(log_line{level, limit, std::move(event), std::move(fields)});
}

// ------------------------------------------------------------ the table

void control_connection::apply(tunnel_event e) {
  auto from = state_;
  auto tr = tunnel_step(state_, e);
  if (!cfg_.log_transitions || cfg_.log_transitions()) {
    log(log_level::debug, log_limit::none, "tunnel-fsm",
        tunnel_field() + " " + std::string{to_string(from)} + " + " + std::string{to_string(e)} + " -> " +
            std::string{to_string(tr.next)});
  }
  state_ = tr.next;
  auto a = tr.actions;
  if (a & act::protocol_error) {
    bump(connection_counter::fsm_protocol_errors);
    log(log_level::warn, log_limit::malformed, "tunnel-unexpected-event",
        tunnel_field() + " state=" + std::string{to_string(from)} + " event=" + std::string{to_string(e)});
  }
  if (a & act::send_sccrq) send(sccrx(message_type::sccrq));
  if (a & act::send_sccrp) {
    auto m = sccrx(message_type::sccrp);
    if (response_to_peer_) m.challenge_response = *response_to_peer_;
    send(m);
  }
  if (a & act::send_scccn) {
    auto m = make_message(message_type::scccn);
    if (response_to_peer_) m.challenge_response = *response_to_peer_;
    send(m);
  }
  if (a & act::send_stopccn) send_stopccn();
  if (a & act::send_hello) send(make_message(message_type::hello));
  if (a & act::sessions_up) on_established();
  if (a & act::sessions_down) clear_sessions();
  if (a & act::arm_hold) hold_until_ = now_ + hold_time_;
  if (a & act::destroy) destroy();
}

void control_connection::fail(tunnel_event e, std::uint16_t result, std::optional<std::uint16_t> error,
                              std::string message) {
  stop_ = {result, error, std::move(message)};
  log(log_level::warn, log_limit::peer, "tunnel-stop",
      tunnel_field() + " peer=" + cfg_.peer_name + " result=" + std::to_string(result) +
          " error=" + std::to_string(error.value_or(0)) + " reason=" + stop_.message);
  apply(e);
}

void control_connection::on_established() {
  was_established_ = true;
  emit(tunnel_established{});
  bump(connection_counter::tunnels_established);
  log(log_level::info, log_limit::none, "tunnel-established",
      tunnel_field() + " peer=" + cfg_.peer_name + " peer-tunnel=" + std::to_string(peer_tunnel_id_) +
          " host=" + peer_host_name_);
  emit(tunnel_up{});
  auto calls = std::move(waiting_calls_);
  waiting_calls_.clear();
  for (auto token : calls) start_waiting_call(token);
}

void control_connection::clear_sessions() {
  emit(tunnel_down{});
  for (const auto& [id, peer] : sessions_) session_ids_.release(id);
  sessions_.clear();
  by_peer_id_.clear();
  // Sessions in set-up end with the tunnel: their places free now, not when their actors are gone.
  for (std::size_t i = 0; i < in_setup_.size(); ++i) {
    if (cfg_.release_setup) cfg_.release_setup();
  }
  in_setup_.clear();
  for (std::size_t i = 0; i < deferred_.size(); ++i) bump(connection_counter::calls_deferred_dropped);
  deferred_.clear();
  deferred_peer_ids_.clear();
  retry_setup_at_.reset();
  for (auto token : waiting_calls_) emit(call_failed{token, "tunnel failed"});
  waiting_calls_.clear();
}

void control_connection::destroy() {
  clear_sessions();
  hold_until_.reset();
  tie_pending_ = false;
  bump(connection_counter::tunnels_destroyed);
  // Tunnels that never came up are the ones a stranger can make: keep them out of info.
  log(was_established_ ? log_level::info : log_level::debug, log_limit::none, "tunnel-destroyed",
      tunnel_field() + " peer=" + cfg_.peer_name);
  emit(tunnel_destroyed{});
}

// ------------------------------------------------------------ receiving

void control_connection::on_message(inbound_message& in) {
  if (tie_pending_) return;  // the peer cannot send more before our SCCRP
  if (cfg_.role == connection_role::lns && state_ == tunnel_state::idle) select_client(in.avps);
  decode_options opts;
  if (!cfg_.profile.secret.empty()) opts.secret = cfg_.profile.secret;
  auto m = decode_control(in.avps, header_size(header{true}), opts);
  if (!m) {
    bump(connection_counter::rx_malformed);
    log(log_level::warn, log_limit::malformed, "l2tp-bad-message",
        tunnel_field() + " reason=" + std::string{m.err().reason} + " offset=" + std::to_string(m.err().offset));
    if (state_ != tunnel_state::established && state_ != tunnel_state::closing) {
      fail(setup_failure_event(), stopccn_result::general_error, error_code::length_wrong, std::string{m.err().reason});
    }
    return;
  }
  if (!is_known_message(static_cast<std::uint16_t>(m->type))) {
    // RFC 2661 §4.1: an unknown message type with the M bit clears the tunnel.
    if (!m->seen.empty() && m->seen[0].mandatory && state_ != tunnel_state::closing) {
      fail(tunnel_event::local_close, stopccn_result::general_error, error_code::unknown_mandatory_avp,
           "unknown mandatory message type");
    }
    return;
  }
  switch (m->type) {
    case message_type::sccrq: return on_sccrq(*m);
    case message_type::sccrp: return on_sccrp(*m);
    case message_type::scccn: return on_scccn(*m);
    case message_type::stopccn:
      // A StopCCN names its sender's tunnel: our acks need it even when no
      // SCCRP ever told us (a refused SCCRQ).
      if (peer_tunnel_id_ == 0 && m->assigned_tunnel_id) peer_tunnel_id_ = *m->assigned_tunnel_id;
      log(log_level::info, log_limit::none, "tunnel-stopccn-received",
          tunnel_field() + " result=" + std::to_string(m->result ? m->result->result : 0));
      return apply(tunnel_event::recv_stopccn);
    case message_type::hello: return apply(tunnel_event::recv_hello);
    default: break;
  }
  // A session message: the table says whether it is deliverable now.
  auto tr = tunnel_step(state_, tunnel_event::recv_session_msg);
  if (tr.actions & act::deliver_to_session) {
    route_to_session(std::move(*m), in.session_id, in.avps);
  } else {
    apply(tunnel_event::recv_session_msg);
  }
}

// ------------------------------------------------------------ timers

void control_connection::on_timer() {
  channel_.on_timer(now_, frames_);
  flush();
  if (channel_.failed()) {
    bump(connection_counter::tunnels_failed);
    log(log_level::warn, log_limit::none, "tunnel-transport-failed",
        tunnel_field() + " peer=" + cfg_.peer_name + " state=" + std::string{to_string(state_)});
    apply(tunnel_event::transport_failed);
    return;
  }
  if (tie_pending_ && tie_deadline_ && now_ >= *tie_deadline_) {
    proceed_after_tie(tie_outcome::no_contest);  // the LAC controller did not answer: as before, proceed
    return;
  }
  if (retry_setup_at_ && now_ >= *retry_setup_at_) {
    retry_setup_at_.reset();
    drain_deferred();  // places other tunnels freed
    if (!deferred_.empty()) retry_setup_at_ = now_ + cfg_.setup_retry;
  }
  if (hold_until_ && now_ >= *hold_until_) {
    hold_until_.reset();
    apply(tunnel_event::hold_expired);
    return;
  }
  if (shutting_down_ && state_ == tunnel_state::closing && channel_.idle()) {
    apply(tunnel_event::hold_expired);  // our StopCCN is acknowledged: no need to hold
    return;
  }
  if (state_ == tunnel_state::established && cfg_.profile.hello_interval.count() > 0 && channel_.idle() &&
      now_ - channel_.last_receive() >= cfg_.profile.hello_interval) {
    apply(tunnel_event::hello_due);
  }
}

void control_connection::after_event() {
  if (state_ == tunnel_state::destroyed) return;
  if (unsendable_ && state_ != tunnel_state::closing) {
    unsendable_ = false;
    return fail(tunnel_event::local_close, stopccn_result::general_error, error_code::insufficient_resources,
                "no-randomness");
  }
  if (channel_.failed()) {
    apply(tunnel_event::transport_failed);
    return;
  }
  if (shutting_down_ && state_ == tunnel_state::closing && channel_.idle()) apply(tunnel_event::hold_expired);
}

}  // namespace bras::l2tp

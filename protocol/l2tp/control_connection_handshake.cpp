// The control connection's sending, and the SCCRQ/SCCRP/SCCCN handshake with
// its checks, tunnel authentication (challenge/response) and tie-breaking.
#include <string>

#include "protocol/l2tp/control_connection.hpp"
#include "protocol/l2tp/header.hpp"

namespace bras::l2tp {

namespace {

constexpr std::uint16_t firmware_revision = 0x0100;
constexpr const char* vendor_name = "brasd";

}  // namespace

// ------------------------------------------------------------ sending

void control_connection::flush() {
  for (auto& f : frames_) {
    header h;
    h.control = true;
    h.tunnel_id = peer_tunnel_id_;
    h.session_id = f.session_id;
    h.ns = f.ns;
    h.nr = f.nr;
    auto data = encode_packet(h, f.avps);
    ++traffic_.tx_packets;
    traffic_.tx_bytes += data.size();
    if (f.retransmission) {
      ++traffic_.retransmissions;
      bump(connection_counter::control_retransmissions);
    }
    emit(send_datagram{std::move(data)});
  }
  frames_.clear();
}

void control_connection::send(const control_message& m, std::uint16_t session_id) {
  encode_options opts;
  if (!cfg_.profile.secret.empty()) {
    opts.secret = cfg_.profile.secret;
    if (cfg_.profile.hide_avps) opts.hide_types = sensitive_avps;
  }
  wire::bytes avps;
  if (!encode_control(avps, m, opts)) {
    // No random bytes to hide its AVPs: the message is not sent (not weakened, not in the clear),
    // and the tunnel closes once this event is done (after_event).
    if (!unsendable_) {
      bump(connection_counter::random_failures);
      log(log_level::warn, log_limit::malformed, "l2tp-no-randomness",
          tunnel_field() + " message=" + std::string{message_name(m.type)} + " action=close");
    }
    unsendable_ = true;
    return;
  }
  channel_.send(std::move(avps), now_, frames_, session_id);
  flush();
}

bool control_connection::draw_challenge() {
  if (cfg_.profile.secret.empty()) return true;
  our_challenge_.assign(16, std::byte{0});
  if (wire::random_bytes(our_challenge_)) return true;
  our_challenge_.clear();
  bump(connection_counter::random_failures);
  return false;
}

control_message control_connection::sccrx(message_type type) {
  auto m = make_message(type);
  m.protocol_version = protocol_version_value{1, 0};
  m.framing_capabilities = framing_bits::synchronous | framing_bits::asynchronous;
  m.bearer_capabilities = bearer_bits::digital | bearer_bits::analog;
  m.firmware_revision = firmware_revision;
  m.host_name = cfg_.host_name;
  m.vendor_name = vendor_name;
  m.assigned_tunnel_id = cfg_.local_tunnel_id;
  m.receive_window_size = cfg_.profile.reliable.receive_window;
  if (type == message_type::sccrq && cfg_.tie_breaker != 0) m.tie_breaker = cfg_.tie_breaker;
  if (!our_challenge_.empty()) m.challenge = our_challenge_;  // drawn before (draw_challenge)
  return m;
}

void control_connection::send_stopccn() {
  auto m = make_message(message_type::stopccn);
  m.assigned_tunnel_id = cfg_.local_tunnel_id;
  m.result = result_code{stop_.result, stop_.error, stop_.error ? stop_.message : std::string{}};
  send(m);
}

// ------------------------------------------------------------ the handshake

tunnel_event control_connection::setup_failure_event() const {
  switch (state_) {
    case tunnel_state::idle: return tunnel_event::recv_sccrq_bad;
    case tunnel_state::wait_ctl_reply: return tunnel_event::recv_sccrp_bad;
    case tunnel_state::wait_ctl_conn: return tunnel_event::recv_scccn_bad;
    default: return tunnel_event::local_close;
  }
}

void control_connection::select_client(const wire::bytes& avps) {
  if (client_selected_ || !cfg_.select_client) return;
  auto selection = cfg_.select_client(avps);
  if (!selection) return;
  client_selected_ = true;
  over_client_limit_ = selection->over_limit;
  cfg_.profile = std::move(selection->profile);
  // The SCCRQ is already in: keep the sequence state, change only the settings.
  channel_.reconfigure(cfg_.profile.reliable);
  hold_time_ = full_retransmission_cycle(cfg_.profile.reliable);
}

bool control_connection::accept_peer_parameters(const control_message& m) {
  if (const auto* u = m.unknown_mandatory()) {
    // RFC 2661 §4.1: an unrecognized AVP with the M bit set clears the tunnel.
    fail(setup_failure_event(), stopccn_result::general_error, error_code::unknown_mandatory_avp,
         "unknown mandatory AVP vendor " + std::to_string(u->vendor) + " type " + std::to_string(u->type));
    return false;
  }
  if (auto st = m.check(); !st) {
    fail(setup_failure_event(), stopccn_result::general_error, error_code::vendor_error, std::string{st.err().reason});
    return false;
  }
  if (m.protocol_version->version != 1 || m.protocol_version->revision != 0) {
    fail(setup_failure_event(), stopccn_result::unsupported_version, std::nullopt, "");
    return false;
  }
  if (*m.assigned_tunnel_id == 0) {
    fail(setup_failure_event(), stopccn_result::general_error, error_code::value_out_of_range, "Assigned Tunnel ID 0");
    return false;
  }
  peer_tunnel_id_ = *m.assigned_tunnel_id;
  peer_host_name_ = *m.host_name;
  peer_window_ = m.receive_window_size.value_or(4);
  channel_.set_peer_window(peer_window_);
  if (m.challenge) {
    if (cfg_.profile.secret.empty()) {
      fail(setup_failure_event(), stopccn_result::not_authorized, error_code::vendor_error,
           "challenged but no shared secret configured");
      bump(connection_counter::tunnel_auth_failures);
      return false;
    }
    auto type = static_cast<std::uint8_t>(m.type == message_type::sccrq ? message_type::sccrp : message_type::scccn);
    response_to_peer_ = challenge_response(type, cfg_.profile.secret, *m.challenge);
    if (!response_to_peer_) {
      fail(setup_failure_event(), stopccn_result::not_authorized, error_code::vendor_error, "MD5 unavailable");
      return false;
    }
  }
  // The responder challenges in its SCCRP: refuse rather than send a predictable challenge.
  if (m.type == message_type::sccrq && !draw_challenge()) {
    fail(setup_failure_event(), stopccn_result::general_error, error_code::insufficient_resources, "no-randomness");
    return false;
  }
  return true;
}

bool control_connection::peer_authenticated(const control_message& m, message_type in) const {
  if (our_challenge_.empty()) return true;
  auto expected = challenge_response(static_cast<std::uint8_t>(in), cfg_.profile.secret, our_challenge_);
  return expected && m.challenge_response && *m.challenge_response == *expected;
}

void control_connection::on_sccrq(const control_message& m) {
  if (cfg_.role != connection_role::lns || state_ != tunnel_state::idle) return apply(tunnel_event::recv_sccrq_ok);
  if (m.assigned_tunnel_id) peer_tunnel_id_ = *m.assigned_tunnel_id;  // so a refusal reaches the peer
  if (!client_selected_) {
    bump(connection_counter::tunnels_refused);
    return fail(tunnel_event::recv_sccrq_bad, stopccn_result::not_authorized, error_code::vendor_error,
                "no tunnel group accepts this LAC");
  }
  if (over_client_limit_) {
    bump(connection_counter::tunnels_refused);
    return fail(tunnel_event::recv_sccrq_bad, stopccn_result::general_error, error_code::insufficient_resources,
                "tunnel limit for this LAC reached");
  }
  if (!accept_peer_parameters(m)) {
    bump(connection_counter::tunnels_refused);
    return;
  }
  if (m.tie_breaker && cfg_.ask_tie_break) {
    // Our LAC may be dialling this peer right now: ask who keeps its tunnel.
    tie_pending_ = true;
    tie_deadline_ = now_ + cfg_.tie_break_timeout;
    emit(ask_tie_break{*m.tie_breaker});
    return;
  }
  apply(tunnel_event::recv_sccrq_ok);
}

void control_connection::proceed_after_tie(tie_outcome verdict) {
  tie_pending_ = false;
  tie_deadline_.reset();
  if (state_ != tunnel_state::idle) return;
  if (verdict == tie_outcome::we_win || verdict == tie_outcome::both_lose) {
    bump(connection_counter::tunnels_refused);
    fail(tunnel_event::recv_sccrq_bad, stopccn_result::already_exists, std::nullopt, "");
  } else {
    apply(tunnel_event::recv_sccrq_ok);
  }
}

void control_connection::on_sccrp(const control_message& m) {
  if (cfg_.role != connection_role::lac || state_ != tunnel_state::wait_ctl_reply) {
    return apply(tunnel_event::recv_sccrp_ok);  // the table flags it as unexpected
  }
  if (!accept_peer_parameters(m)) return;
  if (!cfg_.expected_peer_host_name.empty() && cfg_.expected_peer_host_name != peer_host_name_) {
    return fail(tunnel_event::recv_sccrp_bad, stopccn_result::not_authorized, error_code::vendor_error,
                "unexpected LNS host name " + peer_host_name_);
  }
  if (!peer_authenticated(m, message_type::sccrp)) {
    bump(connection_counter::tunnel_auth_failures);
    return fail(tunnel_event::recv_sccrp_bad, stopccn_result::not_authorized, std::nullopt, "");
  }
  apply(tunnel_event::recv_sccrp_ok);
}

void control_connection::on_scccn(const control_message& m) {
  if (cfg_.role != connection_role::lns || state_ != tunnel_state::wait_ctl_conn) {
    return apply(tunnel_event::recv_scccn_ok);
  }
  if (!peer_authenticated(m, message_type::scccn)) {
    bump(connection_counter::tunnel_auth_failures);
    return fail(tunnel_event::recv_scccn_bad, stopccn_result::not_authorized, std::nullopt, "");
  }
  apply(tunnel_event::recv_scccn_ok);
}

}  // namespace bras::l2tp

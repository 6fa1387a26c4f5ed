#include "protocol/l2tp/call.hpp"

#include <utility>

namespace bras::l2tp {

namespace act = session_action;

namespace {
/// Whether any proxy AVP (26-33) is present.
bool any(const ppp::proxy_info& p) noexcept {
  return p.initial_received_confreq || p.last_sent_confreq || p.last_received_confreq || p.authen_type ||
         p.authen_name || p.authen_challenge || p.authen_id || p.authen_response;
}

/// The ICCN's proxy AVPs; null when it carries none.
std::shared_ptr<const ppp::proxy_info> proxy_of(const control_message& m) {
  ppp::proxy_info p;
  p.initial_received_confreq = m.initial_received_lcp_confreq;
  p.last_sent_confreq = m.last_sent_lcp_confreq;
  p.last_received_confreq = m.last_received_lcp_confreq;
  p.authen_type = m.proxy_authen_type;
  p.authen_name = m.proxy_authen_name;
  p.authen_challenge = m.proxy_authen_challenge;
  p.authen_id = m.proxy_authen_id;
  p.authen_response = m.proxy_authen_response;
  if (!any(p)) return nullptr;
  return std::make_shared<const ppp::proxy_info>(std::move(p));
}
}  // namespace

const ppp::proxy_info& call_engine::proxy() const noexcept {
  static const ppp::proxy_info none;
  return proxy_ ? *proxy_ : none;
}

call_engine::call_engine(call_config config)
    : local_session_id_{config.local_session_id}, peer_session_id_{config.peer_session_id} {
  // The LAC's call parameters live on only as the facts and the proxy the ICRQ and ICCN are built from:
  // one engine per session, so nothing is kept twice.
  if (config.role == call_role::lac) {
    sequencing_ = config.sequencing;
    facts_ = {config.call_serial,
              bearer_bits::digital,
              framing_bits::synchronous,
              config.tx_connect_speed,
              config.rx_connect_speed != 0 ? config.rx_connect_speed : config.tx_connect_speed,
              std::move(config.calling_number),
              std::move(config.called_number)};
    if (any(config.proxy)) proxy_ = std::make_shared<const ppp::proxy_info>(std::move(config.proxy));
    if (!config.access_line.empty()) {
      access_line_ = std::make_shared<const access_line_info>(std::move(config.access_line));
    }
  }
}

call_effects call_engine::open() {
  return apply(session_event::local_open);
}

call_engine::clearing& call_engine::cdn() {
  if (!cdn_) cdn_ = std::make_unique<clearing>();
  return *cdn_;
}

call_effects call_engine::tunnel_up() {
  return apply(session_event::tunnel_up);
}

call_effects call_engine::tunnel_down() {
  return apply(session_event::tunnel_down);
}

call_effects call_engine::close(result_code result, std::optional<ppp_disconnect_cause> cause) {
  cdn().result = std::move(result);
  cdn().cause = std::move(cause);
  return apply(session_event::local_close);
}

call_effects call_engine::line_update(std::uint32_t tx_speed, std::uint32_t rx_speed) {
  facts_.tx_speed = tx_speed;
  facts_.rx_speed = rx_speed != 0 ? rx_speed : tx_speed;
  if (state_ != session_state::established) return {};
  auto m = make_message(message_type::csun);
  m.speed_updates.push_back({peer_session_id_, facts_.tx_speed, facts_.rx_speed});
  // A tunnel message: Session ID 0 in the header, the session named in the AVP.
  return {call_send{0, std::move(m)}};
}

call_effects call_engine::refuse(session_event e, std::uint16_t error, std::string why) {
  cdn().result = {cdn_result::general_error, error, std::move(why)};
  call_effects fx{call_refused{cdn().result}};
  auto rest = apply(e);
  fx.insert(fx.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  return fx;
}

call_effects call_engine::receive(const control_message& m) {
  const auto st = m.check();
  if (const auto* u = m.unknown_mandatory(); u != nullptr && m.type != message_type::cdn) {
    // RFC 2661 §4.1: an unrecognized M-bit AVP in a session message clears the session.
    return refuse(m.type == message_type::icrq   ? session_event::recv_icrq_bad
                  : m.type == message_type::icrp ? session_event::recv_icrp_bad
                  : m.type == message_type::iccn ? session_event::recv_iccn_bad
                                                 : session_event::local_close,
                  error_code::unknown_mandatory_avp, "unknown mandatory AVP type " + std::to_string(u->type));
  }
  switch (m.type) {
    case message_type::icrq:
      if (!st) return refuse(session_event::recv_icrq_bad, error_code::vendor_error, std::string{st.err().reason});
      facts_.serial = m.call_serial_number.value_or(0);
      facts_.bearer = m.bearer_type.value_or(0);
      facts_.calling = m.calling_number.value_or("");
      facts_.called = m.called_number.value_or("");
      return apply(session_event::recv_icrq_ok);
    case message_type::icrp:
      if (!st) return refuse(session_event::recv_icrp_bad, error_code::vendor_error, std::string{st.err().reason});
      if (m.assigned_session_id) peer_session_id_ = *m.assigned_session_id;
      return apply(session_event::recv_icrp_ok);
    case message_type::iccn:
      if (!st) return refuse(session_event::recv_iccn_bad, error_code::vendor_error, std::string{st.err().reason});
      proxy_ = proxy_of(m);
      sequencing_ = m.sequencing_required;
      facts_.framing = m.framing_type.value_or(0);
      facts_.tx_speed = m.tx_connect_speed.value_or(0);
      facts_.rx_speed = m.rx_connect_speed.value_or(facts_.tx_speed);  // RFC 2661: absent means equal
      return apply(session_event::recv_iccn_ok);
    case message_type::cdn: {
      call_effects fx{call_peer_cleared{m.result ? m.result->result : std::uint16_t{0},
                                        m.disconnect_cause ? m.disconnect_cause->code : ppp::cause::none}};
      auto rest = apply(session_event::recv_cdn);
      fx.insert(fx.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
      return fx;
    }
    case message_type::wen:
    case message_type::sli:
    case message_type::csun:
    case message_type::csurq: return {};  // informational; kept for the data plane and access-line issues
    default: return apply(session_event::recv_unexpected);
  }
}

control_message call_engine::make_icrq() const {
  auto m = make_message(message_type::icrq);
  m.assigned_session_id = local_session_id_;
  m.call_serial_number = facts_.serial;
  m.bearer_type = bearer_bits::digital;
  if (!facts_.calling.empty()) m.calling_number = facts_.calling;
  if (!facts_.called.empty()) m.called_number = facts_.called;
  if (access_line_) m.access_line = *access_line_;
  return m;
}

control_message call_engine::make_iccn() const {
  auto m = make_message(message_type::iccn);
  m.framing_type = framing_bits::synchronous;
  m.tx_connect_speed = facts_.tx_speed;
  if (facts_.rx_speed != facts_.tx_speed) m.rx_connect_speed = facts_.rx_speed;  // absent means equal
  const auto& px = proxy();
  m.initial_received_lcp_confreq = px.initial_received_confreq;
  m.last_sent_lcp_confreq = px.last_sent_confreq;
  m.last_received_lcp_confreq = px.last_received_confreq;
  m.proxy_authen_type = px.authen_type;
  m.proxy_authen_name = px.authen_name;
  m.proxy_authen_challenge = px.authen_challenge;
  m.proxy_authen_id = px.authen_id;
  m.proxy_authen_response = px.authen_response;
  m.sequencing_required = sequencing_;
  return m;
}

call_effects call_engine::apply(session_event e) {
  const auto from = state_;
  const auto tr = session_step(state_, e);
  state_ = tr.next;
  call_effects fx{call_transition{from, e, tr.next}};
  const auto a = tr.actions;
  if (a & act::protocol_error) {
    fx.emplace_back(call_protocol_error{from, e});
    if (a & act::send_cdn) cdn().result = {cdn_result::general_error, error_code::vendor_error, "unexpected message"};
  }
  const auto peer = peer_session_id_;
  if (a & act::send_icrq) fx.emplace_back(call_send{peer, make_icrq()});
  if (a & act::send_icrp) {
    auto m = make_message(message_type::icrp);
    m.assigned_session_id = local_session_id_;
    fx.emplace_back(call_send{peer, std::move(m)});
  }
  if (a & act::send_iccn) fx.emplace_back(call_send{peer, make_iccn()});
  if (a & act::send_cdn) {
    auto m = make_message(message_type::cdn);
    m.result = cdn().result;
    m.assigned_session_id = local_session_id_;
    m.disconnect_cause = cdn().cause;
    fx.emplace_back(call_send{peer, std::move(m)});
  }
  if (a & (act::start_ppp | act::call_up)) {
    was_established_ = true;
    fx.emplace_back(call_established{peer, facts_, proxy(), sequencing_});
  }
  if (a & act::start_ppp) fx.emplace_back(call_start_ppp{proxy()});
  if (a & act::destroy) fx.emplace_back(call_destroyed{was_established_});
  return fx;
}

}  // namespace bras::l2tp

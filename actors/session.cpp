#include "actors/session.hpp"

#include "protocol/l2tp/session_fsm.hpp"

namespace bras::actors {

namespace {

using l2tp::message_type;
using l2tp::session_event;
using l2tp::session_state;
namespace act = l2tp::session_action;

struct session_data {
  static constexpr const char* name = "session";

  explicit session_data(caf::stateful_actor<session_data>* s) : self(s) {}

  caf::stateful_actor<session_data>* self;
  session_args args;
  context* ctx = nullptr;
  session_state state = session_state::idle;
  l2tp::result_code cdn_result{l2tp::cdn_result::admin, std::nullopt, ""};
  bool was_established = false;

  void send(l2tp::control_message m) {
    self->send(args.tunnel, session_send{args.local_id, args.peer_id, std::move(m)});
  }

  void apply(session_event e) {
    auto from = state;
    auto tr = l2tp::session_step(state, e);
    ctx->log->debug("session-fsm tunnel={} session={} {} + {} -> {}", args.local_tunnel_id, args.local_id,
                    l2tp::to_string(from), l2tp::to_string(e), l2tp::to_string(tr.next));
    state = tr.next;
    auto a = tr.actions;
    if (a & act::protocol_error) {
      ctx->stats.fsm_protocol_errors.fetch_add(1);
      if (ctx->malformed_log.allow()) {
        ctx->log->warn("session-unexpected-event tunnel={} session={} state={} event={}", args.local_tunnel_id,
                       args.local_id, l2tp::to_string(from), l2tp::to_string(e));
      }
      if (a & act::send_cdn)
        cdn_result = {l2tp::cdn_result::general_error, l2tp::error_code::vendor_error, "unexpected message"};
    }
    if (a & act::send_icrq) {
      auto m = l2tp::make_message(message_type::icrq);
      m.assigned_session_id = args.local_id;
      m.call_serial_number = args.call_serial;
      m.bearer_type = l2tp::bearer_bits::digital;
      if (!args.call.calling_number.empty()) m.calling_number = args.call.calling_number;
      if (!args.call.called_number.empty()) m.called_number = args.call.called_number;
      send(std::move(m));
    }
    if (a & act::send_icrp) {
      auto m = l2tp::make_message(message_type::icrp);
      m.assigned_session_id = args.local_id;
      send(std::move(m));
    }
    if (a & act::send_iccn) {
      auto m = l2tp::make_message(message_type::iccn);
      m.framing_type = l2tp::framing_bits::synchronous;
      m.tx_connect_speed = args.call.tx_connect_speed;
      if (args.call.rx_connect_speed != 0 && args.call.rx_connect_speed != args.call.tx_connect_speed) {
        m.rx_connect_speed = args.call.rx_connect_speed;
      }
      send(std::move(m));
    }
    if (a & act::send_cdn) {
      auto m = l2tp::make_message(message_type::cdn);
      m.result = cdn_result;
      m.assigned_session_id = args.local_id;
      send(std::move(m));
    }
    if (a & (act::start_ppp | act::call_up)) {
      was_established = true;
      ctx->stats.sessions_established.fetch_add(1);
      ctx->log->debug("session-established tunnel={} session={} peer-session={}", args.local_tunnel_id, args.local_id,
                      args.peer_id);
      if (args.requester) {
        self->send(args.requester, call_result{args.call.call_id, true, args.local_tunnel_id, args.local_id, ""});
      }
    }
    if (a & act::destroy) destroy();
  }

  void destroy() {
    ctx->stats.sessions_destroyed.fetch_add(1);
    ctx->stats.sessions_active.fetch_sub(1);
    self->send(args.tunnel, session_gone{args.local_id, was_established});
    if (args.requester) {
      if (was_established) {
        self->send(args.requester, call_cleared{args.call.call_id, args.local_tunnel_id, args.local_id});
      } else {
        self->send(args.requester,
                   call_result{args.call.call_id, false, args.local_tunnel_id, args.local_id, "call not established"});
      }
    }
    self->quit();
  }

  void refuse(session_event e, std::uint16_t error, std::string why) {
    cdn_result = {l2tp::cdn_result::general_error, error, std::move(why)};
    ctx->stats.sessions_refused.fetch_add(1);
    apply(e);
  }

  void on_control(l2tp::control_message& m) {
    auto st = m.check();
    if (const auto* u = m.unknown_mandatory(); u != nullptr && m.type != message_type::cdn) {
      // RFC 2661 §4.1: an unrecognized M-bit AVP in a session message clears the session.
      cdn_result = {l2tp::cdn_result::general_error, l2tp::error_code::unknown_mandatory_avp,
                    "unknown mandatory AVP type " + std::to_string(u->type)};
      ctx->stats.sessions_refused.fetch_add(1);
      return apply(m.type == message_type::icrq   ? session_event::recv_icrq_bad
                   : m.type == message_type::icrp ? session_event::recv_icrp_bad
                   : m.type == message_type::iccn ? session_event::recv_iccn_bad
                                                  : session_event::local_close);
    }
    switch (m.type) {
      case message_type::icrq:
        if (!st)
          return refuse(session_event::recv_icrq_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        return apply(session_event::recv_icrq_ok);
      case message_type::icrp:
        if (!st)
          return refuse(session_event::recv_icrp_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        if (m.assigned_session_id) args.peer_id = *m.assigned_session_id;
        return apply(session_event::recv_icrp_ok);
      case message_type::iccn:
        if (!st)
          return refuse(session_event::recv_iccn_bad, l2tp::error_code::vendor_error, std::string{st.err().reason});
        return apply(session_event::recv_iccn_ok);
      case message_type::cdn:
        ctx->log->debug("session-cdn-received tunnel={} session={} result={}", args.local_tunnel_id, args.local_id,
                        m.result ? m.result->result : 0);
        return apply(session_event::recv_cdn);
      case message_type::wen:
      case message_type::sli:
      case message_type::csun:
      case message_type::csurq: return;  // informational; kept for the data plane and access-line issues
      default: return apply(session_event::recv_unexpected);
    }
  }
};

caf::behavior session_behavior(caf::stateful_actor<session_data>* self, session_args args) {
  auto& init = self->state;
  init.args = std::move(args);
  init.ctx = init.args.ctx.get();
  init.ctx->stats.sessions_created.fetch_add(1);
  // sessions_active was reserved by the tunnel under the global limit.
  if (init.args.role == session_role::lac) init.apply(session_event::local_open);
  return {
      [self](session_control& c) { self->state.on_control(c.msg); },
      [self](up_atom) { self->state.apply(session_event::tunnel_up); },
      [self](down_atom) { self->state.apply(session_event::tunnel_down); },
      [self](close_atom) {
        self->state.cdn_result = {l2tp::cdn_result::admin, std::nullopt, ""};
        self->state.apply(session_event::local_close);
      },
  };
}

}  // namespace

caf::actor spawn_session(caf::actor_system& sys, session_args args) {
  return sys.spawn(session_behavior, std::move(args));
}

}  // namespace bras::actors

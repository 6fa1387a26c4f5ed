// The client engine's automaton driver: each layer's RFC 1661 actions carried
// out as effects, and what happens when a layer goes up, down or finishes.
#include "protocol/ppp/client_impl.hpp"

namespace bras::ppp {

void client_engine::impl::emit(effect e) {
  if (!c.finished_) out.push_back(std::move(e));
}

void client_engine::impl::send(std::uint16_t protocol, wire::byte_span payload) {
  if (payload.empty()) return;  // an encoder refused the packet: nothing sane to send
  wire::bytes frame;
  wire::writer w{frame};
  encode_frame(w, protocol, payload, c.tx_flags_);
  emit(send_frame{std::move(frame)});
}

void client_engine::impl::arm(timer t, std::chrono::milliseconds after) {
  if (c.finished_) return;
  emit(arm_timer{t, after});
  c.armed_[index_of(t)] = true;
}

void client_engine::impl::stop(timer t) {
  if (!c.armed_[index_of(t)]) return;
  emit(stop_timer{t});
  c.armed_[index_of(t)] = false;
}

void client_engine::impl::finish(finished f) {
  if (c.finished_) return;
  for (network n : {network::ipv4, network::ipv6}) report_down(n);
  for (std::size_t t = 0; t < timer_count; ++t) stop(static_cast<timer>(t));
  emit(std::move(f));
  c.finished_ = true;
  c.phase_ = client_phase::dead;
}

void client_engine::impl::report_down(network n) {
  if (!c.network_up_[index_of(n)]) return;
  c.network_up_[index_of(n)] = false;
  emit(network_down{n});
}

void client_engine::impl::local_close(finished why) {
  if (!c.ending_) c.ending_ = std::move(why);
  step(layer::lcp, ppp_event::close);
}

void client_engine::impl::step(layer l, ppp_event e, const received& in) {
  using namespace ppp_action;
  if (c.finished_) return;
  negotiation& f = fsm(l);
  const std::uint16_t actions = f.handle(e);
  if ((actions & protocol_error) != 0) {
    ++c.counters_.discarded;
    return;
  }
  if ((actions & tld) != 0) this_layer_down(l);
  if ((actions & scr) != 0) send_configure_request(l);
  if ((actions & sca) != 0) {
    record_acked(l, in);
    send(protocol_of(l), in.reply);
  }
  if ((actions & scn) != 0) send(protocol_of(l), in.reply);
  if ((actions & str) != 0) {
    send(protocol_of(l), control_packet(control_code::terminate_request, next_id(l), {}));
  }
  if ((actions & sta) != 0) send(protocol_of(l), control_packet(control_code::terminate_ack, in.identifier, {}));
  if ((actions & scj) != 0) {
    ++c.counters_.code_rejects_sent;
    send(protocol_of(l), control_packet(control_code::code_reject, next_id(l), truncated(in.packet, 4, c.peer_mru_)));
  }
  if ((actions & ser) != 0 && l == layer::lcp) {
    ++c.counters_.echo_replies_sent;
    send(proto::lcp,
         encode_lcp(lcp::echo_reply{in.identifier, c.magic_, wire::to_bytes(truncated(in.echo_data, 8, c.peer_mru_))}));
  }
  if (restarts_timer(actions)) {
    arm(timer_of(l), c.config_.negotiation.restart_timer);
  } else if (!f.timer_running()) {
    stop(timer_of(l));
  }
  if ((actions & tlu) != 0) this_layer_up(l);
  if ((actions & tlf) != 0) this_layer_finished(l, in);
}

void client_engine::impl::send_configure_request(layer l) {
  switch (l) {
    case layer::lcp: {
      c.lcp_sent_ = lcp::configure_request{next_id(l), c.lcp_options_};
      wire::bytes packet = encode_lcp(*c.lcp_sent_);
      if (c.first_sent_.empty()) c.first_sent_ = packet;
      c.last_sent_ = packet;
      send(proto::lcp, packet);
      break;
    }
    case layer::ipcp:
      c.ipcp_sent_ = ipcp::configure_request{next_id(l), c.ipcp_options_};
      send(proto::ipcp, encode_ipcp(*c.ipcp_sent_));
      break;
    case layer::ipv6cp:
      c.ipv6cp_sent_ = ipv6cp::configure_request{next_id(l), c.ipv6cp_options_};
      send(proto::ipv6cp, encode_ipv6cp(*c.ipv6cp_sent_));
      break;
  }
}

void client_engine::impl::record_acked(layer l, const received& in) {
  if (in.lcp_request != nullptr && l == layer::lcp) {
    c.peer_lcp_options_ = in.lcp_request->options;
    c.last_received_ = wire::to_bytes(in.packet);
  } else if (in.ipcp_request != nullptr && l == layer::ipcp) {
    const auto* address = find_option<ipcp::ip_address>(in.ipcp_request->options);
    c.peer_address_ = address != nullptr ? address->value : 0;
  } else if (in.ipv6cp_request != nullptr && l == layer::ipv6cp) {
    const auto* id = find_option<ipv6cp::interface_identifier>(in.ipv6cp_request->options);
    c.peer_interface_id_ = id != nullptr ? id->value : 0;
  }
}

void client_engine::impl::this_layer_up(layer l) {
  switch (l) {
    case layer::lcp: lcp_up(); break;
    case layer::ipcp: {
      c.network_up_[index_of(network::ipv4)] = true;
      network_up up{network::ipv4};
      up.local_address = c.address_;
      up.peer_address = c.peer_address_;
      up.primary_dns = c.primary_dns_;
      up.secondary_dns = c.secondary_dns_;
      emit(up);
      break;
    }
    case layer::ipv6cp: {
      c.network_up_[index_of(network::ipv6)] = true;
      network_up up{network::ipv6};
      up.local_interface_id = c.local_interface_id_;
      up.peer_interface_id = c.peer_interface_id_;
      emit(up);
      break;
    }
  }
}

void client_engine::impl::this_layer_down(layer l) {
  switch (l) {
    case layer::lcp: {
      const ppp_state now = fsm(layer::lcp).state();
      c.phase_ = negotiating(now) ? client_phase::establish : client_phase::terminate;
      c.tx_flags_ = {};
      c.authenticated_ = false;
      c.chap_response_id_.reset();
      stop(timer::echo);
      stop(timer::auth);
      // RFC 1661 §3.7: the network layers go down with LCP.
      for (layer ncp : {layer::ipcp, layer::ipv6cp}) {
        if (receiving(fsm(ncp).state())) step(ncp, ppp_event::down);
      }
      break;
    }
    case layer::ipcp: report_down(network::ipv4); break;
    case layer::ipv6cp: report_down(network::ipv6); break;
  }
}

void client_engine::impl::this_layer_finished(layer l, const received& in) {
  if (l == layer::lcp) {
    finish(c.ending_ ? *c.ending_ : finished{cause::lcp_fsm_timeout, direction::at_local, "lcp-negotiation-timeout"});
    return;
  }
  if (alive(fsm(layer::ipcp).state()) || alive(fsm(layer::ipv6cp).state())) return;
  std::uint16_t why = in.ncp_cause;
  if (l == layer::ipcp && c.ipcp_close_cause_ != 0) why = c.ipcp_close_cause_;
  switch (why) {
    case cause::ncp_fsm_timeout: local_close({why, direction::at_local, "ncp-negotiation-timeout"}); break;
    case cause::no_acceptable_address: local_close({why, direction::at_peer, "ipcp-address-rejected"}); break;
    default: local_close({cause::no_ncp, direction::at_peer, "no-network-layer"}); break;
  }
}

}  // namespace bras::ppp

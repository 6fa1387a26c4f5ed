// The LNS engine's handling of received frames: the dispatch by protocol, and
// the packets LCP, IPCP and IPv6CP share (Configure-*, Terminate-*,
// Code-Reject), plus LCP's own (Protocol-Reject, Echo, Discard).
#include "protocol/ppp/server_impl.hpp"

namespace bras::ppp {

void server_engine::impl::on_configure_request(layer<lcp_traits>& l, const lcp::configure_request& req) {
  auto r = lcp::respond(req, lcp_policy, l.neg.nak_budget_exhausted());
  if (r.loop_suspected) {
    if (++loop_count >= cfg.max_loopback) {
      return terminate(cause::lcp_loopback, direction::at_local, "lcp-loopback-detected");
    }
  } else {
    loop_count = 0;
  }
  if (std::holds_alternative<lcp::configure_ack>(r.answer)) {
    if (cfg.lac_capture) lac->proxy.last_received_confreq = lac->peer_request_options;
    peer_mru = lcp::default_mru;
    tx = {};
    peer_magic = 0;
    for (const auto& o : req.options) {
      if (const auto* m = std::get_if<lcp::mru>(&o)) peer_mru = m->value;
      if (const auto* m = std::get_if<lcp::magic_number>(&o)) peer_magic = m->value;
      if (std::holds_alternative<lcp::pfc>(o)) tx.pfc = true;
      if (std::holds_alternative<lcp::acfc>(o)) tx.acfc = true;
    }
  }
  const lcp::packet answer = std::move(r.answer);
  feed(l, r.event(), &answer);
}

void server_engine::impl::on_configure_request(layer<ipcp_traits>& l, const ipcp::configure_request& req) {
  auto r = ipcp::respond(req, ipcp_policy, l.neg.nak_budget_exhausted());
  if (r.no_address) {
    set_ncp_cause(cause::no_acceptable_address, direction::at_local, "no-address-available", proto::ipcp);
    return feed(l, ppp_event::close);
  }
  const ipcp::packet answer = std::move(r.answer);
  feed(l, r.event(), &answer);
}

void server_engine::impl::on_configure_request(layer<ipv6cp_traits>& l, const ipv6cp::configure_request& req) {
  auto r = ipv6cp::respond(req, ipv6cp_policy, l.neg.nak_budget_exhausted());
  if (std::holds_alternative<ipv6cp::configure_ack>(r.answer)) {
    if (const auto* id = find_option<ipv6cp::interface_identifier>(req.options)) peer_interface_id = id->value;
  }
  const ipv6cp::packet answer = std::move(r.answer);
  feed(l, r.event(), &answer);
}

revision<lcp::option> server_engine::impl::revise(layer<lcp_traits>& l, const lcp::configure_nak& n) {
  return lcp::handle_nak(l.ours, n, lcp_policy);
}

revision<lcp::option> server_engine::impl::revise(layer<lcp_traits>& l, const lcp::configure_reject& r) {
  return lcp::handle_reject(l.ours, r, lcp_policy);
}

revision<ipcp::option> server_engine::impl::revise(layer<ipcp_traits>& l, const ipcp::configure_nak& n) {
  return ipcp::handle_nak(l.ours, n);
}

revision<ipcp::option> server_engine::impl::revise(layer<ipcp_traits>& l, const ipcp::configure_reject& r) {
  return ipcp::handle_reject(l.ours, r);
}

revision<ipv6cp::option> server_engine::impl::revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_nak& n) {
  return ipv6cp::handle_nak(l.ours, n);
}

revision<ipv6cp::option> server_engine::impl::revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_reject& r) {
  return ipv6cp::handle_reject(l.ours, r);
}

template <class P, class Answer>
void server_engine::impl::on_nak_or_reject(layer<P>& l, const Answer& a) {
  ours(l);
  auto rev = revise(l, a);
  if (rev.kind == revision_kind::discard) return discard();
  if (rev.kind == revision_kind::fail) {
    if constexpr (std::is_same_v<P, lcp_traits>) {
      return terminate(rev.failure.disconnect_cause, direction::at_peer, rev.failure.reason);
    } else {
      set_ncp_cause(rev.failure.disconnect_cause, direction::at_peer, rev.failure.reason, P::number);
      return feed(l, ppp_event::close);
    }
  }
  // A peer that Naks forever is not ended by the automaton (an RCN in
  // Req-Sent re-initialises the restart counter): cap the rounds.
  if (++l.naks_received > cfg.negotiation.max_configure) {
    if constexpr (std::is_same_v<P, lcp_traits>) {
      return terminate(cause::lcp_fsm_timeout, direction::at_local, "lcp-nak-loop");
    } else {
      set_ncp_cause(cause::ncp_fsm_timeout, direction::at_local, "ncp-nak-loop", P::number);
      return feed(l, ppp_event::close);
    }
  }
  l.ours.options = std::move(rev.options);
  if constexpr (std::is_same_v<P, lcp_traits>) {
    if (const auto* m = find_option<lcp::magic_number>(l.ours.options); m != nullptr && m->value != lcp_policy.magic) {
      lcp_policy.magic = m->value;
      lcp_policy.fresh_magic = random.nonzero();
    }
    if (const auto* m = find_option<lcp::mru>(l.ours.options)) our_mru = m->value;
    if (const auto* au = find_option<lcp::auth_protocol>(l.ours.options)) method = lcp::auth_method_of(*au);
  }
  feed(l, ppp_event::rcn);
}

template <class P>
void server_engine::impl::on_packet(layer<P>& l, const typename P::packet& p, wire::byte_span raw) {
  using request = configure_packet<control_code::configure_request, typename P::option>;
  using ack = configure_packet<control_code::configure_ack, typename P::option>;
  using nak = configure_packet<control_code::configure_nak, typename P::option>;
  using rej = configure_packet<control_code::configure_reject, typename P::option>;
  if (const auto* req = std::get_if<request>(&p)) return on_configure_request(l, *req);
  if (const auto* a = std::get_if<ack>(&p)) {
    // RFC 1661 §5.2: an Ack must match our last request exactly.
    ours(l);
    if (a->identifier != l.ours.identifier || a->options != l.ours.options) return discard();
    if constexpr (std::is_same_v<P, lcp_traits>) {
      if (cfg.lac_capture) lac->proxy.last_sent_confreq = proxied_options_of(l.ours);
      our_mru = lcp::default_mru;
      method.reset();
      for (const auto& o : l.ours.options) {
        if (const auto* m = std::get_if<lcp::mru>(&o)) our_mru = m->value;
        if (const auto* au = std::get_if<lcp::auth_protocol>(&o)) method = lcp::auth_method_of(*au);
      }
    }
    return feed(l, ppp_event::rca);
  }
  if (const auto* n = std::get_if<nak>(&p)) return on_nak_or_reject(l, *n);
  if (const auto* r = std::get_if<rej>(&p)) return on_nak_or_reject(l, *r);
  if (const auto* t = std::get_if<terminate_request>(&p)) {
    if constexpr (std::is_same_v<P, lcp_traits>) {
      // Outside Opened it only restarts the negotiation (RFC 1661 §4.1): no cause yet.
      if (l.neg.state() == ppp_state::opened) {
        set_cause(cause::normal, direction::at_peer, "peer-terminate-request");
        phase = link_phase::terminate;
      }
    }
    return feed(l, ppp_event::rtr, nullptr, t->identifier);
  }
  if (std::holds_alternative<terminate_ack>(p)) return feed(l, ppp_event::rta);
  if (const auto* cj = std::get_if<code_reject>(&p)) {
    // Rejecting a code we need (1-7) is catastrophic; Echo/Discard are optional.
    const bool needed = !cj->rejected_packet.empty() && std::to_integer<std::uint8_t>(cj->rejected_packet[0]) <= 7;
    return feed(l, needed ? ppp_event::rxj_minus : ppp_event::rxj_plus);
  }
  if (std::holds_alternative<unknown_code>(p)) return feed(l, ppp_event::ruc, nullptr, 0, raw);
  if constexpr (std::is_same_v<P, lcp_traits>) on_lcp_extra(p);
}

void server_engine::impl::on_lcp_extra(const lcp::packet& p) {
  if (const auto* pr = std::get_if<lcp::protocol_reject>(&p)) {
    if (lcp_layer.neg.state() != ppp_state::opened) return discard();  // RFC 1661 §5.7
    switch (pr->rejected_protocol) {
      case proto::ipcp: return feed(ipcp_layer, ppp_event::rxj_minus);
      case proto::ipv6cp: return feed(ipv6cp_layer, ppp_event::rxj_minus);
      case proto::lcp: return feed(lcp_layer, ppp_event::rxj_minus);
      default: return;  // we never send anything else
    }
  }
  if (const auto* er = std::get_if<lcp::echo_request>(&p)) {
    ++counters.echo_requests_received;
    if (lcp_layer.neg.state() != ppp_state::opened) return discard();
    ++counters.echo_replies_sent;
    send<lcp_traits>(lcp::packet{lcp::echo_reply{er->identifier, lcp_policy.magic, er->data}});
    return;
  }
  if (std::holds_alternative<lcp::echo_reply>(p)) {
    ++counters.echo_replies_received;
    echo_outstanding = 0;
    return;
  }
  if (std::holds_alternative<lcp::discard_request>(p)) return;
}

template <class P>
void server_engine::impl::decode_and_handle(layer<P>& l, const frame& f) {
  auto p = P::decode(f.payload, f.payload_offset);
  if (!p) {
    ++counters.malformed;
    return;
  }
  if constexpr (std::is_same_v<P, lcp_traits>) {
    if (cfg.lac_capture && std::holds_alternative<lcp::configure_request>(p.value())) {
      lac->peer_request_options = received_options_of(f.payload);
      if (!lac->proxy.initial_received_confreq) lac->proxy.initial_received_confreq = lac->peer_request_options;
    }
  }
  on_packet(l, p.value(), f.payload);
}

template <class P>
void server_engine::impl::ncp_frame(layer<P>& l, const frame& f) {
  if (!l.enabled) return protocol_reject(f);
  if (phase != link_phase::network) {
    // RFC 1661 §3.4: NCP packets before the network phase are discarded;
    // a request is kept to answer as soon as the phase starts.
    auto p = P::decode(f.payload, f.payload_offset);
    if (!p) {
      ++counters.malformed;
      return;
    }
    using request = configure_packet<control_code::configure_request, typename P::option>;
    if (auto* req = std::get_if<request>(&p.value())) l.early = std::make_unique<request>(std::move(*req));
    return discard();
  }
  decode_and_handle(l, f);
}

void server_engine::impl::protocol_reject(const frame& f) {
  if (lcp_layer.neg.state() != ppp_state::opened) return discard();
  ++counters.protocol_rejects_sent;
  wire::bytes info{f.payload.begin(), f.payload.end()};
  const std::size_t room = peer_mru > 10 ? peer_mru - 10u : 0u;
  if (info.size() > room) info.resize(room);
  send<lcp_traits>(lcp::packet{lcp::protocol_reject{lcp_layer.next_id++, f.protocol, std::move(info)}});
}

void server_engine::impl::receive(wire::byte_span data) {
  if (done) return;
  auto f = decode_frame(data);
  if (!f) {
    ++counters.malformed;
    return;
  }
  switch (f.value().protocol) {
    case proto::lcp: return decode_and_handle(lcp_layer, f.value());
    case proto::pap: {
      if (phase != link_phase::authenticate && phase != link_phase::network) return discard();
      auto p = pap::decode(f.value().payload, f.value().payload_offset);
      if (!p) {
        ++counters.malformed;
        return;
      }
      return on_pap(p.value());
    }
    case proto::chap: {
      if (phase != link_phase::authenticate && phase != link_phase::network) return discard();
      auto p = chap::decode(f.value().payload, f.value().payload_offset);
      if (!p) {
        ++counters.malformed;
        return;
      }
      return on_chap(p.value());
    }
    case proto::ipcp: return ncp_frame(ipcp_layer, f.value());
    case proto::ipv6cp: return ncp_frame(ipv6cp_layer, f.value());
    case proto::ipv4:
    case proto::ipv6: return discard();  // data belongs to the data plane, and only once the NCP is up
    default:
      // RFC 1661 §5.7: an unknown protocol in the network phase (or
      // once LCP is open) is Protocol-Rejected.
      return protocol_reject(f.value());
  }
}

}  // namespace bras::ppp

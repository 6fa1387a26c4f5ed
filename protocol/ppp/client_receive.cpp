// The client engine's handling of received LCP, PAP, CHAP, IPCP and IPv6CP packets.
#include "protocol/ppp/client_impl.hpp"

namespace bras::ppp {

void client_engine::impl::receive_lcp(wire::byte_span payload) {
  auto decoded = lcp::decode(payload);
  if (!decoded) {
    ++c.counters_.malformed;
    return;
  }
  const wire::byte_span raw = packet_bytes(payload);
  const lcp::packet& p = *decoded;
  if (const auto* request = std::get_if<lcp::configure_request>(&p)) {
    const lcp::packet answer = respond_lcp(*request);
    const wire::bytes reply = encode_lcp(answer);
    received in = answering(request->identifier);
    in.packet = raw;
    in.reply = reply;
    in.lcp_request = request;
    step(layer::lcp, event_of<lcp::option>(answer), in);
  } else if (const auto* ack = std::get_if<lcp::configure_ack>(&p)) {
    if (!acks(c.lcp_sent_, *ack)) return discard();
    c.lcp_sent_.reset();  // answered: a duplicate answer is discarded
    const auto* mru = find_option<lcp::mru>(ack->options);
    const auto* magic = find_option<lcp::magic_number>(ack->options);
    c.our_mru_ = mru != nullptr ? mru->value : lcp_default_mru;
    c.magic_ = magic != nullptr ? magic->value : 0;
    step(layer::lcp, ppp_event::rca, answering(ack->identifier));
  } else if (const auto* nak = std::get_if<lcp::configure_nak>(&p)) {
    if (!c.lcp_sent_ || nak->identifier != c.lcp_sent_->identifier) return discard();
    c.lcp_options_ = revise_lcp(c.lcp_sent_->options, *nak);
    c.lcp_sent_.reset();
    step(layer::lcp, ppp_event::rcn, answering(nak->identifier));
  } else if (const auto* reject = std::get_if<lcp::configure_reject>(&p)) {
    auto kept = without_rejected(c.lcp_sent_, *reject);
    if (!kept) return discard();
    c.lcp_options_ = std::move(*kept);
    c.lcp_sent_.reset();
    step(layer::lcp, ppp_event::rcn, answering(reject->identifier));
  } else if (const auto* terminate = std::get_if<terminate_request>(&p)) {
    if (lcp_opened() && !c.ending_) c.ending_ = finished{cause::normal, direction::at_peer, "peer-terminate-request"};
    step(layer::lcp, ppp_event::rtr, answering(terminate->identifier));
  } else if (std::holds_alternative<terminate_ack>(p)) {
    step(layer::lcp, ppp_event::rta);
  } else if (const auto* code = std::get_if<code_reject>(&p)) {
    if (catastrophic(*code)) {
      if (!c.ending_) c.ending_ = finished{cause::none, direction::at_peer, "lcp-code-rejected"};
      step(layer::lcp, ppp_event::rxj_minus);
    } else {
      step(layer::lcp, ppp_event::rxj_plus);
    }
  } else if (const auto* rejected = std::get_if<lcp::protocol_reject>(&p)) {
    receive_protocol_reject(*rejected);
  } else if (const auto* echo = std::get_if<lcp::echo_request>(&p)) {
    ++c.counters_.echo_requests_received;
    if (looped(echo->magic_number)) return discard();
    received in = answering(echo->identifier);
    in.echo_data = echo->data;
    step(layer::lcp, ppp_event::rxr, in);
  } else if (const auto* reply = std::get_if<lcp::echo_reply>(&p)) {
    ++c.counters_.echo_replies_received;
    if (lcp_opened() && !looped(reply->magic_number)) c.echo_unanswered_ = 0;
  } else if (std::holds_alternative<lcp::discard_request>(p)) {
    // Discarded by definition (RFC 1661 §5.8).
  } else {
    received in;
    in.packet = raw;
    step(layer::lcp, ppp_event::ruc, in);
  }
}

void client_engine::impl::receive_protocol_reject(const lcp::protocol_reject& rejected) {
  if (!lcp_opened()) return discard();
  switch (rejected.rejected_protocol) {
    case proto::lcp:
      if (!c.ending_) c.ending_ = finished{cause::none, direction::at_peer, "lcp-protocol-rejected"};
      step(layer::lcp, ppp_event::rxj_minus);
      break;
    case proto::ipcp:
    case proto::ipv6cp: {
      const layer ncp = rejected.rejected_protocol == proto::ipcp ? layer::ipcp : layer::ipv6cp;
      if (!receiving(fsm(ncp).state())) return discard();
      step(ncp, ppp_event::rxj_minus);
      break;
    }
    default: step(layer::lcp, ppp_event::rxj_plus); break;
  }
}

void client_engine::impl::receive_pap(wire::byte_span payload) {
  auto decoded = pap::decode(payload);
  if (!decoded) {
    ++c.counters_.malformed;
    return;
  }
  if (!authenticating_with(proto::pap) || c.phase_ != client_phase::authenticate) return discard();
  if (const auto* ack = std::get_if<pap::authenticate_ack>(&*decoded)) {
    if (!c.pap_ids_.test(ack->identifier)) return discard();
    authenticated(ack->message);
  } else if (const auto* nak = std::get_if<pap::authenticate_nak>(&*decoded)) {
    if (!c.pap_ids_.test(nak->identifier)) return discard();
    refused("pap-authenticate-nak", nak->message);
  } else {
    discard();  // an Authenticate-Request: we do not authenticate the LNS
  }
}

void client_engine::impl::receive_chap(wire::byte_span payload) {
  auto decoded = chap::decode(payload);
  if (!decoded) {
    ++c.counters_.malformed;
    return;
  }
  if (!authenticating_with(proto::chap)) return discard();
  if (const auto* challenge = std::get_if<chap::challenge>(&*decoded)) {
    // Every Challenge is answered, also the LNS's re-challenges in the network phase (RFC 1994 §2).
    auto digest = chap_md5_response(challenge->identifier, wire::as_bytes(c.config_.password), challenge->value);
    if (!digest) {
      local_close({cause::auth_failed, direction::at_local, "chap-md5-unavailable"});
      return;
    }
    c.chap_response_id_ = challenge->identifier;
    send(proto::chap, encode_with(&chap::encode, chap::packet{chap::response{
                                                     challenge->identifier, wire::bytes(digest->begin(), digest->end()),
                                                     c.config_.user}}));
  } else if (const auto* success = std::get_if<chap::success>(&*decoded)) {
    if (c.chap_response_id_ != success->identifier) return discard();
    if (!c.authenticated_ && c.phase_ == client_phase::authenticate) authenticated(success->message);
  } else if (const auto* failure = std::get_if<chap::failure>(&*decoded)) {
    if (c.chap_response_id_ != failure->identifier) return discard();
    refused("chap-failure", failure->message);
  } else {
    discard();  // a Response: we do not authenticate the LNS
  }
}

void client_engine::impl::receive_ipcp(wire::byte_span payload) {
  auto decoded = ipcp::decode(payload);
  if (!decoded) {
    ++c.counters_.malformed;
    return;
  }
  if (!ncp_accepts(layer::ipcp)) return discard();
  const wire::byte_span raw = packet_bytes(payload);
  const ipcp::packet& p = *decoded;
  if (receive_ncp_common(layer::ipcp, p, raw)) return;
  if (const auto* request = std::get_if<ipcp::configure_request>(&p)) {
    const ipcp::packet answer = respond_ipcp(*request);
    const wire::bytes reply = encode_ipcp(answer);
    received in = answering(request->identifier);
    in.packet = raw;
    in.reply = reply;
    in.ipcp_request = request;
    step(layer::ipcp, event_of<ipcp::option>(answer), in);
  } else if (const auto* ack = std::get_if<ipcp::configure_ack>(&p)) {
    if (!acks(c.ipcp_sent_, *ack)) return discard();
    c.ipcp_sent_.reset();
    const auto* address = find_option<ipcp::ip_address>(ack->options);
    const auto* dns1 = find_option<ipcp::primary_dns>(ack->options);
    const auto* dns2 = find_option<ipcp::secondary_dns>(ack->options);
    c.address_ = address != nullptr ? address->value : c.config_.requested_address;
    c.primary_dns_ = dns1 != nullptr ? dns1->value : 0;
    c.secondary_dns_ = dns2 != nullptr ? dns2->value : 0;
    step(layer::ipcp, ppp_event::rca, answering(ack->identifier));
  } else if (const auto* nak = std::get_if<ipcp::configure_nak>(&p)) {
    if (!c.ipcp_sent_ || nak->identifier != c.ipcp_sent_->identifier) return discard();
    c.ipcp_options_ = c.ipcp_sent_->options;
    c.ipcp_sent_.reset();
    for (ipcp::option& o : c.ipcp_options_) {
      if (auto* address = std::get_if<ipcp::ip_address>(&o)) {
        if (const auto* wanted = find_option<ipcp::ip_address>(nak->options)) address->value = wanted->value;
      } else if (auto* dns1 = std::get_if<ipcp::primary_dns>(&o)) {
        if (const auto* wanted = find_option<ipcp::primary_dns>(nak->options)) dns1->value = wanted->value;
      } else if (auto* dns2 = std::get_if<ipcp::secondary_dns>(&o)) {
        if (const auto* wanted = find_option<ipcp::secondary_dns>(nak->options)) dns2->value = wanted->value;
      }
    }
    step(layer::ipcp, ppp_event::rcn, answering(nak->identifier));
  } else if (const auto* reject = std::get_if<ipcp::configure_reject>(&p)) {
    auto kept = without_rejected(c.ipcp_sent_, *reject);
    if (!kept) return discard();
    c.ipcp_options_ = std::move(*kept);
    c.ipcp_sent_.reset();
    if (find_option<ipcp::ip_address>(reject->options) != nullptr && c.config_.requested_address == 0) {
      // No address negotiation and none of our own: IPv4 cannot work (as pppd).
      c.ipcp_close_cause_ = cause::no_acceptable_address;
      step(layer::ipcp, ppp_event::close);
      return;
    }
    step(layer::ipcp, ppp_event::rcn, answering(reject->identifier));
  }
}

void client_engine::impl::receive_ipv6cp(wire::byte_span payload) {
  auto decoded = ipv6cp::decode(payload);
  if (!decoded) {
    ++c.counters_.malformed;
    return;
  }
  if (!ncp_accepts(layer::ipv6cp)) return discard();
  const wire::byte_span raw = packet_bytes(payload);
  const ipv6cp::packet& p = *decoded;
  if (receive_ncp_common(layer::ipv6cp, p, raw)) return;
  if (const auto* request = std::get_if<ipv6cp::configure_request>(&p)) {
    const ipv6cp::packet answer = respond_ipv6cp(*request);
    const wire::bytes reply = encode_ipv6cp(answer);
    received in = answering(request->identifier);
    in.packet = raw;
    in.reply = reply;
    in.ipv6cp_request = request;
    step(layer::ipv6cp, event_of<ipv6cp::option>(answer), in);
  } else if (const auto* ack = std::get_if<ipv6cp::configure_ack>(&p)) {
    if (!acks(c.ipv6cp_sent_, *ack)) return discard();
    c.ipv6cp_sent_.reset();
    const auto* id = find_option<ipv6cp::interface_identifier>(ack->options);
    c.local_interface_id_ = id != nullptr ? id->value : c.config_.interface_id;
    step(layer::ipv6cp, ppp_event::rca, answering(ack->identifier));
  } else if (const auto* nak = std::get_if<ipv6cp::configure_nak>(&p)) {
    if (!c.ipv6cp_sent_ || nak->identifier != c.ipv6cp_sent_->identifier) return discard();
    c.ipv6cp_options_ = c.ipv6cp_sent_->options;
    c.ipv6cp_sent_.reset();
    // RFC 5072 §4.1: adopt the suggested identifier, also when we sent none.
    const auto* wanted = find_option<ipv6cp::interface_identifier>(nak->options);
    if (wanted != nullptr && wanted->value != 0) {
      auto ours = std::find_if(c.ipv6cp_options_.begin(), c.ipv6cp_options_.end(), [](const ipv6cp::option& o) {
        return std::holds_alternative<ipv6cp::interface_identifier>(o);
      });
      if (ours != c.ipv6cp_options_.end()) {
        *ours = *wanted;
      } else {
        c.ipv6cp_options_.insert(c.ipv6cp_options_.begin(), *wanted);
      }
    }
    step(layer::ipv6cp, ppp_event::rcn, answering(nak->identifier));
  } else if (const auto* reject = std::get_if<ipv6cp::configure_reject>(&p)) {
    auto kept = without_rejected(c.ipv6cp_sent_, *reject);
    if (!kept) return discard();
    c.ipv6cp_options_ = std::move(*kept);
    c.ipv6cp_sent_.reset();
    step(layer::ipv6cp, ppp_event::rcn, answering(reject->identifier));
  }
}

}  // namespace bras::ppp

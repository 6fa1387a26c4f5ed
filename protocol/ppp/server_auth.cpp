// The server engine's authenticator (PAP, CHAP-MD5, the AAA round trip) and proxy LCP/authentication.
#include "protocol/ppp/server_impl.hpp"

namespace bras::ppp {

void server_engine::impl::begin_authentication() {
  if (!method) {
    if (cfg.lac_capture) return capture(nullptr);
    return enter_network();
  }
  phase = link_phase::authenticate;
  auth_waited = std::chrono::milliseconds{0};
  if (*method == lcp::auth_method::chap_md5) {
    send_challenge();
  } else {
    auth = auth_state::waiting_peer;
    arm(timer::auth, cfg.auth_timeout);
  }
}

void server_engine::impl::send_challenge() {
  auth = auth_state::waiting_peer;
  auth_id = static_cast<std::uint8_t>(random.next());
  send_chap(chap::make_challenge(auth_id, challenge, cfg.name));
  // Retransmit every restart timer, but wait auth_timeout in total.
  const auto left = cfg.auth_timeout - auth_waited;
  auto wait = std::min(cfg.negotiation.restart_timer, left);
  if (wait.count() <= 0) wait = left;
  auth_waited += wait;
  arm(timer::auth, wait);
}

void server_engine::impl::ask_aaa(authenticate a) {
  stop(timer::auth);
  auth = auth_state::waiting_aaa;
  user = a.user;
  if (cfg.lac_capture && !a.proxied) capture(&a);
  out.emplace_back(std::move(a));
}

void server_engine::impl::capture(const authenticate* a) {
  if (captured || !lac) return;
  captured = true;
  // The LNS owns the link from here: no keepalive or authentication deadline of ours.
  stop(timer::auth);
  stop(timer::echo);
  if (a == nullptr) {
    lac->proxy.authen_type = proxy_authen::none;
    return;
  }
  lac->proxy.authen_name = a->user;
  lac->proxy.authen_id = a->chap_id;
  if (a->kind == authenticate::method::pap) {
    lac->proxy.authen_type = proxy_authen::pap;
    lac->proxy.authen_response = wire::to_bytes(std::string_view{a->password});
  } else {
    lac->proxy.authen_type = proxy_authen::chap;
    lac->proxy.authen_challenge = a->challenge;
    lac->proxy.authen_response = a->response;
  }
}

void server_engine::impl::answer_peer() {
  if (!method) return;
  const bool ok = auth == auth_state::accepted;
  if (*method == lcp::auth_method::pap) {
    if (ok) {
      send_pap(pap::authenticate_ack{auth_id, auth_message});
    } else {
      send_pap(pap::authenticate_nak{auth_id, auth_message});
    }
  } else {
    if (ok) {
      send_chap(chap::success{auth_id, auth_message});
    } else {
      send_chap(chap::failure{auth_id, auth_message});
    }
  }
}

void server_engine::impl::on_pap(const pap::packet& p) {
  const auto* req = std::get_if<pap::authenticate_request>(&p);
  if (req == nullptr || !method || *method != lcp::auth_method::pap) return discard();
  if (auth == auth_state::waiting_aaa) return;  // a retransmission while AAA decides
  if (auth == auth_state::accepted || auth == auth_state::rejected) {
    // Our Ack or Nak was lost: answer the retransmission again (RFC 1334 §2.2.1).
    auth_id = req->identifier;
    return answer_peer();
  }
  if (auth != auth_state::waiting_peer) return discard();
  auth_id = req->identifier;
  authenticate a;
  a.kind = authenticate::method::pap;
  a.user = req->peer_id;
  a.password = req->password;
  a.chap_id = req->identifier;  // the request's identifier (a proxying LAC forwards it as AVP 32)
  ask_aaa(std::move(a));
}

void server_engine::impl::on_chap(const chap::packet& p) {
  const auto* resp = std::get_if<chap::response>(&p);
  if (resp == nullptr || !method || *method != lcp::auth_method::chap_md5) return discard();
  if (resp->identifier != auth_id) return discard();  // stale (RFC 1994 §4.1)
  if (auth == auth_state::waiting_aaa) return;
  if (auth == auth_state::accepted || auth == auth_state::rejected) return answer_peer();
  if (auth != auth_state::waiting_peer) return discard();
  authenticate a;
  a.kind = authenticate::method::chap_md5;
  a.user = resp->name;
  a.chap_id = resp->identifier;
  a.challenge.assign(challenge.begin(), challenge.end());
  a.response = resp->value;
  ask_aaa(std::move(a));
}

void server_engine::impl::auth_done(bool accepted, std::uint32_t address, std::string_view message) {
  if (done || auth != auth_state::waiting_aaa) return;
  auth = accepted ? auth_state::accepted : auth_state::rejected;
  auth_message = std::string{message};
  answer_peer();
  if (!accepted) {
    return terminate(cause::auth_failed, direction::at_local, "authentication-failed");
  }
  ipcp_policy.peer_address = address;
  enter_network();
}

bool server_engine::impl::adopt_proxy(const proxy_info& p) {
  auto peer_req = decode_proxied(*p.last_received_confreq);
  auto lac_req = decode_proxied(*p.last_sent_confreq);
  if (!peer_req || !lac_req) return false;
  std::uint16_t mru_peer = lcp::default_mru;
  frame_flags flags{};
  std::uint32_t magic_peer = 0;
  for (const auto& o : peer_req->options) {
    if (const auto* m = std::get_if<lcp::mru>(&o)) {
      if (m->value < lcp_policy.min_mru) return false;
      mru_peer = m->value;
    } else if (const auto* mg = std::get_if<lcp::magic_number>(&o)) {
      magic_peer = mg->value;
    } else if (std::holds_alternative<lcp::pfc>(o)) {
      flags.pfc = true;
    } else if (std::holds_alternative<lcp::acfc>(o)) {
      flags.acfc = true;
    } else if (!std::holds_alternative<lcp::accm>(o)) {
      return false;  // quality protocol, multilink, unknown: nothing we can honour
    }
  }
  std::optional<lcp::auth_method> agreed;
  std::uint16_t mru_ours = lcp::default_mru;
  std::uint32_t magic_ours = 0;
  for (const auto& o : lac_req->options) {
    if (const auto* m = std::get_if<lcp::mru>(&o)) {
      mru_ours = m->value;
    } else if (const auto* au = std::get_if<lcp::auth_protocol>(&o)) {
      agreed = lcp::auth_method_of(*au);
      if (!agreed) return false;
    } else if (const auto* mg = std::get_if<lcp::magic_number>(&o)) {
      magic_ours = mg->value;
    }
  }
  if (!lcp_policy.auth.empty()) {
    if (!agreed || std::find(lcp_policy.auth.begin(), lcp_policy.auth.end(), *agreed) == lcp_policy.auth.end())
      return false;
  }
  if (magic_ours != 0 && magic_ours == magic_peer) return false;
  peer_mru = mru_peer;
  our_mru = mru_ours;
  tx = flags;
  peer_magic = magic_peer;
  lcp_policy.magic = magic_ours;
  method = lcp_policy.auth.empty() ? std::nullopt : agreed;
  return true;
}

std::optional<authenticate> server_engine::impl::proxied_credentials(const proxy_info& p) const {
  if (!method || !p.authen_type || !p.authen_name) return std::nullopt;
  authenticate a;
  a.proxied = true;
  a.user = *p.authen_name;
  if ((*p.authen_type == proxy_authen::pap || *p.authen_type == proxy_authen::text) &&
      *method == lcp::auth_method::pap && p.authen_response) {
    a.kind = authenticate::method::pap;
    a.password = wire::to_string(*p.authen_response);
    if (p.authen_id) a.chap_id = static_cast<std::uint8_t>(*p.authen_id & 0xff);
    return a;
  }
  if (*p.authen_type == proxy_authen::chap && *method == lcp::auth_method::chap_md5 && p.authen_challenge &&
      p.authen_response && p.authen_id) {
    a.kind = authenticate::method::chap_md5;
    a.chap_id = static_cast<std::uint8_t>(*p.authen_id & 0xff);
    a.challenge = *p.authen_challenge;
    a.response = *p.authen_response;
    return a;
  }
  return std::nullopt;
}

void server_engine::impl::start(const proxy_info& p) {
  if (done || phase != link_phase::dead) return;
  phase = link_phase::establish;
  if (cfg.lcp_renegotiation) {
    feed(lcp_layer, ppp_event::open);
    feed(lcp_layer, ppp_event::up);
    return;
  }
  if (!p.has_lcp()) {
    set_cause(cause::lcp_renegotiation_disabled, direction::at_local, "no-proxy-lcp");
    return finish();
  }
  if (!adopt_proxy(p)) {
    set_cause(cause::lcp_renegotiation_disabled, direction::at_local, "proxy-lcp-unacceptable");
    return finish();
  }
  proxied = true;
  lcp_layer.neg.assume_opened();
  if (cfg.echo_interval.count() > 0) arm(timer::echo, cfg.echo_interval);
  if (auto creds = proxied_credentials(p)) {
    phase = link_phase::authenticate;
    auth_proxied = true;
    auth_id = creds->chap_id;
    ask_aaa(std::move(*creds));
    return;
  }
  begin_authentication();
}

}  // namespace bras::ppp

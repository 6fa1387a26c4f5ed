#include "actors/aaa_radius.hpp"

#include "actors/lac_candidates.hpp"

namespace bras::actors {

namespace {

aaa_verdict rejected(std::string reason, std::string message) {
  aaa_verdict v;
  v.radius = true;
  v.reason = std::move(reason);
  v.message = std::move(message);
  return v;
}

/// Why RADIUS gave no answer, as a verdict reason.
std::string unavailable_reason(const std::string& error) {
  if (error == "queue-full") return "radius-queue-full";
  if (error.empty() || error == "timeout") return "radius-timeout";
  return "radius-" + error;
}

}  // namespace

radius::nas_identity nas_identity_of(const config::settings& s) {
  radius::nas_identity nas;
  nas.identifier = s.radius.nas_identifier.empty() ? s.l2tp.host_name : s.radius.nas_identifier;
  nas.ip_address = s.radius.nas_ip_address;
  if (nas.ip_address == 0 && !s.l2tp.local_gateways.empty()) {
    nas.ip_address = config::parse_ipv4(s.l2tp.local_gateways.front().address).value_or(0);
  }
  return nas;
}

radius::credentials credentials_of(const aaa_request& r) {
  radius::credentials c;
  c.user = r.user;
  c.chap = r.chap;
  c.password = r.password;
  c.chap_id = r.chap_id;
  c.challenge = r.challenge;
  c.response = r.response;
  return c;
}

radius_decision decide_radius(const radius_outcome& outcome, bool lac, const config::l2tp_settings& l2tp) {
  radius_decision d;
  if (!outcome.answered) {
    d.verdict = rejected(unavailable_reason(outcome.error), "authentication unavailable");
    return d;
  }
  const auto& reply = outcome.reply;
  switch (reply.code) {
    case radius::code::access_reject: {
      auto message = radius::reply_message(reply);
      d.verdict = rejected("radius-reject", message.empty() ? "authentication failed" : std::move(message));
      return d;
    }
    case radius::code::access_challenge:
      d.verdict = rejected("radius-challenge-unsupported", "authentication failed");
      return d;
    case radius::code::access_accept: break;
    default: d.verdict = rejected("radius-malformed-accept", "authentication failed"); return d;
  }
  auto read = radius::read_authorization(reply);
  if (!read) {
    d.verdict = rejected("radius-malformed-accept", "authentication failed");
    return d;
  }
  auto& a = read.value();
  auto& v = d.verdict;
  v.accepted = true;
  v.radius = true;
  v.message = a.reply_message;
  v.session_timeout = a.session_timeout;
  v.idle_timeout = a.idle_timeout;
  v.interim_interval = a.interim_interval;
  v.classes = a.classes;
  v.framed_mtu = a.framed_mtu;
  v.dns = a.dns;
  if (lac) {
    v.tunnels = a.tunnel_group.empty() ? a.tunnels : merge_profile(l2tp, a.tunnel_group, a.tunnels);
  }
  d.granted = std::move(a);
  return d;
}

aaa_radius::aaa_radius(aaa_radius_config cfg, grant_fn grant) : cfg_(std::move(cfg)), grant_(std::move(grant)) {}

caf::result<aaa_verdict> aaa_radius::ask(aaa_actor::pointer self, const aaa_request& r) {
  if (cfg_.accounting_refuses != nullptr && cfg_.accounting_refuses->load(std::memory_order_relaxed)) {
    // A session we could not account for is not started (spool full, refuse-new-sessions).
    cfg_.stats->aaa_radius_unavailable.fetch_add(1);
    return rejected("accounting-spool-full", "service unavailable");
  }
  radius_call call;
  call.service = radius_service::authentication;
  call.request = radius::make_access_request(cfg_.nas, credentials_of(r), r.line, r.acct_session_id);
  // Before the promise: making it takes the sender out of the current message.
  auto holder = self->current_sender();
  auto promise = self->make_response_promise<aaa_verdict>();
  aaa_request asked;  // what finish() needs, without the credentials
  asked.user = r.user;
  asked.lac = r.lac;
  self->request(cfg_.client, cfg_.timeout, std::move(call))
      .then([this, promise, holder, asked](radius_outcome& o) mutable { promise.deliver(finish(o, asked, holder)); },
            [this, promise, holder, asked](caf::error& e) mutable {
              cfg_.log->warn("aaa-radius-client-error user={} error={}", asked.user, caf::to_string(e));
              radius_outcome o;
              o.error = "timeout";
              promise.deliver(finish(o, asked, holder));
            });
  return promise;
}

aaa_verdict aaa_radius::finish(const radius_outcome& o, const aaa_request& r, const caf::strong_actor_ptr& holder) {
  auto d = decide_radius(o, r.lac, cfg_.l2tp);
  if (!o.answered) {
    cfg_.stats->aaa_radius_unavailable.fetch_add(1);
    cfg_.log->info("aaa-radius-unavailable user={} server={} error={}", r.user, o.server, o.error);
    return std::move(d.verdict);
  }
  if (d.verdict.reason == "radius-malformed-accept") {
    cfg_.log->warn("aaa-radius-malformed-accept user={} server={}", r.user, o.server);
  }
  if (d.granted && !r.lac) grant_(d.verdict, *d.granted, r.user, holder);
  if (d.verdict.accepted) {
    cfg_.stats->auth_accepts.fetch_add(1);
  } else {
    cfg_.stats->auth_rejects.fetch_add(1);
    cfg_.log->debug("aaa-radius-reject user={} server={} reason={}", r.user, o.server, d.verdict.reason);
  }
  return std::move(d.verdict);
}

}  // namespace bras::actors

#include "actors/radius_client_parts.hpp"

#include <algorithm>

#include "actors/radius_client.hpp"

namespace bras::actors {

std::string_view service_name(radius_service s) noexcept {
  return s == radius_service::authentication ? "authentication" : "accounting";
}

std::string_view setting_name(radius::message_authenticator_setting s) noexcept {
  switch (s) {
    case radius::message_authenticator_setting::yes: return "yes";
    case radius::message_authenticator_setting::no: return "no";
    case radius::message_authenticator_setting::automatic: return "auto";
  }
  return "auto";
}

bool answers(radius::code request, radius::code reply, radius_service service) noexcept {
  using radius::code;
  switch (request) {
    case code::access_request:
      return reply == code::access_accept || reply == code::access_reject || reply == code::access_challenge;
    case code::accounting_request: return reply == code::accounting_response;
    case code::status_server:  // RFC 5997 §3: the answer of the port's own service
      return service == radius_service::authentication ? reply == code::access_accept
                                                       : reply == code::accounting_response;
    default: return true;
  }
}

radius::packet status_server_probe(const radius::nas_identity& nas) {
  radius::packet p;
  p.code = radius::code::status_server;
  if (nas.ip_address != 0) p.add_ipv4(radius::attr::nas_ip_address, nas.ip_address);
  if (!nas.identifier.empty()) p.add_string(radius::attr::nas_identifier, nas.identifier);
  return p;
}

model::radius_server_snapshot initial_server_stats(const radius::server_config& s, radius_service service) {
  model::radius_server_snapshot snap;
  snap.name = s.name;
  snap.service = std::string{service_name(service)};
  snap.address = {s.address, s.port};
  snap.message_authenticator = std::string{setting_name(s.message_authenticator)};
  snap.weight = s.weight;
  snap.max_outstanding = s.max_outstanding;
  return snap;
}

void record_answer(model::radius_server_snapshot& s, radius::code reply, std::chrono::steady_clock::duration latency) {
  switch (reply) {
    case radius::code::access_accept: ++s.accepts; break;
    case radius::code::access_reject: ++s.rejects; break;
    case radius::code::access_challenge: ++s.challenges; break;
    default: ++s.responses; break;
  }
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto& bounds = model::radius_latency_bounds;
  // Bucket i counts latencies <= bounds[i] (and above the bound before); the last is +Inf.
  const auto bucket =
      static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  ++s.latency_buckets[bucket];
  s.latency_sum_seconds += seconds;
}

void record_refusal(model::radius_server_snapshot& s, radius::reply_refusal why) noexcept {
  switch (why) {
    case radius::reply_refusal::missing_message_authenticator: ++s.missing_message_authenticator; break;
    case radius::reply_refusal::malformed: ++s.malformed; break;
    case radius::reply_refusal::bad_response_authenticator:
    case radius::reply_refusal::bad_message_authenticator:
    case radius::reply_refusal::crypto_unavailable: ++s.bad_authenticators; break;
  }
}

radius::group_config group_config_of(const config::radius_group_settings& g) {
  radius::group_config out;
  out.dead_after = g.dead_after;
  out.dead_time = g.dead_time;
  out.probe_interval = g.probe_interval;
  for (const auto& s : g.servers) {
    radius::server_config c;
    c.name = s.name.empty() ? model::udp_peer{s.address, s.port}.to_string() : s.name;
    c.address = s.address;
    c.port = s.port;
    c.secret = s.secret;
    c.weight = s.weight;
    c.max_outstanding = s.max_outstanding;
    c.timeout = s.timeout;
    c.retries = s.retries;
    switch (s.message_authenticator) {
      case config::message_authenticator_mode::yes:
        c.message_authenticator = radius::message_authenticator_setting::yes;
        break;
      case config::message_authenticator_mode::no:
        c.message_authenticator = radius::message_authenticator_setting::no;
        break;
      case config::message_authenticator_mode::automatic:
        c.message_authenticator = radius::message_authenticator_setting::automatic;
        break;
    }
    out.servers.push_back(std::move(c));
  }
  return out;
}

}  // namespace bras::actors

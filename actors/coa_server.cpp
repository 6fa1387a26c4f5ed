#include "actors/coa_server.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "actors/context.hpp"
#include "protocol/radius/crypto.hpp"

namespace bras::actors {

namespace {

/// How long an answered request is remembered: a retransmission inside this gets the same answer.
constexpr std::chrono::seconds duplicate_window{30};
/// At most this many remembered requests (only authenticated ones get in: a flood needs the secret).
constexpr std::size_t duplicate_limit = 4096;
/// How long the sessions have to answer a clear (RFC 5176 clients retransmit after a few seconds).
constexpr std::chrono::seconds clear_deadline{5};

/// A request as its client may retransmit it: same client, identifier and authenticator.
using request_key = std::tuple<std::uint32_t, std::uint8_t, radius::authenticator>;

/// A request seen lately: its answer once there is one (none yet: the sessions are still answering).
struct remembered {
  std::chrono::steady_clock::time_point seen;
  std::optional<wire::bytes> reply;
};

/// What the socket was bound to, set by spawn_coa_server once the actor exists.
struct bound_socket {
  std::atomic<bool> open{false};
  std::atomic<std::uint32_t> index{0};
};

struct coa_state {
  static constexpr const char* name = "coa-server";

  coa_config cfg;
  std::shared_ptr<bound_socket> socket;
  model::coa_snapshot stats;
  std::map<request_key, remembered> recent;
  std::deque<std::pair<std::chrono::steady_clock::time_point, request_key>> recent_order;
  log_limiter drop_log;

  const config::coa_client_settings* client_of(std::uint32_t address) const {
    auto it = std::find_if(cfg.clients.begin(), cfg.clients.end(),
                           [&](const config::coa_client_settings& c) { return c.address == address; });
    return it == cfg.clients.end() ? nullptr : &*it;
  }

  void forget_old(std::chrono::steady_clock::time_point now) {
    while (!recent_order.empty() &&
           (now - recent_order.front().first > duplicate_window || recent_order.size() > duplicate_limit)) {
      recent.erase(recent_order.front().second);
      recent_order.pop_front();
    }
  }

  void remember(const request_key& key, std::chrono::steady_clock::time_point now) {
    recent[key] = remembered{now, std::nullopt};
    recent_order.emplace_back(now, key);
  }

  void drop(std::uint64_t& counter, const model::udp_peer& from, std::string_view why) {
    ++counter;
    if (drop_log.allow()) cfg.log->warn("coa-dropped client={} reason={}", from.to_string(), why);
  }

  /// Whether the request names this NAS (RFC 5176 §3: NAS identification attributes, when present).
  [[nodiscard]] bool names_us(const radius::dynamic_request& r) const {
    if (r.nas_ip_address && *r.nas_ip_address != cfg.nas.ip_address && *r.nas_ip_address != cfg.listen.address) {
      return false;
    }
    return !r.nas_identifier || *r.nas_identifier == cfg.nas.identifier;
  }
};

using coa_pointer = coa_actor::stateful_pointer<coa_state>;

/// "user=alice address=100.64.0.2": what a request matched sessions by, for the log.
std::string match_text(const model::query_filter& f) {
  std::string out;
  auto add = [&](std::string_view key, const std::string& value) {
    if (!out.empty()) out += ' ';
    out += std::string{key} + "=" + value;
  };
  if (f.acct_session_id) add("acct-session-id", *f.acct_session_id);
  if (f.user) add("user", *f.user);
  if (f.address) {
    const auto a = *f.address;
    add("address", std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." +
                       std::to_string((a >> 8) & 0xff) + "." + std::to_string(a & 0xff));
  }
  if (f.nas_port_id) add("nas-port-id", *f.nas_port_id);
  return out.empty() ? "none" : out;
}

std::string cause_text(std::optional<std::uint32_t> cause) {
  return cause ? "nak-" + std::to_string(*cause) : "ack";
}

/// Seals and sends the answer to `request`, remembers it for retransmissions, logs and counts it.
void answer(coa_pointer self, const radius_datagram& d, const radius::packet& request, const std::string& secret,
            const std::string& match, std::optional<std::uint32_t> cause) {
  auto& st = self->state;
  const bool with_message_authenticator = request.find(radius::attr::message_authenticator) != nullptr;
  auto wire =
      radius::seal_reply(radius::make_dynamic_reply(request, cause), request.auth, secret, with_message_authenticator);
  const request_key key{d.from.address, request.id, request.auth};
  if (!wire) {
    // MD5 refused (FIPS): nothing can be answered; the client retries and gets the same.
    st.cfg.log->error("coa-reply-unsealed client={} id={}", d.from.to_string(), request.id);
    st.recent.erase(key);
    return;
  }
  if (cause) {
    ++st.stats.naks;
  } else {
    ++st.stats.acks;
  }
  st.cfg.log->info("coa-request client={} code={} id={} match={} result={}", d.from.to_string(),
                   radius::to_string(request.code), request.id, match, cause_text(cause));
  if (auto it = st.recent.find(key); it != st.recent.end()) it->second.reply = *wire;
  if (!st.cfg.transport->send(d.socket, d.from, *wire) && st.drop_log.allow()) {
    st.cfg.log->warn("coa-send-failed client={}", d.from.to_string());
  }
}

/// The NAK cause for what the sessions did, or none for an ACK.
std::optional<std::uint32_t> cause_of(const model::clear_report& r) {
  if (!r.sessions.empty()) return std::nullopt;
  if (r.sessions_missing > 0 || r.tunnels_missing > 0 || r.shards_missing > 0) {
    return radius::error_cause::resources_unavailable;  // some sessions did not answer: we cannot say
  }
  return radius::error_cause::session_context_not_found;
}

/// RFC 5176 §3: checks a request in order and acts on it (or answers why not).
void handle(coa_pointer self, radius_datagram& d) {
  auto& st = self->state;
  const auto* client = st.client_of(d.from.address);
  if (client == nullptr) return st.drop(st.stats.unknown_client, d.from, "unknown-client");

  auto opened = radius::open_request(d.data, client->secret);
  if (auto* refusal = std::get_if<radius::reply_refusal>(&opened)) {
    if (*refusal == radius::reply_refusal::malformed || *refusal == radius::reply_refusal::crypto_unavailable) {
      return st.drop(st.stats.malformed, d.from, radius::to_string(*refusal));
    }
    return st.drop(st.stats.bad_authenticator, d.from, radius::to_string(*refusal));
  }
  auto& request = std::get<radius::packet>(opened);
  const bool disconnect = request.code == radius::code::disconnect_request;
  if (!disconnect && request.code != radius::code::coa_request) {
    return st.drop(st.stats.malformed, d.from, "not-a-coa-or-disconnect-request");
  }

  const auto now = std::chrono::steady_clock::now();
  st.forget_old(now);
  const request_key key{d.from.address, request.id, request.auth};
  if (auto it = st.recent.find(key); it != st.recent.end()) {
    // A retransmission: the same answer again (or nothing while the sessions are still answering).
    ++st.stats.replayed;
    if (it->second.reply) st.cfg.transport->send(d.socket, d.from, *it->second.reply);
    st.cfg.log->debug("coa-duplicate client={} id={} answered={}", d.from.to_string(), request.id,
                      it->second.reply.has_value());
    return;
  }
  auto read = radius::read_dynamic_request(request);
  if (read && read->event_timestamp) {
    const std::int64_t wall =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto skew = wall - static_cast<std::int64_t>(*read->event_timestamp);
    if (skew > st.cfg.replay_window.count() || -skew > st.cfg.replay_window.count()) {
      // RFC 5176 §3.6: silently discarded (not remembered: a copy is discarded the same way).
      return st.drop(st.stats.replayed, d.from, "event-timestamp-outside-window");
    }
  }
  if (disconnect) {
    ++st.stats.disconnect_requests;
  } else {
    ++st.stats.coa_requests;
  }
  st.remember(key, now);
  if (!read) {
    return answer(self, d, request, client->secret, "none", radius::error_cause::invalid_attribute_value);
  }
  const auto& r = *read;

  model::query_filter filter;
  filter.acct_session_id = r.acct_session_id;
  filter.user = r.user;
  filter.address = r.framed_ip;
  filter.nas_port_id = r.nas_port_id;
  const auto match = match_text(filter);
  const bool changes = r.session_timeout || r.idle_timeout || r.interim_interval;
  if (!st.names_us(r)) {
    return answer(self, d, request, client->secret, match, radius::error_cause::nas_identification_mismatch);
  }
  if (!r.unsupported.empty() || (disconnect && changes)) {
    // A Disconnect changes nothing: a change attribute in it is unsupported too (RFC 5176 §3).
    return answer(self, d, request, client->secret, match, radius::error_cause::unsupported_attribute);
  }
  if (!filter.session_filters()) {
    // Without identification the filter would match every session.
    return answer(self, d, request, client->secret, match, radius::error_cause::missing_attribute);
  }
  if (!disconnect && !changes) {
    // A CoA that changes nothing brasd can change: refused rather than ACKed as if applied.
    return answer(self, d, request, client->secret, match, radius::error_cause::invalid_request);
  }

  model::clear_request clear;
  clear.filter = std::move(filter);
  if (!disconnect) clear.change = model::session_change{r.session_timeout, r.idle_timeout, r.interim_interval};
  auto secret = client->secret;
  self->request(st.cfg.query, clear_deadline, clear_atom::value, std::move(clear))
      .then([self, d, request, secret,
             match](clear_report& report) { answer(self, d, request, secret, match, cause_of(report)); },
            [self, d, request, secret, match](caf::error& e) {
              self->state.cfg.log->warn("coa-clear-failed client={} error={}", d.from.to_string(),
                                        self->system().render(e));
              answer(self, d, request, secret, match, radius::error_cause::resources_unavailable);
            });
}

coa_actor::behavior_type coa_behavior(coa_pointer self, coa_config cfg, std::shared_ptr<bound_socket> socket) {
  self->state.cfg = std::move(cfg);
  self->state.socket = std::move(socket);
  return {
      [self](radius_datagram& d) { handle(self, d); },
      [self](aaa_stats_atom) -> model::coa_snapshot {
        auto& st = self->state;
        auto out = st.stats;
        out.enabled = true;
        out.listen = st.socket->open.load() ? st.cfg.transport->local(st.socket->index.load()) : st.cfg.listen;
        return out;
      },
  };
}

}  // namespace

std::variant<coa_actor, std::string> spawn_coa_server(caf::actor_system& sys, coa_config cfg) {
  if (!cfg.transport) return std::string{"coa: no transport"};
  if (!cfg.query) return std::string{"coa: no query actor"};
  if (cfg.clients.empty()) return std::string{"coa: no clients"};
  if (!cfg.log) cfg.log = spdlog::default_logger();
  auto transport = cfg.transport;
  const auto listen = cfg.listen;
  auto socket = std::make_shared<bound_socket>();
  auto actor = sys.spawn(coa_behavior, std::move(cfg), socket);
  auto opened = transport->open(listen, actor);
  if (auto* why = std::get_if<std::string>(&opened)) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return "coa: " + *why;
  }
  socket->index.store(std::get<std::uint32_t>(opened));
  socket->open.store(true);
  return actor;
}

}  // namespace bras::actors

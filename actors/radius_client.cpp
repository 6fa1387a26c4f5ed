#include "actors/radius_client.hpp"

#include <algorithm>
#include <chrono>
#include <deque>
#include <future>
#include <set>
#include <unordered_map>

#include "actors/context.hpp"
#include "actors/messages.hpp"
#include "protocol/radius/crypto.hpp"

namespace bras::actors {

namespace {

using radius::time_point;
using steady = radius::clock_type;

/// Source ports a client may open: 16 × 256 identifiers in flight per group.
constexpr std::size_t max_source_ports = 16;

struct source_port {
  std::uint32_t socket = 0;
  radius::identifier_space ids;
};

/// A call not sent yet: new, waiting for room, or failing over to the next server.
struct waiting_call {
  radius::packet request;
  caf::typed_response_promise<radius_outcome> promise;
  std::uint64_t tried = 0;  ///< bit i: server i already had its every attempt time out
  std::string last_server;
};

/// A request on the wire, keyed by (source port, identifier).
struct in_flight {
  std::size_t server = 0;
  bool probe = false;  ///< a Status-Server: no caller, its answer revives the server
  waiting_call call;   ///< the plain request (re-sealed for the next server) and its caller
  wire::bytes sealed;  ///< what is retransmitted, unchanged
  radius::authenticator auth{};
  unsigned attempts = 0;    ///< sends to this server
  time_point first_sent{};  ///< to this server (latency)
  time_point deadline{};
};

struct radius_client_state {
  static constexpr const char* name = "radius-client";
  radius_client_config cfg;
  std::optional<radius::server_group> group;
  std::vector<source_port> ports;
  std::unordered_map<std::uint32_t, in_flight> flights;
  std::set<std::pair<time_point, std::uint32_t>> deadlines;  ///< one timer for the nearest, not one per request
  std::deque<waiting_call> queue;
  std::vector<model::radius_server_snapshot> stats;
  std::vector<bool> warned_no_message_authenticator;
  std::uint64_t queue_full = 0, no_server = 0;
  std::optional<time_point> armed;
  std::uint64_t timer_generation = 0;
  log_limiter refused_log;  ///< refused replies: a forger must not flood the log
};

using self_pointer = radius_client_actor::stateful_pointer<radius_client_state>;

std::uint32_t key_of(std::size_t port, std::uint8_t id) {
  return static_cast<std::uint32_t>(port << 8) | id;
}

model::udp_peer peer_of(const radius::server_config& s) {
  return {s.address, s.port};
}

std::string_view service_name(radius_service s) {
  return s == radius_service::authentication ? "authentication" : "accounting";
}

std::string_view setting_name(radius::message_authenticator_setting s) {
  switch (s) {
    case radius::message_authenticator_setting::yes: return "yes";
    case radius::message_authenticator_setting::no: return "no";
    case radius::message_authenticator_setting::automatic: return "auto";
  }
  return "auto";
}

/// Does `reply` answer a request of code `request`?
bool answers(radius::code request, radius::code reply, radius_service service) {
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

/// RFC 5997 §3: a Status-Server carries the NAS identity (and a Message-Authenticator, added when sealed).
radius::packet status_server_probe(const radius::nas_identity& nas) {
  radius::packet p;
  p.code = radius::code::status_server;
  if (nas.ip_address != 0) p.add_ipv4(radius::attr::nas_ip_address, nas.ip_address);
  if (!nas.identifier.empty()) p.add_string(radius::attr::nas_identifier, nas.identifier);
  return p;
}

void log_state_change(self_pointer self, std::size_t i, radius::server_state before) {
  auto& st = self->state;
  const auto after = st.group->state(i);
  if (after == before) return;
  const auto& name = st.group->config(i).name;
  const auto service = service_name(st.cfg.service);
  if (after == radius::server_state::dead && before == radius::server_state::alive) {
    st.cfg.log->warn("radius-server-dead server={} service={} timeouts-in-row={} dead-time={}s", name, service,
                     st.group->config(i).retries + 1, st.cfg.group.dead_time.count());
  } else if (after == radius::server_state::probing) {
    st.cfg.log->info("radius-server-probing server={} service={}", name, service);
  } else if (after == radius::server_state::alive) {
    st.cfg.log->warn("radius-server-alive server={} service={} was={}", name, service, radius::to_string(before));
  }
}

void arm_timer(self_pointer self, time_point now) {
  auto& st = self->state;
  std::optional<time_point> next = st.group->next_event();
  if (!st.deadlines.empty() && (!next || st.deadlines.begin()->first < *next)) next = st.deadlines.begin()->first;
  if (!next || (st.armed && *st.armed <= *next)) return;
  st.armed = next;
  const auto wait = std::max(steady::duration::zero(), *next - now);
  self->delayed_send(self, wait, tick_atom::value, ++st.timer_generation);
}

/// A free (port, identifier), opening another source port when every open one is full.
std::optional<std::uint32_t> take_identifier(self_pointer self) {
  auto& st = self->state;
  for (std::size_t p = 0; p < st.ports.size(); ++p) {
    if (auto id = st.ports[p].ids.take()) return key_of(p, *id);
  }
  if (st.ports.size() >= max_source_ports) return std::nullopt;
  auto opened = st.cfg.transport->open({st.cfg.source_address, 0}, caf::actor_cast<radius_client_actor>(self));
  if (auto* e = std::get_if<std::string>(&opened)) {
    if (st.refused_log.allow()) st.cfg.log->warn("radius-source-port-failed error=\"{}\"", *e);
    return std::nullopt;
  }
  st.ports.push_back({std::get<std::uint32_t>(opened), {}});
  st.cfg.log->info("radius-source-port-opened service={} ports={}", service_name(st.cfg.service), st.ports.size());
  return key_of(st.ports.size() - 1, *st.ports.back().ids.take());
}

void release(self_pointer self, std::uint32_t key) {
  auto& st = self->state;
  auto it = st.flights.find(key);
  if (it == st.flights.end()) return;
  st.deadlines.erase({it->second.deadline, key});
  st.ports[key >> 8].ids.give_back(static_cast<std::uint8_t>(key & 0xff));
  st.flights.erase(it);
}

void transmit(self_pointer self, std::uint32_t key, const in_flight& f) {
  auto& st = self->state;
  // A datagram the kernel refused is lost like one dropped on the way: the timeout handles it.
  if (!st.cfg.transport->send(st.ports[key >> 8].socket, peer_of(st.group->config(f.server)), f.sealed) &&
      st.refused_log.allow()) {
    st.cfg.log->warn("radius-send-failed server={}", st.group->config(f.server).name);
  }
}

void fail(self_pointer self, waiting_call& call, std::string error) {
  auto& st = self->state;
  if (error == "timeout" || error == "no-server") ++st.no_server;
  radius_outcome out;
  out.server = std::move(call.last_server);
  out.error = std::move(error);
  call.promise.deliver(std::move(out));
}

/// Seals `request` for server `server` on a fresh identifier and sends it; false (with `key` given back)
/// when sealing failed.
bool launch(self_pointer self, std::uint32_t key, std::size_t server, waiting_call call, bool probe, time_point now) {
  auto& st = self->state;
  const auto auth = radius::random_authenticator();
  std::optional<wire::bytes> sealed;
  if (auth) {
    auto p = call.request;
    p.id = static_cast<std::uint8_t>(key & 0xff);
    p.auth = *auth;
    sealed = radius::seal_request(std::move(p), st.group->config(server).secret);
  }
  if (!sealed || sealed->size() < radius::header_size) {
    st.ports[key >> 8].ids.give_back(static_cast<std::uint8_t>(key & 0xff));
    return false;
  }
  in_flight f;
  f.server = server;
  f.probe = probe;
  f.call = std::move(call);
  // The authenticator the reply is checked against is the one on the wire (for Accounting-Request the
  // seal computed it).
  std::copy_n(sealed->begin() + 4, f.auth.size(), f.auth.begin());
  f.sealed = std::move(*sealed);
  f.attempts = 1;
  f.first_sent = now;
  f.deadline = now + st.group->config(server).timeout;
  st.deadlines.insert({f.deadline, key});
  if (probe) {
    ++st.stats[server].status_server_sent;
  } else {
    st.group->sent(server);
    ++st.stats[server].requests;
  }
  auto& placed = st.flights[key] = std::move(f);
  transmit(self, key, placed);
  return true;
}

enum class dispatch_result : std::uint8_t { sent, no_room, finished };

/// Sends `call` to the next server it has not tried, or says why it cannot go now.
dispatch_result dispatch(self_pointer self, waiting_call& call, time_point now) {
  auto& st = self->state;
  if (st.group->size() == 0) {
    fail(self, call, "no-server");
    return dispatch_result::finished;
  }
  const auto key = take_identifier(self);
  if (!key) return dispatch_result::no_room;
  const auto server = st.group->pick(now, call.tried);
  if (!server) {
    st.ports[*key >> 8].ids.give_back(static_cast<std::uint8_t>(*key & 0xff));
    // Room may come on an untried live server; with none, every server it could use has failed it.
    for (std::size_t i = 0; i < st.group->size() && i < 64; ++i) {
      if (((call.tried >> i) & 1u) == 0 && st.group->state(i) == radius::server_state::alive) {
        return dispatch_result::no_room;
      }
    }
    if (call.tried == 0) return dispatch_result::no_room;  // every server dead and full
    fail(self, call, "timeout");
    return dispatch_result::finished;
  }
  call.last_server = st.group->config(*server).name;
  // `launch` moves the call only when it succeeds; keep the promise to answer otherwise.
  auto promise = call.promise;
  if (!launch(self, *key, *server, std::move(call), false, now)) {
    radius_outcome out;
    out.server = st.group->config(*server).name;
    out.error = "crypto-unavailable";
    promise.deliver(std::move(out));
    return dispatch_result::finished;
  }
  return dispatch_result::sent;
}

/// Starts queued calls while servers have room (FIFO: the head waits, the rest wait behind it).
void drain_queue(self_pointer self, time_point now) {
  auto& st = self->state;
  while (!st.queue.empty()) {
    if (dispatch(self, st.queue.front(), now) == dispatch_result::no_room) return;
    st.queue.pop_front();
  }
}

void send_probe(self_pointer self, std::size_t server, time_point now) {
  auto& st = self->state;
  const auto key = take_identifier(self);
  waiting_call probe;
  probe.request = status_server_probe(st.cfg.nas);
  if (!key || !launch(self, *key, server, std::move(probe), true, now)) {
    st.group->probe_failed(server, now);  // tried again after probe_interval
    return;
  }
  log_state_change(self, server, radius::server_state::dead);
}

void expire(self_pointer self, std::uint32_t key, time_point now) {
  auto& st = self->state;
  auto& f = st.flights.at(key);
  const auto server = f.server;
  if (f.probe) {
    st.group->probe_failed(server, now);
    release(self, key);
    return;
  }
  const auto& sc = st.group->config(server);
  if (f.attempts <= sc.retries) {
    // The same bytes again (RFC 2865 §2.5: same identifier and authenticator).
    ++f.attempts;
    ++st.stats[server].retransmissions;
    st.deadlines.erase({f.deadline, key});
    f.deadline = now + sc.timeout;
    st.deadlines.insert({f.deadline, key});
    transmit(self, key, f);
    return;
  }
  ++st.stats[server].timeouts;
  const auto before = st.group->state(server);
  st.group->timed_out(server, now);
  log_state_change(self, server, before);
  waiting_call next = std::move(f.call);
  next.tried |= server < 64 ? (std::uint64_t{1} << server) : 0;
  release(self, key);
  // Next server: a new identifier and authenticator (a new request to it, not a retransmission).
  if (dispatch(self, next, now) == dispatch_result::no_room) st.queue.push_front(std::move(next));
}

void on_tick(self_pointer self, time_point now) {
  auto& st = self->state;
  while (!st.deadlines.empty() && st.deadlines.begin()->first <= now) expire(self, st.deadlines.begin()->second, now);
  for (auto i : st.group->probes_due(now)) send_probe(self, i, now);
  drain_queue(self, now);
}

/// A datagram that matches no request: counted on the server it came from, if it is one of ours.
void count_unmatched(self_pointer self, model::udp_peer from) {
  auto& st = self->state;
  for (std::size_t i = 0; i < st.group->size(); ++i) {
    if (peer_of(st.group->config(i)) == from) ++st.stats[i].malformed;
  }
}

void count_refusal(self_pointer self, std::size_t server, radius::reply_refusal why) {
  auto& s = self->state.stats[server];
  switch (why) {
    case radius::reply_refusal::missing_message_authenticator: ++s.missing_message_authenticator; break;
    case radius::reply_refusal::malformed: ++s.malformed; break;
    default: ++s.bad_authenticators; break;
  }
}

void record_answer(model::radius_server_snapshot& s, radius::code reply, steady::duration latency) {
  switch (reply) {
    case radius::code::access_accept: ++s.accepts; break;
    case radius::code::access_reject: ++s.rejects; break;
    case radius::code::access_challenge: ++s.challenges; break;
    default: ++s.responses; break;
  }
  const double seconds = std::chrono::duration<double>(latency).count();
  const auto& bounds = model::radius_latency_bounds;
  const auto bucket =
      static_cast<std::size_t>(std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  ++s.latency_buckets[bucket];
  s.latency_sum_seconds += seconds;
}

void on_datagram(self_pointer self, radius_datagram& d) {
  auto& st = self->state;
  const auto now = steady::now();
  const auto port = std::find_if(st.ports.begin(), st.ports.end(), [&](auto& p) { return p.socket == d.socket; });
  if (port == st.ports.end()) return;
  if (d.data.size() < radius::header_size) return count_unmatched(self, d.from);
  const auto key = key_of(static_cast<std::size_t>(port - st.ports.begin()), std::to_integer<std::uint8_t>(d.data[1]));
  const auto it = st.flights.find(key);
  // Late (its request already answered or given up) or never ours.
  if (it == st.flights.end()) return count_unmatched(self, d.from);
  auto& f = it->second;
  const auto server = f.server;
  const auto& sc = st.group->config(server);
  if (d.from != peer_of(sc)) {
    ++st.stats[server].malformed;
    if (st.refused_log.allow()) {
      st.cfg.log->warn("radius-reply-wrong-source server={} from={}", sc.name, d.from.to_string());
    }
    return;
  }
  auto opened = radius::open_reply(d.data, f.auth, sc.secret, st.group->policy(server));
  if (auto* why = std::get_if<radius::reply_refusal>(&opened)) {
    // Dropped, and the request stays outstanding: a forged reply must not end it.
    count_refusal(self, server, *why);
    if (st.refused_log.allow()) {
      st.cfg.log->warn("radius-reply-refused server={} reason={}", sc.name, radius::to_string(*why));
    }
    return;
  }
  auto& reply = std::get<radius::opened_reply>(opened);
  if (!answers(f.call.request.code, reply.reply.code, st.cfg.service)) {
    ++st.stats[server].malformed;
    if (st.refused_log.allow()) {
      st.cfg.log->warn("radius-reply-unexpected server={} code={}", sc.name, radius::to_string(reply.reply.code));
    }
    return;
  }
  if (sc.message_authenticator == radius::message_authenticator_setting::automatic &&
      !st.group->saw_message_authenticator(server) && !reply.had_message_authenticator &&
      !st.warned_no_message_authenticator[server]) {
    st.warned_no_message_authenticator[server] = true;
    st.cfg.log->warn(
        "radius-no-message-authenticator server={} replies carry no Message-Authenticator: forged replies cannot be "
        "told apart (BlastRADIUS, CVE-2024-3596); upgrade the server (FreeRADIUS >= 3.2.5) and set "
        "message-authenticator: yes",
        sc.name);
  }
  const auto before = st.group->state(server);
  if (f.probe) {
    ++st.stats[server].status_server_answered;
    st.group->probe_answered(server, now, reply.had_message_authenticator);
  } else {
    record_answer(st.stats[server], reply.reply.code, now - f.first_sent);
    st.group->answered(server, now, reply.had_message_authenticator);
    radius_outcome out;
    out.answered = true;
    out.reply = std::move(reply.reply);
    out.server = sc.name;
    f.call.promise.deliver(std::move(out));
  }
  log_state_change(self, server, before);
  release(self, key);
  drain_queue(self, now);
}

model::radius_client_snapshot snapshot_of(self_pointer self) {
  auto& st = self->state;
  model::radius_client_snapshot snap;
  const auto now = steady::now();
  const auto wall_now = std::chrono::system_clock::now();
  for (std::size_t i = 0; i < st.group->size(); ++i) {
    auto s = st.stats[i];
    s.state = std::string{radius::to_string(st.group->state(i))};
    if (auto until = st.group->dead_until(i)) {
      s.dead_until = wall_now + std::chrono::duration_cast<std::chrono::system_clock::duration>(*until - now);
    }
    s.message_authenticator_seen = st.group->saw_message_authenticator(i);
    s.outstanding = st.group->outstanding(i);
    snap.servers.push_back(std::move(s));
  }
  snap.queued = st.queue.size();
  snap.queue_limit = st.cfg.queue_limit;
  snap.queue_full = st.queue_full;
  snap.no_server = st.no_server;
  snap.source_ports = st.ports.size();
  return snap;
}

/// Opens the first source port (its outcome goes to the spawner: "" or the error) and warns about
/// the servers whose Message-Authenticator behaviour cannot be known yet.
void start(self_pointer self, std::promise<std::string>& opened) {
  auto& st = self->state;
  const auto& g = st.cfg.group;
  for (std::size_t i = 0; i < g.servers.size(); ++i) {
    const auto& s = g.servers[i];
    model::radius_server_snapshot snap;
    snap.name = s.name;
    snap.service = std::string{service_name(st.cfg.service)};
    snap.address = peer_of(s);
    snap.message_authenticator = std::string{setting_name(s.message_authenticator)};
    snap.weight = s.weight;
    snap.max_outstanding = s.max_outstanding;
    st.stats.push_back(std::move(snap));
    if (s.message_authenticator == radius::message_authenticator_setting::automatic) {
      st.cfg.log->warn(
          "radius-message-authenticator-unknown server={} service={} setting=auto: replies without "
          "Message-Authenticator are accepted until this server sends one (BlastRADIUS, CVE-2024-3596); set yes "
          "if it does (FreeRADIUS >= 3.2.5)",
          s.name, service_name(st.cfg.service));
    }
  }
  st.warned_no_message_authenticator.assign(g.servers.size(), false);
  auto first = st.cfg.transport->open({st.cfg.source_address, 0}, caf::actor_cast<radius_client_actor>(self));
  if (auto* e = std::get_if<std::string>(&first)) {
    opened.set_value(*e);
    return;
  }
  st.ports.push_back({std::get<std::uint32_t>(first), {}});
  opened.set_value("");
}

radius_client_actor::behavior_type radius_client(self_pointer self, radius_client_config cfg,
                                                 std::shared_ptr<std::promise<std::string>> opened) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (!st.cfg.log) st.cfg.log = spdlog::default_logger();
  st.group.emplace(st.cfg.group);
  start(self, *opened);
  return {
      [self](radius_call& call) -> caf::typed_response_promise<radius_outcome> {
        auto& s = self->state;
        waiting_call w;
        w.request = std::move(call.request);
        w.promise = self->make_response_promise<radius_outcome>();
        auto promise = w.promise;
        const auto now = steady::now();
        if (!s.queue.empty()) {
          // FIFO: behind those already waiting.
          if (s.queue.size() >= s.cfg.queue_limit) {
            ++s.queue_full;
            fail(self, w, "queue-full");
          } else {
            s.queue.push_back(std::move(w));
          }
        } else if (dispatch(self, w, now) == dispatch_result::no_room) {
          if (s.cfg.queue_limit == 0) {
            ++s.queue_full;
            fail(self, w, "queue-full");
          } else {
            s.queue.push_back(std::move(w));
          }
        }
        arm_timer(self, now);
        return promise;
      },
      [self](radius_datagram& d) {
        on_datagram(self, d);
        arm_timer(self, steady::now());
      },
      [self](tick_atom, std::uint64_t generation) {
        auto& s = self->state;
        if (generation != s.timer_generation) return;  // superseded by a nearer deadline
        s.armed.reset();
        const auto now = steady::now();
        on_tick(self, now);
        arm_timer(self, now);
      },
      [self](aaa_stats_atom) { return snapshot_of(self); },
  };
}

}  // namespace

std::variant<radius_client_actor, std::string> spawn_radius_client(caf::actor_system& sys, radius_client_config cfg) {
  if (!cfg.transport) return std::string{"radius client: no transport"};
  auto opened = std::make_shared<std::promise<std::string>>();
  auto outcome = opened->get_future();
  auto actor = sys.spawn(radius_client, std::move(cfg), opened);
  // The actor opens its first port itself (the socket needs its handle); wait for the verdict.
  if (outcome.wait_for(std::chrono::seconds{10}) != std::future_status::ready) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return std::string{"radius client: did not start"};
  }
  if (auto error = outcome.get(); !error.empty()) {
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return error;
  }
  return actor;
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

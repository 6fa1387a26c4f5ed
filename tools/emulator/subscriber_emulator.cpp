#include "tools/emulator/subscriber_emulator.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "protocol/dhcpv6/message.hpp"
#include "protocol/ip/nd.hpp"
#include "protocol/ip/packet.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/server.hpp"
#include "tools/emulator/ipv6_client.hpp"

namespace bras::actors {

namespace {

struct subscriber_state {
  static constexpr const char* name = "subscriber";
  explicit subscriber_state(subscriber_actor::stateful_pointer<subscriber_state> s) : self(s) {}

  subscriber_actor::stateful_pointer<subscriber_state> self;
  subscriber_args args;
  std::optional<ppp::client_engine> ppp;
  session_actor session;
  std::array<std::uint32_t, ppp::timer_count> generation{};
  bool muted = false;
  bool ended = false;
  /// Frames from the LNS that overtook the call result (the session sends them
  /// to us directly, the result comes through the LAC controller).
  std::vector<ppp_frame> early;
  /// Load traffic: our IPCP address once up, the next Echo sequence number,
  /// and the fraction of a packet carried over between bursts.
  std::uint32_t address = 0;
  std::uint16_t echo_sequence = 0;
  double traffic_carry = 0;
  /// --ipv6: the host side after IPv6CP, its timer's generation, and its Echo sequence number.
  std::optional<emulator::ipv6_client> v6;
  std::uint32_t v6_generation = 0;
  std::uint16_t echo6_sequence = 0;

  /// Ticks of at least 100 ms: a burst per tick keeps timer messages few
  /// when many subscribers send fast.
  [[nodiscard]] std::chrono::microseconds traffic_interval() const {
    const double pps = args.traffic.pps;
    const double seconds = pps >= 10 ? 0.1 : 1.0 / pps;
    return std::chrono::microseconds{static_cast<std::int64_t>(seconds * 1e6)};
  }

  void start_traffic(std::uint32_t local_address) {
    if (args.traffic.pps <= 0 || !args.traffic.counters || address != 0) return;
    address = local_address;
    self->delayed_send(self, traffic_interval(), traffic_atom::value);
  }

  void send_traffic() {
    const auto& t = args.traffic;
    if (ended || !session || address == 0 || t.counters->stop.load(std::memory_order_relaxed)) return;
    traffic_carry += t.pps * std::chrono::duration<double>(traffic_interval()).count();
    const auto burst = static_cast<unsigned>(traffic_carry);
    traffic_carry -= burst;
    const std::uint32_t to = t.destination != 0 ? t.destination : ppp->peer_address();
    for (unsigned i = 0; i < burst; ++i) {
      auto packet = ip::make_icmp_echo_request(address, to, echo_identifier(), ++echo_sequence, t.size);
      t.counters->sent.fetch_add(1, std::memory_order_relaxed);
      t.counters->sent_bytes.fetch_add(packet.size(), std::memory_order_relaxed);
      self->send(session, session_input{subscriber_frame{ppp->frame_ip(ppp::network::ipv4, packet)}});
    }
    if (v6 && v6->ready() && t.destination_v6) {
      const auto size = std::max<std::size_t>(t.size, 48);
      for (unsigned i = 0; i < burst; ++i) {
        send_echo6(v6->slaac_address(), *t.destination_v6, size);
        if (t.from_delegated_prefix && v6->lease()) send_echo6(v6->delegated_address(), *t.destination_v6, size);
      }
    }
    self->delayed_send(self, traffic_interval(), traffic_atom::value);
  }

  void send_echo6(const ip::ipv6_address& from, const ip::ipv6_address& to, std::size_t size) {
    auto packet = ip::nd::make_echo_request(from, to, echo_identifier(), ++echo6_sequence, size);
    args.traffic.counters->sent_v6.fetch_add(1, std::memory_order_relaxed);
    args.traffic.counters->sent_v6_bytes.fetch_add(packet.size(), std::memory_order_relaxed);
    send_ip(true, packet);
  }

  void send_ip(bool ipv6, wire::byte_span packet) {
    if (!session || ended) return;
    self->send(session,
               session_input{subscriber_frame{ppp->frame_ip(ipv6 ? ppp::network::ipv6 : ppp::network::ipv4, packet)}});
  }

  /// True when `packet` answers our ICMPv6 load traffic (then it is only counted).
  bool count_traffic_reply6(wire::byte_span packet) {
    if (!v6 || !args.traffic.counters) return false;
    auto r = ip::nd::parse_echo_reply(packet);
    if (!r || r->identifier != echo_identifier()) return false;
    auto& c = *args.traffic.counters;
    c.received_v6.fetch_add(1, std::memory_order_relaxed);
    c.received_v6_bytes.fetch_add(packet.size(), std::memory_order_relaxed);
    constexpr std::size_t destination_offset = 24;  // in the fixed IPv6 header
    ip::ipv6_address to{};
    std::copy_n(packet.begin() + destination_offset, to.size(), to.begin());
    if (v6->lease() && to == v6->delegated_address()) c.received_v6_from_pd.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  void start_ipv6(std::uint64_t interface_id) {
    if (!args.ipv6.enabled || v6) return;
    emulator::ipv6_client_config c;
    c.interface_id = interface_id;
    c.prefix_delegation = args.ipv6.prefix_delegation;
    // DUID-LL of a made-up locally administered MAC carrying our ID: distinct per subscriber.
    std::array<std::byte, 6> mac{std::byte{0x02}};
    for (std::size_t i = 0; i < 5; ++i) mac[5 - i] = static_cast<std::byte>(args.id >> (8 * i));
    c.duid = dhcpv6::duid_ll(mac);
    c.iaid = 1;
    c.transaction_id = static_cast<std::uint32_t>(args.id * 16);
    v6.emplace(std::move(c));
    perform_v6(v6->start(emulator::ipv6_client::clock_type::now()));
  }

  void perform_v6(emulator::ipv6_client_effects fx) {
    for (const auto& packet : fx.send) send_ip(true, packet);
    if (fx.arm) self->delayed_send(self, *fx.arm, ipv6_client_timer{++v6_generation});
    if (!fx.ready && !fx.failed) return;
    subscriber_event ev;
    if (fx.ready) {
      ev.what = subscriber_event::kind::ipv6_ready;
      if (v6->slaac_prefix()) ev.ipv6_prefix = ip::to_string(*v6->slaac_prefix());
      if (v6->lease()) ev.delegated_prefix = ip::to_string(v6->lease()->prefix);
      ev.ra_latency_ms = std::chrono::duration<double, std::milli>(v6->ra_latency()).count();
      ev.dhcpv6_latency_ms = std::chrono::duration<double, std::milli>(v6->dhcpv6_latency()).count();
    } else {
      ev.what = subscriber_event::kind::ipv6_failed;
      ev.message = emulator::to_string(v6->failure());
    }
    event(std::move(ev));
  }

  [[nodiscard]] std::uint16_t echo_identifier() const { return static_cast<std::uint16_t>(args.id); }

  /// True when `packet` answers our load traffic (then it is only counted).
  bool count_traffic_reply(wire::byte_span packet) {
    if (address == 0) return false;
    auto r = ip::parse_icmp_echo_reply(packet);
    if (!r || r->identifier != echo_identifier()) return false;
    args.traffic.counters->received.fetch_add(1, std::memory_order_relaxed);
    args.traffic.counters->received_bytes.fetch_add(packet.size(), std::memory_order_relaxed);
    return true;
  }

  void event(subscriber_event e) {
    e.id = args.id;
    if (args.observer) self->send(args.observer, std::move(e));
  }

  void perform(ppp::effects fx) {
    for (auto& e : fx) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) {
        if (session) self->send(session, session_input{subscriber_frame{std::move(f->frame)}});
      } else if (auto* t = std::get_if<ppp::arm_timer>(&e)) {
        const auto i = static_cast<std::size_t>(t->which);
        self->delayed_send(self, t->after, client_timer{static_cast<std::uint8_t>(i), ++generation[i]});
      } else if (auto* st = std::get_if<ppp::stop_timer>(&e)) {
        ++generation[static_cast<std::size_t>(st->which)];
      } else if (auto* a = std::get_if<ppp::auth_outcome>(&e)) {
        subscriber_event ev;
        ev.what = a->accepted ? subscriber_event::kind::auth_ok : subscriber_event::kind::auth_failed;
        ev.message = a->message;
        event(std::move(ev));
      } else if (auto* up = std::get_if<ppp::network_up>(&e)) {
        subscriber_event ev;
        ev.what = up->which == ppp::network::ipv4 ? subscriber_event::kind::ipv4_up : subscriber_event::kind::ipv6_up;
        ev.address = up->local_address;
        ev.peer_address = up->peer_address;
        ev.interface_id = up->local_interface_id;
        ev.primary_dns = up->primary_dns;
        ev.secondary_dns = up->secondary_dns;
        if (up->which == ppp::network::ipv4) start_traffic(up->local_address);
        event(std::move(ev));
        if (up->which == ppp::network::ipv6) start_ipv6(up->local_interface_id);
      } else if (auto* fin = std::get_if<ppp::finished>(&e)) {
        finish(fin->cause, fin->message);
        // Hang up the call as well; the LNS may already be clearing it.
        if (session) self->send(session, session_input{session_signal::close});
      }
    }
  }

  void finish(std::uint16_t cause, std::string message) {
    if (ended) return;
    ended = true;
    subscriber_event ev;
    ev.what = subscriber_event::kind::finished;
    ev.cause = cause;
    ev.message = std::move(message);
    event(std::move(ev));
  }

  void on_frame(ppp_frame& f) {
    if (muted || !ppp || ended || !args.ppp_enabled) return;
    if (!session) {
      if (early.size() < 16) early.push_back(std::move(f));
      return;
    }
    auto fr = ppp::decode_frame(f.frame);
    if (fr && (fr.value().protocol == ppp::proto::ipv4 || fr.value().protocol == ppp::proto::ipv6)) {
      if (fr.value().protocol == ppp::proto::ipv4 && count_traffic_reply(fr.value().payload)) return;
      if (fr.value().protocol == ppp::proto::ipv6 && v6) {
        bool consumed = false;
        auto fx = v6->receive(fr.value().payload, emulator::ipv6_client::clock_type::now(), consumed);
        if (consumed) {
          perform_v6(std::move(fx));
          return;
        }
        if (count_traffic_reply6(fr.value().payload)) return;
      }
      if (args.observer) {
        self->send(args.observer, subscriber_ip{args.id, fr.value().protocol == ppp::proto::ipv6,
                                                wire::bytes{fr.value().payload.begin(), fr.value().payload.end()}});
      }
      return;
    }
    perform(ppp->receive(f.frame));
  }
};

/// The options of an LCP packet (code onwards), as AVPs 26-28 carry them.
wire::bytes options_of(const wire::bytes& packet) {
  return packet.size() >= 4 ? wire::bytes{packet.begin() + 4, packet.end()} : wire::bytes{};
}

/// Plays the LAC's half of LCP and authentication against `client`, in
/// memory, until the credentials are in (what a proxying LAC does before it
/// opens the call); returns the ICCN's proxy AVPs, or nothing on failure.
std::optional<ppp::proxy_info> negotiate_locally(ppp::client_engine& client,
                                                 const std::vector<ppp::lcp::auth_method>& methods) {
  ppp::server_config sc;
  sc.lcp.auth = methods;
  sc.lcp.magic = 0x4c414321;  // "LAC!"
  sc.name = "lac";
  sc.echo_interval = std::chrono::milliseconds{0};
  for (std::size_t i = 0; i < sc.challenge.size(); ++i) sc.challenge[i] = static_cast<std::byte>(0xa0 + i);
  ppp::server_engine lac{sc};
  std::optional<ppp::authenticate> creds;
  std::vector<wire::bytes> to_client;
  std::vector<wire::bytes> to_lac;
  auto route = [&](ppp::effects fx, std::vector<wire::bytes>& out) {
    for (auto& e : fx) {
      if (auto* f = std::get_if<ppp::send_frame>(&e)) out.push_back(std::move(f->frame));
      if (auto* a = std::get_if<ppp::authenticate>(&e)) creds = std::move(*a);
    }
  };
  route(client.start(), to_lac);
  route(lac.start(), to_client);
  for (int round = 0; round < 50 && !creds; ++round) {
    auto a = std::exchange(to_lac, {});
    auto b = std::exchange(to_client, {});
    if (a.empty() && b.empty()) break;
    for (auto& f : a) route(lac.receive(f), to_client);
    for (auto& f : b) route(client.receive(f), to_lac);
  }
  if (!creds) return std::nullopt;
  ppp::proxy_info p;
  p.initial_received_confreq = options_of(client.first_sent_confreq());
  p.last_received_confreq = options_of(client.last_sent_confreq());
  p.last_sent_confreq = options_of(client.last_received_confreq());
  p.authen_name = creds->user;
  p.authen_id = creds->chap_id;
  if (creds->kind == ppp::authenticate::method::pap) {
    p.authen_type = ppp::proxy_authen::pap;
    p.authen_response = wire::to_bytes(creds->password);
  } else {
    p.authen_type = ppp::proxy_authen::chap;
    p.authen_challenge = creds->challenge;
    p.authen_response = creds->response;
  }
  return p;
}

subscriber_actor::behavior_type subscriber_behavior(subscriber_actor::stateful_pointer<subscriber_state> self,
                                                    subscriber_args args) {
  auto& init = self->state;
  init.args = std::move(args);
  init.ppp.emplace(init.args.ppp);
  call_request c;
  c.call_id = init.args.id;
  c.calling_number = init.args.calling_number;
  c.subscriber = self;
  c.line = init.args.line;
  if (init.args.proxy) {
    auto p = negotiate_locally(*init.ppp, init.args.proxy_auth);
    if (!p) {
      subscriber_event ev;
      ev.what = subscriber_event::kind::call_failed;
      ev.message = "proxy negotiation failed";
      init.event(std::move(ev));
      init.ended = true;
      // An empty behavior, as an untyped actor's `return {}`: it ends at once.
      return {subscriber_actor::behavior_type::unsafe_init{}, caf::behavior{}};
    }
    c.proxy = std::move(*p);
  }
  // The instance going away (its LAC controller killed) takes its subscribers
  // along. Linked to the LAC only while the call is being placed, then to
  // the session: CAF 0.17 keeps an actor's links in a list it scans on every
  // link and unlink, so 100,000 subscribers linked to one LAC controller cost
  // quadratic time (seen: a 100k-session benchmark that never finished).
  if (init.args.link_lac) self->link_to(init.args.lac);
  self->send(init.args.lac, std::move(c));
  return {
      [self](call_result& r) {
        auto& st = self->state;
        if (!r.established) {
          subscriber_event ev;
          ev.what = subscriber_event::kind::call_failed;
          ev.message = r.reason;
          st.event(std::move(ev));
          st.ended = true;
          self->quit();
          return;
        }
        st.session = r.session;
        if (st.session) self->link_to(st.session);
        if (st.args.link_lac) self->unlink_from(st.args.lac);
        if (!st.args.ppp_enabled) {
          subscriber_event ev;
          ev.what = subscriber_event::kind::call_up;
          st.event(std::move(ev));
          return;
        }
        // With proxy LCP the engine is already past LCP, waiting for the authentication result.
        if (!st.args.proxy) st.perform(st.ppp->start());
        for (auto& f : std::exchange(st.early, {})) st.on_frame(f);
      },
      [self](ppp_frame& f) { self->state.on_frame(f); },
      [self](client_timer t) {
        auto& st = self->state;
        if (st.ended || t.which >= ppp::timer_count || st.generation[t.which] != t.generation) return;
        st.perform(st.ppp->timeout(static_cast<ppp::timer>(t.which)));
      },
      [self](ipv6_client_timer t) {
        auto& st = self->state;
        if (st.ended || !st.v6 || t.generation != st.v6_generation) return;
        st.perform_v6(st.v6->timeout(emulator::ipv6_client::clock_type::now()));
      },
      [self](subscriber_ip& p) {
        auto& st = self->state;
        if (!st.session || st.ended) return;
        auto frame = st.ppp->frame_ip(p.ipv6 ? ppp::network::ipv6 : ppp::network::ipv4, p.packet);
        self->send(st.session, session_input{subscriber_frame{std::move(frame)}});
      },
      [self](traffic_atom) { self->state.send_traffic(); },
      [self](mute_atom) { self->state.muted = true; },
      [self](close_atom) {
        auto& st = self->state;
        if (st.ended || !st.args.ppp_enabled || st.args.hangup_cdn) {
          if (st.session) self->send(st.session, session_input{session_signal::close});
          return;
        }
        // The Release goes first, so the LNS frees the prefix by DHCPv6, not only at hang-up.
        if (st.args.ipv6.release && st.v6) {
          if (auto release = st.v6->release(); !release.empty()) st.send_ip(true, release);
        }
        st.perform(st.ppp->close());
      },
      [self](call_cleared&) {
        auto& st = self->state;
        if (!st.ended) st.perform(st.ppp->lower_down());
        st.finish(0, "call-cleared");
        self->quit();
      },
  };
}

}  // namespace

subscriber_actor spawn_subscriber(caf::actor_system& sys, subscriber_args args) {
  return sys.spawn(subscriber_behavior, std::move(args));
}

}  // namespace bras::actors

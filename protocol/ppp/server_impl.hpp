// Internal to server.cpp and its companion .cpp files: the engine's state and
// the helpers it is built from. Not part of the public API.
#pragma once

#include "protocol/ppp/server.hpp"

#include <algorithm>
#include <utility>
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"

namespace bras::ppp {

namespace server_detail {

// ---- per-protocol traits, so one template runs LCP, IPCP and IPv6CP ----

struct lcp_traits {
  static constexpr std::uint16_t number = proto::lcp;
  static constexpr timer restart = timer::lcp;
  using packet = lcp::packet;
  using option = lcp::option;
  static wire::result<packet> decode(wire::byte_span b, std::size_t base) { return lcp::decode(b, base); }
  static wire::status encode(wire::writer& w, const packet& p) { return lcp::encode(w, p); }
};

struct ipcp_traits {
  static constexpr std::uint16_t number = proto::ipcp;
  static constexpr timer restart = timer::ipcp;
  using packet = ipcp::packet;
  using option = ipcp::option;
  static wire::result<packet> decode(wire::byte_span b, std::size_t base) { return ipcp::decode(b, base); }
  static wire::status encode(wire::writer& w, const packet& p) { return ipcp::encode(w, p); }
};

struct ipv6cp_traits {
  static constexpr std::uint16_t number = proto::ipv6cp;
  static constexpr timer restart = timer::ipv6cp;
  using packet = ipv6cp::packet;
  using option = ipv6cp::option;
  static wire::result<packet> decode(wire::byte_span b, std::size_t base) { return ipv6cp::decode(b, base); }
  static wire::status encode(wire::writer& w, const packet& p) { return ipv6cp::encode(w, p); }
};

/// One control protocol's automaton, our current request and the bookkeeping around it.
template <class P>
struct layer {
  using request = configure_packet<control_code::configure_request, typename P::option>;
  negotiation neg;
  request ours;                     ///< our latest Configure-Request (identifier = the one sent)
  std::uint8_t next_id = 1;         ///< identifier of our next request
  std::uint32_t naks_received = 0;  ///< Naks/Rejects of our requests in this negotiation
  std::optional<request> early;     ///< NCP: the peer's request seen before the network phase
  bool enabled = true;
};

/// Identifiers and replacement numbers: not secrets, just varied (xorshift32).
struct rng {
  std::uint32_t s;
  std::uint32_t next() noexcept {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    return s;
  }
  std::uint32_t nonzero() noexcept {
    std::uint32_t v = 0;
    while (v == 0) v = next();
    return v;
  }
};

/// An LCP Configure-Request's options as carried in AVPs 26-28, decoded by wrapping them in a header.
inline std::optional<lcp::configure_request> decode_proxied(const wire::bytes& options) {
  if (options.size() > 1500) return std::nullopt;
  wire::bytes packet;
  packet.reserve(options.size() + 4);
  const auto length = static_cast<std::uint16_t>(options.size() + 4);
  packet.push_back(std::byte{1});
  packet.push_back(std::byte{1});
  packet.push_back(static_cast<std::byte>(length >> 8));
  packet.push_back(static_cast<std::byte>(length & 0xff));
  packet.insert(packet.end(), options.begin(), options.end());
  auto decoded = lcp::decode(packet);
  if (!decoded) return std::nullopt;
  if (auto* req = std::get_if<lcp::configure_request>(&decoded.value())) return std::move(*req);
  return std::nullopt;
}

template <class Packet>
wire::bytes encode_frame_of(std::uint16_t protocol, const Packet& p,
                            wire::status (*encode)(wire::writer&, const Packet&)) {
  wire::bytes b;
  wire::writer w{b};
  encode_frame_header(w, protocol, {});
  if (!encode(w, p)) return {};
  return b;
}

}  // namespace server_detail

using namespace server_detail;

struct server_engine::impl {
  server_config cfg;
  rng random;
  link_phase phase = link_phase::dead;
  effects out;
  link_counters counters;
  std::array<bool, timer_count> armed{};
  bool done = false;

  layer<lcp_traits> lcp_layer;
  layer<ipcp_traits> ipcp_layer;
  layer<ipv6cp_traits> ipv6cp_layer;
  ipcp::policy ipcp_policy;
  ipv6cp::policy ipv6cp_policy;

  // LCP results
  std::uint16_t peer_mru = lcp::default_mru;
  std::uint16_t our_mru = lcp::default_mru;
  frame_flags tx{};
  std::uint32_t peer_magic = 0;
  std::uint32_t loop_count = 0;
  bool proxied = false;

  // Authentication
  std::optional<lcp::auth_method> method;  ///< what LCP agreed on (nullopt: none)
  std::string user;
  enum class auth_state : std::uint8_t { idle, waiting_peer, waiting_aaa, accepted, rejected } auth = auth_state::idle;
  std::uint8_t auth_id = 0;                  ///< the PAP request's / our CHAP Challenge's identifier
  std::chrono::milliseconds auth_waited{0};  ///< CHAP: the wait for a Response so far (bounded by auth_timeout)
  std::string auth_message;
  bool auth_proxied = false;

  // Keepalive
  std::uint32_t echo_outstanding = 0;
  std::uint8_t echo_id = 0;

  // Results for the session
  std::uint32_t peer_address = 0;
  std::uint64_t peer_interface_id = 0;

  // Why the link is ending (the first reason wins).
  struct ending {
    std::uint16_t code = cause::none;
    direction dir = direction::global;
    std::string message;
    std::uint16_t protocol = 0;  ///< the control protocol that failed, when the cause is one protocol's
  };
  std::optional<ending> why;
  /// Why an NCP gave up (the first wins): the link's cause only if no NCP is left.
  std::optional<ending> ncp_why;

  explicit impl(server_config c) : cfg{std::move(c)}, random{cfg.seed == 0 ? 0x9e3779b9u : cfg.seed} {
    lcp_layer.neg = negotiation{cfg.negotiation};
    ipcp_layer.neg = negotiation{cfg.negotiation};
    ipv6cp_layer.neg = negotiation{cfg.negotiation};
    ipcp_layer.enabled = cfg.ipv4;
    ipv6cp_layer.enabled = cfg.ipv6;
    if (cfg.lcp.fresh_magic == 0) cfg.lcp.fresh_magic = random.nonzero();
    lcp_layer.ours = lcp::our_request(cfg.lcp, 0);
    ipcp_policy.local_address = cfg.local_address;
    ipcp_policy.primary_dns = cfg.primary_dns;
    ipcp_policy.secondary_dns = cfg.secondary_dns;
    ipcp_layer.ours = ipcp::our_request(ipcp_policy, 0);
    ipv6cp_policy.local_id = cfg.local_interface_id;
    ipv6cp_policy.in_use = cfg.interface_id_in_use;
    ipv6cp_layer.ours = ipv6cp::our_request(ipv6cp_policy, 0);
    lcp_layer.next_id = static_cast<std::uint8_t>(random.next());
    ipcp_layer.next_id = static_cast<std::uint8_t>(random.next());
    ipv6cp_layer.next_id = static_cast<std::uint8_t>(random.next());
    echo_id = static_cast<std::uint8_t>(random.next());
  }

  effects take() { return std::exchange(out, {}); }

  // ---- timers ----
  void arm(timer t, std::chrono::milliseconds after) {
    armed[static_cast<std::size_t>(t)] = true;
    out.emplace_back(arm_timer{t, after});
  }
  void stop(timer t) {
    auto& a = armed[static_cast<std::size_t>(t)];
    if (!a) return;
    a = false;
    out.emplace_back(stop_timer{t});
  }

  // ---- sending ----
  template <class P>
  void send(const typename P::packet& p) {
    wire::bytes b;
    wire::writer w{b};
    encode_frame_header(w, P::number, {});
    if (!P::encode(w, p)) return;  // our own packets always fit; a failure sends nothing
    out.emplace_back(send_frame{std::move(b)});
  }
  void send_pap(const pap::packet& p) {
    auto f = encode_frame_of<pap::packet>(proto::pap, p, &pap::encode);
    if (!f.empty()) out.emplace_back(send_frame{std::move(f)});
  }
  void send_chap(const chap::packet& p) {
    auto f = encode_frame_of<chap::packet>(proto::chap, p, &chap::encode);
    if (!f.empty()) out.emplace_back(send_frame{std::move(f)});
  }

  // ---- ending ----
  void set_cause(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol = 0) {
    if (!why) why = ending{code, dir, std::string{message}, protocol};
  }
  /// `protocol`: the NCP (IPCP or IPv6CP) that gave up, for AVP 46's Control Protocol Number.
  void set_ncp_cause(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol) {
    if (!ncp_why) ncp_why = ending{code, dir, std::string{message}, protocol};
  }
  /// RFC 3145 §3: the protocol a cause belongs to (LCP 4-12, authentication 13-16, the NCP's 17-20); 0 for
  /// the global causes 0-3.
  [[nodiscard]] std::uint16_t protocol_of(const ending& e) const {
    if (e.protocol != 0) return e.protocol;
    if (e.code >= 4 && e.code <= 12) return proto::lcp;
    if (e.code >= cause::auth_fsm_timeout && e.code <= cause::auth_failed && method) {
      return *method == lcp::auth_method::pap ? proto::pap : proto::chap;
    }
    return 0;
  }
  void finish() {
    if (done) return;
    for (std::size_t i = 0; i < timer_count; ++i) stop(static_cast<timer>(i));
    done = true;
    phase = link_phase::dead;
    auto e = why.value_or(ending{cause::none, direction::global, "link-finished"});
    const auto protocol = protocol_of(e);
    out.emplace_back(finished{e.code, e.dir, std::move(e.message), protocol});
  }
  /// Ends the link through LCP (Terminate-Request) for `code`.
  void terminate(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol = 0) {
    set_cause(code, dir, message, protocol);
    if (done) return;
    phase = link_phase::terminate;
    feed(lcp_layer, ppp_event::close);
    // Close in a state that sends nothing (Starting, Stopped...) ends here.
    if (!lcp_layer.neg.timer_running()) finish();
  }

  // ---- the automaton driver ----
  template <class P>
  void feed(layer<P>& l, ppp_event e, const typename P::packet* answer = nullptr, std::uint8_t peer_id = 0,
            wire::byte_span rejected = {}) {
    if (done) return;
    const auto before = l.neg.state();
    const auto actions = l.neg.handle(e);
    namespace a = ppp_action;
    if (actions & a::protocol_error) {
      ++counters.discarded;
      return;
    }
    if (actions & a::tld) this_layer_down(l);
    if (actions & a::scr) {
      if (before == ppp_state::opened || before == ppp_state::stopped || before == ppp_state::closed ||
          before == ppp_state::starting || before == ppp_state::initial) {
        l.naks_received = 0;
      }
      l.ours.identifier = l.next_id++;
      send<P>(typename P::packet{l.ours});
    }
    if ((actions & (a::sca | a::scn)) && answer != nullptr) send<P>(*answer);
    if (actions & a::str) send<P>(typename P::packet{terminate_request{l.next_id++, {}}});
    if (actions & a::sta) send<P>(typename P::packet{terminate_ack{peer_id, {}}});
    if (actions & a::scj) {
      ++counters.code_rejects_sent;
      wire::bytes copy{rejected.begin(), rejected.end()};
      const std::size_t room = peer_mru > 8 ? peer_mru - 8u : 0u;
      if (copy.size() > room) copy.resize(room);
      send<P>(typename P::packet{code_reject{l.next_id++, std::move(copy)}});
    }
    if (a::restarts_timer(actions)) {
      arm(P::restart, cfg.negotiation.restart_timer);
    } else if (!l.neg.timer_running()) {
      stop(P::restart);
    }
    if (actions & a::tlu) this_layer_up(l);
    if (actions & a::tlf) this_layer_finished(l);
  }

  // ---- layer hooks ----
  void this_layer_up(layer<lcp_traits>&) {
    loop_count = 0;
    if (cfg.echo_interval.count() > 0) {
      echo_outstanding = 0;
      arm(timer::echo, cfg.echo_interval);
    }
    begin_authentication();
  }
  void this_layer_down(layer<lcp_traits>&) {
    stop(timer::echo);
    stop(timer::auth);
    // The NCPs run on LCP: they go down with it (and report network_down if they were up).
    if (ipcp_layer.neg.state() != ppp_state::initial && ipcp_layer.neg.state() != ppp_state::starting) {
      feed(ipcp_layer, ppp_event::down);
    }
    if (ipv6cp_layer.neg.state() != ppp_state::initial && ipv6cp_layer.neg.state() != ppp_state::starting) {
      feed(ipv6cp_layer, ppp_event::down);
    }
    auth = auth_state::idle;
    if (phase != link_phase::terminate) phase = link_phase::establish;
  }
  void this_layer_finished(layer<lcp_traits>&) {
    set_cause(cause::lcp_fsm_timeout, direction::at_local, "lcp-negotiation-failed");
    finish();
  }

  void this_layer_up(layer<ipcp_traits>&) {
    peer_address = ipcp_policy.peer_address;
    network_up up;
    up.which = network::ipv4;
    up.local_address = cfg.local_address;
    up.peer_address = peer_address;
    up.primary_dns = cfg.primary_dns;
    up.secondary_dns = cfg.secondary_dns;
    out.emplace_back(up);
  }
  void this_layer_down(layer<ipcp_traits>&) { out.emplace_back(network_down{network::ipv4}); }
  void this_layer_finished(layer<ipcp_traits>&) { network_finished(proto::ipcp); }

  void this_layer_up(layer<ipv6cp_traits>&) {
    network_up up;
    up.which = network::ipv6;
    up.local_interface_id = cfg.local_interface_id;
    up.peer_interface_id = peer_interface_id;
    out.emplace_back(up);
  }
  void this_layer_down(layer<ipv6cp_traits>&) { out.emplace_back(network_down{network::ipv6}); }
  void this_layer_finished(layer<ipv6cp_traits>&) { network_finished(proto::ipv6cp); }

  template <class P>
  static bool alive(const layer<P>& l) {
    if (!l.enabled) return false;
    switch (l.neg.state()) {
      case ppp_state::initial:
      case ppp_state::starting:
      case ppp_state::closed:
      case ppp_state::stopped: return false;
      default: return true;
    }
  }

  /// An NCP (`last`) gave up or was closed: without any NCP left the link has no use (RFC 3145 cause 18).
  void network_finished(std::uint16_t last) {
    if (phase != link_phase::network) return;
    if (alive(ipcp_layer) || alive(ipv6cp_layer)) return;
    if (ncp_why) return terminate(ncp_why->code, ncp_why->dir, ncp_why->message, ncp_why->protocol);
    terminate(cause::no_ncp, direction::at_local, "no-network-protocol", last);
  }

  // ---- authentication ----
  void begin_authentication();
  void send_challenge();
  void ask_aaa(authenticate a);
  void answer_peer();

  void on_pap(const pap::packet& p);

  void on_chap(const chap::packet& p);

  void auth_done(bool accepted, std::uint32_t address, std::string_view message);

  // ---- network phase ----
  void enter_network() {
    phase = link_phase::network;
    if (!ipcp_layer.enabled && !ipv6cp_layer.enabled) {
      return terminate(cause::no_ncp, direction::at_local, "no-network-protocol-enabled");
    }
    if (ipv6cp_layer.enabled) ipv6cp_policy.peer_id_suggestion = suggestion();
    if (ipcp_layer.enabled) open_ncp(ipcp_layer);
    if (ipv6cp_layer.enabled) open_ncp(ipv6cp_layer);
  }
  std::uint64_t suggestion() {
    std::uint64_t v = 0;
    while (v == 0 || v == cfg.local_interface_id) v = (std::uint64_t{random.next()} << 32) | random.next();
    return v;
  }
  template <class P>
  void open_ncp(layer<P>& l) {
    feed(l, ppp_event::open);
    feed(l, ppp_event::up);
    if (l.early) {
      auto early = std::move(*l.early);
      l.early.reset();
      on_configure_request(l, early);
    }
  }

  // ---- received packets, shared by the three control protocols ----
  void discard() { ++counters.discarded; }

  void on_configure_request(layer<lcp_traits>& l, const lcp::configure_request& req) {
    auto r = lcp::respond(req, cfg.lcp, l.neg.nak_budget_exhausted());
    if (r.loop_suspected) {
      if (++loop_count >= cfg.max_loopback) {
        return terminate(cause::lcp_loopback, direction::at_local, "lcp-loopback-detected");
      }
    } else {
      loop_count = 0;
    }
    if (std::holds_alternative<lcp::configure_ack>(r.answer)) {
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
  void on_configure_request(layer<ipcp_traits>& l, const ipcp::configure_request& req) {
    auto r = ipcp::respond(req, ipcp_policy, l.neg.nak_budget_exhausted());
    if (r.no_address) {
      set_ncp_cause(cause::no_acceptable_address, direction::at_local, "no-address-available", proto::ipcp);
      return feed(l, ppp_event::close);
    }
    const ipcp::packet answer = std::move(r.answer);
    feed(l, r.event(), &answer);
  }
  void on_configure_request(layer<ipv6cp_traits>& l, const ipv6cp::configure_request& req) {
    auto r = ipv6cp::respond(req, ipv6cp_policy, l.neg.nak_budget_exhausted());
    if (std::holds_alternative<ipv6cp::configure_ack>(r.answer)) {
      if (const auto* id = find_option<ipv6cp::interface_identifier>(req.options)) peer_interface_id = id->value;
    }
    const ipv6cp::packet answer = std::move(r.answer);
    feed(l, r.event(), &answer);
  }

  revision<lcp::option> revise(layer<lcp_traits>& l, const lcp::configure_nak& n) {
    return lcp::handle_nak(l.ours, n, cfg.lcp);
  }
  revision<lcp::option> revise(layer<lcp_traits>& l, const lcp::configure_reject& r) {
    return lcp::handle_reject(l.ours, r, cfg.lcp);
  }
  revision<ipcp::option> revise(layer<ipcp_traits>& l, const ipcp::configure_nak& n) {
    return ipcp::handle_nak(l.ours, n);
  }
  revision<ipcp::option> revise(layer<ipcp_traits>& l, const ipcp::configure_reject& r) {
    return ipcp::handle_reject(l.ours, r);
  }
  revision<ipv6cp::option> revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_nak& n) {
    return ipv6cp::handle_nak(l.ours, n);
  }
  revision<ipv6cp::option> revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_reject& r) {
    return ipv6cp::handle_reject(l.ours, r);
  }

  static constexpr std::uint16_t fsm_timeout_cause(const layer<lcp_traits>*) { return cause::lcp_fsm_timeout; }
  template <class P>
  static constexpr std::uint16_t fsm_timeout_cause(const layer<P>*) {
    return cause::ncp_fsm_timeout;
  }

  template <class P, class Answer>
  void on_nak_or_reject(layer<P>& l, const Answer& a) {
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
      if (const auto* m = find_option<lcp::magic_number>(l.ours.options); m != nullptr && m->value != cfg.lcp.magic) {
        cfg.lcp.magic = m->value;
        cfg.lcp.fresh_magic = random.nonzero();
      }
      if (const auto* m = find_option<lcp::mru>(l.ours.options)) our_mru = m->value;
      if (const auto* au = find_option<lcp::auth_protocol>(l.ours.options)) method = lcp::auth_method_of(*au);
    }
    feed(l, ppp_event::rcn);
  }

  template <class P>
  void on_packet(layer<P>& l, const typename P::packet& p, wire::byte_span raw) {
    using request = configure_packet<control_code::configure_request, typename P::option>;
    using ack = configure_packet<control_code::configure_ack, typename P::option>;
    using nak = configure_packet<control_code::configure_nak, typename P::option>;
    using rej = configure_packet<control_code::configure_reject, typename P::option>;
    if (const auto* req = std::get_if<request>(&p)) return on_configure_request(l, *req);
    if (const auto* a = std::get_if<ack>(&p)) {
      // RFC 1661 §5.2: an Ack must match our last request exactly.
      if (a->identifier != l.ours.identifier || a->options != l.ours.options) return discard();
      if constexpr (std::is_same_v<P, lcp_traits>) {
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

  void on_lcp_extra(const lcp::packet& p) {
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
      send<lcp_traits>(lcp::packet{lcp::echo_reply{er->identifier, cfg.lcp.magic, er->data}});
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
  void decode_and_handle(layer<P>& l, const frame& f) {
    auto p = P::decode(f.payload, f.payload_offset);
    if (!p) {
      ++counters.malformed;
      return;
    }
    on_packet(l, p.value(), f.payload);
  }

  template <class P>
  void ncp_frame(layer<P>& l, const frame& f) {
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
      if (auto* req = std::get_if<request>(&p.value())) l.early = std::move(*req);
      return discard();
    }
    decode_and_handle(l, f);
  }

  void protocol_reject(const frame& f) {
    if (lcp_layer.neg.state() != ppp_state::opened) return discard();
    ++counters.protocol_rejects_sent;
    wire::bytes info{f.payload.begin(), f.payload.end()};
    const std::size_t room = peer_mru > 10 ? peer_mru - 10u : 0u;
    if (info.size() > room) info.resize(room);
    send<lcp_traits>(lcp::packet{lcp::protocol_reject{lcp_layer.next_id++, f.protocol, std::move(info)}});
  }

  void receive(wire::byte_span data) {
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

  /// An NCP's restart timer: giving up on its Configure-Requests is RFC 3145 cause 17.
  template <class P>
  void ncp_timeout(layer<P>& l) {
    const auto e = l.neg.timeout_event();
    const auto s = l.neg.state();
    if (e == ppp_event::to_minus &&
        (s == ppp_state::req_sent || s == ppp_state::ack_rcvd || s == ppp_state::ack_sent)) {
      set_ncp_cause(cause::ncp_fsm_timeout, direction::at_local, "ncp-negotiation-timeout", P::number);
    }
    feed(l, e);
  }

  void on_timeout(timer t) {
    if (done) return;
    auto& a = armed[static_cast<std::size_t>(t)];
    if (!a) return;  // stopped meanwhile
    a = false;
    switch (t) {
      case timer::lcp: return feed(lcp_layer, lcp_layer.neg.timeout_event());
      case timer::ipcp: return ncp_timeout(ipcp_layer);
      case timer::ipv6cp: return ncp_timeout(ipv6cp_layer);
      case timer::auth:
        if (auth == auth_state::waiting_peer && method == lcp::auth_method::chap_md5 &&
            auth_waited < cfg.auth_timeout) {
          return send_challenge();
        }
        if (auth == auth_state::waiting_peer) {
          return terminate(cause::auth_fsm_timeout, direction::at_local, "authentication-timeout");
        }
        return;
      case timer::echo:
        if (lcp_layer.neg.state() != ppp_state::opened) return;
        if (echo_outstanding >= cfg.echo_failures) {
          ++counters.echo_timeouts;
          return terminate(cause::echo_timeout, direction::at_local, "echo-timeout");
        }
        ++echo_outstanding;
        ++counters.echo_requests_sent;
        send<lcp_traits>(lcp::packet{lcp::echo_request{echo_id++, cfg.lcp.magic, {}}});
        arm(timer::echo, cfg.echo_interval);
        return;
    }
  }

  // ---- proxy LCP ----
  bool adopt_proxy(const proxy_info& p);

  /// Proxy authentication: the credentials the LAC collected, if usable with the agreed method.
  std::optional<authenticate> proxied_credentials(const proxy_info& p) const;

  void start(const proxy_info& p);
};

}  // namespace bras::ppp

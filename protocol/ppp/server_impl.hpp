// Internal to server.cpp and its companion .cpp files: the engine's state and
// the helpers it is built from. Not part of the public API.
#pragma once

#include "protocol/ppp/server.hpp"

#include <algorithm>
#include <utility>
#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"
#include "protocol/ppp/server_detail.hpp"

namespace bras::ppp {

using namespace server_detail;

struct server_engine::impl {
  std::unique_ptr<const server_config> owned;  ///< set when the engine was given its configuration by value
  const server_config& cfg;                    ///< shared by every session (its random fields are not used)
  lcp::policy lcp_policy;                      ///< cfg.lcp with this session's magic numbers
  std::array<std::byte, 16> challenge{};       ///< this session's CHAP challenge
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

  // LAC capture (cfg.lac_capture): AVPs 26-28 as they happen, 29-33 at the capture point. Allocated
  // only then: an LNS session (the many) has no use for it.
  struct capture_state {
    proxy_info proxy;
    wire::bytes peer_request_options;  ///< the options of the LCP Configure-Request being answered
  };
  std::unique_ptr<capture_state> lac;  ///< set iff cfg.lac_capture
  bool captured = false;

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
  std::unique_ptr<ending> why;  ///< (allocated when the link starts ending: most sessions spend their life without)
  /// Why an NCP gave up (the first wins): the link's cause only if no NCP is left.
  std::unique_ptr<ending> ncp_why;

  impl(const server_config& shared, const session_secrets& secrets, std::function<bool(std::uint64_t)> in_use,
       std::unique_ptr<const server_config> own)
      : owned{std::move(own)},
        cfg{shared},
        lcp_policy{shared.lcp},
        challenge{secrets.challenge},
        random{secrets.seed == 0 ? 0x9e3779b9u : secrets.seed} {
    lcp_policy.magic = secrets.magic;
    lcp_layer.neg = negotiation{cfg.negotiation};
    ipcp_layer.neg = negotiation{cfg.negotiation};
    ipv6cp_layer.neg = negotiation{cfg.negotiation};
    ipcp_layer.enabled = cfg.ipv4;
    ipv6cp_layer.enabled = cfg.ipv6;
    if (cfg.lac_capture) lac = std::make_unique<capture_state>();
    if (lcp_policy.fresh_magic == 0) lcp_policy.fresh_magic = random.nonzero();
    ipcp_policy.local_address = cfg.local_address;
    ipcp_policy.primary_dns = cfg.primary_dns;
    ipcp_policy.secondary_dns = cfg.secondary_dns;
    ipv6cp_policy.local_id = secrets.local_interface_id;
    ipv6cp_policy.in_use = std::move(in_use);
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
  void send_pap(const pap::packet& p);
  void send_chap(const chap::packet& p);

  // ---- ending ----
  void set_cause(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol = 0);
  /// `protocol`: the NCP (IPCP or IPv6CP) that gave up, for AVP 46's Control Protocol Number.
  void set_ncp_cause(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol);
  /// RFC 3145 §3: the protocol a cause belongs to (LCP 4-12, authentication 13-16, the NCP's 17-20); 0 for
  /// the global causes 0-3.
  [[nodiscard]] std::uint16_t protocol_of(const ending& e) const;
  void finish();
  /// Ends the link through LCP (Terminate-Request) for `code`.
  void terminate(std::uint16_t code, direction dir, std::string_view message, std::uint16_t protocol = 0);

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
      auto& request = ours(l);
      request.identifier = l.next_id++;
      send<P>(typename P::packet{request});
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
    if (actions & a::tlu) {
      this_layer_up(l);
      settle(l);
    }
    if (actions & a::tlf) this_layer_finished(l);
  }

  // ---- our Configure-Requests ----
  /// What the policy asks for (identifier 0).
  lcp::configure_request policy_request(const layer<lcp_traits>&) const { return lcp::our_request(lcp_policy, 0); }
  ipcp::configure_request policy_request(const layer<ipcp_traits>&) const { return ipcp::our_request(ipcp_policy, 0); }
  ipv6cp::configure_request policy_request(const layer<ipv6cp_traits>&) const {
    return ipv6cp::our_request(ipv6cp_policy, 0);
  }
  /// The layer's current request, its options rebuilt from the policy if they are not held.
  template <class P>
  typename layer<P>::request& ours(layer<P>& l) {
    if (l.stock) {
      l.ours.options = policy_request(l).options;
      l.stock = false;
    }
    return l.ours;
  }
  /// The layer is up: its request's options are let go when the policy would build the same ones
  /// (the many sessions that never renegotiate hold no copy of them).
  template <class P>
  void settle(layer<P>& l) {
    if (l.stock || l.ours.options != policy_request(l).options) return;
    decltype(l.ours.options){}.swap(l.ours.options);
    l.stock = true;
  }

  // ---- layer hooks ----
  void this_layer_up(layer<lcp_traits>&);
  void this_layer_down(layer<lcp_traits>&);
  void this_layer_finished(layer<lcp_traits>&);
  void this_layer_up(layer<ipcp_traits>&);
  void this_layer_down(layer<ipcp_traits>&) { out.emplace_back(network_down{network::ipv4}); }
  void this_layer_finished(layer<ipcp_traits>&) { network_finished(proto::ipcp); }

  void this_layer_up(layer<ipv6cp_traits>&);
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
  void network_finished(std::uint16_t last);

  // ---- authentication ----
  void begin_authentication();
  void send_challenge();
  void ask_aaa(authenticate a);
  void answer_peer();
  void on_pap(const pap::packet& p);
  void on_chap(const chap::packet& p);
  void auth_done(bool accepted, std::uint32_t address, std::string_view message);
  /// LAC capture point: records the proxy authentication values (`a` null: none) and stops the timers.
  void capture(const authenticate* a);

  // ---- network phase ----
  void enter_network();
  std::uint64_t suggestion();
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

  void on_configure_request(layer<lcp_traits>& l, const lcp::configure_request& req);
  void on_configure_request(layer<ipcp_traits>& l, const ipcp::configure_request& req);
  void on_configure_request(layer<ipv6cp_traits>& l, const ipv6cp::configure_request& req);
  revision<lcp::option> revise(layer<lcp_traits>& l, const lcp::configure_nak& n);
  revision<lcp::option> revise(layer<lcp_traits>& l, const lcp::configure_reject& r);
  revision<ipcp::option> revise(layer<ipcp_traits>& l, const ipcp::configure_nak& n);
  revision<ipcp::option> revise(layer<ipcp_traits>& l, const ipcp::configure_reject& r);
  revision<ipv6cp::option> revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_nak& n);
  revision<ipv6cp::option> revise(layer<ipv6cp_traits>& l, const ipv6cp::configure_reject& r);

  // These templates are defined in server_receive.cpp, their only user.
  template <class P, class Answer>
  void on_nak_or_reject(layer<P>& l, const Answer& a);

  template <class P>
  void on_packet(layer<P>& l, const typename P::packet& p, wire::byte_span raw);
  void on_lcp_extra(const lcp::packet& p);

  template <class P>
  void decode_and_handle(layer<P>& l, const frame& f);

  template <class P>
  void ncp_frame(layer<P>& l, const frame& f);
  void protocol_reject(const frame& f);
  void receive(wire::byte_span data);

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

  void on_timeout(timer t);

  // ---- proxy LCP ----
  bool adopt_proxy(const proxy_info& p);

  /// Proxy authentication: the credentials the LAC collected, if usable with the agreed method.
  std::optional<authenticate> proxied_credentials(const proxy_info& p) const;
  void start(const proxy_info& p);
};

}  // namespace bras::ppp

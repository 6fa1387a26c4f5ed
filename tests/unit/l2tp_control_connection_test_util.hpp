// A scripted peer for the control-connection engine tests: builds the
// peer's datagrams with the codec, keeps its Ns/Nr, and decodes what the
// engine sends.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/l2tp/control_connection.hpp"
#include "protocol/l2tp/header.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::l2tp::test {

using namespace std::chrono_literals;

inline constexpr std::uint16_t local_tunnel = 11;
inline constexpr std::uint16_t peer_tunnel = 77;

/// A control message the engine sent, decoded.
struct sent {
  header hdr;
  control_message msg;
};

template <class T>
std::vector<T> all_of(const connection_effects& fx) {
  std::vector<T> found;
  for (const auto& e : fx) {
    if (const auto* x = std::get_if<T>(&e)) found.push_back(*x);
  }
  return found;
}

template <class T>
std::optional<T> first_of(const connection_effects& fx) {
  auto found = all_of<T>(fx);
  if (found.empty()) return std::nullopt;
  return found.front();
}

inline bool counted(const connection_effects& fx, connection_counter c) {
  for (const auto& e : fx) {
    if (const auto* x = std::get_if<count>(&e); x && x->which == c) return true;
  }
  return false;
}

inline bool logged(const connection_effects& fx, std::string_view event) {
  for (const auto& e : fx) {
    if (const auto* x = std::get_if<log_line>(&e); x && x->event == event) return true;
  }
  return false;
}

/// The other end of the tunnel.
struct scripted_peer {
  std::string secret;
  std::uint16_t ns = 0;
  std::uint16_t nr = 0;
  std::uint16_t tunnel_id = local_tunnel;  ///< the Tunnel ID our datagrams carry (the engine's ID)

  /// The engine's datagrams, decoded; acknowledges each non-ZLB (Nr follows).
  std::vector<sent> take(const connection_effects& fx) {
    std::vector<sent> out;
    for (const auto& d : all_of<send_datagram>(fx)) {
      auto p = decode_packet(d.data);
      EXPECT_TRUE(static_cast<bool>(p));
      if (!p) continue;
      decode_options opts;
      if (!secret.empty()) opts.secret = secret;
      auto m = decode_control(p->payload, p->payload_offset, opts);
      EXPECT_TRUE(static_cast<bool>(m));
      if (!m) continue;
      if (!p->payload.empty() && p->hdr.ns == nr) nr = static_cast<std::uint16_t>(p->hdr.ns + 1);
      out.push_back({p->hdr, std::move(*m)});
    }
    return out;
  }

  /// The datagrams carrying messages of type `t`.
  std::vector<sent> take(const connection_effects& fx, message_type t) {
    std::vector<sent> found;
    for (auto& s : take(fx)) {
      if (s.msg.type == t) found.push_back(std::move(s));
    }
    return found;
  }

  wire::bytes datagram(const control_message& m, std::uint16_t session_id = 0) {
    encode_options opts;
    if (!secret.empty()) opts.secret = secret;
    auto d = encode_control_packet(tunnel_id, session_id, ns, nr, m, opts);
    if (m.type != message_type::zlb) ++ns;
    return d;
  }

  control_message sccrx(message_type t) const {
    auto m = make_message(t);
    m.protocol_version = protocol_version_value{1, 0};
    m.framing_capabilities = framing_bits::synchronous;
    m.host_name = "peer-host";
    m.assigned_tunnel_id = peer_tunnel;
    m.receive_window_size = 4;
    return m;
  }
};

inline peer_profile test_profile(std::string secret = {}) {
  peer_profile p;
  p.secret = std::move(secret);
  p.group_name = "group";
  p.hello_interval = 60s;
  p.reliable.initial_timeout = 1s;
  p.reliable.max_timeout = 8s;
  p.reliable.max_retransmits = 3;
  p.reliable.receive_window = 8;
  return p;
}

/// An engine of either role with its callbacks and a clock.
struct harness {
  connection_config cfg;
  std::optional<control_connection> engine;
  time_point now = time_point{} + 1000s;
  scripted_peer peer;
  int reservations = 0;  ///< held places under the instance-wide limit
  int instance_limit = 1000;
  std::optional<client_selection> client;  ///< LNS: what select_client answers

  explicit harness(connection_role role, std::string secret = {}) {
    cfg.role = role;
    cfg.local_tunnel_id = local_tunnel;
    cfg.host_name = "brasd-test";
    cfg.peer_name = "192.0.2.1:1701";
    cfg.profile = test_profile(role == connection_role::lac ? secret : std::string{});
    client = client_selection{test_profile(secret), false};
    peer.secret = secret;
    cfg.select_client = [this](wire::byte_span) { return client; };
    cfg.reserve_session = [this] {
      if (reservations >= instance_limit) return false;
      ++reservations;
      return true;
    };
    cfg.release_session = [this] { --reservations; };
  }

  control_connection& e() {
    if (!engine) engine.emplace(cfg);
    return *engine;
  }
  connection_effects feed(const control_message& m, std::uint16_t session_id = 0) {
    return e().receive(peer.datagram(m, session_id), datagram_source::peer, "192.0.2.1:1701", now);
  }
  connection_effects advance(std::chrono::milliseconds by) {
    now += by;
    return e().timer(now);
  }
  /// LNS: SCCRQ and SCCCN (answering any challenge); returns the SCCRP.
  sent establish_lns() {
    auto sccrp = peer.take(feed(peer.sccrx(message_type::sccrq)), message_type::sccrp);
    EXPECT_EQ(sccrp.size(), 1u);
    auto scccn = make_message(message_type::scccn);
    if (sccrp.at(0).msg.challenge) {
      scccn.challenge_response = challenge_response(3, peer.secret, *sccrp.at(0).msg.challenge);
    }
    auto fx = feed(scccn);
    EXPECT_TRUE(first_of<tunnel_established>(fx).has_value());
    EXPECT_EQ(e().state(), tunnel_state::established);
    return sccrp.at(0);
  }
  /// LAC: open and answer the SCCRQ with an SCCRP; returns the effects of the SCCRP.
  connection_effects establish_lac() {
    auto sccrq = peer.take(e().open(now), message_type::sccrq);
    EXPECT_EQ(sccrq.size(), 1u);
    auto sccrp = peer.sccrx(message_type::sccrp);
    if (sccrq.at(0).msg.challenge) {
      sccrp.challenge_response = challenge_response(2, peer.secret, *sccrq.at(0).msg.challenge);
    }
    auto fx = feed(sccrp);
    (void)peer.take(fx);  // the peer has the SCCCN: its next message acknowledges it
    EXPECT_EQ(e().state(), tunnel_state::established);
    return fx;
  }
};

}  // namespace bras::l2tp::test

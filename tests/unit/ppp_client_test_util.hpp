// Shared by the ppp_client_test test files: fixtures and helpers.
#pragma once

#include <array>
#include <optional>
#include <sstream>
#include <string>
#include "protocol/ppp/client.hpp"
#include "protocol/ppp/negotiate.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
// Named (not anonymous): several test files share these; unique, so no ODR clash with other tests.
namespace client_test {
using test::encoded;
using test::hex;
using test::ipcp_codec;
using test::ipv6cp_codec;
using test::lcp_codec;
using test::span;

constexpr std::uint32_t lns_address = 0x0a000001;  // 10.0.0.1
constexpr std::uint32_t assigned = 0x0a00002a;     // 10.0.0.42
constexpr std::uint32_t dns1 = 0x08080808;
constexpr std::uint32_t dns2 = 0x08080404;
constexpr std::uint32_t our_magic = 0xdeadbeef;
constexpr std::uint32_t lns_magic = 0x11223344;

// ---- frames ----

inline wire::bytes frame_of(std::uint16_t protocol, const wire::bytes& payload) {
  wire::bytes out;
  wire::writer w{out};
  encode_frame(w, protocol, span(payload));
  return out;
}
inline wire::bytes lcp_frame(const lcp::packet& p) {
  return frame_of(proto::lcp, encoded<lcp_codec>(p));
}
inline wire::bytes ipcp_frame(const ipcp::packet& p) {
  return frame_of(proto::ipcp, encoded<ipcp_codec>(p));
}
inline wire::bytes ipv6cp_frame(const ipv6cp::packet& p) {
  return frame_of(proto::ipv6cp, encoded<ipv6cp_codec>(p));
}
inline wire::bytes pap_frame(const pap::packet& p) {
  return frame_of(proto::pap, encoded<test::pap_codec>(p));
}
inline wire::bytes chap_frame(const chap::packet& p) {
  return frame_of(proto::chap, encoded<test::chap_codec>(p));
}

/// A frame the client sent, split at the PPP header.
struct sent {
  std::uint16_t protocol = 0;
  wire::bytes payload;
  bool has_address_control = false;
};

inline std::vector<sent> sent_frames(const effects& e) {
  std::vector<sent> out;
  for (const effect& x : e) {
    const auto* s = std::get_if<send_frame>(&x);
    if (s == nullptr) continue;
    auto f = decode_frame(span(s->frame));
    EXPECT_TRUE(f.ok()) << "the client sent an undecodable frame";
    if (f) out.push_back({f->protocol, wire::to_bytes(f->payload), f->has_address_control});
  }
  return out;
}

/// The nth frame of `protocol` the client sent, decoded as Packet; nullopt (and a failure) otherwise.
template <class Packet, class Codec>
inline std::optional<Packet> sent_packet(const effects& e, std::uint16_t protocol, std::size_t nth = 0) {
  std::size_t seen = 0;
  for (const sent& s : sent_frames(e)) {
    if (s.protocol != protocol || seen++ != nth) continue;
    auto decoded = Codec::decode(span(s.payload));
    EXPECT_TRUE(decoded.ok()) << "the client sent an undecodable packet";
    if (!decoded) return std::nullopt;
    const Packet* p = std::get_if<Packet>(&*decoded);
    EXPECT_NE(p, nullptr) << "the client sent another packet type";
    if (p == nullptr) return std::nullopt;
    return *p;
  }
  ADD_FAILURE() << "no frame " << nth << " of protocol " << protocol;
  return std::nullopt;
}

template <class Packet>
inline std::optional<Packet> sent_lcp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, lcp_codec>(e, proto::lcp, nth);
}
template <class Packet>
inline std::optional<Packet> sent_ipcp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, ipcp_codec>(e, proto::ipcp, nth);
}
template <class Packet>
inline std::optional<Packet> sent_ipv6cp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, ipv6cp_codec>(e, proto::ipv6cp, nth);
}

template <class T>
inline std::optional<T> first_of(const effects& e) {
  for (const effect& x : e) {
    if (const T* t = std::get_if<T>(&x)) return *t;
  }
  return std::nullopt;
}

// ---- effect summaries, to assert on kinds and order in one line ----

inline std::string protocol_name(std::uint16_t protocol) {
  switch (protocol) {
    case proto::lcp: return "lcp";
    case proto::pap: return "pap";
    case proto::chap: return "chap";
    case proto::ipcp: return "ipcp";
    case proto::ipv6cp: return "ipv6cp";
    default: {
      std::ostringstream s;
      s << std::hex << protocol;
      return s.str();
    }
  }
}

inline std::string timer_name(timer t) {
  switch (t) {
    case timer::lcp: return "lcp";
    case timer::auth: return "auth";
    case timer::ipcp: return "ipcp";
    case timer::ipv6cp: return "ipv6cp";
    case timer::echo: return "echo";
  }
  return "?";
}

inline std::string network_name(network n) {
  return n == network::ipv4 ? "ipv4" : "ipv6";
}

/// "send(lcp) arm(lcp)"-style summary of the effects in order.
inline std::string kinds(const effects& e) {
  std::string out;
  for (const effect& x : e) {
    if (!out.empty()) out += ' ';
    if (const auto* s = std::get_if<send_frame>(&x)) {
      auto f = decode_frame(span(s->frame));
      out += "send(" + (f ? protocol_name(f->protocol) : std::string{"?"}) + ")";
    } else if (const auto* a = std::get_if<arm_timer>(&x)) {
      out += "arm(" + timer_name(a->which) + ")";
    } else if (const auto* st = std::get_if<stop_timer>(&x)) {
      out += "stop(" + timer_name(st->which) + ")";
    } else if (const auto* o = std::get_if<auth_outcome>(&x)) {
      out += o->accepted ? "auth(accepted)" : "auth(refused)";
    } else if (const auto* up = std::get_if<network_up>(&x)) {
      out += "up(" + network_name(up->which) + ")";
    } else if (const auto* down = std::get_if<network_down>(&x)) {
      out += "down(" + network_name(down->which) + ")";
    } else if (const auto* f = std::get_if<finished>(&x)) {
      out += "finished(" + std::to_string(f->cause) + ")";
    } else {
      out += "authenticate";
    }
  }
  return out;
}

// ---- the driver ----

/// Runs a client and checks the effect contract on everything it returns.
class driver {
 public:
  explicit driver(client_config config) : engine{std::move(config)} {}

  effects start() { return check(engine.start()); }
  effects receive(const wire::bytes& frame) { return check(engine.receive(span(frame))); }
  /// The caller's timer fires: only an armed one can.
  effects expire(timer t) {
    EXPECT_TRUE(armed[static_cast<std::size_t>(t)]) << "timer " << timer_name(t) << " fired while not armed";
    armed[static_cast<std::size_t>(t)] = false;
    return check(engine.timeout(t));
  }
  effects close() { return check(engine.close()); }
  effects lower_down() { return check(engine.lower_down()); }

  [[nodiscard]] bool is_armed(timer t) const { return armed[static_cast<std::size_t>(t)]; }

  client_engine engine;
  std::array<bool, timer_count> armed{};
  int finished_count = 0;
  std::optional<finished> last_finished;

 private:
  effects check(effects e) {
    for (const effect& x : e) {
      EXPECT_EQ(finished_count, 0) << "an effect after finished: " << kinds(e);
      if (const auto* a = std::get_if<arm_timer>(&x)) {
        armed[static_cast<std::size_t>(a->which)] = true;
      } else if (const auto* s = std::get_if<stop_timer>(&x)) {
        EXPECT_TRUE(armed[static_cast<std::size_t>(s->which)]) << "stop of unarmed timer " << timer_name(s->which);
        armed[static_cast<std::size_t>(s->which)] = false;
      } else if (const auto* f = std::get_if<finished>(&x)) {
        ++finished_count;
        last_finished = *f;
        for (std::size_t t = 0; t < timer_count; ++t) {
          EXPECT_FALSE(armed[t]) << "timer " << timer_name(static_cast<timer>(t)) << " left armed at finished";
        }
      }
    }
    return e;
  }
};

/// After finished, every entry point returns nothing.
inline void expect_dead(driver& d) {
  EXPECT_TRUE(d.engine.start().empty());
  EXPECT_TRUE(d.engine.receive(span(lcp_frame(terminate_request{1, {}}))).empty());
  EXPECT_TRUE(d.engine.receive(span(lcp_frame(lcp::echo_request{2, lns_magic, {}}))).empty());
  for (std::size_t t = 0; t < timer_count; ++t) EXPECT_TRUE(d.engine.timeout(static_cast<timer>(t)).empty());
  EXPECT_TRUE(d.engine.close().empty());
  EXPECT_TRUE(d.engine.lower_down().empty());
  EXPECT_EQ(d.engine.phase(), client_phase::dead);
}

inline lcp::policy lns_lcp(std::vector<lcp::auth_method> auth = {}) {
  lcp::policy p;
  p.auth = std::move(auth);
  p.magic = lns_magic;
  p.fresh_magic = 0x55667788;
  return p;
}

inline client_config plain_config() {
  client_config c;
  c.user = "alice";
  c.password = "secret";
  c.magic = our_magic;
  c.negotiation.restart_timer = std::chrono::seconds{1};
  return c;
}

/// Starts the client and opens LCP against `lns` (the LNS acks the client's
/// request with its own policy, and the client acks the LNS's request).
/// Returns the effects of the client's LCP reaching Opened.
inline effects open_lcp_from(driver& d, const effects& started, const lcp::policy& lns) {
  const auto ours = sent_lcp<lcp::configure_request>(started);
  if (!ours) return {};
  const effects acked = d.receive(lcp_frame(lcp::our_request(lns, 1)));
  EXPECT_TRUE(sent_lcp<lcp::configure_ack>(acked).has_value());
  const lcp::reply answer = lcp::respond(*ours, lns);
  EXPECT_TRUE(std::holds_alternative<lcp::configure_ack>(answer.answer));
  effects opened = d.receive(lcp_frame(answer.answer));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  return opened;
}
inline effects open_lcp(driver& d, const lcp::policy& lns) {
  const effects started = d.start();
  return open_lcp_from(d, started, lns);
}

/// LCP open without authentication, then IPCP acked at once (the client asks
/// for `assigned` and no DNS). Returns the effects of IPCP reaching Opened.
inline effects open_ipcp(driver& d) {
  const effects opened = open_lcp(d, lns_lcp());
  const auto request = sent_ipcp<ipcp::configure_request>(opened);
  if (!request) return {};
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{lns_address}}}))), "send(ipcp)");
  return d.receive(ipcp_frame(ipcp::configure_ack{request->identifier, request->options}));
}

inline client_config ipcp_config() {
  client_config c = plain_config();
  c.requested_address = assigned;
  c.request_dns = false;
  return c;
}

// ---- establishment ----

}  // namespace client_test
}  // namespace bras::ppp

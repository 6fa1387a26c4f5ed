// Shared by the ppp_server_test test files: fixtures and helpers.
#pragma once

#include <array>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <vector>
#include "protocol/ppp/client.hpp"
#include "protocol/ppp/server.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
// Named (not anonymous): several test files share these; unique, so no ODR clash with other tests.
namespace server_test {
using namespace std::chrono_literals;
using test::encoded;
using test::hex;
using test::ipcp_codec;
using test::ipv6cp_codec;
using test::lcp_codec;
using test::span;

constexpr std::uint32_t our_magic = 0x11223344;
constexpr std::uint32_t fresh_magic = 0x66778899;
constexpr std::uint32_t peer_magic = 0x55aa55aa;
constexpr std::uint32_t lns_address = 0x64400001;  // 100.64.0.1
constexpr std::uint32_t assigned = 0x64400002;     // 100.64.0.2
constexpr std::uint32_t dns1 = 0x08080808;
constexpr std::uint32_t dns2 = 0x01010101;
constexpr std::uint64_t lns_iid = 0x0211223344556677;
constexpr std::uint64_t peer_iid = 0x0a0b0c0d0e0f1011;

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

/// AVP 26-28 values: the options of a Configure-Request, without its 4-byte header
/// (RFC 2661 §4.4.5, "starting at the first option").
inline wire::bytes proxied_options(std::vector<lcp::option> options) {
  const wire::bytes packet = encoded<lcp_codec>(lcp::packet{lcp::configure_request{1, std::move(options)}});
  return {packet.begin() + 4, packet.end()};
}

inline wire::bytes value16(std::uint8_t first) {
  wire::bytes b;
  for (std::uint8_t i = 0; i < 16; ++i) b.push_back(static_cast<std::byte>(first + i));
  return b;
}

/// A frame the engine sent, split at the PPP header.
struct sent {
  std::uint16_t protocol = 0;
  wire::bytes payload;
};

inline std::vector<sent> sent_frames(const effects& e) {
  std::vector<sent> out;
  for (const effect& x : e) {
    const auto* s = std::get_if<send_frame>(&x);
    if (s == nullptr) continue;
    auto f = decode_frame(span(s->frame));
    EXPECT_TRUE(f.ok()) << "the engine sent an undecodable frame";
    if (f) out.push_back({f->protocol, wire::to_bytes(f->payload)});
  }
  return out;
}

/// The raw bytes of the nth frame sent.
inline wire::bytes raw_frame(const effects& e, std::size_t nth = 0) {
  std::size_t seen = 0;
  for (const effect& x : e) {
    const auto* s = std::get_if<send_frame>(&x);
    if (s != nullptr && seen++ == nth) return s->frame;
  }
  ADD_FAILURE() << "no frame " << nth;
  return {};
}

/// The nth frame of `protocol` the engine sent, decoded as Packet; nullopt (and a failure) otherwise.
template <class Packet, class Codec>
inline std::optional<Packet> sent_packet(const effects& e, std::uint16_t protocol, std::size_t nth = 0) {
  std::size_t seen = 0;
  for (const sent& s : sent_frames(e)) {
    if (s.protocol != protocol || seen++ != nth) continue;
    auto decoded = Codec::decode(span(s.payload));
    EXPECT_TRUE(decoded.ok()) << "the engine sent an undecodable packet";
    if (!decoded) return std::nullopt;
    const Packet* p = std::get_if<Packet>(&*decoded);
    EXPECT_NE(p, nullptr) << "the engine sent another packet type";
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
template <class Packet>
inline std::optional<Packet> sent_pap(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, test::pap_codec>(e, proto::pap, nth);
}
template <class Packet>
inline std::optional<Packet> sent_chap(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, test::chap_codec>(e, proto::chap, nth);
}

template <class T>
inline std::optional<T> first_of(const effects& e) {
  for (const effect& x : e) {
    if (const T* t = std::get_if<T>(&x)) return *t;
  }
  return std::nullopt;
}
template <class T>
inline std::size_t count_of(const effects& e) {
  std::size_t n = 0;
  for (const effect& x : e) n += std::holds_alternative<T>(x) ? 1 : 0;
  return n;
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

inline std::string code_name(std::uint16_t protocol, std::uint8_t code) {
  static constexpr std::array<const char*, 12> control{"?",        "conf-req", "conf-ack", "conf-nak",
                                                       "conf-rej", "term-req", "term-ack", "code-rej",
                                                       "prot-rej", "echo-req", "echo-rep", "discard"};
  static constexpr std::array<const char*, 4> pap_codes{"auth-req", "auth-ack", "auth-nak", "?"};
  static constexpr std::array<const char*, 4> chap_codes{"challenge", "response", "success", "failure"};
  if (code == 0) return "?";
  if (protocol == proto::pap) return code <= 3 ? pap_codes[code - 1u] : "?";
  if (protocol == proto::chap) return code <= 4 ? chap_codes[code - 1u] : "?";
  return code < control.size() ? control[code] : "?";
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

/// "lcp:conf-req arm(lcp)"-style summary of the effects in order.
inline std::string kinds(const effects& e) {
  std::string out;
  for (const effect& x : e) {
    if (!out.empty()) out += ' ';
    if (const auto* s = std::get_if<send_frame>(&x)) {
      auto f = decode_frame(span(s->frame));
      if (!f || f->payload.empty()) {
        out += "send(?)";
      } else {
        out += protocol_name(f->protocol) + ":" + code_name(f->protocol, std::to_integer<std::uint8_t>(f->payload[0]));
      }
    } else if (const auto* a = std::get_if<arm_timer>(&x)) {
      out += "arm(" + timer_name(a->which) + ")";
    } else if (const auto* st = std::get_if<stop_timer>(&x)) {
      out += "stop(" + timer_name(st->which) + ")";
    } else if (const auto* au = std::get_if<authenticate>(&x)) {
      out += std::string{"authenticate("} + (au->kind == authenticate::method::pap ? "pap" : "chap") + ")";
    } else if (const auto* up = std::get_if<network_up>(&x)) {
      out += "up(" + network_name(up->which) + ")";
    } else if (const auto* down = std::get_if<network_down>(&x)) {
      out += "down(" + network_name(down->which) + ")";
    } else if (const auto* f = std::get_if<finished>(&x)) {
      out += "finished(" + std::to_string(f->cause) + ")";
    } else {
      out += "auth-outcome";
    }
  }
  return out;
}

// ---- the driver ----

/// Runs a server engine and checks the effect contract on everything it returns.
class driver {
 public:
  explicit driver(server_config config) : engine{std::move(config)} {}

  effects start(const proxy_info& proxy = {}) { return check(engine.start(proxy)); }
  effects receive(const wire::bytes& frame) { return check(engine.receive(span(frame))); }
  /// The caller's timer fires: only an armed one can.
  effects expire(timer t) {
    EXPECT_TRUE(armed[static_cast<std::size_t>(t)]) << "timer " << timer_name(t) << " fired while not armed";
    armed[static_cast<std::size_t>(t)] = false;
    return check(engine.timeout(t));
  }
  effects auth_result(bool accepted, std::uint32_t address, std::string_view message = {}) {
    return check(engine.auth_result(accepted, address, message));
  }
  effects close(std::uint16_t code, std::string_view message) { return check(engine.close(code, message)); }
  effects lower_down() { return check(engine.lower_down()); }

  [[nodiscard]] bool is_armed(timer t) const { return armed[static_cast<std::size_t>(t)]; }
  [[nodiscard]] std::chrono::milliseconds armed_for(timer t) const { return after[static_cast<std::size_t>(t)]; }

  server_engine engine;
  std::array<bool, timer_count> armed{};
  std::array<std::chrono::milliseconds, timer_count> after{};
  int finished_count = 0;
  std::optional<finished> last_finished;

 private:
  effects check(effects e) {
    for (const effect& x : e) {
      EXPECT_EQ(finished_count, 0) << "an effect after finished: " << kinds(e);
      if (const auto* a = std::get_if<arm_timer>(&x)) {
        armed[static_cast<std::size_t>(a->which)] = true;
        after[static_cast<std::size_t>(a->which)] = a->after;
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
  EXPECT_TRUE(d.engine.receive(span(lcp_frame(lcp::echo_request{2, peer_magic, {}}))).empty());
  EXPECT_TRUE(d.engine.receive(span(pap_frame(pap::authenticate_request{3, "alice", "secret"}))).empty());
  for (std::size_t t = 0; t < timer_count; ++t) EXPECT_TRUE(d.engine.timeout(static_cast<timer>(t)).empty());
  EXPECT_TRUE(d.engine.auth_result(true, assigned).empty());
  EXPECT_TRUE(d.engine.close(cause::admin, "admin").empty());
  EXPECT_TRUE(d.engine.lower_down().empty());
  EXPECT_EQ(d.engine.phase(), link_phase::dead);
}

// ---- configurations ----

inline server_config base_config(std::vector<lcp::auth_method> auth) {
  server_config c;
  c.lcp.auth = std::move(auth);
  c.lcp.magic = our_magic;
  c.lcp.fresh_magic = fresh_magic;
  for (std::size_t i = 0; i < c.challenge.size(); ++i) c.challenge[i] = static_cast<std::byte>(i);
  c.name = "lns";
  c.seed = 7;
  c.negotiation.restart_timer = 3s;
  c.auth_timeout = 30s;
  c.echo_interval = 30s;
  c.local_address = lns_address;
  c.primary_dns = dns1;
  c.secondary_dns = dns2;
  c.local_interface_id = lns_iid;
  return c;
}
inline server_config chap_config() {
  return base_config({lcp::auth_method::chap_md5});
}
inline server_config pap_config() {
  return base_config({lcp::auth_method::pap});
}
inline server_config open_config() {
  return base_config({});
}

/// The subscriber's usual first request.
inline lcp::configure_request peer_request(std::uint8_t id = 0x21) {
  return {id, {lcp::mru{1492}, lcp::magic_number{peer_magic}}};
}

/// Starts and opens LCP: our request acked, the peer's (MRU 1492, its magic) acked.
/// Returns the effects of LCP reaching Opened.
inline effects open_lcp(driver& d) {
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  if (!ours) return {};
  const effects acked = d.receive(lcp_frame(peer_request()));
  EXPECT_EQ(kinds(acked), "lcp:conf-ack");
  effects opened = d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  return opened;
}

/// PAP: the peer's request, then AAA's verdict. Returns the effects of the verdict.
inline effects pass_pap(driver& d, std::uint32_t address = assigned) {
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}))),
            "stop(auth) authenticate(pap)");
  return d.auth_result(true, address, "welcome");
}

/// Opens IPCP (peer asks for `assigned` and our DNS) and IPv6CP from the
/// effects that entered the network phase. Returns the effects of the last step.
inline effects open_ncps(driver& d, const effects& network_started) {
  const auto ipcp_ours = sent_ipcp<ipcp::configure_request>(network_started);
  const auto ipv6cp_ours = sent_ipv6cp<ipv6cp::configure_request>(network_started);
  if (!ipcp_ours || !ipv6cp_ours) return {};
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_request{
                1, {ipcp::ip_address{assigned}, ipcp::primary_dns{dns1}, ipcp::secondary_dns{dns2}}}))),
            "ipcp:conf-ack");
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_ack{ipcp_ours->identifier, ipcp_ours->options}))),
            "stop(ipcp) up(ipv4)");
  EXPECT_EQ(kinds(d.receive(ipv6cp_frame(ipv6cp::configure_request{1, {ipv6cp::interface_identifier{peer_iid}}}))),
            "ipv6cp:conf-ack");
  return d.receive(ipv6cp_frame(ipv6cp::configure_ack{ipv6cp_ours->identifier, ipv6cp_ours->options}));
}

/// A PAP link all the way to both network layers up.
inline void to_network(driver& d) {
  open_lcp(d);
  const effects e = pass_pap(d);
  EXPECT_EQ(kinds(open_ncps(d, e)), "stop(ipv6cp) up(ipv6)");
  EXPECT_EQ(d.engine.phase(), link_phase::network);
}

// ---- 1. plain negotiation with CHAP ----

}  // namespace server_test
}  // namespace bras::ppp

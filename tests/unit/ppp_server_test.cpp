// The LNS's PPP engine (server.hpp), driven mostly by hand-built subscriber
// frames so that a bug in the subscriber engine cannot hide one here; a few
// loop tests at the end run it against client_engine. A driver checks the
// effect contract on every call: a timer is stopped only while armed, only an
// armed timer fires, `finished` comes once with no timer left armed, and
// nothing comes out after it.
#include "protocol/ppp/server.hpp"

#include <array>
#include <deque>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "protocol/ppp/client.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
namespace {

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

wire::bytes frame_of(std::uint16_t protocol, const wire::bytes& payload) {
  wire::bytes out;
  wire::writer w{out};
  encode_frame(w, protocol, span(payload));
  return out;
}
wire::bytes lcp_frame(const lcp::packet& p) {
  return frame_of(proto::lcp, encoded<lcp_codec>(p));
}
wire::bytes ipcp_frame(const ipcp::packet& p) {
  return frame_of(proto::ipcp, encoded<ipcp_codec>(p));
}
wire::bytes ipv6cp_frame(const ipv6cp::packet& p) {
  return frame_of(proto::ipv6cp, encoded<ipv6cp_codec>(p));
}
wire::bytes pap_frame(const pap::packet& p) {
  return frame_of(proto::pap, encoded<test::pap_codec>(p));
}
wire::bytes chap_frame(const chap::packet& p) {
  return frame_of(proto::chap, encoded<test::chap_codec>(p));
}

/// AVP 26-28 values: the options of a Configure-Request, without its 4-byte header
/// (RFC 2661 §4.4.5, "starting at the first option").
wire::bytes proxied_options(std::vector<lcp::option> options) {
  const wire::bytes packet = encoded<lcp_codec>(lcp::packet{lcp::configure_request{1, std::move(options)}});
  return {packet.begin() + 4, packet.end()};
}

wire::bytes value16(std::uint8_t first) {
  wire::bytes b;
  for (std::uint8_t i = 0; i < 16; ++i) b.push_back(static_cast<std::byte>(first + i));
  return b;
}

/// A frame the engine sent, split at the PPP header.
struct sent {
  std::uint16_t protocol = 0;
  wire::bytes payload;
};

std::vector<sent> sent_frames(const effects& e) {
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
wire::bytes raw_frame(const effects& e, std::size_t nth = 0) {
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
std::optional<Packet> sent_packet(const effects& e, std::uint16_t protocol, std::size_t nth = 0) {
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
std::optional<Packet> sent_lcp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, lcp_codec>(e, proto::lcp, nth);
}
template <class Packet>
std::optional<Packet> sent_ipcp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, ipcp_codec>(e, proto::ipcp, nth);
}
template <class Packet>
std::optional<Packet> sent_ipv6cp(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, ipv6cp_codec>(e, proto::ipv6cp, nth);
}
template <class Packet>
std::optional<Packet> sent_pap(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, test::pap_codec>(e, proto::pap, nth);
}
template <class Packet>
std::optional<Packet> sent_chap(const effects& e, std::size_t nth = 0) {
  return sent_packet<Packet, test::chap_codec>(e, proto::chap, nth);
}

template <class T>
std::optional<T> first_of(const effects& e) {
  for (const effect& x : e) {
    if (const T* t = std::get_if<T>(&x)) return *t;
  }
  return std::nullopt;
}
template <class T>
std::size_t count_of(const effects& e) {
  std::size_t n = 0;
  for (const effect& x : e) n += std::holds_alternative<T>(x) ? 1 : 0;
  return n;
}

// ---- effect summaries, to assert on kinds and order in one line ----

std::string protocol_name(std::uint16_t protocol) {
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

std::string code_name(std::uint16_t protocol, std::uint8_t code) {
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

std::string timer_name(timer t) {
  switch (t) {
    case timer::lcp: return "lcp";
    case timer::auth: return "auth";
    case timer::ipcp: return "ipcp";
    case timer::ipv6cp: return "ipv6cp";
    case timer::echo: return "echo";
  }
  return "?";
}

std::string network_name(network n) {
  return n == network::ipv4 ? "ipv4" : "ipv6";
}

/// "lcp:conf-req arm(lcp)"-style summary of the effects in order.
std::string kinds(const effects& e) {
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
void expect_dead(driver& d) {
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

server_config base_config(std::vector<lcp::auth_method> auth) {
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
server_config chap_config() {
  return base_config({lcp::auth_method::chap_md5});
}
server_config pap_config() {
  return base_config({lcp::auth_method::pap});
}
server_config open_config() {
  return base_config({});
}

/// The subscriber's usual first request.
lcp::configure_request peer_request(std::uint8_t id = 0x21) {
  return {id, {lcp::mru{1492}, lcp::magic_number{peer_magic}}};
}

/// Starts and opens LCP: our request acked, the peer's (MRU 1492, its magic) acked.
/// Returns the effects of LCP reaching Opened.
effects open_lcp(driver& d) {
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
effects pass_pap(driver& d, std::uint32_t address = assigned) {
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}))),
            "stop(auth) authenticate(pap)");
  return d.auth_result(true, address, "welcome");
}

/// Opens IPCP (peer asks for `assigned` and our DNS) and IPv6CP from the
/// effects that entered the network phase. Returns the effects of the last step.
effects open_ncps(driver& d, const effects& network_started) {
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
void to_network(driver& d) {
  open_lcp(d);
  const effects e = pass_pap(d);
  EXPECT_EQ(kinds(open_ncps(d, e)), "stop(ipv6cp) up(ipv6)");
  EXPECT_EQ(d.engine.phase(), link_phase::network);
}

// ---- 1. plain negotiation with CHAP ----

TEST(PppServer, ChapNegotiationToNetworkUp) {
  driver d{chap_config()};
  const effects started = d.start();
  EXPECT_EQ(kinds(started), "lcp:conf-req arm(lcp)");
  EXPECT_EQ(d.armed_for(timer::lcp), 3s);
  EXPECT_EQ(d.engine.phase(), link_phase::establish);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  wire::bytes expected =
      hex("ff 03 c0 21       # LCP\n"
          "01 00 00 0f       # Configure-Request, id (patched below), length 15\n"
          "03 05 c2 23 05    # Authentication-Protocol CHAP, MD5\n"
          "05 06 11 22 33 44 # Magic-Number\n");
  expected[5] = static_cast<std::byte>(ours->identifier);
  EXPECT_EQ(wire::to_hex(raw_frame(started)), wire::to_hex(expected));

  // The peer's request is acked as sent.
  const effects acked = d.receive(lcp_frame(peer_request(0x21)));
  EXPECT_EQ(kinds(acked), "lcp:conf-ack");
  EXPECT_EQ(wire::to_hex(raw_frame(acked)), wire::to_hex(hex("ff 03 c0 21 | 02 21 00 0e | 01 04 05 d4 | "
                                                             "05 06 55 aa 55 aa # Ack: MRU 1492, magic")));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::ack_sent);

  // Our request acked: LCP opens, keepalive starts, the Challenge goes out.
  const effects opened = d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(echo) chap:challenge arm(auth)");
  EXPECT_EQ(d.engine.phase(), link_phase::authenticate);
  EXPECT_EQ(d.engine.peer_mru(), 1492);
  EXPECT_EQ(d.engine.mru(), 1500);
  EXPECT_EQ(d.engine.auth_protocol(), proto::chap);
  EXPECT_EQ(d.armed_for(timer::echo), 30s);
  EXPECT_EQ(d.armed_for(timer::auth), 3s);
  const auto challenge = sent_chap<chap::challenge>(opened);
  ASSERT_TRUE(challenge.has_value());
  wire::bytes expected_challenge =
      hex("ff 03 c2 23 # CHAP\n"
          "01 00 00 18 # Challenge, id (patched below), length 24\n"
          "10 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f # value = config.challenge\n"
          "6c 6e 73    # name \"lns\"\n");
  expected_challenge[5] = static_cast<std::byte>(challenge->identifier);
  EXPECT_EQ(wire::to_hex(raw_frame(opened)), wire::to_hex(expected_challenge));

  // The Response goes to AAA with everything needed to check it.
  const wire::bytes response_value = value16(0xa0);
  const effects responded = d.receive(chap_frame(chap::response{challenge->identifier, response_value, "alice"}));
  EXPECT_EQ(kinds(responded), "stop(auth) authenticate(chap)");
  const auto ask = first_of<authenticate>(responded);
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, authenticate::method::chap_md5);
  EXPECT_EQ(ask->user, "alice");
  EXPECT_EQ(ask->chap_id, challenge->identifier);
  EXPECT_EQ(ask->challenge, value16(0));
  EXPECT_EQ(ask->response, response_value);
  EXPECT_FALSE(ask->proxied);
  EXPECT_EQ(d.engine.user(), "alice");

  // Accepted: Success, then both NCPs start.
  const effects accepted = d.auth_result(true, assigned, "welcome");
  EXPECT_EQ(kinds(accepted), "chap:success ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  EXPECT_EQ(d.engine.phase(), link_phase::network);
  wire::bytes expected_success =
      hex("ff 03 c2 23 | 03 00 00 0b # Success, id patched\n 77 65 6c 63 6f 6d 65 # welcome");
  expected_success[5] = static_cast<std::byte>(challenge->identifier);
  EXPECT_EQ(wire::to_hex(raw_frame(accepted)), wire::to_hex(expected_success));
  const auto ipcp_ours = sent_ipcp<ipcp::configure_request>(accepted);
  ASSERT_TRUE(ipcp_ours.has_value());
  EXPECT_EQ(ipcp_ours->options, (std::vector<ipcp::option>{ipcp::ip_address{lns_address}}));
  const auto ipv6cp_ours = sent_ipv6cp<ipv6cp::configure_request>(accepted);
  ASSERT_TRUE(ipv6cp_ours.has_value());
  EXPECT_EQ(ipv6cp_ours->options, (std::vector<ipv6cp::option>{ipv6cp::interface_identifier{lns_iid}}));

  // IPCP: 0.0.0.0 and no DNS are Nak'd with the assigned values, then acked.
  const effects naked = d.receive(
      ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{0}, ipcp::primary_dns{0}, ipcp::secondary_dns{0}}}));
  EXPECT_EQ(kinds(naked), "ipcp:conf-nak");
  EXPECT_EQ(wire::to_hex(raw_frame(naked)), wire::to_hex(hex("ff 03 80 21 | 03 01 00 16 # Nak, id 1, length 22\n"
                                                             "03 06 64 40 00 02 # IP-Address 100.64.0.2\n"
                                                             "81 06 08 08 08 08 # primary DNS\n"
                                                             "83 06 01 01 01 01 # secondary DNS\n")));
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_request{
                2, {ipcp::ip_address{assigned}, ipcp::primary_dns{dns1}, ipcp::secondary_dns{dns2}}}))),
            "ipcp:conf-ack");
  const effects ipcp_up = d.receive(ipcp_frame(ipcp::configure_ack{ipcp_ours->identifier, ipcp_ours->options}));
  EXPECT_EQ(kinds(ipcp_up), "stop(ipcp) up(ipv4)");
  const auto up = first_of<network_up>(ipcp_up);
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->which, network::ipv4);
  EXPECT_EQ(up->peer_address, assigned);
  EXPECT_EQ(up->local_address, lns_address);
  EXPECT_EQ(up->primary_dns, dns1);
  EXPECT_EQ(up->secondary_dns, dns2);
  EXPECT_EQ(d.engine.peer_address(), assigned);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::opened);

  // IPv6CP: the peer's identifier is acked, ours acked.
  EXPECT_EQ(kinds(d.receive(ipv6cp_frame(ipv6cp::configure_request{7, {ipv6cp::interface_identifier{peer_iid}}}))),
            "ipv6cp:conf-ack");
  const effects ipv6_up = d.receive(ipv6cp_frame(ipv6cp::configure_ack{ipv6cp_ours->identifier, ipv6cp_ours->options}));
  EXPECT_EQ(kinds(ipv6_up), "stop(ipv6cp) up(ipv6)");
  const auto up6 = first_of<network_up>(ipv6_up);
  ASSERT_TRUE(up6.has_value());
  EXPECT_EQ(up6->local_interface_id, lns_iid);
  EXPECT_EQ(up6->peer_interface_id, peer_iid);
  EXPECT_EQ(d.engine.peer_interface_id(), peer_iid);
  EXPECT_EQ(d.engine.peer_mru(), 1492);
  EXPECT_FALSE(d.engine.proxied_lcp());
  EXPECT_EQ(d.finished_count, 0);
}

TEST(PppServer, ChapStaleResponseIsDiscardedAndRetransmittedResponseGetsSuccessAgain) {
  driver d{chap_config()};
  const effects opened = open_lcp(d);
  const auto challenge = sent_chap<chap::challenge>(opened);
  ASSERT_TRUE(challenge.has_value());
  const auto stale_id = static_cast<std::uint8_t>(challenge->identifier + 1);
  const auto discarded = d.engine.counters().discarded;
  EXPECT_TRUE(d.receive(chap_frame(chap::response{stale_id, value16(1), "alice"})).empty());
  EXPECT_EQ(d.engine.counters().discarded, discarded + 1);
  EXPECT_EQ(kinds(d.receive(chap_frame(chap::response{challenge->identifier, value16(1), "alice"}))),
            "stop(auth) authenticate(chap)");
  // A retransmission while AAA decides asks nothing more.
  EXPECT_TRUE(d.receive(chap_frame(chap::response{challenge->identifier, value16(1), "alice"})).empty());
  EXPECT_EQ(kinds(d.auth_result(true, assigned)), "chap:success ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  // Our Success was lost: the retransmitted Response gets it again, without AAA.
  const effects again = d.receive(chap_frame(chap::response{challenge->identifier, value16(1), "alice"}));
  EXPECT_EQ(kinds(again), "chap:success");
  EXPECT_EQ(sent_chap<chap::success>(again)->identifier, challenge->identifier);
}

TEST(PppServer, ChapChallengeRetransmittedWithNewIdentifiersUntilAuthTimeout) {
  server_config c = chap_config();
  c.auth_timeout = 7s;  // restart timer 3 s: Challenges at 0, 3 and 6 s, give up at 7 s
  driver d{c};
  const effects opened = open_lcp(d);
  auto challenge = sent_chap<chap::challenge>(opened);
  ASSERT_TRUE(challenge.has_value());
  std::vector<std::uint8_t> ids{challenge->identifier};
  std::chrono::milliseconds waited = d.armed_for(timer::auth);
  int rounds = 0;
  for (; rounds < 20; ++rounds) {
    const effects e = d.expire(timer::auth);
    if (d.engine.phase() == link_phase::terminate) {
      EXPECT_EQ(kinds(e), "stop(echo) lcp:term-req arm(lcp)");
      break;
    }
    EXPECT_EQ(kinds(e), "chap:challenge arm(auth)");
    challenge = sent_chap<chap::challenge>(e);
    ASSERT_TRUE(challenge.has_value());
    EXPECT_EQ(challenge->value, value16(0));
    EXPECT_NE(challenge->identifier, ids.back()) << "RFC 1994 §4.1: a new identifier for each Challenge";
    ids.push_back(challenge->identifier);
    waited += d.armed_for(timer::auth);
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(waited, 7s) << "auth_timeout bounds the whole wait";
  // A Response to the first Challenge is stale by now.
  EXPECT_TRUE(d.receive(chap_frame(chap::response{ids.front(), value16(1), "alice"})).empty());
  const auto term = sent_lcp<terminate_request>(d.expire(timer::lcp));
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(13)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

// ---- 2. PAP ----

TEST(PppServer, PapAuthenticatesOnceAndRepeatsTheVerdictToRetransmissions) {
  driver d{pap_config()};
  const effects opened = open_lcp(d);
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(echo) arm(auth)");
  EXPECT_EQ(d.armed_for(timer::auth), 30s) << "PAP waits auth_timeout for the peer's request";
  EXPECT_EQ(d.engine.auth_protocol(), proto::pap);

  const effects asked = d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}));
  EXPECT_EQ(kinds(asked), "stop(auth) authenticate(pap)");
  const auto ask = first_of<authenticate>(asked);
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, authenticate::method::pap);
  EXPECT_EQ(ask->user, "alice");
  EXPECT_EQ(ask->password, "secret");
  EXPECT_EQ(ask->chap_id, 5) << "the request's identifier";
  EXPECT_FALSE(ask->proxied);

  // Retransmissions while AAA decides: no second authenticate, nothing sent.
  EXPECT_TRUE(d.receive(pap_frame(pap::authenticate_request{6, "alice", "secret"})).empty());
  EXPECT_TRUE(d.receive(pap_frame(pap::authenticate_request{6, "alice", "secret"})).empty());

  const effects verdict = d.auth_result(true, assigned, "ok");
  EXPECT_EQ(kinds(verdict), "pap:auth-ack ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  const auto ack = sent_pap<pap::authenticate_ack>(verdict);
  ASSERT_TRUE(ack.has_value());
  EXPECT_TRUE(ack->identifier == 5 || ack->identifier == 6) << "the Ack answers one of the requests";
  EXPECT_EQ(ack->message, "ok");

  // The Ack was lost: the next retransmission gets the same Ack, with its identifier.
  const effects again = d.receive(pap_frame(pap::authenticate_request{7, "alice", "secret"}));
  EXPECT_EQ(kinds(again), "pap:auth-ack");
  EXPECT_EQ(wire::to_hex(raw_frame(again)), wire::to_hex(hex("ff 03 c0 23 | 02 07 00 07 # Ack, id 7, length 7\n"
                                                             "02 6f 6b # message \"ok\"")));
  // A second verdict is ignored.
  EXPECT_TRUE(d.auth_result(true, assigned).empty());
}

TEST(PppServer, PapBeforeLcpOpensOrChapUnderPapIsDiscarded) {
  driver d{pap_config()};
  const effects started = d.start();
  EXPECT_TRUE(d.receive(pap_frame(pap::authenticate_request{1, "alice", "secret"})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 1u);
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  d.receive(lcp_frame(peer_request()));
  d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_TRUE(d.receive(chap_frame(chap::response{1, value16(0), "alice"})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 2u);
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{2, "alice", "secret"}))),
            "stop(auth) authenticate(pap)");
}

TEST(PppServer, PapTimeoutEndsWithCause13) {
  driver d{pap_config()};
  open_lcp(d);
  EXPECT_EQ(kinds(d.expire(timer::auth)), "stop(echo) lcp:term-req arm(lcp)");
  EXPECT_EQ(d.engine.phase(), link_phase::terminate);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "lcp:term-req arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(13)");
  EXPECT_EQ(d.last_finished->message, "authentication-timeout");
  expect_dead(d);
}

// ---- 3. bad password ----

TEST(PppServer, RejectedPapSendsNakThenTerminatesWithCause16) {
  driver d{pap_config()};
  open_lcp(d);
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{9, "alice", "wrong"}))),
            "stop(auth) authenticate(pap)");
  const effects refused = d.auth_result(false, 0, "bad password");
  EXPECT_EQ(kinds(refused), "pap:auth-nak stop(echo) lcp:term-req arm(lcp)");
  const auto nak = sent_pap<pap::authenticate_nak>(refused);
  ASSERT_TRUE(nak.has_value());
  EXPECT_EQ(nak->identifier, 9);
  EXPECT_EQ(nak->message, "bad password");
  EXPECT_EQ(d.engine.phase(), link_phase::terminate);
  const auto term = sent_lcp<terminate_request>(refused);
  ASSERT_TRUE(term.has_value());
  // A retransmitted request during the termination is not sent to AAA again.
  EXPECT_EQ(count_of<authenticate>(d.receive(pap_frame(pap::authenticate_request{10, "alice", "wrong"}))), 0u);
  const effects done = d.receive(lcp_frame(terminate_ack{term->identifier, {}}));
  EXPECT_EQ(kinds(done), "stop(lcp) finished(16)");
  EXPECT_EQ(d.finished_count, 1);
  EXPECT_EQ(d.last_finished->cause, cause::auth_failed);
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  expect_dead(d);
  EXPECT_EQ(d.finished_count, 1);
}

TEST(PppServer, RejectedChapSendsFailureThenTerminatesAfterMaxTerminate) {
  driver d{chap_config()};
  const auto challenge = sent_chap<chap::challenge>(open_lcp(d));
  ASSERT_TRUE(challenge.has_value());
  d.receive(chap_frame(chap::response{challenge->identifier, value16(3), "alice"}));
  const effects refused = d.auth_result(false, 0, "denied");
  EXPECT_EQ(kinds(refused), "chap:failure stop(echo) lcp:term-req arm(lcp)");
  const auto failure = sent_chap<chap::failure>(refused);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->identifier, challenge->identifier);
  EXPECT_EQ(failure->message, "denied");
  // The peer never acks: Max-Terminate (2) requests, then finished.
  const effects second = d.expire(timer::lcp);
  EXPECT_EQ(kinds(second), "lcp:term-req arm(lcp)");
  EXPECT_NE(sent_lcp<terminate_request>(second)->identifier, sent_lcp<terminate_request>(refused)->identifier);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(16)");
  expect_dead(d);
}

// ---- 4. pool exhaustion ----

TEST(PppServer, NoAddressClosesIpcpAndEndsWithCause19) {
  server_config c = pap_config();
  c.ipv6 = false;
  driver d{c};
  open_lcp(d);
  const effects verdict = pass_pap(d, 0);
  EXPECT_EQ(kinds(verdict), "pap:auth-ack ipcp:conf-req arm(ipcp)");
  const effects closing = d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{0}}}));
  EXPECT_EQ(kinds(closing), "ipcp:term-req arm(ipcp)");
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::closing);
  const auto ipcp_term = sent_ipcp<terminate_request>(closing);
  ASSERT_TRUE(ipcp_term.has_value());
  const effects lcp_closing = d.receive(ipcp_frame(terminate_ack{ipcp_term->identifier, {}}));
  EXPECT_EQ(kinds(lcp_closing), "stop(ipcp) stop(echo) lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(lcp_closing);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(19)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

TEST(PppServer, NoAddressWithIpv6UpKeepsTheLinkAndALaterEndHasItsOwnCause) {
  driver d{pap_config()};
  open_lcp(d);
  const effects verdict = pass_pap(d, 0);
  const auto ipv6cp_ours = sent_ipv6cp<ipv6cp::configure_request>(verdict);
  ASSERT_TRUE(ipv6cp_ours.has_value());
  const effects closing = d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{0}}}));
  EXPECT_EQ(kinds(closing), "ipcp:term-req arm(ipcp)");
  const auto ipcp_term = sent_ipcp<terminate_request>(closing);
  ASSERT_TRUE(ipcp_term.has_value());
  EXPECT_EQ(kinds(d.receive(ipcp_frame(terminate_ack{ipcp_term->identifier, {}}))), "stop(ipcp)");
  d.receive(ipv6cp_frame(ipv6cp::configure_request{1, {ipv6cp::interface_identifier{peer_iid}}}));
  EXPECT_EQ(kinds(d.receive(ipv6cp_frame(ipv6cp::configure_ack{ipv6cp_ours->identifier, ipv6cp_ours->options}))),
            "stop(ipv6cp) up(ipv6)");
  EXPECT_EQ(d.engine.phase(), link_phase::network);
  // Hours later the subscriber hangs up: a normal disconnect, not "no address".
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_request{0x40, {}}))), "stop(echo) down(ipv6) lcp:term-ack arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(3)");
  EXPECT_EQ(d.last_finished->dir, direction::at_peer);
}

TEST(PppServer, NoNcpEnabledEndsWithCause18) {
  server_config c = open_config();
  c.ipv4 = false;
  c.ipv6 = false;
  driver d{c};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  d.receive(lcp_frame(peer_request()));
  const effects opened = d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(echo) stop(echo) lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(opened);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(18)");
}

TEST(PppServer, IpcpTimeoutEndsWithCause17) {
  server_config c = open_config();
  c.ipv6 = false;
  c.negotiation.max_configure = 2;
  driver d{c};
  EXPECT_EQ(kinds(open_lcp(d)), "stop(lcp) arm(echo) ipcp:conf-req arm(ipcp)");
  EXPECT_EQ(kinds(d.expire(timer::ipcp)), "ipcp:conf-req arm(ipcp)");
  const effects gave_up = d.expire(timer::ipcp);
  EXPECT_EQ(kinds(gave_up), "stop(echo) lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(gave_up);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(17)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

TEST(PppServer, PeerClosingTheLastNcpEndsWithCause18) {
  server_config c = pap_config();
  c.ipv6 = false;
  driver d{c};
  open_lcp(d);
  const effects verdict = pass_pap(d);
  const auto ours = sent_ipcp<ipcp::configure_request>(verdict);
  ASSERT_TRUE(ours.has_value());
  d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{assigned}}}));
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_ack{ours->identifier, ours->options}))), "stop(ipcp) up(ipv4)");
  EXPECT_EQ(kinds(d.receive(ipcp_frame(terminate_request{3, {}}))), "down(ipv4) ipcp:term-ack arm(ipcp)");
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  const effects last = d.expire(timer::ipcp);
  EXPECT_EQ(kinds(last), "stop(echo) lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(last);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(18)");
}

TEST(PppServer, Ipv6cpNaksAZeroOrOurIdentifierAndSurvivesAProtocolReject) {
  driver d{pap_config()};
  open_lcp(d);
  const effects verdict = pass_pap(d);
  for (const std::uint64_t bad : {std::uint64_t{0}, lns_iid}) {
    const effects e = d.receive(ipv6cp_frame(ipv6cp::configure_request{1, {ipv6cp::interface_identifier{bad}}}));
    EXPECT_EQ(kinds(e), "ipv6cp:conf-nak");
    const auto nak = sent_ipv6cp<ipv6cp::configure_nak>(e);
    ASSERT_TRUE(nak.has_value());
    ASSERT_EQ(nak->options.size(), 1u);
    const auto suggested = std::get<ipv6cp::interface_identifier>(nak->options[0]).value;
    EXPECT_NE(suggested, 0u);
    EXPECT_NE(suggested, lns_iid);
  }
  // A subscriber without IPv6 rejects the protocol: IPv6CP stops, the link stays for IPv4.
  const effects rejected = d.receive(lcp_frame(lcp::protocol_reject{
      1, proto::ipv6cp, encoded<ipv6cp_codec>(ipv6cp::packet{*sent_ipv6cp<ipv6cp::configure_request>(verdict)})}));
  EXPECT_EQ(kinds(rejected), "stop(ipv6cp)");
  EXPECT_EQ(d.engine.ipv6cp_state(), ppp_state::stopped);
  EXPECT_EQ(d.engine.phase(), link_phase::network);
  const auto ours = sent_ipcp<ipcp::configure_request>(verdict);
  ASSERT_TRUE(ours.has_value());
  d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{assigned}}}));
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_ack{ours->identifier, ours->options}))), "stop(ipcp) up(ipv4)");
  EXPECT_EQ(d.finished_count, 0);
}

// ---- 5. echo ----

TEST(PppServer, AnswersEchoRequestsWithOurMagicOnlyWhenOpened) {
  driver d{open_config()};
  d.start();
  EXPECT_TRUE(d.receive(lcp_frame(lcp::echo_request{1, peer_magic, {}})).empty()) << "not before LCP opens";
  EXPECT_EQ(d.engine.counters().echo_replies_sent, 0u);
  d.lower_down();

  driver e{open_config()};
  open_lcp(e);
  const effects reply = e.receive(lcp_frame(lcp::echo_request{0x33, peer_magic, wire::bytes{std::byte{0xab}}}));
  EXPECT_EQ(kinds(reply), "lcp:echo-rep");
  EXPECT_EQ(wire::to_hex(raw_frame(reply)), wire::to_hex(hex("ff 03 c0 21 | 0a 33 00 09 # Echo-Reply, id echoed\n"
                                                             "11 22 33 44 # our magic\n"
                                                             "ab          # data echoed")));
  EXPECT_EQ(e.engine.counters().echo_requests_received, 1u);
  EXPECT_EQ(e.engine.counters().echo_replies_sent, 1u);
}

TEST(PppServer, EchoTimeoutAfterEchoFailuresUnansweredRequests) {
  server_config c = open_config();
  c.echo_failures = 3;
  driver d{c};
  open_lcp(d);
  ASSERT_TRUE(d.is_armed(timer::echo));
  std::optional<std::uint8_t> previous;
  for (int i = 0; i < 3; ++i) {
    const effects e = d.expire(timer::echo);
    ASSERT_EQ(kinds(e), "lcp:echo-req arm(echo)") << "round " << i;
    const auto request = sent_lcp<lcp::echo_request>(e);
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->magic_number, our_magic);
    if (previous) {
      EXPECT_NE(request->identifier, *previous);
    }
    previous = request->identifier;
    EXPECT_EQ(d.armed_for(timer::echo), 30s);
  }
  EXPECT_EQ(d.engine.counters().echo_requests_sent, 3u);
  // The fourth expiry finds three unanswered requests: the link ends.
  const effects ending = d.expire(timer::echo);
  EXPECT_EQ(d.engine.counters().echo_timeouts, 1u);
  const auto term = sent_lcp<terminate_request>(ending);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(count_of<finished>(ending), 0u);
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(8)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

TEST(PppServer, EchoReplyResetsTheUnansweredCount) {
  server_config c = open_config();
  c.echo_failures = 2;
  driver d{c};
  open_lcp(d);
  for (int round = 0; round < 5; ++round) {
    const effects first = d.expire(timer::echo);
    ASSERT_EQ(kinds(first), "lcp:echo-req arm(echo)");
    const auto request = sent_lcp<lcp::echo_request>(first);
    ASSERT_TRUE(request.has_value());
    ASSERT_EQ(kinds(d.expire(timer::echo)), "lcp:echo-req arm(echo)");
    EXPECT_TRUE(d.receive(lcp_frame(lcp::echo_reply{request->identifier, peer_magic, {}})).empty());
  }
  EXPECT_EQ(d.engine.counters().echo_replies_received, 5u);
  EXPECT_EQ(d.engine.counters().echo_timeouts, 0u);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  ASSERT_EQ(kinds(d.expire(timer::echo)), "lcp:echo-req arm(echo)");
  ASSERT_EQ(kinds(d.expire(timer::echo)), "lcp:echo-req arm(echo)");
  EXPECT_EQ(kinds(d.expire(timer::echo)), "stop(ipcp) stop(ipv6cp) lcp:term-req arm(lcp)");
}

TEST(PppServer, NoKeepaliveWhenEchoIntervalIsZero) {
  server_config c = open_config();
  c.echo_interval = 0ms;
  driver d{c};
  EXPECT_EQ(kinds(open_lcp(d)), "stop(lcp) ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  EXPECT_FALSE(d.is_armed(timer::echo));
}

// ---- 6. restart timer ----

TEST(PppServer, ConfigureRequestRetransmittedWithNewIdentifiersThenCause5) {
  server_config c = chap_config();
  c.negotiation.max_configure = 4;
  driver d{c};
  const auto first = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(first.has_value());
  std::vector<std::uint8_t> ids{first->identifier};
  for (int i = 1; i < 4; ++i) {
    const effects e = d.expire(timer::lcp);
    ASSERT_EQ(kinds(e), "lcp:conf-req arm(lcp)") << "retransmission " << i;
    const auto again = sent_lcp<lcp::configure_request>(e);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(again->options, first->options);
    EXPECT_NE(again->identifier, ids.back());
    ids.push_back(again->identifier);
  }
  // An Ack of a superseded request is not an answer.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::configure_ack{ids.front(), first->options})).empty());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  // Max-Configure requests sent: the next expiry gives up.
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(5)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  expect_dead(d);
}

// ---- 7. Nak loop ----

TEST(PppServer, PeerNakingOurMruForeverEndsWithCause5) {
  server_config c = chap_config();
  c.lcp.mru = 1492;
  c.negotiation.max_configure = 4;
  driver d{c};
  auto ours = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(ours->options.front(), lcp::option{lcp::mru{1492}});
  // The peer's own request is acked, so the automaton sits in Ack-Sent.
  EXPECT_EQ(kinds(d.receive(lcp_frame(peer_request()))), "lcp:conf-ack");
  int rounds = 0;
  effects last;
  for (; rounds < 100; ++rounds) {
    const std::uint16_t wanted = rounds % 2 == 0 ? 1400 : 1450;  // never satisfied
    last = d.receive(lcp_frame(lcp::configure_nak{ours->identifier, {lcp::mru{wanted}}}));
    if (sent_frames(last).empty() || kinds(last) != "lcp:conf-req arm(lcp)") break;
    ours = sent_lcp<lcp::configure_request>(last);
    ASSERT_TRUE(ours.has_value());
    EXPECT_EQ(ours->options.front(), lcp::option{lcp::mru{wanted}}) << "the Nak'd MRU is adopted";
  }
  EXPECT_EQ(rounds, 4) << "Max-Configure rounds of Naks";
  EXPECT_EQ(kinds(last), "lcp:term-req arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "lcp:term-req arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(5)");
}

TEST(PppServer, PeerRejectingAuthenticationEndsWithCause15) {
  driver d{chap_config()};
  const auto ours = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(ours.has_value());
  const effects e = d.receive(
      lcp_frame(lcp::configure_reject{ours->identifier, {lcp::auth_protocol::chap(lcp::chap_algorithm::md5)}}));
  EXPECT_EQ(kinds(e), "lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(e);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(15)");
}

// ---- 8. peer Terminate-Request ----

TEST(PppServer, PeerTerminateRequestIsAckedThenFinishesNormally) {
  driver d{pap_config()};
  to_network(d);
  const effects e = d.receive(lcp_frame(terminate_request{0x77, {}}));
  EXPECT_EQ(kinds(e), "stop(echo) down(ipv4) down(ipv6) lcp:term-ack arm(lcp)");
  EXPECT_EQ(sent_lcp<terminate_ack>(e)->identifier, 0x77);
  EXPECT_EQ(d.engine.phase(), link_phase::terminate);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::stopping);
  EXPECT_EQ(d.finished_count, 0) << "RFC 1661 §5.5: wait a restart period before finishing";
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(3)");
  EXPECT_EQ(d.last_finished->dir, direction::at_peer);
  expect_dead(d);
}

TEST(PppServer, TerminateRequestDuringEstablishmentDoesNotDecideALaterCause) {
  server_config c = open_config();
  c.echo_failures = 1;
  driver d{c};
  const auto ours = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(ours.has_value());
  // Some peers send a Terminate-Request before (re)starting their negotiation.
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_request{1, {}}))), "lcp:term-ack");
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  d.receive(lcp_frame(peer_request()));
  d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  ASSERT_EQ(d.engine.lcp_state(), ppp_state::opened);
  EXPECT_EQ(kinds(d.expire(timer::echo)), "lcp:echo-req arm(echo)");
  const auto term = sent_lcp<terminate_request>(d.expire(timer::echo));
  ASSERT_TRUE(term.has_value());
  d.receive(lcp_frame(terminate_ack{term->identifier, {}}));
  ASSERT_EQ(d.finished_count, 1);
  EXPECT_EQ(d.last_finished->cause, cause::echo_timeout);
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

// ---- 9. unknown protocols, codes, malformed frames, early NCP packets ----

TEST(PppServer, UnknownProtocolIsProtocolRejectedOnceLcpIsOpen) {
  driver d{open_config()};
  const wire::bytes ccp = hex("ff 03 80 fd | 01 01 00 04 # CCP Configure-Request, no options");
  const effects started = d.start();
  EXPECT_TRUE(d.receive(ccp).empty()) << "RFC 1661 §5.7: only once LCP is opened";
  EXPECT_EQ(d.engine.counters().protocol_rejects_sent, 0u);
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  d.receive(lcp_frame(peer_request()));
  d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  const effects rejected = d.receive(ccp);
  EXPECT_EQ(kinds(rejected), "lcp:prot-rej");
  const auto pr = sent_lcp<lcp::protocol_reject>(rejected);
  ASSERT_TRUE(pr.has_value());
  EXPECT_EQ(pr->rejected_protocol, proto::ccp);
  EXPECT_EQ(pr->information, hex("01 01 00 04"));
  wire::bytes expected =
      hex("ff 03 c0 21 | 08 00 00 0a # Protocol-Reject, id patched, length 10\n"
          "80 fd       # CCP\n"
          "01 01 00 04 # the rejected packet");
  expected[5] = static_cast<std::byte>(pr->identifier);
  EXPECT_EQ(wire::to_hex(raw_frame(rejected)), wire::to_hex(expected));
  EXPECT_EQ(d.engine.counters().protocol_rejects_sent, 1u);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
}

TEST(PppServer, DisabledNcpIsProtocolRejected) {
  server_config c = open_config();
  c.ipv4 = false;
  driver d{c};
  EXPECT_EQ(kinds(open_lcp(d)), "stop(lcp) arm(echo) ipv6cp:conf-req arm(ipv6cp)");
  const effects e = d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{0}}}));
  EXPECT_EQ(kinds(e), "lcp:prot-rej");
  EXPECT_EQ(sent_lcp<lcp::protocol_reject>(e)->rejected_protocol, proto::ipcp);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::initial);
}

TEST(PppServer, UnknownLcpCodeIsCodeRejected) {
  driver d{open_config()};
  open_lcp(d);
  const effects e = d.receive(hex("ff 03 c0 21 | 0c 05 00 06 | aa bb # code 12"));
  EXPECT_EQ(kinds(e), "lcp:code-rej");
  const auto cr = sent_lcp<code_reject>(e);
  ASSERT_TRUE(cr.has_value());
  EXPECT_EQ(cr->rejected_packet, hex("0c 05 00 06 aa bb"));
  EXPECT_EQ(d.engine.counters().code_rejects_sent, 1u);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
}

TEST(PppServer, PeerCodeRejectingEchoIsToleratedButConfigureIsFatal) {
  driver d{open_config()};
  open_lcp(d);
  EXPECT_TRUE(d.receive(lcp_frame(code_reject{1, hex("09 01 00 08 11 22 33 44")})).empty());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  const effects e = d.receive(lcp_frame(code_reject{2, hex("01 01 00 04")}));
  EXPECT_EQ(sent_frames(e).size(), 1u);
  EXPECT_NE(d.engine.lcp_state(), ppp_state::opened);
}

TEST(PppServer, MalformedFramesAreCountedAndDropped) {
  driver d{pap_config()};
  open_lcp(d);
  const std::vector<wire::bytes> bad{
      {},
      hex("ff"),
      hex("ff 03"),
      hex("ff 03 c0 21 | 01 01 00 ff # length past the end"),
      hex("ff 03 c0 21 | 01 01 00 08 | 01 09 05 d4 # option longer than the packet"),
      hex("ff 03 c0 21 | 01 01 00 03 # length below the header"),
      hex("ff 03 c0 23 | 01 01 00 06 | 05 61 # PAP peer-id past the end"),
      hex("ff 03 c2 23 | 07 01 00 04 # CHAP code 7"),
      hex("ff 03 80 21 | 01 01 00 0a | 03 06 00 # IPCP truncated"),
  };
  std::uint64_t expected = 0;
  for (const auto& f : bad) {
    const auto before = d.engine.counters().malformed;
    EXPECT_TRUE(d.receive(f).empty()) << wire::to_hex(f);
    EXPECT_EQ(d.engine.counters().malformed, before + 1) << wire::to_hex(f);
    ++expected;
  }
  EXPECT_EQ(d.engine.counters().malformed, expected);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  EXPECT_EQ(d.engine.phase(), link_phase::authenticate);
  // Still works afterwards.
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}))),
            "stop(auth) authenticate(pap)");
}

TEST(PppServer, EarlyIpcpRequestIsDiscardedThenAnsweredInTheNetworkPhase) {
  driver d{pap_config()};
  open_lcp(d);
  const auto discarded = d.engine.counters().discarded;
  EXPECT_TRUE(d.receive(ipcp_frame(ipcp::configure_request{4, {ipcp::ip_address{assigned}}})).empty());
  EXPECT_TRUE(d.receive(ipv6cp_frame(ipv6cp::configure_request{5, {ipv6cp::interface_identifier{peer_iid}}})).empty());
  EXPECT_EQ(d.engine.counters().discarded, discarded + 2);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::initial);
  d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}));
  const effects e = d.auth_result(true, assigned);
  EXPECT_EQ(kinds(e), "pap:auth-ack ipcp:conf-req arm(ipcp) ipcp:conf-ack ipv6cp:conf-req arm(ipv6cp) ipv6cp:conf-ack");
  const auto ack = sent_ipcp<ipcp::configure_ack>(e, 1);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(ack->identifier, 4);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::ack_sent);
  EXPECT_EQ(sent_ipv6cp<ipv6cp::configure_ack>(e, 1)->identifier, 5);
}

TEST(PppServer, DataBeforeTheNetworkPhaseIsDiscarded) {
  driver d{pap_config()};
  open_lcp(d);
  EXPECT_TRUE(d.receive(hex("ff 03 00 21 | 45 00 00 14")).empty());
  EXPECT_TRUE(d.receive(hex("00 57 | 60 00 00 00")).empty());
  EXPECT_EQ(d.engine.counters().discarded, 2u);
  EXPECT_EQ(d.engine.counters().protocol_rejects_sent, 0u);
}

// ---- 10. proxy LCP and proxy authentication ----

constexpr std::uint32_t lac_magic = 0x0badcafe;
constexpr std::uint32_t client_magic = 0x5eed5eed;

proxy_info pap_proxy() {
  proxy_info p;
  p.initial_received_confreq = proxied_options({lcp::mru{1460}, lcp::magic_number{client_magic}});
  p.last_sent_confreq = proxied_options({lcp::auth_protocol::pap(), lcp::magic_number{lac_magic}});
  p.last_received_confreq = proxied_options({lcp::mru{1460}, lcp::magic_number{client_magic}});
  p.authen_type = proxy_authen::pap;
  p.authen_name = "bob";
  p.authen_response = wire::to_bytes(std::string_view{"hunter2"});
  return p;
}

proxy_info chap_proxy() {
  proxy_info p;
  p.last_sent_confreq = proxied_options(
      {lcp::mru{1500}, lcp::auth_protocol::chap(lcp::chap_algorithm::md5), lcp::magic_number{lac_magic}});
  p.last_received_confreq = proxied_options({lcp::magic_number{client_magic}, lcp::mru{1492}});
  p.authen_type = proxy_authen::chap;
  p.authen_name = "carol";
  p.authen_challenge = value16(0x40);
  p.authen_id = 0x0142;  // the identifier is the low byte
  p.authen_response = value16(0x80);
  return p;
}

server_config proxy_config() {
  server_config c = base_config({lcp::auth_method::chap_md5, lcp::auth_method::pap});
  c.lcp_renegotiation = false;
  return c;
}

TEST(PppServer, ProxyLcpWithPapGoesStraightToAuthentication) {
  proxy_info p = pap_proxy();
  p.authen_id = 0x0117;  // optional for PAP; when present, the Ack answers that request
  EXPECT_EQ(wire::to_hex(*p.last_received_confreq), "010405b405065eed5eed") << "options only, no header";
  driver d{proxy_config()};
  const effects started = d.start(p);
  EXPECT_EQ(kinds(started), "arm(echo) authenticate(pap)");
  EXPECT_TRUE(sent_frames(started).empty()) << "no Configure-Request with proxy LCP";
  const auto ask = first_of<authenticate>(started);
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, authenticate::method::pap);
  EXPECT_TRUE(ask->proxied);
  EXPECT_EQ(ask->user, "bob");
  EXPECT_EQ(ask->password, "hunter2");
  EXPECT_EQ(ask->chap_id, 0x17);
  EXPECT_TRUE(d.engine.proxied_lcp());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  EXPECT_EQ(d.engine.phase(), link_phase::authenticate);
  EXPECT_EQ(d.engine.peer_mru(), 1460);
  EXPECT_EQ(d.engine.mru(), 1500);
  EXPECT_EQ(d.engine.auth_protocol(), proto::pap);

  const effects verdict = d.auth_result(true, assigned, "hi");
  EXPECT_EQ(kinds(verdict), "pap:auth-ack ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  EXPECT_EQ(sent_pap<pap::authenticate_ack>(verdict)->message, "hi");
  EXPECT_EQ(sent_pap<pap::authenticate_ack>(verdict)->identifier, 0x17);
  EXPECT_EQ(d.engine.phase(), link_phase::network);
  EXPECT_EQ(d.engine.user(), "bob");

  // Keepalive answers with the magic the LAC negotiated for us.
  const effects echo = d.receive(lcp_frame(lcp::echo_request{1, client_magic, {}}));
  EXPECT_EQ(sent_lcp<lcp::echo_reply>(echo)->magic_number, lac_magic);
  EXPECT_EQ(sent_lcp<lcp::echo_request>(d.expire(timer::echo))->magic_number, lac_magic);
}

TEST(PppServer, ProxyLcpWithChapUsesTheProxiedChallengeAndIdentifier) {
  driver d{proxy_config()};
  const effects started = d.start(chap_proxy());
  EXPECT_EQ(kinds(started), "arm(echo) authenticate(chap)");
  const auto ask = first_of<authenticate>(started);
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->kind, authenticate::method::chap_md5);
  EXPECT_TRUE(ask->proxied);
  EXPECT_EQ(ask->user, "carol");
  EXPECT_EQ(ask->chap_id, 0x42);
  EXPECT_EQ(ask->challenge, value16(0x40));
  EXPECT_EQ(ask->response, value16(0x80));
  EXPECT_EQ(d.engine.peer_mru(), 1492);
  EXPECT_EQ(d.engine.auth_protocol(), proto::chap);

  const effects verdict = d.auth_result(true, assigned);
  EXPECT_EQ(kinds(verdict), "chap:success ipcp:conf-req arm(ipcp) ipv6cp:conf-req arm(ipv6cp)");
  EXPECT_EQ(sent_chap<chap::success>(verdict)->identifier, 0x42) << "RFC 2661: Success with the proxied ID";
  // The client retransmits its Response (it never saw the Success): Success again.
  EXPECT_EQ(kinds(d.receive(chap_frame(chap::response{0x42, value16(0x80), "carol"}))), "chap:success");
}

TEST(PppServer, ProxyChapRefusedSendsFailureAndEndsWithCause16) {
  driver d{proxy_config()};
  d.start(chap_proxy());
  const effects refused = d.auth_result(false, 0);
  EXPECT_EQ(kinds(refused), "chap:failure stop(echo) lcp:term-req arm(lcp)");
  EXPECT_EQ(sent_chap<chap::failure>(refused)->identifier, 0x42);
  d.expire(timer::lcp);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(16)");
}

TEST(PppServer, ProxyLcpWithoutProxyAuthenticationAuthenticatesItself) {
  proxy_info p = chap_proxy();
  p.authen_type = proxy_authen::none;
  driver d{proxy_config()};
  const effects started = d.start(p);
  EXPECT_EQ(kinds(started), "arm(echo) chap:challenge arm(auth)");
  EXPECT_EQ(d.engine.phase(), link_phase::authenticate);
}

TEST(PppServer, ProxyLcpCarriesTheClientsHeaderCompression) {
  proxy_info p = pap_proxy();
  p.last_received_confreq =
      proxied_options({lcp::mru{1460}, lcp::accm{0}, lcp::magic_number{client_magic}, lcp::pfc{}, lcp::acfc{}});
  driver d{proxy_config()};
  d.start(p);
  EXPECT_EQ(d.engine.tx_flags(), (frame_flags{true, true}));
  EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, hex("45 00"))), "214500");
}

TEST(PppServer, MissingProxyLcpWithoutRenegotiationIsRefusedWithCause2) {
  driver d{proxy_config()};
  EXPECT_EQ(kinds(d.start()), "finished(2)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  expect_dead(d);

  proxy_info half = pap_proxy();
  half.last_received_confreq.reset();
  driver e{proxy_config()};
  EXPECT_EQ(kinds(e.start(half)), "finished(2)");
}

TEST(PppServer, UnacceptableProxyLcpIsRefusedWithCause2) {
  struct variant_case {
    const char* what;
    proxy_info info;
  };
  std::vector<variant_case> cases;
  {
    proxy_info p = pap_proxy();
    p.last_received_confreq =
        proxied_options({lcp::mru{1500}, lcp::magic_number{client_magic}, lcp::mrru{hex("05 dc")}});
    cases.push_back({"MRRU (multilink)", p});
  }
  {
    proxy_info p = pap_proxy();
    p.last_received_confreq = proxied_options({lcp::mru{100}, lcp::magic_number{client_magic}});
    cases.push_back({"MRU below min_mru", p});
  }
  {
    proxy_info p = pap_proxy();
    p.last_received_confreq = proxied_options({lcp::magic_number{lac_magic}});
    cases.push_back({"same magic both ways (looped)", p});
  }
  {
    proxy_info p = pap_proxy();
    p.last_sent_confreq =
        proxied_options({lcp::auth_protocol::chap(lcp::chap_algorithm::ms_chap_v2), lcp::magic_number{lac_magic}});
    cases.push_back({"MS-CHAPv2", p});
  }
  {
    proxy_info p = pap_proxy();
    p.last_received_confreq = hex("01 04 05");
    cases.push_back({"undecodable options", p});
  }
  for (const auto& c : cases) {
    driver d{proxy_config()};
    const effects e = d.start(c.info);
    EXPECT_EQ(kinds(e), "finished(2)") << c.what;
    EXPECT_TRUE(sent_frames(e).empty()) << c.what;
  }
  // The LAC agreed on PAP but this LNS requires CHAP.
  server_config chap_only = chap_config();
  chap_only.lcp_renegotiation = false;
  driver d{chap_only};
  EXPECT_EQ(kinds(d.start(pap_proxy())), "finished(2)");
}

TEST(PppServer, ProxyLcpWithRenegotiationIsIgnored) {
  server_config c = proxy_config();
  c.lcp_renegotiation = true;
  driver d{c};
  const effects started = d.start(pap_proxy());
  EXPECT_EQ(kinds(started), "lcp:conf-req arm(lcp)");
  EXPECT_FALSE(d.engine.proxied_lcp());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  EXPECT_EQ(d.engine.peer_mru(), 1500);
}

// ---- 11. close and lower_down ----

TEST(PppServer, AdminCloseInTheNetworkPhase) {
  driver d{pap_config()};
  to_network(d);
  const effects closing = d.close(cause::admin, "admin-reset");
  EXPECT_EQ(kinds(closing), "stop(echo) down(ipv4) down(ipv6) lcp:term-req arm(lcp)");
  EXPECT_EQ(d.engine.phase(), link_phase::terminate);
  // Peer frames in the meantime change nothing.
  EXPECT_TRUE(d.receive(ipcp_frame(ipcp::configure_request{9, {ipcp::ip_address{assigned}}})).empty());
  const auto term = sent_lcp<terminate_request>(closing);
  ASSERT_TRUE(term.has_value());
  const effects done = d.receive(lcp_frame(terminate_ack{term->identifier, {}}));
  EXPECT_EQ(kinds(done), "stop(lcp) finished(1)");
  EXPECT_EQ(d.last_finished->message, "admin-reset");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  expect_dead(d);
}

TEST(PppServer, CloseWhileAaaDecidesIgnoresTheLateVerdict) {
  driver d{pap_config()};
  open_lcp(d);
  d.receive(pap_frame(pap::authenticate_request{1, "alice", "secret"}));
  const effects closing = d.close(cause::admin, "admin");
  EXPECT_EQ(kinds(closing), "stop(echo) lcp:term-req arm(lcp)");
  EXPECT_TRUE(d.auth_result(true, assigned).empty()) << "no Ack, no NCP after the close";
  const auto term = sent_lcp<terminate_request>(closing);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(1)");
}

TEST(PppServer, CloseBeforeStartFinishesAtOnce) {
  driver d{pap_config()};
  EXPECT_EQ(kinds(d.close(cause::admin, "admin")), "finished(1)");
  expect_dead(d);
}

TEST(PppServer, LowerDownFinishesAtOnceWithoutSending) {
  driver d{pap_config()};
  to_network(d);
  const effects e = d.lower_down();
  EXPECT_EQ(kinds(e), "stop(echo) finished(0)");
  EXPECT_TRUE(sent_frames(e).empty());
  EXPECT_EQ(d.last_finished->message, "lower-layer-down");
  expect_dead(d);
}

TEST(PppServer, LowerDownDuringTerminationKeepsTheFirstCause) {
  driver d{pap_config()};
  open_lcp(d);
  d.receive(pap_frame(pap::authenticate_request{1, "alice", "x"}));
  d.auth_result(false, 0);
  EXPECT_EQ(kinds(d.lower_down()), "stop(lcp) finished(16)");
}

// ---- 12. header compression ----

TEST(PppServer, FrameIpCompressesOnlyWhatThePeersAckedRequestAsked) {
  const wire::bytes packet = hex("45 00 00 14");
  {
    // Default policy: PFC and ACFC are rejected, the peer retries without them.
    driver d{open_config()};
    const auto ours = sent_lcp<lcp::configure_request>(d.start());
    ASSERT_TRUE(ours.has_value());
    const effects rej =
        d.receive(lcp_frame(lcp::configure_request{1, {lcp::magic_number{peer_magic}, lcp::pfc{}, lcp::acfc{}}}));
    EXPECT_EQ(kinds(rej), "lcp:conf-rej");
    EXPECT_EQ(sent_lcp<lcp::configure_reject>(rej)->options, (std::vector<lcp::option>{lcp::pfc{}, lcp::acfc{}}));
    d.receive(lcp_frame(lcp::configure_request{2, {lcp::magic_number{peer_magic}}}));
    d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
    EXPECT_EQ(d.engine.tx_flags(), frame_flags{});
    EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, packet)), "ff03002145000014");
    EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv6, packet)), "ff03005745000014");
  }
  {
    server_config c = open_config();
    c.lcp.accept_pfc = true;
    c.lcp.accept_acfc = true;
    driver d{c};
    const auto ours = sent_lcp<lcp::configure_request>(d.start());
    ASSERT_TRUE(ours.has_value());
    EXPECT_EQ(kinds(d.receive(lcp_frame(lcp::configure_request{1, {lcp::pfc{}, lcp::acfc{}}}))), "lcp:conf-ack");
    d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
    EXPECT_EQ(d.engine.tx_flags(), (frame_flags{true, true}));
    EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, packet)), "2145000014");
    EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv6, packet)), "5745000014");
    // Control frames are never compressed.
    const effects echo = d.receive(lcp_frame(lcp::echo_request{1, 0, {}}));
    EXPECT_EQ(wire::to_hex(raw_frame(echo)).substr(0, 8), "ff03c021");
  }
  {
    server_config c = open_config();
    c.lcp.accept_pfc = true;
    c.lcp.accept_acfc = true;
    driver d{c};
    const auto ours = sent_lcp<lcp::configure_request>(d.start());
    ASSERT_TRUE(ours.has_value());
    d.receive(lcp_frame(lcp::configure_request{1, {lcp::pfc{}}}));
    d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
    EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, packet)), "ff032145000014");
    // A later request without PFC, acked, takes it away again.
    d.receive(lcp_frame(lcp::configure_request{2, {}}));
    EXPECT_EQ(d.engine.tx_flags(), frame_flags{});
  }
}

// ---- 13. loopback ----

TEST(PppServer, RequestsCarryingOurMagicEndWithCause7) {
  server_config c = open_config();
  c.max_loopback = 3;
  driver d{c};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  // Two looped requests, then a different one: the count starts over.
  for (int i = 0; i < 2; ++i) {
    const effects e = d.receive(lcp_frame(lcp::configure_request{ours->identifier, ours->options}));
    EXPECT_EQ(kinds(e), "lcp:conf-nak");
    EXPECT_EQ(sent_lcp<lcp::configure_nak>(e)->options, (std::vector<lcp::option>{lcp::magic_number{fresh_magic}}));
  }
  EXPECT_EQ(kinds(d.receive(lcp_frame(lcp::configure_request{9, {lcp::magic_number{0}}}))), "lcp:conf-nak");
  effects last;
  int naks = 0;
  for (; naks < 20; ++naks) {
    last = d.receive(lcp_frame(lcp::configure_request{ours->identifier, ours->options}));
    if (kinds(last) != "lcp:conf-nak") break;
  }
  EXPECT_EQ(naks, 2) << "the third consecutive looped request ends the link";
  EXPECT_EQ(kinds(last), "lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(last);
  ASSERT_TRUE(term.has_value());
  // Looped back, our Terminate-Request comes back too: answered, and still ends with 7.
  const effects back = d.receive(lcp_frame(*term));
  EXPECT_EQ(kinds(back), "lcp:term-ack");
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(7)");
}

// ---- end to end against the subscriber engine ----

/// Both engines, frames pumped between them until neither has anything to
/// say; AAA answers at once from a one-user table.
class loop {
 public:
  loop(server_config s, client_config c) : server{std::move(s)}, client{std::move(c)} {}

  void start() {
    take_client(client.start());
    take_server(server.start());
    pump();
  }
  void pump() {
    for (int guard = 0; guard < 1000 && (!to_server.empty() || !to_client.empty() || pending_aaa); ++guard) {
      if (!to_server.empty()) {
        const wire::bytes f = std::move(to_server.front());
        to_server.pop_front();
        take_server(server.receive(span(f)));
      } else if (!to_client.empty()) {
        const wire::bytes f = std::move(to_client.front());
        to_client.pop_front();
        take_client(client.receive(span(f)));
      } else if (pending_aaa) {
        const authenticate a = std::move(*pending_aaa);
        pending_aaa.reset();
        take_server(server.auth_result(verify(a), assigned, "hello"));
      }
    }
  }
  void client_close() {
    take_client(client.close());
    pump();
  }
  void server_close(std::uint16_t code, std::string_view message) {
    take_server(server.close(code, message));
    pump();
  }
  /// Fires an armed server timer, then pumps.
  void expire_server(timer t) {
    ASSERT_TRUE(server_armed[static_cast<std::size_t>(t)]);
    server_armed[static_cast<std::size_t>(t)] = false;
    take_server(server.timeout(t));
    pump();
  }

  server_engine server;
  client_engine client;
  std::array<bool, timer_count> server_armed{};
  std::vector<network_up> server_up;
  std::vector<network_up> client_up;
  std::vector<authenticate> asked;
  std::optional<finished> server_end;
  std::optional<finished> client_end;
  std::string password = "secret";

 private:
  bool verify(const authenticate& a) const {
    if (a.user != "alice") return false;
    if (a.kind == authenticate::method::pap) return a.password == password;
    auto expected = chap_md5_response(a.chap_id, wire::as_bytes(password), span(a.challenge));
    return expected.ok() && wire::bytes(expected->begin(), expected->end()) == a.response;
  }
  void take_server(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_client.push_back(s->frame);
      if (const auto* a = std::get_if<arm_timer>(&x)) server_armed[static_cast<std::size_t>(a->which)] = true;
      if (const auto* st = std::get_if<stop_timer>(&x)) server_armed[static_cast<std::size_t>(st->which)] = false;
      if (const auto* au = std::get_if<authenticate>(&x)) {
        asked.push_back(*au);
        pending_aaa = *au;
      }
      if (const auto* up = std::get_if<network_up>(&x)) server_up.push_back(*up);
      if (const auto* f = std::get_if<finished>(&x)) {
        EXPECT_FALSE(server_end.has_value()) << "server finished twice";
        server_end = *f;
      }
    }
  }
  void take_client(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_server.push_back(s->frame);
      if (const auto* up = std::get_if<network_up>(&x)) client_up.push_back(*up);
      if (const auto* f = std::get_if<finished>(&x)) client_end = *f;
    }
  }

  std::deque<wire::bytes> to_server;
  std::deque<wire::bytes> to_client;
  std::optional<authenticate> pending_aaa;
};

client_config subscriber(bool ipv6) {
  client_config c;
  c.user = "alice";
  c.password = "secret";
  c.magic = peer_magic;
  c.mru = 1492;
  c.ipv6 = ipv6;
  c.interface_id = peer_iid;
  return c;
}

TEST(PppServerLoop, ChapDualStackComesUpOnBothSides) {
  loop l{chap_config(), subscriber(true)};
  l.start();
  ASSERT_EQ(l.asked.size(), 1u);
  EXPECT_EQ(l.asked[0].kind, authenticate::method::chap_md5);
  EXPECT_FALSE(l.server_end.has_value());
  EXPECT_EQ(l.server.phase(), link_phase::network);
  EXPECT_EQ(l.server.ipcp_state(), ppp_state::opened);
  EXPECT_EQ(l.server.ipv6cp_state(), ppp_state::opened);
  EXPECT_EQ(l.server.peer_mru(), 1492);
  EXPECT_EQ(l.server.peer_address(), assigned);
  EXPECT_EQ(l.server.peer_interface_id(), peer_iid);
  EXPECT_EQ(l.server_up.size(), 2u);
  EXPECT_EQ(l.client.address(), assigned);
  EXPECT_EQ(l.client.primary_dns(), dns1);
  EXPECT_EQ(l.client.secondary_dns(), dns2);
  EXPECT_EQ(l.client.peer_interface_id(), lns_iid);
  EXPECT_EQ(l.client_up.size(), 2u);

  // The subscriber hangs up: Terminate-Request and Ack; the server finishes after its pause.
  l.client_close();
  EXPECT_TRUE(l.client_end.has_value());
  ASSERT_FALSE(l.server_end.has_value()) << "RFC 1661 §5.5: a restart period before finishing";
  l.expire_server(timer::lcp);
  ASSERT_TRUE(l.server_end.has_value());
  EXPECT_EQ(l.server_end->cause, cause::normal);
  EXPECT_EQ(l.server_end->dir, direction::at_peer);
}

TEST(PppServerLoop, PapWithoutIpv6OnTheClientRejectsIpv6cp) {
  loop l{pap_config(), subscriber(false)};
  l.start();
  ASSERT_EQ(l.asked.size(), 1u);
  EXPECT_EQ(l.asked[0].kind, authenticate::method::pap);
  EXPECT_EQ(l.asked[0].password, "secret");
  EXPECT_EQ(l.server.ipcp_state(), ppp_state::opened);
  EXPECT_NE(l.server.ipv6cp_state(), ppp_state::opened);
  EXPECT_FALSE(l.server_end.has_value()) << "IPv4 alone keeps the link";
  EXPECT_EQ(l.client.address(), assigned);
}

TEST(PppServerLoop, WrongPasswordEndsBothSides) {
  loop l{chap_config(), subscriber(false)};
  l.password = "other";
  l.start();
  // The server waits on its Terminate-Request; the client acked it.
  if (!l.server_end && l.server_armed[static_cast<std::size_t>(timer::lcp)]) l.expire_server(timer::lcp);
  ASSERT_TRUE(l.server_end.has_value());
  EXPECT_EQ(l.server_end->cause, cause::auth_failed);
  EXPECT_TRUE(l.server_up.empty());
  EXPECT_TRUE(l.client_up.empty());
}

TEST(PppServerLoop, AdminCloseReachesTheClient) {
  loop l{pap_config(), subscriber(true)};
  l.start();
  ASSERT_EQ(l.server.phase(), link_phase::network);
  l.server_close(cause::admin, "admin");
  ASSERT_TRUE(l.server_end.has_value()) << "the client acked the Terminate-Request";
  EXPECT_EQ(l.server_end->cause, cause::admin);
}

}  // namespace
}  // namespace bras::ppp

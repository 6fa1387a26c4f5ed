// The subscriber's PPP engine, driven by hand-built LNS frames and, where a
// realistic LNS is easier, by the LNS's own policy from negotiate.hpp. A
// driver checks the effect contract on every call: a timer is stopped only
// while armed, `finished` comes once and last with no timer left armed, and
// nothing comes out after it.
#include "protocol/ppp/client.hpp"

#include <array>
#include <optional>
#include <sstream>
#include <string>

#include "protocol/ppp/negotiate.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
namespace {

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

/// A frame the client sent, split at the PPP header.
struct sent {
  std::uint16_t protocol = 0;
  wire::bytes payload;
  bool has_address_control = false;
};

std::vector<sent> sent_frames(const effects& e) {
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
std::optional<Packet> sent_packet(const effects& e, std::uint16_t protocol, std::size_t nth = 0) {
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

template <class T>
std::optional<T> first_of(const effects& e) {
  for (const effect& x : e) {
    if (const T* t = std::get_if<T>(&x)) return *t;
  }
  return std::nullopt;
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

/// "send(lcp) arm(lcp)"-style summary of the effects in order.
std::string kinds(const effects& e) {
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
void expect_dead(driver& d) {
  EXPECT_TRUE(d.engine.start().empty());
  EXPECT_TRUE(d.engine.receive(span(lcp_frame(terminate_request{1, {}}))).empty());
  EXPECT_TRUE(d.engine.receive(span(lcp_frame(lcp::echo_request{2, lns_magic, {}}))).empty());
  for (std::size_t t = 0; t < timer_count; ++t) EXPECT_TRUE(d.engine.timeout(static_cast<timer>(t)).empty());
  EXPECT_TRUE(d.engine.close().empty());
  EXPECT_TRUE(d.engine.lower_down().empty());
  EXPECT_EQ(d.engine.phase(), client_phase::dead);
}

lcp::policy lns_lcp(std::vector<lcp::auth_method> auth = {}) {
  lcp::policy p;
  p.auth = std::move(auth);
  p.magic = lns_magic;
  p.fresh_magic = 0x55667788;
  return p;
}

client_config plain_config() {
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
effects open_lcp_from(driver& d, const effects& started, const lcp::policy& lns) {
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
effects open_lcp(driver& d, const lcp::policy& lns) {
  const effects started = d.start();
  return open_lcp_from(d, started, lns);
}

/// LCP open without authentication, then IPCP acked at once (the client asks
/// for `assigned` and no DNS). Returns the effects of IPCP reaching Opened.
effects open_ipcp(driver& d) {
  const effects opened = open_lcp(d, lns_lcp());
  const auto request = sent_ipcp<ipcp::configure_request>(opened);
  if (!request) return {};
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{lns_address}}}))), "send(ipcp)");
  return d.receive(ipcp_frame(ipcp::configure_ack{request->identifier, request->options}));
}

client_config ipcp_config() {
  client_config c = plain_config();
  c.requested_address = assigned;
  c.request_dns = false;
  return c;
}

// ---- establishment ----

TEST(PppClient, StartSendsTheConfiguredConfigureRequest) {
  client_config c = plain_config();
  c.mru = 1492;
  c.request_pfc = true;
  c.request_acfc = true;
  driver d{c};
  const effects e = d.start();
  EXPECT_EQ(kinds(e), "send(lcp) arm(lcp)");
  EXPECT_EQ(std::get<arm_timer>(e[1]).after, std::chrono::seconds{1});
  EXPECT_EQ(wire::to_hex(std::get<send_frame>(e[0]).frame), wire::to_hex(hex("ff 03 c0 21 # LCP, not compressed\n"
                                                                             "01 01 00 12 # Configure-Request, id 1\n"
                                                                             "01 04 05 d4 # MRU 1492\n"
                                                                             "05 06 de ad be ef # Magic-Number\n"
                                                                             "07 02 # PFC\n"
                                                                             "08 02 # ACFC\n")));
  EXPECT_EQ(d.engine.phase(), client_phase::establish);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  EXPECT_EQ(wire::to_hex(d.engine.first_sent_confreq()), "01010012010405d40506deadbeef07020802");
  EXPECT_EQ(d.engine.last_sent_confreq(), d.engine.first_sent_confreq());
  EXPECT_TRUE(d.engine.start().empty()) << "a second start is ignored";
}

TEST(PppClient, DefaultConfigureRequestIsEmpty) {
  client_config c;
  driver d{c};
  const auto request = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(request.has_value());
  EXPECT_TRUE(request->options.empty());
}

TEST(PppClient, RetransmitsWithNewIdentifiersThenTimesOut) {
  client_config c = plain_config();
  c.negotiation.max_configure = 3;
  driver d{c};
  const auto first = sent_lcp<lcp::configure_request>(d.start());
  const effects second = d.expire(timer::lcp);
  EXPECT_EQ(kinds(second), "send(lcp) arm(lcp)");
  const auto retransmitted = sent_lcp<lcp::configure_request>(second);
  ASSERT_TRUE(first && retransmitted);
  EXPECT_NE(retransmitted->identifier, first->identifier);
  EXPECT_EQ(retransmitted->options, first->options);
  EXPECT_EQ(d.engine.last_sent_confreq(), encoded<lcp_codec>(*retransmitted));
  EXPECT_EQ(d.engine.first_sent_confreq(), encoded<lcp_codec>(*first));

  // An Ack of the superseded request is not an answer to the current one.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::configure_ack{first->identifier, first->options})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 1u);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  // Nor is an Ack of the current identifier with other options (RFC 1661 §5.2).
  EXPECT_TRUE(d.receive(lcp_frame(lcp::configure_ack{retransmitted->identifier, {}})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 2u);

  EXPECT_EQ(kinds(d.expire(timer::lcp)), "send(lcp) arm(lcp)");  // the third and last request
  const effects gave_up = d.expire(timer::lcp);
  EXPECT_EQ(kinds(gave_up), "finished(5)");
  ASSERT_TRUE(d.last_finished.has_value());
  EXPECT_EQ(d.last_finished->cause, cause::lcp_fsm_timeout);
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  EXPECT_EQ(d.finished_count, 1);
  expect_dead(d);
}

TEST(PppClient, AnswersTheLnsOptionsAsACpe) {
  driver d{plain_config()};
  (void)d.start();
  // MRU below 576 and our own Magic-Number (a loop) are Nak'd; PFC, ACFC, ACCM acceptable.
  const effects naked = d.receive(lcp_frame(
      lcp::configure_request{4, {lcp::mru{500}, lcp::accm{0}, lcp::magic_number{our_magic}, lcp::pfc{}, lcp::acfc{}}}));
  const auto nak = sent_lcp<lcp::configure_nak>(naked);
  ASSERT_TRUE(nak.has_value());
  EXPECT_EQ(nak->identifier, 4);
  ASSERT_EQ(nak->options.size(), 2u);
  EXPECT_EQ(std::get<lcp::mru>(nak->options[0]).value, 576);
  const std::uint32_t suggested = std::get<lcp::magic_number>(nak->options[1]).value;
  EXPECT_NE(suggested, our_magic);
  EXPECT_NE(suggested, 0u);
  // Magic-Number 0 is illegal: Nak'd too.
  const auto zero =
      sent_lcp<lcp::configure_nak>(d.receive(lcp_frame(lcp::configure_request{5, {lcp::magic_number{0}}})));
  ASSERT_TRUE(zero.has_value());
  EXPECT_NE(std::get<lcp::magic_number>(zero->options.at(0)).value, 0u);
  // Unknown options and Quality-Protocol are Rejected, in the LNS's order, and nothing else is.
  const auto rejected = sent_lcp<lcp::configure_reject>(
      d.receive(lcp_frame(lcp::configure_request{6,
                                                 {unknown_option{30, {std::byte{0xaa}}}, lcp::mru{1500},
                                                  lcp::quality_protocol{{std::byte{0xc0}, std::byte{0x25}}}}})));
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->options, (std::vector<lcp::option>{unknown_option{30, {std::byte{0xaa}}},
                                                         lcp::quality_protocol{{std::byte{0xc0}, std::byte{0x25}}}}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  EXPECT_TRUE(d.engine.last_received_confreq().empty()) << "nothing acked yet";
}

struct auth_case {
  bool accept_pap;
  bool accept_chap;
  lcp::auth_protocol asked;
  std::optional<lcp::auth_protocol> nak_with;  ///< nullopt: Ack; else Nak with this; reject when `reject`
  bool reject = false;
};

TEST(PppClient, AuthenticationProtocolOptionFollowsTheConfiguration) {
  const auto pap = lcp::auth_protocol::pap();
  const auto md5 = lcp::auth_protocol::chap(lcp::chap_algorithm::md5);
  const auto mschap2 = lcp::auth_protocol::chap(lcp::chap_algorithm::ms_chap_v2);
  const std::vector<auth_case> cases{
      {true, true, pap, std::nullopt},
      {true, true, md5, std::nullopt},
      {true, true, mschap2, md5},
      {true, false, md5, pap},
      {false, true, pap, md5},
      {true, false, pap, std::nullopt},
      {false, false, pap, std::nullopt, true},
  };
  for (const auth_case& k : cases) {
    client_config c = plain_config();
    c.accept_pap = k.accept_pap;
    c.accept_chap_md5 = k.accept_chap;
    driver d{c};
    (void)d.start();
    const effects e = d.receive(lcp_frame(lcp::configure_request{9, {k.asked, lcp::magic_number{lns_magic}}}));
    SCOPED_TRACE(std::to_string(k.accept_pap) + std::to_string(k.accept_chap) + " asked " +
                 std::to_string(k.asked.protocol));
    if (k.reject) {
      const auto r = sent_lcp<lcp::configure_reject>(e);
      ASSERT_TRUE(r.has_value());
      EXPECT_EQ(r->options, (std::vector<lcp::option>{k.asked}));
    } else if (k.nak_with) {
      const auto n = sent_lcp<lcp::configure_nak>(e);
      ASSERT_TRUE(n.has_value());
      EXPECT_EQ(n->options, (std::vector<lcp::option>{*k.nak_with}));
    } else {
      const auto a = sent_lcp<lcp::configure_ack>(e);
      ASSERT_TRUE(a.has_value());
      EXPECT_EQ(a->options, (std::vector<lcp::option>{k.asked, lcp::magic_number{lns_magic}}));
      EXPECT_EQ(d.engine.lcp_state(), ppp_state::ack_sent);
    }
  }
}

TEST(PppClient, AdoptsTheLnsNaksAndDropsItsRejects) {
  client_config c = plain_config();
  c.mru = 1400;
  c.request_pfc = true;
  driver d{c};
  const auto first = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(first.has_value());
  // Nak: MRU 1460 and a new magic; a hint for an option we did not ask for is ignored.
  const effects renegotiated = d.receive(lcp_frame(
      lcp::configure_nak{first->identifier, {lcp::mru{1460}, lcp::magic_number{0x01020304}, lcp::accm{0xffffffff}}}));
  EXPECT_EQ(kinds(renegotiated), "send(lcp) arm(lcp)");
  const auto second = sent_lcp<lcp::configure_request>(renegotiated);
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->identifier, first->identifier);
  EXPECT_EQ(second->options, (std::vector<lcp::option>{lcp::mru{1460}, lcp::magic_number{0x01020304}, lcp::pfc{}}));
  // A Nak with a stale identifier changes nothing.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::configure_nak{first->identifier, {lcp::mru{1000}}})).empty());
  // A Reject that does not list our options unmodified is not an answer.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::configure_reject{second->identifier, {lcp::mru{1500}}})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 2u);
  // Reject of PFC: dropped from the next request.
  const auto third =
      sent_lcp<lcp::configure_request>(d.receive(lcp_frame(lcp::configure_reject{second->identifier, {lcp::pfc{}}})));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->options, (std::vector<lcp::option>{lcp::mru{1460}, lcp::magic_number{0x01020304}}));
  // Acked: our MRU is what the LNS accepted.
  (void)d.receive(lcp_frame(lcp::configure_ack{third->identifier, third->options}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::ack_rcvd);
  EXPECT_EQ(d.engine.mru(), 1460);
}

TEST(PppClient, DuplicateAnswersAreDiscarded) {
  driver d{ipcp_config()};
  const auto ours = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(ours.has_value());
  (void)d.receive(lcp_frame(lcp::configure_request{1, {}}));
  const wire::bytes ack = lcp_frame(lcp::configure_ack{ours->identifier, ours->options});
  const auto ask = sent_ipcp<ipcp::configure_request>(d.receive(ack));
  ASSERT_TRUE(ask.has_value());
  // A second copy of the Ack would otherwise restart LCP from Opened (RFC 1661 §4.1, RCA in 9).
  EXPECT_TRUE(d.receive(ack).empty());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  // Likewise for a repeated Nak: one new request only.
  const wire::bytes nak = ipcp_frame(ipcp::configure_nak{ask->identifier, {ipcp::ip_address{lns_address + 1}}});
  EXPECT_EQ(kinds(d.receive(nak)), "send(ipcp) arm(ipcp)");
  EXPECT_TRUE(d.receive(nak).empty());
  EXPECT_EQ(d.engine.counters().discarded, 2u);
}

TEST(PppClient, ProxyCaptureHoldsTheRequestsAsSent) {
  client_config c = plain_config();
  c.mru = 1400;
  driver d{c};
  const auto first = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(first.has_value());
  const auto second =
      sent_lcp<lcp::configure_request>(d.receive(lcp_frame(lcp::configure_nak{first->identifier, {lcp::mru{1460}}})));
  ASSERT_TRUE(second.has_value());
  // The LNS's first request is Nak'd (loop), its second acked: only the acked one is kept.
  const lcp::configure_request looped{7, {lcp::magic_number{our_magic}}};
  (void)d.receive(lcp_frame(looped));
  EXPECT_TRUE(d.engine.last_received_confreq().empty());
  const lcp::configure_request good{8, {lcp::mru{1460}, lcp::auth_protocol::pap(), lcp::magic_number{lns_magic}}};
  (void)d.receive(lcp_frame(good));
  (void)d.receive(lcp_frame(lcp::configure_ack{second->identifier, second->options}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);

  EXPECT_EQ(wire::to_hex(d.engine.first_sent_confreq()), wire::to_hex(encoded<lcp_codec>(*first)));
  EXPECT_EQ(wire::to_hex(d.engine.last_sent_confreq()), wire::to_hex(encoded<lcp_codec>(*second)));
  EXPECT_EQ(wire::to_hex(d.engine.last_received_confreq()), wire::to_hex(encoded<lcp_codec>(good)));
  EXPECT_EQ(d.engine.first_sent_confreq()[1], std::byte{first->identifier});
  EXPECT_EQ(d.engine.last_sent_confreq()[1], std::byte{second->identifier});
  EXPECT_EQ(d.engine.peer_mru(), 1460);
}

TEST(PppClient, ProxyCaptureDropsPaddingAfterTheLength) {
  driver d{plain_config()};
  (void)d.start();
  wire::bytes padded = lcp_frame(lcp::configure_request{3, {lcp::magic_number{lns_magic}}});
  padded.push_back(std::byte{0});
  padded.push_back(std::byte{0});
  EXPECT_EQ(kinds(d.receive(padded)), "send(lcp)");
  EXPECT_EQ(wire::to_hex(d.engine.last_received_confreq()), "0103000a050611223344");
}

// ---- authentication ----

TEST(PppClient, PapPathToNetworkUpWithAddressAndDnsFromNaks) {
  client_config c = plain_config();
  c.auth_restart = std::chrono::seconds{2};
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp({lcp::auth_method::pap}));
  EXPECT_EQ(kinds(opened), "stop(lcp) send(pap) arm(auth)");
  EXPECT_EQ(std::get<arm_timer>(opened[2]).after, std::chrono::seconds{2});
  EXPECT_EQ(d.engine.phase(), client_phase::authenticate);
  EXPECT_EQ(d.engine.auth_protocol(), proto::pap);
  const auto request = sent_packet<pap::authenticate_request, test::pap_codec>(opened, proto::pap);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->peer_id, "alice");
  EXPECT_EQ(request->password, "secret");

  // IPCP before authentication is done: silently discarded (RFC 1661 §3.5).
  EXPECT_TRUE(d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{lns_address}}})).empty());
  EXPECT_EQ(d.engine.counters().discarded, 1u);

  const effects accepted = d.receive(pap_frame(pap::authenticate_ack{request->identifier, "welcome"}));
  EXPECT_EQ(kinds(accepted), "stop(auth) auth(accepted) send(ipcp) arm(ipcp)");
  EXPECT_EQ(first_of<auth_outcome>(accepted)->message, "welcome");
  EXPECT_EQ(d.engine.phase(), client_phase::network);
  const auto ask = sent_ipcp<ipcp::configure_request>(accepted);
  ASSERT_TRUE(ask.has_value());
  EXPECT_EQ(ask->options,
            (std::vector<ipcp::option>{ipcp::ip_address{0}, ipcp::primary_dns{0}, ipcp::secondary_dns{0}}));

  // A realistic LNS: its own request first (acked), then its Nak of ours, then the Ack.
  ipcp::policy lns;
  lns.local_address = lns_address;
  lns.peer_address = assigned;
  lns.primary_dns = dns1;
  lns.secondary_dns = dns2;
  const auto ack_of_lns = sent_ipcp<ipcp::configure_ack>(d.receive(ipcp_frame(ipcp::our_request(lns, 1))));
  ASSERT_TRUE(ack_of_lns.has_value());
  EXPECT_EQ(ack_of_lns->options, (std::vector<ipcp::option>{ipcp::ip_address{lns_address}}));

  const ipcp::reply nak = ipcp::respond(*ask, lns);
  ASSERT_TRUE(std::holds_alternative<ipcp::configure_nak>(nak.answer));
  const effects retried = d.receive(ipcp_frame(nak.answer));
  EXPECT_EQ(kinds(retried), "send(ipcp) arm(ipcp)");
  const auto second = sent_ipcp<ipcp::configure_request>(retried);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->options, (std::vector<ipcp::option>{ipcp::ip_address{assigned}, ipcp::primary_dns{dns1},
                                                        ipcp::secondary_dns{dns2}}));

  const ipcp::reply ack = ipcp::respond(*second, lns);
  ASSERT_TRUE(std::holds_alternative<ipcp::configure_ack>(ack.answer));
  const effects up = d.receive(ipcp_frame(ack.answer));
  EXPECT_EQ(kinds(up), "stop(ipcp) up(ipv4)");
  const auto n = first_of<network_up>(up);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->local_address, assigned);
  EXPECT_EQ(n->peer_address, lns_address);
  EXPECT_EQ(n->primary_dns, dns1);
  EXPECT_EQ(n->secondary_dns, dns2);
  EXPECT_EQ(d.engine.address(), assigned);
  EXPECT_EQ(d.engine.peer_address(), lns_address);
  EXPECT_EQ(d.engine.primary_dns(), dns1);
  EXPECT_EQ(d.engine.secondary_dns(), dns2);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::opened);
  EXPECT_EQ(d.finished_count, 0);
  for (std::size_t t = 0; t < timer_count; ++t) EXPECT_FALSE(d.armed[t]) << timer_name(static_cast<timer>(t));
  // No compression was negotiated: IP goes out with the full header.
  const std::array<std::byte, 2> packet{std::byte{0x45}, std::byte{0}};
  EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, packet)), "ff0300214500");
}

TEST(PppClient, PapRetransmitsWithNewIdentifiersThenTimesOut) {
  client_config c = plain_config();
  c.max_auth_requests = 3;
  c.negotiation.max_terminate = 1;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp({lcp::auth_method::pap}));
  const auto first = sent_packet<pap::authenticate_request, test::pap_codec>(opened, proto::pap);
  const effects second = d.expire(timer::auth);
  EXPECT_EQ(kinds(second), "send(pap) arm(auth)");
  const auto retry = sent_packet<pap::authenticate_request, test::pap_codec>(second, proto::pap);
  ASSERT_TRUE(first && retry);
  EXPECT_NE(retry->identifier, first->identifier);
  EXPECT_EQ(kinds(d.expire(timer::auth)), "send(pap) arm(auth)");
  // The third went unanswered: LCP closes.
  const effects gave_up = d.expire(timer::auth);
  EXPECT_EQ(kinds(gave_up), "send(lcp) arm(lcp)");
  EXPECT_TRUE(sent_lcp<terminate_request>(gave_up).has_value());
  EXPECT_EQ(d.engine.phase(), client_phase::terminate);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(13)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  expect_dead(d);
}

TEST(PppClient, PapAckOfAnEarlierRequestIsAccepted) {
  driver d{plain_config()};
  const auto first = sent_packet<pap::authenticate_request, test::pap_codec>(
      open_lcp(d, lns_lcp({lcp::auth_method::pap})), proto::pap);
  (void)d.expire(timer::auth);
  ASSERT_TRUE(first.has_value());
  // An identifier we never used is not an answer.
  EXPECT_TRUE(d.receive(pap_frame(pap::authenticate_ack{0xee, ""})).empty());
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_ack{first->identifier, ""}))),
            "stop(auth) auth(accepted) send(ipcp) arm(ipcp)");
  // A duplicate Ack later changes nothing.
  EXPECT_TRUE(d.receive(pap_frame(pap::authenticate_ack{first->identifier, ""})).empty());
}

TEST(PppClient, PapNakReportsTheFailureAndFinishesOnce) {
  driver d{plain_config()};
  const auto request = sent_packet<pap::authenticate_request, test::pap_codec>(
      open_lcp(d, lns_lcp({lcp::auth_method::pap})), proto::pap);
  ASSERT_TRUE(request.has_value());
  const effects refused = d.receive(pap_frame(pap::authenticate_nak{request->identifier, "bad password"}));
  EXPECT_EQ(kinds(refused), "stop(auth) auth(refused) send(lcp) arm(lcp)");
  EXPECT_FALSE(first_of<auth_outcome>(refused)->accepted);
  EXPECT_EQ(first_of<auth_outcome>(refused)->message, "bad password");
  EXPECT_TRUE(sent_lcp<terminate_request>(refused).has_value());
  EXPECT_EQ(d.engine.phase(), client_phase::terminate);
  // The LNS terminates too: acked, still waiting for its Ack of ours.
  const effects crossed = d.receive(lcp_frame(terminate_request{42, {}}));
  const auto tack = sent_lcp<terminate_ack>(crossed);
  ASSERT_TRUE(tack.has_value());
  EXPECT_EQ(tack->identifier, 42);
  EXPECT_EQ(d.finished_count, 0);
  const effects done = d.receive(lcp_frame(terminate_ack{sent_lcp<terminate_request>(refused)->identifier, {}}));
  EXPECT_EQ(kinds(done), "stop(lcp) finished(16)");
  EXPECT_EQ(d.last_finished->dir, direction::at_peer);
  EXPECT_NE(d.last_finished->message.find("bad password"), std::string::npos);
  EXPECT_EQ(d.finished_count, 1);
  expect_dead(d);
  EXPECT_EQ(d.finished_count, 1);
}

TEST(PppClient, ChapMd5AnswersEveryChallenge) {
  driver d{plain_config()};
  const effects opened = open_lcp(d, lns_lcp({lcp::auth_method::chap_md5}));
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(auth)") << "waits for the Challenge";
  EXPECT_EQ(d.engine.auth_protocol(), proto::chap);
  EXPECT_EQ(d.engine.phase(), client_phase::authenticate);

  std::array<std::byte, 16> value{};
  for (std::size_t i = 0; i < value.size(); ++i) value[i] = std::byte{static_cast<std::uint8_t>(i * 7 + 1)};
  const effects answered = d.receive(chap_frame(chap::make_challenge(7, value, "lns")));
  EXPECT_EQ(kinds(answered), "send(chap)");
  const auto response = sent_packet<chap::response, test::chap_codec>(answered, proto::chap);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->identifier, 7);
  EXPECT_EQ(response->name, "alice");
  const auto expected = chap_md5_response(7, wire::as_bytes("secret"), value);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(response->value, wire::bytes(expected->begin(), expected->end()));
  // And the LNS's own check agrees.
  EXPECT_EQ(chap::verify_md5(chap::make_challenge(7, value, "lns"), *response, wire::as_bytes("secret")),
            chap::verdict::accepted);

  EXPECT_TRUE(d.receive(chap_frame(chap::success{6, "stale"})).empty()) << "not our Response's identifier";
  const effects accepted = d.receive(chap_frame(chap::success{7, "welcome"}));
  EXPECT_EQ(kinds(accepted), "stop(auth) auth(accepted) send(ipcp) arm(ipcp)");
  EXPECT_EQ(d.engine.phase(), client_phase::network);

  // A re-challenge in the network phase is answered; its Success reports nothing new.
  value[0] = std::byte{0xff};
  const auto again = sent_packet<chap::response, test::chap_codec>(
      d.receive(chap_frame(chap::make_challenge(8, value, "lns"))), proto::chap);
  ASSERT_TRUE(again.has_value());
  const auto expected_again = chap_md5_response(8, wire::as_bytes("secret"), value);
  ASSERT_TRUE(expected_again.ok());
  EXPECT_EQ(again->value, wire::bytes(expected_again->begin(), expected_again->end()));
  EXPECT_TRUE(d.receive(chap_frame(chap::success{8, ""})).empty());
}

TEST(PppClient, ChapFailureOnARechallengeEndsTheLink) {
  client_config c = plain_config();
  c.negotiation.max_terminate = 1;
  driver d{c};
  (void)open_lcp(d, lns_lcp({lcp::auth_method::chap_md5}));
  const std::array<std::byte, 16> value{};
  (void)d.receive(chap_frame(chap::make_challenge(1, value, "lns")));
  (void)d.receive(chap_frame(chap::success{1, ""}));
  (void)d.receive(chap_frame(chap::make_challenge(2, value, "lns")));
  const effects refused = d.receive(chap_frame(chap::failure{2, "expired"}));
  EXPECT_EQ(kinds(refused), "auth(refused) stop(ipcp) send(lcp) arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(16)");
}

TEST(PppClient, ChapWithoutAChallengeTimesOut) {
  client_config c = plain_config();
  c.auth_restart = std::chrono::seconds{1};
  c.max_auth_requests = 5;
  c.negotiation.max_terminate = 1;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp({lcp::auth_method::chap_md5}));
  EXPECT_EQ(first_of<arm_timer>(opened)->after, std::chrono::seconds{5});
  EXPECT_EQ(kinds(d.expire(timer::auth)), "send(lcp) arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(13)");
}

// ---- keepalive ----

TEST(PppClient, AnswersEchoRequestsWithOurMagicOnceOpened) {
  driver d{plain_config()};
  const effects started = d.start();
  EXPECT_TRUE(d.receive(lcp_frame(lcp::echo_request{1, lns_magic, {}})).empty()) << "not before Opened";
  (void)open_lcp_from(d, started, lns_lcp());
  const wire::bytes data{std::byte{'a'}, std::byte{'b'}, std::byte{'c'}};
  const effects replied = d.receive(lcp_frame(lcp::echo_request{0x42, lns_magic, data}));
  EXPECT_EQ(kinds(replied), "send(lcp)");
  const auto reply = sent_lcp<lcp::echo_reply>(replied);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->identifier, 0x42);
  EXPECT_EQ(reply->magic_number, our_magic);
  EXPECT_EQ(reply->data, data);
  // Our own magic coming back: a looped link, not answered.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::echo_request{0x43, our_magic, {}})).empty());
  // Discard-Request is discarded.
  EXPECT_TRUE(d.receive(lcp_frame(lcp::discard_request{0x44, lns_magic, {}})).empty());
  EXPECT_EQ(d.engine.counters().echo_requests_received, 3u);
  EXPECT_EQ(d.engine.counters().echo_replies_sent, 1u);
  EXPECT_TRUE(d.engine.counters().echo_requests_sent == 0u) << "echo_interval is 0";
  EXPECT_FALSE(d.is_armed(timer::echo));
}

TEST(PppClient, EchoTimeoutAfterUnansweredRequests) {
  client_config c = plain_config();
  c.echo_interval = std::chrono::seconds{10};
  c.echo_failures = 3;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp());
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(echo) send(ipcp) arm(ipcp)");
  EXPECT_EQ(std::get<arm_timer>(opened[1]).after, std::chrono::seconds{10});
  // Two unanswered, then a reply: the count starts again.
  for (int i = 0; i < 2; ++i) {
    const effects e = d.expire(timer::echo);
    EXPECT_EQ(kinds(e), "send(lcp) arm(echo)");
    const auto request = sent_lcp<lcp::echo_request>(e);
    ASSERT_TRUE(request.has_value());
    EXPECT_EQ(request->magic_number, our_magic);
  }
  EXPECT_TRUE(d.receive(lcp_frame(lcp::echo_reply{2, lns_magic, {}})).empty());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(kinds(d.expire(timer::echo)), "send(lcp) arm(echo)") << i;
  EXPECT_EQ(d.finished_count, 0);
  const effects dead = d.expire(timer::echo);
  EXPECT_EQ(kinds(dead), "stop(ipcp) finished(8)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  EXPECT_EQ(d.engine.counters().echo_requests_sent, 5u);
  EXPECT_EQ(d.engine.counters().echo_replies_received, 1u);
  EXPECT_EQ(d.engine.counters().echo_timeouts, 1u);
  expect_dead(d);
}

// ---- termination ----

TEST(PppClient, PeerTerminateRequestIsAckedThenFinishesNormally) {
  driver d{ipcp_config()};
  EXPECT_EQ(kinds(open_ipcp(d)), "stop(ipcp) up(ipv4)");
  const effects acked = d.receive(lcp_frame(terminate_request{9, {}}));
  EXPECT_EQ(kinds(acked), "down(ipv4) send(lcp) arm(lcp)");
  const auto tack = sent_lcp<terminate_ack>(acked);
  ASSERT_TRUE(tack.has_value());
  EXPECT_EQ(tack->identifier, 9);
  EXPECT_EQ(d.engine.phase(), client_phase::terminate);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::stopping);
  EXPECT_EQ(d.finished_count, 0) << "the zrc pause lets the Terminate-Ack arrive";
  // A retransmitted Terminate-Request is acked again.
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_request{10, {}}))), "send(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(3)");
  EXPECT_EQ(d.last_finished->dir, direction::at_peer);
  expect_dead(d);
}

TEST(PppClient, LowerDownDuringThePauseKeepsThePeersCause) {
  driver d{ipcp_config()};
  (void)open_ipcp(d);
  (void)d.receive(lcp_frame(terminate_request{9, {}}));
  EXPECT_EQ(kinds(d.lower_down()), "stop(lcp) finished(3)");
  EXPECT_EQ(d.last_finished->dir, direction::at_peer);
}

TEST(PppClient, LowerDownFinishesAtOnce) {
  driver d{ipcp_config()};
  (void)open_ipcp(d);
  const effects e = d.lower_down();
  EXPECT_EQ(kinds(e), "down(ipv4) finished(0)");
  EXPECT_TRUE(sent_frames(e).empty());
  EXPECT_EQ(d.last_finished->dir, direction::global);
  expect_dead(d);
}

TEST(PppClient, CloseTerminatesAndFinishesOnTheAck) {
  driver d{ipcp_config()};
  (void)open_ipcp(d);
  const effects closing = d.close();
  EXPECT_EQ(kinds(closing), "down(ipv4) send(lcp) arm(lcp)");
  const auto request = sent_lcp<terminate_request>(closing);
  ASSERT_TRUE(request.has_value());
  EXPECT_TRUE(d.close().empty()) << "already closing";
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{request->identifier, {}}))), "stop(lcp) finished(3)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  EXPECT_EQ(d.last_finished->message, "user-request");
  expect_dead(d);
}

TEST(PppClient, CloseFinishesAfterMaxTerminate) {
  client_config c = ipcp_config();
  c.negotiation.max_terminate = 2;
  driver d{c};
  (void)open_ipcp(d);
  const auto first = sent_lcp<terminate_request>(d.close());
  const effects again = d.expire(timer::lcp);
  EXPECT_EQ(kinds(again), "send(lcp) arm(lcp)");
  const auto second = sent_lcp<terminate_request>(again);
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->identifier, second->identifier);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(3)");
  expect_dead(d);
}

TEST(PppClient, CloseBeforeStartFinishesAtOnce) {
  driver d{plain_config()};
  EXPECT_EQ(kinds(d.close()), "finished(3)");
  expect_dead(d);
}

TEST(PppClient, StaleTimeoutsAreIgnored) {
  client_engine engine{plain_config()};
  EXPECT_TRUE(engine.timeout(timer::lcp).empty()) << "never armed";
  (void)engine.start();
  EXPECT_TRUE(engine.timeout(timer::ipcp).empty());
  EXPECT_TRUE(engine.timeout(timer::echo).empty());
  EXPECT_FALSE(engine.timeout(timer::lcp).empty());
}

// ---- network layers ----

TEST(PppClient, PeerClosingTheLastNcpEndsTheLink) {
  driver d{ipcp_config()};
  (void)open_ipcp(d);
  const effects closed = d.receive(ipcp_frame(terminate_request{3, {}}));
  EXPECT_EQ(kinds(closed), "down(ipv4) send(ipcp) arm(ipcp)");
  EXPECT_EQ(sent_ipcp<terminate_ack>(closed)->identifier, 3);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  const effects last = d.expire(timer::ipcp);
  EXPECT_EQ(kinds(last), "send(lcp) arm(lcp)");
  const auto request = sent_lcp<terminate_request>(last);
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{request->identifier, {}}))), "stop(lcp) finished(18)");
  expect_dead(d);
}

TEST(PppClient, NcpTimeoutClosesLcp) {
  client_config c = ipcp_config();
  c.negotiation.max_configure = 2;
  c.negotiation.max_terminate = 1;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp());
  EXPECT_EQ(kinds(opened), "stop(lcp) send(ipcp) arm(ipcp)");
  EXPECT_EQ(kinds(d.expire(timer::ipcp)), "send(ipcp) arm(ipcp)");
  const effects gave_up = d.expire(timer::ipcp);
  EXPECT_EQ(kinds(gave_up), "send(lcp) arm(lcp)");
  EXPECT_TRUE(sent_lcp<terminate_request>(gave_up).has_value());
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::starting) << "LCP down took IPCP down";
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(17)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

TEST(PppClient, OneNcpFailingLeavesTheOtherUp) {
  client_config c = ipcp_config();
  c.ipv6 = true;
  c.interface_id = 0x0200000000000001;
  c.negotiation.max_configure = 1;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp());
  EXPECT_EQ(kinds(opened), "stop(lcp) send(ipcp) arm(ipcp) send(ipv6cp) arm(ipv6cp)");
  // The LNS does not do IPv6: it Protocol-Rejects IPv6CP; IPv4 carries on.
  const auto v6 = sent_ipv6cp<ipv6cp::configure_request>(opened);
  ASSERT_TRUE(v6.has_value());
  const effects rejected = d.receive(lcp_frame(lcp::protocol_reject{5, proto::ipv6cp, encoded<ipv6cp_codec>(*v6)}));
  EXPECT_EQ(kinds(rejected), "stop(ipv6cp)");
  EXPECT_EQ(d.engine.ipv6cp_state(), ppp_state::stopped);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  // Then IPCP times out too (Max-Configure 1): no NCP is left.
  const effects none_left = d.expire(timer::ipcp);
  EXPECT_EQ(kinds(none_left), "send(lcp) arm(lcp)");
}

TEST(PppClient, IpcpRejectOfDnsDropsIt) {
  client_config c = plain_config();
  c.requested_address = assigned;
  driver d{c};
  const auto first = sent_ipcp<ipcp::configure_request>(open_lcp(d, lns_lcp()));
  ASSERT_TRUE(first.has_value());
  const auto second = sent_ipcp<ipcp::configure_request>(
      d.receive(ipcp_frame(ipcp::configure_reject{first->identifier, {ipcp::primary_dns{0}, ipcp::secondary_dns{0}}})));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->options, (std::vector<ipcp::option>{ipcp::ip_address{assigned}}));
  (void)d.receive(ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{lns_address}}}));
  const auto up = first_of<network_up>(d.receive(ipcp_frame(ipcp::configure_ack{second->identifier, second->options})));
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(up->local_address, assigned);
  EXPECT_EQ(up->primary_dns, 0u);
}

TEST(PppClient, IpcpWithoutAnAddressCloses) {
  client_config c = plain_config();
  c.request_dns = false;
  c.negotiation.max_terminate = 1;
  driver d{c};
  const auto first = sent_ipcp<ipcp::configure_request>(open_lcp(d, lns_lcp()));
  ASSERT_TRUE(first.has_value());
  const effects closing = d.receive(ipcp_frame(ipcp::configure_reject{first->identifier, {ipcp::ip_address{0}}}));
  EXPECT_EQ(kinds(closing), "send(ipcp) arm(ipcp)");
  EXPECT_TRUE(sent_ipcp<terminate_request>(closing).has_value());
  EXPECT_EQ(kinds(d.expire(timer::ipcp)), "send(lcp) arm(lcp)");
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(19)");
}

TEST(PppClient, IpcpAnswersTheLnsRequest) {
  driver d{ipcp_config()};
  (void)open_lcp(d, lns_lcp());
  // 0.0.0.0 (we assign no address), compression and DNS are Rejected.
  const auto rejected = sent_ipcp<ipcp::configure_reject>(d.receive(ipcp_frame(ipcp::configure_request{
      2,
      {ipcp::ip_address{0}, ipcp::ip_compression_protocol{{std::byte{0}, std::byte{0x2d}}}, ipcp::primary_dns{0}}})));
  ASSERT_TRUE(rejected.has_value());
  EXPECT_EQ(rejected->options.size(), 3u);
  // A request without IP-Address is acked as is.
  EXPECT_TRUE(sent_ipcp<ipcp::configure_ack>(d.receive(ipcp_frame(ipcp::configure_request{3, {}}))).has_value());
  EXPECT_EQ(d.engine.peer_address(), 0u);
}

TEST(PppClient, Ipv6cpAdoptsTheSuggestedIdentifier) {
  client_config c = plain_config();
  c.ipv4 = false;
  c.ipv6 = true;
  c.interface_id = 0x1111222233334444;
  driver d{c};
  const effects opened = open_lcp(d, lns_lcp());
  EXPECT_EQ(kinds(opened), "stop(lcp) send(ipv6cp) arm(ipv6cp)");
  const auto first = sent_ipv6cp<ipv6cp::configure_request>(opened);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->options, (std::vector<ipv6cp::option>{ipv6cp::interface_identifier{0x1111222233334444}}));
  constexpr std::uint64_t suggested = 0x0a0b0c0d0e0f0001;
  const auto second = sent_ipv6cp<ipv6cp::configure_request>(
      d.receive(ipv6cp_frame(ipv6cp::configure_nak{first->identifier, {ipv6cp::interface_identifier{suggested}}})));
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->identifier, first->identifier);
  EXPECT_EQ(second->options, (std::vector<ipv6cp::option>{ipv6cp::interface_identifier{suggested}}));

  // The LNS using our identifier, or zero, is Nak'd with another one.
  for (std::uint64_t bad : {suggested, std::uint64_t{0}}) {
    const auto nak = sent_ipv6cp<ipv6cp::configure_nak>(
        d.receive(ipv6cp_frame(ipv6cp::configure_request{4, {ipv6cp::interface_identifier{bad}}})));
    ASSERT_TRUE(nak.has_value());
    const auto id = std::get<ipv6cp::interface_identifier>(nak->options.at(0)).value;
    EXPECT_NE(id, suggested);
    EXPECT_NE(id, 0u);
  }
  constexpr std::uint64_t lns_id = 0x0000000000000001;
  EXPECT_TRUE(sent_ipv6cp<ipv6cp::configure_ack>(
                  d.receive(ipv6cp_frame(ipv6cp::configure_request{5, {ipv6cp::interface_identifier{lns_id}}})))
                  .has_value());
  const effects up = d.receive(ipv6cp_frame(ipv6cp::configure_ack{second->identifier, second->options}));
  EXPECT_EQ(kinds(up), "stop(ipv6cp) up(ipv6)");
  const auto n = first_of<network_up>(up);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(n->local_interface_id, suggested);
  EXPECT_EQ(n->peer_interface_id, lns_id);
  EXPECT_EQ(d.engine.peer_interface_id(), lns_id);
}

TEST(PppClient, Ipv6cpWithoutAnIdentifierTakesTheLnsHint) {
  client_config c = plain_config();
  c.ipv4 = false;
  c.ipv6 = true;
  driver d{c};
  const auto first = sent_ipv6cp<ipv6cp::configure_request>(open_lcp(d, lns_lcp()));
  ASSERT_TRUE(first.has_value());
  EXPECT_TRUE(first->options.empty());
  const auto second = sent_ipv6cp<ipv6cp::configure_request>(
      d.receive(ipv6cp_frame(ipv6cp::configure_nak{first->identifier, {ipv6cp::interface_identifier{77}}})));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->options, (std::vector<ipv6cp::option>{ipv6cp::interface_identifier{77}}));
}

TEST(PppClient, NoNetworkLayerConfiguredEndsTheLink) {
  client_config c = plain_config();
  c.ipv4 = false;
  c.negotiation.max_terminate = 1;
  driver d{c};
  const auto ours = sent_lcp<lcp::configure_request>(d.start());
  ASSERT_TRUE(ours.has_value());
  (void)d.receive(lcp_frame(lcp::configure_request{1, {}}));
  const effects opened = d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(kinds(opened), "stop(lcp) send(lcp) arm(lcp)");
  EXPECT_TRUE(sent_lcp<terminate_request>(opened).has_value());
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::closing);
  EXPECT_EQ(kinds(d.expire(timer::lcp)), "finished(18)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
}

// ---- rejects, malformed frames, compression ----

TEST(PppClient, UnknownProtocolIsProtocolRejectedOnceLcpIsOpen) {
  driver d{plain_config()};
  const effects started = d.start();
  const wire::bytes ccp = hex("80 fd 01 01 00 04");
  EXPECT_TRUE(d.receive(ccp).empty()) << "LCP not opened: silently discarded";
  EXPECT_EQ(d.engine.counters().discarded, 1u);
  EXPECT_EQ(d.engine.counters().protocol_rejects_sent, 0u);
  (void)open_lcp_from(d, started, lns_lcp());
  const effects rejected = d.receive(ccp);
  EXPECT_EQ(kinds(rejected), "send(lcp)");
  const auto reject = sent_lcp<lcp::protocol_reject>(rejected);
  ASSERT_TRUE(reject.has_value());
  EXPECT_EQ(reject->rejected_protocol, proto::ccp);
  EXPECT_EQ(wire::to_hex(reject->information), "01010004");
  // IPv6CP when IPv6 is not configured: rejected as well.
  const auto v6 = sent_lcp<lcp::protocol_reject>(d.receive(ipv6cp_frame(ipv6cp::configure_request{1, {}})));
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->rejected_protocol, proto::ipv6cp);
  EXPECT_NE(v6->identifier, reject->identifier);
  EXPECT_EQ(d.engine.counters().protocol_rejects_sent, 2u);
}

TEST(PppClient, UnknownCodesAreCodeRejected) {
  driver d{plain_config()};
  (void)d.start();
  const wire::bytes unknown = hex("ff 03 c0 21  0c 05 00 06 ab cd # code 12");
  const effects e = d.receive(unknown);
  EXPECT_EQ(kinds(e), "send(lcp)");
  const auto reject = sent_lcp<code_reject>(e);
  ASSERT_TRUE(reject.has_value());
  EXPECT_EQ(wire::to_hex(reject->rejected_packet), "0c050006abcd");
  EXPECT_EQ(d.engine.counters().code_rejects_sent, 1u);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
  // A Code-Reject of an Echo-Request is tolerable; of a Configure-Request it is not.
  EXPECT_TRUE(d.receive(lcp_frame(code_reject{1, hex("09 01 00 08 00 00 00 00")})).empty());
  EXPECT_EQ(d.finished_count, 0);
  EXPECT_EQ(kinds(d.receive(lcp_frame(code_reject{2, hex("01 01 00 04")}))), "stop(lcp) finished(0)");
}

TEST(PppClient, MalformedFramesAreCountedAndDropped) {
  driver d{plain_config()};
  const effects started = d.start();
  const std::vector<std::string_view> bad{
      "ff 05 c0 21 01 01 00 04",        // bad control field
      "00 00 01",                       // invalid protocol field
      "ff 03",                          // no protocol
      "c0 21 01 01 00 09 01 04",        // LCP length past the end
      "c0 21 01 01 00 07 05 06 11",     // option past the end
      "c0 21 01 01 00 08 01 03 05 dc",  // MRU option of length 3
  };
  std::uint64_t expected = 0;
  for (std::string_view frame : bad) {
    EXPECT_TRUE(d.receive(hex(frame)).empty()) << frame;
    EXPECT_EQ(d.engine.counters().malformed, ++expected) << frame;
  }
  (void)open_lcp_from(d, started, lns_lcp({lcp::auth_method::pap}));
  EXPECT_TRUE(d.receive(hex("c0 23 02 01 00 06 05 # PAP Ack, length past the end")).empty());
  EXPECT_TRUE(d.receive(hex("80 21 01 01 00 03")).empty());
  EXPECT_EQ(d.engine.counters().malformed, expected + 2);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
  EXPECT_EQ(d.engine.phase(), client_phase::authenticate);
}

TEST(PppClient, CompressesOnlyWhatTheLnsAskedFor) {
  driver d{plain_config()};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(lcp::configure_request{1, {lcp::pfc{}, lcp::acfc{}}}))), "send(lcp)");
  EXPECT_EQ(d.engine.tx_flags(), frame_flags{}) << "not before Opened";
  const effects opened = d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(d.engine.tx_flags(), (frame_flags{true, true}));
  const std::array<std::byte, 1> packet{std::byte{0x60}};
  EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv6, packet)), "5760");
  EXPECT_EQ(wire::to_hex(d.engine.frame_ip(network::ipv4, packet)), "2160");
  // NCP frames drop the address field (ACFC); LCP never does.
  const auto frames = sent_frames(opened);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].protocol, proto::ipcp);
  EXPECT_FALSE(frames[0].has_address_control);
  const auto echo = sent_frames(d.receive(lcp_frame(lcp::echo_request{1, lns_magic, {}})));
  ASSERT_EQ(echo.size(), 1u);
  EXPECT_TRUE(echo[0].has_address_control);
  // Our own PFC/ACFC request says what we can receive, not what we send.
  client_config c = plain_config();
  c.request_pfc = true;
  c.request_acfc = true;
  driver mine{c};
  lcp::policy lns = lns_lcp();
  lns.accept_pfc = true;
  lns.accept_acfc = true;
  (void)open_lcp(mine, lns);
  EXPECT_EQ(mine.engine.tx_flags(), frame_flags{});
}

TEST(PppClient, LcpRenegotiationTakesTheNetworkDown) {
  driver d{ipcp_config()};
  (void)open_ipcp(d);
  const effects again = d.receive(lcp_frame(lcp::configure_request{20, {lcp::magic_number{lns_magic}}}));
  EXPECT_EQ(kinds(again), "down(ipv4) send(lcp) send(lcp) arm(lcp)");
  EXPECT_TRUE(sent_lcp<lcp::configure_request>(again, 0).has_value());
  EXPECT_TRUE(sent_lcp<lcp::configure_ack>(again, 1).has_value());
  EXPECT_EQ(d.engine.phase(), client_phase::establish);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::starting);
  // IPCP frames are discarded until the network phase comes back.
  EXPECT_TRUE(d.receive(ipcp_frame(ipcp::configure_request{9, {}})).empty());
  const auto request = sent_lcp<lcp::configure_request>(again, 0);
  const effects reopened = d.receive(lcp_frame(lcp::configure_ack{request->identifier, request->options}));
  EXPECT_EQ(kinds(reopened), "stop(lcp) send(ipcp) arm(ipcp)");
  EXPECT_EQ(d.engine.phase(), client_phase::network);
}

}  // namespace
}  // namespace bras::ppp

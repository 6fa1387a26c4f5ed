// The server engine in LAC-capture mode: LCP and the credentials negotiated
// with the subscriber, recorded as RFC 2661 AVPs 26-33 for the ICCN, and
// accepted by an LNS engine without renegotiation.
#include "protocol/ppp/auth.hpp"
#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

server_config lac_config(std::vector<lcp::auth_method> auth) {
  server_config c = base_config(std::move(auth));
  c.lac_capture = true;
  c.lcp.mru = 1492;
  c.lcp.max_mru = 1492;
  c.name = "lac";
  return c;
}

bool any_armed(const driver& d) {
  for (std::size_t t = 0; t < timer_count; ++t) {
    if (d.is_armed(static_cast<timer>(t))) return true;
  }
  return false;
}

TEST(PppServerLac, PapCaptureRecordsTheProxyAvpsAndStopsTheTimers) {
  driver d{lac_config({lcp::auth_method::pap})};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(peer_request()))), "lcp:conf-ack");
  EXPECT_FALSE(d.engine.captured());
  EXPECT_EQ(kinds(d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}))),
            "stop(lcp) arm(echo) arm(auth)");
  const effects asked = d.receive(pap_frame(pap::authenticate_request{5, "alice@isp.example", "secret"}));
  EXPECT_EQ(kinds(asked), "stop(auth) stop(echo) authenticate(pap)");
  ASSERT_TRUE(d.engine.captured());
  EXPECT_FALSE(any_armed(d)) << "the LNS owns the link now";

  const proxy_info p = d.engine.captured_proxy();
  EXPECT_EQ(p.initial_received_confreq, proxied_options(peer_request().options));
  EXPECT_EQ(p.last_received_confreq, proxied_options(peer_request().options));
  EXPECT_EQ(p.last_sent_confreq, proxied_options(ours->options));
  EXPECT_EQ(wire::to_hex(*p.last_sent_confreq), "010405d40304c023050611223344") << "MRU 1492, PAP, our magic";
  EXPECT_EQ(p.authen_type, proxy_authen::pap);
  EXPECT_EQ(p.authen_name, "alice@isp.example");
  EXPECT_EQ(p.authen_id, 5);
  EXPECT_EQ(p.authen_response, wire::to_bytes(std::string_view{"secret"}));
  EXPECT_FALSE(p.authen_challenge.has_value());

  // A retransmission while the call is placed is not a second capture, and no NCP starts.
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{5, "alice@isp.example", "secret"}))), "");
  EXPECT_EQ(d.engine.phase(), link_phase::authenticate);
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::initial);
}

TEST(PppServerLac, ChapCaptureCarriesOurChallengeAndTheResponse) {
  driver d{lac_config({lcp::auth_method::chap_md5})};
  const effects opened = open_lcp(d);
  const auto challenge = sent_chap<chap::challenge>(opened);
  ASSERT_TRUE(challenge.has_value());
  const effects asked = d.receive(chap_frame(chap::response{challenge->identifier, value16(0x80), "carol"}));
  EXPECT_EQ(kinds(asked), "stop(auth) stop(echo) authenticate(chap)");
  const proxy_info p = d.engine.captured_proxy();
  EXPECT_EQ(p.authen_type, proxy_authen::chap);
  EXPECT_EQ(p.authen_name, "carol");
  EXPECT_EQ(p.authen_id, challenge->identifier);
  EXPECT_EQ(p.authen_challenge, challenge->value);
  EXPECT_EQ(p.authen_response, value16(0x80));
  EXPECT_FALSE(any_armed(d));
}

// AAA at the LAC (a RADIUS user refused before any call): the refusal reaches the subscriber.
TEST(PppServerLac, RefusedAtTheCapturePointPapNakWithTheMessageThenTerminate) {
  driver d{lac_config({lcp::auth_method::pap})};
  open_lcp(d);
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{9, "dave@radius.example", "pw"}))),
            "stop(auth) stop(echo) authenticate(pap)");
  const effects refused = d.engine.auth_result(false, 0, "your account is suspended");
  EXPECT_EQ(kinds(refused), "pap:auth-nak lcp:term-req arm(lcp)");
  const auto nak = sent_pap<pap::authenticate_nak>(refused);
  ASSERT_TRUE(nak.has_value());
  EXPECT_EQ(nak->identifier, 9);
  EXPECT_EQ(nak->message, "your account is suspended");
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::initial) << "no NCP after a refusal";
}

TEST(PppServerLac, RefusedAtTheCapturePointChapFailureWithTheMessage) {
  driver d{lac_config({lcp::auth_method::chap_md5})};
  const auto challenge = sent_chap<chap::challenge>(open_lcp(d));
  ASSERT_TRUE(challenge.has_value());
  d.receive(chap_frame(chap::response{challenge->identifier, value16(0x80), "erin@radius.example"}));
  const effects refused = d.engine.auth_result(false, 0, "authentication unavailable");
  const auto failure = sent_chap<chap::failure>(refused);
  ASSERT_TRUE(failure.has_value());
  EXPECT_EQ(failure->identifier, challenge->identifier);
  EXPECT_EQ(failure->message, "authentication unavailable");
  EXPECT_TRUE(sent_lcp<terminate_request>(refused).has_value());
}

TEST(PppServerLac, WithoutAuthenticationLcpOpeningIsTheCapturePoint) {
  driver d{lac_config({})};
  const effects opened = open_lcp(d);
  EXPECT_EQ(kinds(opened), "stop(lcp) arm(echo) stop(echo)") << "no NCP: the LNS runs them";
  ASSERT_TRUE(d.engine.captured());
  const proxy_info p = d.engine.captured_proxy();
  EXPECT_EQ(p.authen_type, proxy_authen::none);
  EXPECT_FALSE(p.authen_name.has_value());
  EXPECT_TRUE(p.has_lcp());
  EXPECT_FALSE(any_armed(d));
}

TEST(PppServerLac, InitialReceivedIsTheFirstRequestAndLastReceivedTheAckedOne) {
  driver d{lac_config({lcp::auth_method::pap})};
  const effects started = d.start();
  const auto ours = sent_lcp<lcp::configure_request>(started);
  ASSERT_TRUE(ours.has_value());
  const lcp::configure_request first{0x20, {lcp::mru{1492}, lcp::magic_number{our_magic}}};
  EXPECT_EQ(kinds(d.receive(lcp_frame(first))), "lcp:conf-nak") << "our own magic: Nak'd";
  EXPECT_EQ(kinds(d.receive(lcp_frame(peer_request()))), "lcp:conf-ack");
  d.receive(lcp_frame(lcp::configure_ack{ours->identifier, ours->options}));
  d.receive(pap_frame(pap::authenticate_request{1, "bob", "pw"}));
  const proxy_info p = d.engine.captured_proxy();
  EXPECT_EQ(p.initial_received_confreq, proxied_options(first.options));
  EXPECT_EQ(p.last_received_confreq, proxied_options(peer_request().options));
}

TEST(PppServerLac, WithoutCaptureNothingIsRecorded) {
  driver d{pap_config()};
  open_lcp(d);
  pass_pap(d);
  EXPECT_FALSE(d.engine.captured());
  EXPECT_FALSE(d.engine.captured_proxy().has_lcp());
}

// ---- round trip: subscriber <-> LAC (capture), then subscriber <-> LNS (proxy) ----

/// Frames pumped between the subscriber's engine and whichever server engine holds the link.
struct relay {
  client_engine client;
  server_engine* server = nullptr;
  std::deque<wire::bytes> to_server, to_client;
  std::optional<authenticate> asked;
  std::optional<network_up> client_up;

  void take_client(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_server.push_back(s->frame);
      if (const auto* up = std::get_if<network_up>(&x); up != nullptr && up->which == network::ipv4) client_up = *up;
    }
  }
  void take_server(const effects& e) {
    for (const effect& x : e) {
      if (const auto* s = std::get_if<send_frame>(&x)) to_client.push_back(s->frame);
      if (const auto* a = std::get_if<authenticate>(&x)) asked = *a;
    }
  }
  void pump() {
    for (int guard = 0; guard < 200 && (!to_server.empty() || !to_client.empty()); ++guard) {
      if (!to_server.empty()) {
        const wire::bytes f = std::move(to_server.front());
        to_server.pop_front();
        take_server(server->receive(span(f)));
      } else {
        const wire::bytes f = std::move(to_client.front());
        to_client.pop_front();
        take_client(client.receive(span(f)));
      }
    }
  }
};

client_config subscriber(bool pap) {
  client_config c;
  c.user = "dave@isp.example";
  c.password = "pw-dave";
  c.accept_pap = pap;
  c.accept_chap_md5 = !pap;
  c.mru = 1492;
  c.magic = peer_magic;
  return c;
}

void round_trip(std::vector<lcp::auth_method> lac_auth, bool pap) {
  server_engine lac{lac_config(std::move(lac_auth))};
  relay r{client_engine{subscriber(pap)}, &lac, {}, {}, {}, {}};
  r.take_client(r.client.start());
  r.take_server(lac.start());
  r.pump();
  ASSERT_TRUE(lac.captured());
  ASSERT_TRUE(r.asked.has_value());
  const proxy_info proxy = lac.captured_proxy();

  // The LNS takes the proxied LCP and credentials as they are.
  server_config lns_config = base_config({lcp::auth_method::chap_md5, lcp::auth_method::pap});
  lns_config.lcp_renegotiation = false;
  lns_config.ipv6 = false;
  server_engine lns{lns_config};
  r.server = &lns;
  r.asked.reset();
  r.take_server(lns.start(proxy));
  EXPECT_EQ(lns.lcp_state(), ppp_state::opened);
  EXPECT_TRUE(lns.proxied_lcp());
  EXPECT_EQ(lns.peer_mru(), 1492);
  EXPECT_EQ(lns.mru(), 1492);
  ASSERT_TRUE(r.asked.has_value());
  EXPECT_TRUE(r.asked->proxied);
  EXPECT_EQ(r.asked->user, "dave@isp.example");
  if (pap) {
    EXPECT_EQ(r.asked->kind, authenticate::method::pap);
    EXPECT_EQ(r.asked->password, "pw-dave");
  } else {
    // The LNS checks the response against the LAC's challenge, as a RADIUS server would.
    EXPECT_EQ(r.asked->kind, authenticate::method::chap_md5);
    const auto expected =
        chap_md5_response(r.asked->chap_id, wire::as_bytes(std::string_view{"pw-dave"}), span(r.asked->challenge));
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(r.asked->response, wire::bytes(expected.value().begin(), expected.value().end()));
  }
  r.take_server(lns.auth_result(true, assigned, "welcome"));
  r.pump();
  ASSERT_TRUE(r.client_up.has_value()) << "the subscriber reaches IPCP with the LNS";
  EXPECT_EQ(r.client.address(), assigned);
  EXPECT_EQ(r.client_up->peer_address, lns_address);
  EXPECT_EQ(lns.ipcp_state(), ppp_state::opened);
}

TEST(PppServerLac, PapRoundTripThroughAnLnsWithoutRenegotiation) {
  round_trip({lcp::auth_method::pap}, true);
}

TEST(PppServerLac, ChapRoundTripThroughAnLnsWithoutRenegotiation) {
  round_trip({lcp::auth_method::chap_md5}, false);
}

}  // namespace
}  // namespace bras::ppp

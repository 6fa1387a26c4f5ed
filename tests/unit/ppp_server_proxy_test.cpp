#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

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
  EXPECT_EQ(d.last_finished->protocol, 0);  // a global cause names no protocol
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
}  // namespace
}  // namespace bras::ppp

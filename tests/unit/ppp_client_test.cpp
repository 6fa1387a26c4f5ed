#include "tests/unit/ppp_client_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace client_test;

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
}  // namespace
}  // namespace bras::ppp

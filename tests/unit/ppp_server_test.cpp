#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

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
  EXPECT_EQ(d.last_finished->protocol, proto::pap);  // an authentication cause names the method
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

/// The only NCP (`which`) gives up after Max-Configure: the link ends with cause 17 from our side,
/// and AVP 46's Control Protocol Number names that NCP.
void expect_lone_ncp_timeout_ends_with_cause17(timer which, const char* name, std::uint16_t protocol) {
  server_config c = open_config();
  c.ipv4 = which == timer::ipcp;
  c.ipv6 = which == timer::ipv6cp;
  c.negotiation.max_configure = 2;
  driver d{c};
  const std::string req = std::string{name} + ":conf-req arm(" + name + ")";
  EXPECT_EQ(kinds(open_lcp(d)), "stop(lcp) arm(echo) " + req);
  EXPECT_EQ(kinds(d.expire(which)), req);
  const effects gave_up = d.expire(which);
  EXPECT_EQ(kinds(gave_up), "stop(echo) lcp:term-req arm(lcp)");
  const auto term = sent_lcp<terminate_request>(gave_up);
  ASSERT_TRUE(term.has_value());
  EXPECT_EQ(kinds(d.receive(lcp_frame(terminate_ack{term->identifier, {}}))), "stop(lcp) finished(17)");
  EXPECT_EQ(d.last_finished->dir, direction::at_local);
  EXPECT_EQ(d.last_finished->protocol, protocol);
}

TEST(PppServer, IpcpTimeoutEndsWithCause17) {
  expect_lone_ncp_timeout_ends_with_cause17(timer::ipcp, "ipcp", proto::ipcp);
}

TEST(PppServer, Ipv6cpTimeoutEndsWithCause17ForIpv6cpNotIpcp) {
  expect_lone_ncp_timeout_ends_with_cause17(timer::ipv6cp, "ipv6cp", proto::ipv6cp);
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
TEST(PppServer, Ipv6cpNaksAnIdentifierAnotherSessionHolds) {
  auto cfg = pap_config();
  constexpr std::uint64_t taken = 0x0123456789abcdef;
  cfg.interface_id_in_use = [](std::uint64_t id) { return id == taken; };
  driver d{cfg};
  open_lcp(d);
  (void)pass_pap(d);
  const effects e = d.receive(ipv6cp_frame(ipv6cp::configure_request{1, {ipv6cp::interface_identifier{taken}}}));
  EXPECT_EQ(kinds(e), "ipv6cp:conf-nak");
  const auto nak = sent_ipv6cp<ipv6cp::configure_nak>(e);
  ASSERT_TRUE(nak.has_value());
  ASSERT_EQ(nak->options.size(), 1u);
  const auto suggested = std::get<ipv6cp::interface_identifier>(nak->options[0]).value;
  EXPECT_NE(suggested, taken);
  EXPECT_NE(suggested, 0u);
  // The subscriber takes the suggestion: Acked.
  const effects again =
      d.receive(ipv6cp_frame(ipv6cp::configure_request{2, {ipv6cp::interface_identifier{suggested}}}));
  EXPECT_EQ(kinds(again), "ipv6cp:conf-ack");
}
// RADIUS may name a subscriber's DNS servers: set after the engine was built (before the verdict),
// they replace the configured ones in IPCP's Nak and in network_up.
TEST(PppServer, DnsSetAfterAuthenticationIsWhatIpcpOffers) {
  driver d{pap_config()};
  open_lcp(d);
  EXPECT_EQ(kinds(d.receive(pap_frame(pap::authenticate_request{5, "alice", "secret"}))),
            "stop(auth) authenticate(pap)");
  constexpr std::uint32_t radius_dns1 = 0xc0000235;  // 192.0.2.53
  constexpr std::uint32_t radius_dns2 = 0xc0000236;  // 192.0.2.54
  d.engine.set_dns(radius_dns1, radius_dns2);
  const effects accepted = d.auth_result(true, assigned, "welcome");
  const auto ipcp_ours = sent_ipcp<ipcp::configure_request>(accepted);
  ASSERT_TRUE(ipcp_ours.has_value());
  const effects naked = d.receive(
      ipcp_frame(ipcp::configure_request{1, {ipcp::ip_address{0}, ipcp::primary_dns{0}, ipcp::secondary_dns{0}}}));
  EXPECT_EQ(kinds(naked), "ipcp:conf-nak");
  const auto nak = sent_ipcp<ipcp::configure_nak>(naked);
  ASSERT_TRUE(nak.has_value());
  EXPECT_NE(std::find(nak->options.begin(), nak->options.end(), ipcp::option{ipcp::primary_dns{radius_dns1}}),
            nak->options.end());
  EXPECT_NE(std::find(nak->options.begin(), nak->options.end(), ipcp::option{ipcp::secondary_dns{radius_dns2}}),
            nak->options.end());
  EXPECT_EQ(std::find(nak->options.begin(), nak->options.end(), ipcp::option{ipcp::primary_dns{dns1}}),
            nak->options.end());
  EXPECT_EQ(kinds(d.receive(ipcp_frame(ipcp::configure_request{
                2, {ipcp::ip_address{assigned}, ipcp::primary_dns{radius_dns1}, ipcp::secondary_dns{radius_dns2}}}))),
            "ipcp:conf-ack");
  const effects up = d.receive(ipcp_frame(ipcp::configure_ack{ipcp_ours->identifier, ipcp_ours->options}));
  const auto v4 = first_of<network_up>(up);
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->primary_dns, radius_dns1);
  EXPECT_EQ(v4->secondary_dns, radius_dns2);
}

}  // namespace
}  // namespace bras::ppp

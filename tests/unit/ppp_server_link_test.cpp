#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

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
  EXPECT_EQ(d.last_finished->protocol, proto::lcp);
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
}  // namespace
}  // namespace bras::ppp

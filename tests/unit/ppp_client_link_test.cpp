#include "tests/unit/ppp_client_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace client_test;

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

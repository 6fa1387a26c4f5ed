// Our Configure-Requests across a layer's life: the engine holds a request's
// options only while they differ from what its policy asks for, and rebuilds
// them when it needs them again. Whatever it holds, what goes on the wire is
// what it would have sent had it kept every request: the same options when
// the peer renegotiates, the revised ones when the peer had Nak'd them, and a
// duplicate Ack in Opened still matches (RFC 1661: RCA in Opened restarts).
#include <gtest/gtest.h>

#include "tests/unit/ppp_server_test_util.hpp"

namespace bras::ppp {
namespace {

using namespace server_test;

/// Starts LCP and returns our first request.
lcp::configure_request first_request(driver& d) {
  const auto ours = sent_lcp<lcp::configure_request>(d.start());
  EXPECT_TRUE(ours.has_value());
  return ours.value_or(lcp::configure_request{});
}

TEST(PppServerRequest, ThePeersRenegotiationGetsTheSameRequestAgain) {
  driver d{chap_config()};
  const auto first = first_request(d);
  EXPECT_EQ(kinds(d.receive(lcp_frame(peer_request()))), "lcp:conf-ack");
  d.receive(lcp_frame(lcp::configure_ack{first.identifier, first.options}));
  ASSERT_EQ(d.engine.lcp_state(), ppp_state::opened);

  // RFC 1661 RCR in Opened: this-layer-down, our request again, the peer's answered.
  const effects renegotiated = d.receive(lcp_frame(peer_request(0x30)));
  const auto again = sent_lcp<lcp::configure_request>(renegotiated);
  ASSERT_TRUE(again.has_value()) << kinds(renegotiated);
  EXPECT_EQ(again->options, first.options);
  EXPECT_NE(again->identifier, first.identifier);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::ack_sent);

  // An Ack of the old request no longer matches; one of the new request opens the link again.
  d.receive(lcp_frame(lcp::configure_ack{first.identifier, first.options}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::ack_sent);
  d.receive(lcp_frame(lcp::configure_ack{again->identifier, again->options}));
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::opened);
}

TEST(PppServerRequest, ARequestThePeerNakdIsWhatARenegotiationSends) {
  driver d{base_config({lcp::auth_method::chap_md5, lcp::auth_method::pap})};
  const auto first = first_request(d);
  ASSERT_NE(find_option<lcp::auth_protocol>(first.options), nullptr);
  EXPECT_EQ(find_option<lcp::auth_protocol>(first.options)->protocol, proto::chap);

  // The peer would rather do PAP: our next request asks for it, and the link opens on it.
  const effects naked = d.receive(lcp_frame(lcp::configure_nak{first.identifier, {lcp::auth_protocol::pap()}}));
  const auto revised = sent_lcp<lcp::configure_request>(naked);
  ASSERT_TRUE(revised.has_value()) << kinds(naked);
  ASSERT_NE(find_option<lcp::auth_protocol>(revised->options), nullptr);
  EXPECT_EQ(find_option<lcp::auth_protocol>(revised->options)->protocol, proto::pap);
  EXPECT_EQ(kinds(d.receive(lcp_frame(peer_request()))), "lcp:conf-ack");
  d.receive(lcp_frame(lcp::configure_ack{revised->identifier, revised->options}));
  ASSERT_EQ(d.engine.lcp_state(), ppp_state::opened);
  EXPECT_EQ(d.engine.auth_protocol(), proto::pap);

  // Renegotiated: PAP still, not the policy's first choice.
  const auto again = sent_lcp<lcp::configure_request>(d.receive(lcp_frame(peer_request(0x31))));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->options, revised->options);
}

TEST(PppServerRequest, ADuplicateAckInOpenedRestartsWithTheSameRequest) {
  driver d{chap_config()};
  const auto first = first_request(d);
  d.receive(lcp_frame(peer_request()));
  d.receive(lcp_frame(lcp::configure_ack{first.identifier, first.options}));
  ASSERT_EQ(d.engine.lcp_state(), ppp_state::opened);

  const effects duplicate = d.receive(lcp_frame(lcp::configure_ack{first.identifier, first.options}));
  const auto again = sent_lcp<lcp::configure_request>(duplicate);
  ASSERT_TRUE(again.has_value()) << kinds(duplicate);
  EXPECT_EQ(again->options, first.options);
  EXPECT_EQ(d.engine.lcp_state(), ppp_state::req_sent);
}

TEST(PppServerRequest, NetworkLayersSendTheirPolicysRequestEachTime) {
  driver d{pap_config()};
  to_network(d);
  // The peer renegotiates IPCP: our IP-Address again, under a new identifier.
  const effects again = d.receive(ipcp_frame(
      ipcp::configure_request{7, {ipcp::ip_address{assigned}, ipcp::primary_dns{dns1}, ipcp::secondary_dns{dns2}}}));
  const auto ours = sent_ipcp<ipcp::configure_request>(again);
  ASSERT_TRUE(ours.has_value()) << kinds(again);
  EXPECT_EQ(ours->options, (std::vector<ipcp::option>{ipcp::ip_address{lns_address}}));
  d.receive(ipcp_frame(ipcp::configure_ack{ours->identifier, ours->options}));
  EXPECT_EQ(d.engine.ipcp_state(), ppp_state::opened);
  // IPv6CP likewise.
  const effects v6 = d.receive(ipv6cp_frame(ipv6cp::configure_request{8, {ipv6cp::interface_identifier{peer_iid}}}));
  const auto ours6 = sent_ipv6cp<ipv6cp::configure_request>(v6);
  ASSERT_TRUE(ours6.has_value()) << kinds(v6);
  EXPECT_EQ(ours6->options, (std::vector<ipv6cp::option>{ipv6cp::interface_identifier{lns_iid}}));
}

}  // namespace
}  // namespace bras::ppp

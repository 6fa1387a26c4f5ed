// The attribute builders and readers through the real crypto (crypto.hpp): what a server reads
// from our sealed requests, and what we read from its sealed replies.
#include <gtest/gtest.h>

#include <variant>

#include "protocol/radius/attributes.hpp"
#include "protocol/radius/crypto.hpp"
#include "tests/unit/radius_attributes_test_util.hpp"

namespace bras::radius {
namespace {

using test::ip;

constexpr std::string_view secret = "testing123";

TEST(RadiusAttributesSealed, ServerReadsOurPapRequest) {
  credentials c;
  c.user = "alice@isp";
  c.password = "a password longer than sixteen bytes";
  auto p = make_access_request({ip(192, 0, 2, 10), "bras1"}, c, {}, "5f000001");
  p.auth = *random_authenticator();
  const auto wire_form = seal_request(p, secret);
  ASSERT_TRUE(wire_form);
  auto opened = open_request(*wire_form, secret);
  ASSERT_TRUE(std::holds_alternative<packet>(opened));
  const auto& got = std::get<packet>(opened);
  const auto* hidden = got.find(attr::user_password);
  ASSERT_NE(hidden, nullptr);
  EXPECT_NE(as_string(*hidden), c.password);
  EXPECT_EQ(unhide_password(hidden->value, secret, p.auth), c.password);
  EXPECT_EQ(as_string(*got.find(attr::user_name)), "alice@isp");
}

TEST(RadiusAttributesSealed, TunnelPasswordOpenedByOpenReplyBecomesTheCandidateSecret) {
  const auto request_auth = *random_authenticator();
  packet accept;
  accept.code = code::access_accept;
  accept.id = 9;
  test::add_hex(accept, attr::tunnel_type, "01 000003");
  wire::bytes server_endpoint{std::byte{1}};
  const auto text = wire::as_bytes("192.0.2.1");
  server_endpoint.insert(server_endpoint.end(), text.begin(), text.end());
  accept.add(attr::tunnel_server_endpoint, server_endpoint);
  wire::bytes password{std::byte{1}};  // tag, then salt and the encrypted password
  const auto encrypted = encrypt_tunnel_password("l2tp-secret", 0x8123, secret, request_auth);
  password.insert(password.end(), encrypted.begin(), encrypted.end());
  accept.add(attr::tunnel_password, password);
  const auto wire_form = seal_reply(accept, request_auth, secret, true);
  ASSERT_TRUE(wire_form);
  auto opened = open_reply(*wire_form, request_auth, secret, message_authenticator_policy::yes);
  ASSERT_TRUE(std::holds_alternative<opened_reply>(opened));
  const auto got = read_authorization(std::get<opened_reply>(opened).reply);
  ASSERT_TRUE(got.ok()) << wire::to_string(got.err());
  ASSERT_EQ(got->tunnels.size(), 1u);
  EXPECT_EQ(got->tunnels[0].tag, 1);
  EXPECT_EQ(got->tunnels[0].secret, "l2tp-secret");
}

TEST(RadiusAttributesSealed, CoaRoundTripWithProxyState) {
  packet coa;
  coa.code = code::coa_request;
  coa.id = 33;
  coa.add_string(attr::acct_session_id, "5f0000010000002a");
  coa.add_u32(attr::session_timeout, 120);
  coa.add_string(attr::proxy_state, "via-proxy");
  const auto wire_form = seal_request(coa, secret);
  ASSERT_TRUE(wire_form);
  auto opened = open_request(*wire_form, secret);
  ASSERT_TRUE(std::holds_alternative<packet>(opened));
  const auto& request = std::get<packet>(opened);
  const auto got = read_dynamic_request(request);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->session_timeout, std::chrono::seconds{120});
  const auto reply = make_dynamic_reply(request, std::nullopt);
  const auto reply_wire = seal_reply(reply, request.auth, secret, false);
  ASSERT_TRUE(reply_wire);
  auto checked = open_reply(*reply_wire, request.auth, secret, message_authenticator_policy::no);
  ASSERT_TRUE(std::holds_alternative<opened_reply>(checked));
  const auto& ack = std::get<opened_reply>(checked).reply;
  EXPECT_EQ(ack.code, code::coa_ack);
  EXPECT_EQ(ack.id, 33);
  ASSERT_NE(ack.find(attr::proxy_state), nullptr);
  EXPECT_EQ(as_string(*ack.find(attr::proxy_state)), "via-proxy");
}

}  // namespace
}  // namespace bras::radius

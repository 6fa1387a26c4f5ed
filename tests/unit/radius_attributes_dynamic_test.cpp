// CoA-Request / Disconnect-Request as brasd reads them, and the ACK/NAK it answers with (RFC 5176).
#include <gtest/gtest.h>

#include "protocol/radius/attributes.hpp"
#include "tests/unit/radius_attributes_test_util.hpp"

namespace bras::radius {
namespace {

using test::add_hex;
using test::hex;
using test::ip;
using test::through_wire;

packet request(code c) {
  packet p;
  p.code = c;
  p.id = 0x77;
  p.auth = authenticator{std::byte{1}, std::byte{2}, std::byte{3}};
  return p;
}

TEST(RadiusDynamic, DisconnectWithIdentificationOnlyIsSupported) {
  auto p = request(code::disconnect_request);
  p.add_string(attr::acct_session_id, "5f0000010000002a");
  p.add_string(attr::user_name, "alice@isp");
  p.add_ipv4(attr::framed_ip_address, ip(100, 64, 0, 9));
  p.add_string(attr::nas_port_id, "l2tp:3:4");
  p.add_ipv4(attr::nas_ip_address, ip(192, 0, 2, 10));
  p.add_string(attr::nas_identifier, "bras1");
  p.add_u32(attr::event_timestamp, 1'800'000'000);
  p.add_string(attr::proxy_state, "p1");
  p.add_string(attr::proxy_state, "p2");
  add_hex(p, attr::message_authenticator, "00000000000000000000000000000000");
  const auto got = read_dynamic_request(through_wire(p));
  ASSERT_TRUE(got.ok()) << wire::to_string(got.err());
  EXPECT_TRUE(got->disconnect);
  EXPECT_EQ(got->acct_session_id, "5f0000010000002a");
  EXPECT_EQ(got->user, "alice@isp");
  EXPECT_EQ(got->framed_ip, ip(100, 64, 0, 9));
  EXPECT_EQ(got->nas_port_id, "l2tp:3:4");
  EXPECT_EQ(got->nas_ip_address, ip(192, 0, 2, 10));
  EXPECT_EQ(got->nas_identifier, "bras1");
  EXPECT_FALSE(got->nas_ipv6_address);
  EXPECT_EQ(got->event_timestamp, 1'800'000'000u);
  EXPECT_FALSE(got->session_timeout);
  EXPECT_TRUE(got->unsupported.empty());
}

TEST(RadiusDynamic, CoaChangesTimeoutsAndInterim) {
  auto p = request(code::coa_request);
  p.add_string(attr::user_name, "alice@isp");
  p.add_u32(attr::session_timeout, 600);
  p.add_u32(attr::idle_timeout, 0);  // removes the limit
  p.add_u32(attr::acct_interim_interval, 10);
  const auto got = read_dynamic_request(through_wire(p));
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->disconnect);
  EXPECT_EQ(got->session_timeout, std::chrono::seconds{600});
  EXPECT_EQ(got->idle_timeout, std::chrono::seconds{0});
  EXPECT_EQ(got->interim_interval, std::chrono::seconds{60});  // raised to the RFC 2869 minimum
  EXPECT_TRUE(got->unsupported.empty());

  auto stop_interims = request(code::coa_request);
  stop_interims.add_u32(attr::acct_interim_interval, 0);
  EXPECT_EQ(read_dynamic_request(stop_interims)->interim_interval, std::chrono::seconds{0});
}

TEST(RadiusDynamic, ListsWhatItDoesNotActOnOnce) {
  auto p = request(code::coa_request);
  p.add_string(attr::user_name, "alice@isp");
  p.add_string(attr::filter_id, "gold");
  p.add_string(attr::calling_station_id, "0123");  // identification brasd cannot check
  p.add_string(attr::filter_id, "silver");
  p.add_vendor(9, 1, wire::as_bytes("subscriber:service=x"));
  const auto got = read_dynamic_request(p);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->unsupported,
            (std::vector<std::uint8_t>{attr::filter_id, attr::calling_station_id, attr::vendor_specific}));
}

TEST(RadiusDynamic, ChangesInADisconnectAreUnsupported) {
  auto p = request(code::disconnect_request);
  p.add_string(attr::user_name, "alice@isp");
  p.add_u32(attr::session_timeout, 600);
  const auto got = read_dynamic_request(p);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->unsupported, (std::vector<std::uint8_t>{attr::session_timeout}));
  EXPECT_FALSE(got->session_timeout);
}

TEST(RadiusDynamic, NasIpv6AddressIsReadForTheMismatchCheck) {
  auto p = request(code::disconnect_request);
  add_hex(p, attr::nas_ipv6_address, "20010db8000000000000000000000001");
  const auto got = read_dynamic_request(p);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->nas_ipv6_address);
  EXPECT_EQ((*got->nas_ipv6_address)[15], std::byte{1});
  EXPECT_TRUE(got->unsupported.empty());
}

struct dynamic_malformed {
  const char* name;
  std::uint8_t type;
  const char* value_hex;
  std::string_view reason;
};

class RadiusDynamicMalformed : public ::testing::TestWithParam<dynamic_malformed> {};

TEST_P(RadiusDynamicMalformed, IsAnErrorAtTheAttributesIndex) {
  auto p = request(code::coa_request);
  p.add_string(attr::proxy_state, "p1");
  p.add_string(attr::acct_session_id, "abc");
  add_hex(p, GetParam().type, GetParam().value_hex);
  const auto got = read_dynamic_request(through_wire(p));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{GetParam().reason, 2}));
}

INSTANTIATE_TEST_SUITE_P(
    Values, RadiusDynamicMalformed,
    ::testing::Values(
        dynamic_malformed{"FramedIpShort", attr::framed_ip_address, "0a00", "radius-framed-ip-size"},
        dynamic_malformed{"NasIpLong", attr::nas_ip_address, "0a00000101", "radius-nas-ip-size"},
        dynamic_malformed{"NasIpv6Short", attr::nas_ipv6_address, "20010db8", "radius-nas-ipv6-size"},
        dynamic_malformed{"EventTimestampShort", attr::event_timestamp, "6b49", "radius-event-timestamp-size"},
        dynamic_malformed{"SessionTimeoutShort", attr::session_timeout, "", "radius-session-timeout-size"},
        dynamic_malformed{"IdleTimeoutShort", attr::idle_timeout, "01", "radius-idle-timeout-size"},
        dynamic_malformed{"InterimShort", attr::acct_interim_interval, "0102", "radius-interim-interval-size"},
        dynamic_malformed{"RepeatedSessionId", attr::acct_session_id, "646566", "radius-attribute-repeated"}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST(RadiusDynamic, RefusesOtherCodes) {
  for (const auto c : {code::access_request, code::coa_ack, code::disconnect_nak, code::accounting_request}) {
    const auto got = read_dynamic_request(request(c));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.err().reason, "radius-not-dynamic-request");
  }
}

TEST(RadiusDynamic, AckCopiesIdentifierAndProxyState) {
  auto p = request(code::disconnect_request);
  p.add_string(attr::proxy_state, "p1");
  p.add_string(attr::user_name, "alice@isp");
  p.add_string(attr::proxy_state, "p2");
  const auto reply = make_dynamic_reply(p, std::nullopt);
  EXPECT_EQ(reply.code, code::disconnect_ack);
  EXPECT_EQ(reply.id, 0x77);
  EXPECT_EQ(reply.auth, p.auth);  // the Request Authenticator, for seal_reply
  EXPECT_EQ(test::attribute_bytes(reply), hex("21 04 7031  21 04 7032  # Proxy-State p1, p2"));
  EXPECT_EQ(make_dynamic_reply(request(code::coa_request), std::nullopt).code, code::coa_ack);
}

TEST(RadiusDynamic, NakCarriesTheErrorCause) {
  auto p = request(code::coa_request);
  p.add_string(attr::proxy_state, "p1");
  const auto reply = make_dynamic_reply(p, error_cause::unsupported_attribute);
  EXPECT_EQ(reply.code, code::coa_nak);
  EXPECT_EQ(test::attribute_bytes(reply), hex("65 06 00000191  # Error-Cause 401\n"
                                              "21 04 7031      # Proxy-State p1"));
  const auto not_found = make_dynamic_reply(request(code::disconnect_request), error_cause::session_context_not_found);
  EXPECT_EQ(not_found.code, code::disconnect_nak);
  EXPECT_EQ(as_u32(*not_found.find(attr::error_cause)), 503u);
}

TEST(RadiusDynamic, InformationalErrorCauseGoesInAnAck) {
  const auto reply = make_dynamic_reply(request(code::disconnect_request), error_cause::residual_context_removed);
  EXPECT_EQ(reply.code, code::disconnect_ack);
  EXPECT_EQ(as_u32(*reply.find(attr::error_cause)), 201u);
}

}  // namespace
}  // namespace bras::radius

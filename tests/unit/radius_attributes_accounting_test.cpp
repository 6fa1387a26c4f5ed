// Accounting-Request records and the RFC 3145 -> Acct-Terminate-Cause table.
#include <gtest/gtest.h>

#include "protocol/ppp/engine.hpp"
#include "protocol/radius/attributes.hpp"
#include "tests/unit/radius_attributes_test_util.hpp"

namespace bras::radius {
namespace {

using test::attribute_bytes;
using test::hex;
using test::ip;
using test::through_wire;

nas_identity our_nas() {
  return {ip(192, 0, 2, 10), "bras1"};
}

accounting_record stop_record() {
  accounting_record r;
  r.status = acct_status::stop;
  r.session_id = "5f0000010000002a";
  r.user = "alice@isp";
  r.framed_ip = ip(100, 64, 0, 9);
  r.framed_ipv6_prefix = ipv6_prefix{};
  r.framed_ipv6_prefix->address[0] = std::byte{0x20};
  r.framed_ipv6_prefix->address[1] = std::byte{0x01};
  r.framed_ipv6_prefix->length = 64;
  r.line.nas_port = 42;
  r.line.nas_port_id = "l2tp:3:4";
  r.line.calling_station_id = "0123";
  r.line.line = pppoe::access_line{};
  r.line.line->circuit_id = "eth 1/1/1:100";
  r.line.line->actual_rate_down = 16384;
  r.classes = {wire::to_bytes("plan=gold"), wire::to_bytes("region=north")};
  r.event_timestamp = 1'800'000'000;
  r.session_time = 3600;
  r.input_octets = (std::uint64_t{5} << 32) + 7;  // 5 Gigawords and 7 octets
  r.output_octets = 123456;
  r.input_packets = (std::uint64_t{1} << 32) + 9;  // wraps to 9
  r.output_packets = 99;
  r.ipv6_input_octets = (std::uint64_t{2} << 32) + 3;  // 2 Gigawords and 3 octets
  r.ipv6_output_octets = 4000;
  r.ipv6_input_packets = 5;
  r.ipv6_output_packets = 6;
  r.terminate_cause = terminate::user_request;
  return r;
}

void expect_same(const accounting_record& got, const accounting_record& want) {
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.session_id, want.session_id);
  EXPECT_EQ(got.user, want.user);
  EXPECT_EQ(got.framed_ip, want.framed_ip);
  EXPECT_EQ(got.framed_ipv6_prefix, want.framed_ipv6_prefix);
  EXPECT_EQ(got.delegated_ipv6_prefix, want.delegated_ipv6_prefix);
  EXPECT_EQ(got.line.nas_port, want.line.nas_port);
  EXPECT_EQ(got.line.nas_port_id, want.line.nas_port_id);
  EXPECT_EQ(got.line.nas_port_type, want.line.nas_port_type);
  EXPECT_EQ(got.line.calling_station_id, want.line.calling_station_id);
  EXPECT_EQ(got.line.called_station_id, want.line.called_station_id);
  EXPECT_EQ(got.line.connect_info, want.line.connect_info);
  EXPECT_EQ(got.line.line, want.line.line);
  EXPECT_EQ(got.classes, want.classes);
  EXPECT_EQ(got.event_timestamp, want.event_timestamp);
  EXPECT_EQ(got.session_time, want.session_time);
  EXPECT_EQ(got.input_octets, want.input_octets);
  EXPECT_EQ(got.output_octets, want.output_octets);
  EXPECT_EQ(got.input_packets, want.input_packets);
  EXPECT_EQ(got.output_packets, want.output_packets);
  EXPECT_EQ(got.ipv6_input_octets, want.ipv6_input_octets);
  EXPECT_EQ(got.ipv6_output_octets, want.ipv6_output_octets);
  EXPECT_EQ(got.ipv6_input_packets, want.ipv6_input_packets);
  EXPECT_EQ(got.ipv6_output_packets, want.ipv6_output_packets);
  EXPECT_EQ(got.terminate_cause, want.terminate_cause);
  EXPECT_EQ(got.authentic_local, want.authentic_local);
}

TEST(RadiusAccounting, StopCarriesCountersGigawordsAndCause) {
  const auto p = make_accounting_request(our_nas(), stop_record(), 12);
  EXPECT_EQ(p.code, code::accounting_request);
  const auto u32_of = [&p](std::uint8_t type) {
    const auto* a = p.find(type);
    EXPECT_NE(a, nullptr) << "attribute " << int{type};
    return a == nullptr ? std::optional<std::uint32_t>{} : as_u32(*a);
  };
  EXPECT_EQ(u32_of(attr::acct_status_type), 2u);
  EXPECT_EQ(u32_of(attr::acct_delay_time), 12u);
  EXPECT_EQ(u32_of(attr::acct_input_octets), 7u);
  EXPECT_EQ(u32_of(attr::acct_input_gigawords), 5u);
  EXPECT_EQ(u32_of(attr::acct_output_octets), 123456u);
  EXPECT_EQ(u32_of(attr::acct_output_gigawords), 0u);
  EXPECT_EQ(u32_of(attr::acct_input_packets), 9u);
  EXPECT_EQ(u32_of(attr::acct_output_packets), 99u);
  EXPECT_EQ(u32_of(attr::acct_session_time), 3600u);
  EXPECT_EQ(u32_of(attr::acct_terminate_cause), 1u);
  EXPECT_EQ(u32_of(attr::acct_authentic), 1u);
  EXPECT_EQ(u32_of(attr::event_timestamp), 1'800'000'000u);
  EXPECT_EQ(u32_of(attr::framed_ip_address), ip(100, 64, 0, 9));
  EXPECT_EQ(u32_of(attr::nas_ip_address), ip(192, 0, 2, 10));
  EXPECT_EQ(p.all(attr::class_).size(), 2u);
  EXPECT_EQ(p.find(attr::framed_ipv6_prefix)->value, hex("00 40 20010000 00000000"));
  EXPECT_TRUE(p.find_vendor(vendor::dsl_forum, vendor::agent_circuit_id));
  EXPECT_EQ(p.find(attr::delegated_ipv6_prefix), nullptr);
}

TEST(RadiusAccounting, RoundTripsEveryStatus) {
  auto r = stop_record();
  r.input_packets = 9;  // packets are 32 bits on the wire: only the low half comes back
  expect_same(*read_accounting_request(through_wire(make_accounting_request(our_nas(), r, 0))), r);
  r.status = acct_status::interim_update;
  r.terminate_cause = 0;
  r.authentic_local = true;
  r.line.nas_port_type = nas_port_type_pppoe_qinq;
  r.line.called_station_id = "lns";
  r.line.connect_info = "100000000";
  expect_same(*read_accounting_request(through_wire(make_accounting_request(our_nas(), r, 0))), r);
  // Start: no counters and no cause on the wire, so they read back as zero.
  r.status = acct_status::start;
  r.terminate_cause = terminate::admin_reset;
  const auto start = make_accounting_request(our_nas(), r, 0);
  EXPECT_EQ(start.find(attr::acct_input_octets), nullptr);
  EXPECT_EQ(start.find(attr::acct_session_time), nullptr);
  EXPECT_EQ(start.find(attr::acct_terminate_cause), nullptr);
  auto start_record = r;
  start_record.session_time = 0;
  start_record.input_octets = start_record.output_octets = 0;
  start_record.input_packets = start_record.output_packets = 0;
  start_record.ipv6_input_octets = start_record.ipv6_output_octets = 0;
  start_record.ipv6_input_packets = start_record.ipv6_output_packets = 0;
  start_record.terminate_cause = 0;
  expect_same(*read_accounting_request(through_wire(start)), start_record);
}

// RFC 4818 Delegated-IPv6-Prefix next to RFC 3162 Framed-IPv6-Prefix, and the IPv6 counters in
// ERX-IPv6-Acct-* (vendor 4874: 151 input octets, 152 output octets, 153/154 packets, 155/156
// gigawords), sent for sessions with IPv6 only.
TEST(RadiusAccounting, Ipv6PrefixesAndErxCountersForDualStackSessions) {
  auto r = stop_record();
  r.delegated_ipv6_prefix = ip::parse_ipv6_prefix("2001:db8:8000:100::/56");
  r.input_packets = 9;  // 32 bits on the wire
  const auto p = make_accounting_request(our_nas(), r, 0);
  EXPECT_EQ(p.find(attr::delegated_ipv6_prefix)->value, hex("00 38 20010db8 800001"));
  const auto erx = [&p](std::uint8_t type) {
    auto v = p.find_vendor(vendor::unisphere, type);
    EXPECT_TRUE(v) << "ERX type " << int{type};
    return v ? v->value : wire::bytes{};
  };
  EXPECT_EQ(erx(151), hex("00000003"));
  EXPECT_EQ(erx(152), hex("00000fa0"));
  EXPECT_EQ(erx(153), hex("00000005"));
  EXPECT_EQ(erx(154), hex("00000006"));
  EXPECT_EQ(erx(155), hex("00000002"));
  EXPECT_EQ(erx(156), hex("00000000"));
  expect_same(*read_accounting_request(through_wire(p)), r);
  // A Start carries the prefixes, not the counters.
  r.status = acct_status::start;
  const auto start = make_accounting_request(our_nas(), r, 0);
  EXPECT_NE(start.find(attr::delegated_ipv6_prefix), nullptr);
  EXPECT_FALSE(start.find_vendor(vendor::unisphere, vendor::erx_ipv6_acct_input_octets));
  // An IPv4-only session's records stay as they were: no ERX counters.
  auto v4 = stop_record();
  v4.framed_ipv6_prefix.reset();
  v4.ipv6_input_octets = v4.ipv6_output_octets = v4.ipv6_input_packets = v4.ipv6_output_packets = 0;
  for (const auto& vsa : make_accounting_request(our_nas(), v4, 0).vendor_attributes()) {
    EXPECT_NE(vsa.vendor, vendor::unisphere) << int{vsa.type};
  }
  // IPv6 traffic without a prefix from AAA still counts.
  v4.ipv6_output_packets = 1;
  EXPECT_TRUE(make_accounting_request(our_nas(), v4, 0).find_vendor(vendor::unisphere, 154));
}

TEST(RadiusAccounting, ReadRefusesAMalformedErxCounter) {
  auto p = make_accounting_request(our_nas(), stop_record(), 0);
  p.add_vendor(vendor::unisphere, vendor::erx_ipv6_acct_output_packets, hex("0001"));
  auto got = read_accounting_request(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{"radius-erx-ipv6-acct-size", p.attributes.size() - 1}));
}

TEST(RadiusAccounting, InterimHasNoTerminateCause) {
  auto r = stop_record();
  r.status = acct_status::interim_update;
  const auto p = make_accounting_request(our_nas(), r, 0);
  EXPECT_EQ(p.find(attr::acct_terminate_cause), nullptr);
  EXPECT_NE(p.find(attr::acct_input_gigawords), nullptr);
}

TEST(RadiusAccounting, AccountingOnAndOffCarryOnlyNasIdentity) {
  for (const auto status : {acct_status::accounting_on, acct_status::accounting_off}) {
    auto r = stop_record();  // everything set, to prove it is left out
    r.status = status;
    r.session_id = "5f00000100000000";
    const auto p = make_accounting_request(our_nas(), r, 3);
    EXPECT_EQ(attribute_bytes(p), hex("28 06 0000000" + std::to_string(static_cast<int>(status)) +
                                      "        # Acct-Status-Type\n"
                                      "2c 12 35663030303030313030303030303030 # Acct-Session-Id\n"
                                      "04 06 c000020a  # NAS-IP-Address\n"
                                      "20 07 6272617331  # NAS-Identifier bras1\n"
                                      "37 06 6b49d200  # Event-Timestamp 1800000000\n"
                                      "29 06 00000003  # Acct-Delay-Time 3\n"));
    const auto back = read_accounting_request(through_wire(p));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->status, status);
    EXPECT_EQ(back->session_id, r.session_id);
    EXPECT_EQ(back->event_timestamp, r.event_timestamp);
    EXPECT_EQ(back->user, "");
  }
}

TEST(RadiusAccounting, EventTimestampZeroIsLeftOut) {
  auto r = stop_record();
  r.event_timestamp = 0;
  EXPECT_EQ(make_accounting_request(our_nas(), r, 0).find(attr::event_timestamp), nullptr);
}

TEST(RadiusAccounting, DelayIsReadAndSetInPlace) {
  auto p = make_accounting_request(our_nas(), stop_record(), 0);
  EXPECT_EQ(acct_delay(p), 0u);
  const auto count = p.attributes.size();
  set_acct_delay(p, 35);
  EXPECT_EQ(acct_delay(p), 35u);
  EXPECT_EQ(p.attributes.size(), count);
  p.remove(attr::acct_delay_time);
  EXPECT_EQ(acct_delay(p), std::nullopt);
  set_acct_delay(p, 4);
  EXPECT_EQ(acct_delay(p), 4u);
}

TEST(RadiusAccounting, ReadRefusesMalformedRecords) {
  packet p;
  p.code = code::accounting_request;
  p.add_string(attr::acct_session_id, "x");
  auto got = read_accounting_request(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{"radius-acct-status-type-missing", 1}));

  p.add_u32(attr::acct_status_type, 6);  // Failed: brasd never sends it
  got = read_accounting_request(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{"radius-acct-status-type-unknown", 1}));

  auto bad_octets = make_accounting_request(our_nas(), stop_record(), 0);
  for (std::size_t i = 0; i < bad_octets.attributes.size(); ++i) {
    if (bad_octets.attributes[i].type != attr::acct_input_gigawords) continue;
    bad_octets.attributes[i].value = hex("0005");
    got = read_accounting_request(through_wire(bad_octets));
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.err(), (wire::error{"radius-acct-gigawords-size", i}));
  }

  packet not_accounting;
  not_accounting.code = code::access_request;
  EXPECT_FALSE(read_accounting_request(not_accounting).ok());
}

TEST(RadiusAccounting, ReadRefusesMalformedLineVsas) {
  auto p = make_accounting_request(our_nas(), stop_record(), 0);
  p.add_vendor(vendor::dsl_forum, vendor::actual_data_rate_upstream, hex("0400"));
  auto got = read_accounting_request(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{"radius-dsl-rate-size", p.attributes.size() - 1}));
  p.attributes.pop_back();
  p.add_vendor(vendor::dsl_forum, vendor::access_loop_encapsulation, hex("0102"));
  got = read_accounting_request(p);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.err(), (wire::error{"radius-dsl-encapsulation-size", p.attributes.size() - 1}));
}

// ---- RFC 3145 -> Acct-Terminate-Cause, one test per row of the table ----

struct cause_case {
  const char* name;
  std::uint16_t ppp_cause;
  ppp::direction dir;
  const char* message;
  std::uint32_t expected;
};

class RadiusTerminateCause : public ::testing::TestWithParam<cause_case> {};

TEST_P(RadiusTerminateCause, Maps) {
  const auto& c = GetParam();
  EXPECT_EQ(terminate_cause_of(c.ppp_cause, static_cast<std::uint8_t>(c.dir), c.message), c.expected);
}

using ppp::direction;
namespace pc = ppp::cause;

INSTANTIATE_TEST_SUITE_P(
    Rows, RadiusTerminateCause,
    ::testing::Values(
        // The messages brasd's own closes use (ppp_host.cpp: cause normal / admin, local).
        cause_case{"SessionTimeout", pc::normal, direction::at_local, "session-timeout", terminate::session_timeout},
        cause_case{"IdleTimeout", pc::normal, direction::at_local, "idle-timeout", terminate::idle_timeout},
        cause_case{"AdminClose", pc::admin, direction::at_local, "admin-close", terminate::admin_reset},
        cause_case{"Shutdown", pc::admin, direction::at_local, "shutdown", terminate::admin_reboot},
        cause_case{"NasReboot", pc::none, direction::global, "nas-reboot", terminate::nas_reboot},
        cause_case{"CdnNormal", pc::normal, direction::global, "cdn-received", terminate::user_request},
        cause_case{"CdnEcho", pc::echo_timeout, direction::global, "cdn-received", terminate::lost_carrier},
        cause_case{"CdnOther", pc::none, direction::global, "cdn-received", terminate::lost_service},
        cause_case{"TunnelDown", pc::none, direction::global, "tunnel-down", terminate::lost_service},
        cause_case{"SessionDestroyed", pc::none, direction::global, "session-destroyed", terminate::nas_request},
        cause_case{"PadtReceived", pc::none, direction::global, "padt-received", terminate::user_request},
        cause_case{"SubscriberDead", pc::none, direction::global, "subscriber-dead", terminate::lost_carrier},
        cause_case{"CallCleared", pc::admin, direction::at_local, "call-cleared", terminate::lost_service},
        cause_case{"CallFailed", pc::admin, direction::at_local, "call-failed", terminate::service_unavailable},
        // The cause alone.
        cause_case{"Admin", pc::admin, direction::at_local, "operator", terminate::admin_reset},
        cause_case{"NormalLocal", pc::normal, direction::at_local, "other-close", terminate::nas_request},
        cause_case{"PeerTerminate", pc::normal, direction::at_peer, "peer-terminate-request", terminate::user_request},
        cause_case{"NormalGlobal", pc::normal, direction::global, "", terminate::user_request},
        cause_case{"EchoTimeout", pc::echo_timeout, direction::at_local, "echo-timeout", terminate::lost_carrier},
        cause_case{"NoLcpPackets", pc::lcp_no_packets, direction::at_local, "", terminate::lost_carrier},
        cause_case{"AuthFailed", pc::auth_failed, direction::at_local, "authentication-failed", terminate::user_error},
        cause_case{"AuthProtocol", pc::auth_protocol_unacceptable, direction::at_local, "", terminate::user_error},
        cause_case{"AuthTimeout", pc::auth_fsm_timeout, direction::at_local, "authentication-timeout",
                   terminate::user_error},
        cause_case{"NoAddressPermitted", pc::no_address_permitted, direction::at_local, "", terminate::user_error},
        cause_case{"NoAddressAvailable", pc::no_acceptable_address, direction::at_local, "no-address-available",
                   terminate::service_unavailable},
        cause_case{"LcpTimeout", pc::lcp_fsm_timeout, direction::at_local, "lcp-negotiation-failed",
                   terminate::nas_error},
        cause_case{"Loopback", pc::lcp_loopback, direction::at_local, "lcp-loopback-detected", terminate::nas_error},
        cause_case{"None", pc::none, direction::global, "link-finished", terminate::nas_error}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

}  // namespace
}  // namespace bras::radius

// Cross-check of the RADIUS codec against an independent decoder: requests sealed
// by seal_request() and replies by seal_reply() go into a pcap on udp/1812, 1813 and
// 3799; tshark, told the shared secret, must decode our values, decrypt the hidden
// User-Password and Tunnel-Password, find every Response Authenticator valid, and
// flag nothing as malformed.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <variant>
#include <vector>

#include "protocol/radius/attributes.hpp"
#include "protocol/radius/crypto.hpp"
#include "tests/tshark/pcap.hpp"

namespace bras::radius {
namespace {

using fields = test::tshark_expectations;

constexpr std::string_view secret = "testing123";
constexpr std::uint32_t nas_address = 0xc0000201;     // 192.0.2.1, documentation range
constexpr std::uint32_t server_address = 0xc0000202;  // 192.0.2.2
constexpr std::uint16_t nas_port = 40000;
/// tshark decrypts User-Password and checks Response Authenticators only when told the secret.
const std::string tshark_options =
    "-o radius.shared_secret:" + std::string{secret} + " -o radius.validate_authenticator:TRUE";

/// One Ethernet/IPv4/UDP frame between the NAS and the server, in either direction (tshark
/// pairs a reply with its request by the reversed addresses and ports).
wire::bytes udp_frame(wire::byte_span payload, bool from_nas, std::uint16_t server_port, std::uint16_t ip_id) {
  wire::bytes f;
  wire::writer w{f};
  w.put(
      wire::byte_span{*wire::from_hex(from_nas ? "020000000002 020000000001 0800" : "020000000001 020000000002 0800")});
  const auto ip_at = f.size();
  w.u8(0x45);
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(20 + 8 + payload.size()));
  w.u16(ip_id);
  w.u16(0x4000);
  w.u8(64);
  w.u8(17);
  w.u16(0);
  w.u32(from_nas ? nas_address : server_address);
  w.u32(from_nas ? server_address : nas_address);
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 20; i += 2) sum += wire::load_u16(f.data() + ip_at + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  w.patch_u16(ip_at + 10, static_cast<std::uint16_t>(~sum & 0xffff));
  w.u16(from_nas ? nas_port : server_port);
  w.u16(from_nas ? server_port : nas_port);
  w.u16(static_cast<std::uint16_t>(8 + payload.size()));
  w.u16(0);
  w.put(payload);
  return f;
}

wire::bytes tagged_u32(std::uint8_t tag, std::uint32_t value) {
  wire::bytes b;
  wire::writer{b}.u32((std::uint32_t{tag} << 24) | (value & 0xffffffU));
  return b;
}

wire::bytes tagged_string(std::uint8_t tag, std::string_view value) {
  wire::bytes b{std::byte{tag}};
  wire::writer{b}.put(value);
  return b;
}

wire::bytes u32_bytes(std::uint32_t v) {
  wire::bytes b;
  wire::writer{b}.u32(v);
  return b;
}

authenticator request_authenticator(std::uint8_t seed) {
  authenticator a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::byte{static_cast<std::uint8_t>(seed * 16 + i)};
  return a;
}

authenticator authenticator_of(const wire::bytes& sealed) {
  authenticator a{};
  std::copy_n(sealed.begin() + 4, a.size(), a.begin());
  return a;
}

class RadiusTshark : public test::tshark_fixture {
 protected:
  [[nodiscard]] std::string pcap_prefix() const override { return "bras-radius-tshark"; }

  void add(std::string what, const wire::bytes& datagram, bool from_nas, std::uint16_t server_port, fields expect) {
    writer().ethernet(udp_frame(datagram, from_nas, server_port, static_cast<std::uint16_t>(frames_.size() + 1)));
    // tshark flags an attribute whose length is wrong here.
    expect.emplace_back("radius.invalid_length", "");
    expect_frame(std::move(what), std::move(expect));
  }
};

packet pap_request() {
  packet p;
  p.code = code::access_request;
  p.id = 1;
  p.auth = request_authenticator(1);
  p.add_string(attr::user_name, "alice@isp.example");
  p.add_string(attr::user_password, "arctangent-and-more-than-16");
  p.add_ipv4(attr::nas_ip_address, nas_address);
  p.add_u32(attr::service_type, service_framed);
  p.add_u32(attr::framed_protocol, framed_protocol_ppp);
  p.add_u32(attr::nas_port_type, nas_port_type_virtual);
  p.add_string(attr::nas_port_id, "lac1/tunnel 7/session 9");
  p.add_string(attr::calling_station_id, "0123456789");
  p.add_vendor(vendor::dsl_forum, vendor::agent_circuit_id, wire::as_bytes("olt1 eth 1/1/1:100"));
  p.add_vendor(vendor::dsl_forum, vendor::agent_remote_id, wire::as_bytes("cpe-42"));
  p.add_vendor(vendor::dsl_forum, vendor::actual_data_rate_upstream, u32_bytes(1024000));
  // RFC 2868 hints in the request: tunnel 1 is L2TP over IPv4 to 192.0.2.10.
  p.add(attr::tunnel_type, tagged_u32(1, tunnel_type_l2tp));
  p.add(attr::tunnel_medium_type, tagged_u32(1, tunnel_medium_ipv4));
  p.add(attr::tunnel_server_endpoint, tagged_string(1, "192.0.2.10"));
  return p;
}

TEST_F(RadiusTshark, AuthenticationAccountingAndCoaDecodeWithOurValues) {
  // 1. PAP Access-Request: the hidden password, the DSL Forum VSAs, tagged tunnel hints.
  const auto pap = pap_request();
  const auto sealed_pap = seal_request(pap, secret);
  ASSERT_TRUE(sealed_pap);
  add("Access-Request (PAP)", *sealed_pap, true, 1812,
      {{"radius.code", "1"},
       {"radius.id", "1"},
       {"radius.User_Name", "alice@isp.example"},
       {"radius.User_Password", "arctangent-and-more-than-16"},
       {"radius.Message_Authenticator", wire::to_hex(wire::byte_span{*sealed_pap}.subspan(22, 16))},
       {"radius.NAS_IP_Address", "192.0.2.1"},
       {"radius.Service_Type", "2"},
       {"radius.NAS_Port_Type", "5"},
       {"radius.NAS_Port_Id", "lac1/tunnel 7/session 9"},
       {"radius.Calling_Station_Id", "0123456789"},
       {"radius.avp.vendor_id", "3561,3561,3561"},
       {"radius.ADSL_Agent_Circuit_Id", "olt1 eth 1/1/1:100"},
       {"radius.ADSL_Agent_Remote_Id", "cpe-42"},
       {"radius.Actual_Data_Rate_Upstream", "1024000"},
       {"radius.Tunnel_Type", "3"},
       {"radius.Tunnel_Type.tag", "0x01"},
       {"radius.Tunnel_Medium_Type", "1"},
       {"radius.Tunnel_Server_Endpoint", "192.0.2.10"},
       {"radius.Tunnel_Server_Endpoint.tag", "0x01"}});

  // 2. The Access-Accept answering it: tunnels with tags 1 and 2, a Tunnel-Password, the
  // attributes applied to the session.
  packet accept;
  accept.code = code::access_accept;
  accept.id = 1;
  accept.add_ipv4(attr::framed_ip_address, 0xc6336401);  // 198.51.100.1
  accept.add_string(attr::framed_pool, "pool-a");
  accept.add_u32(attr::session_timeout, 86400);
  accept.add_u32(attr::idle_timeout, 600);
  accept.add_u32(attr::acct_interim_interval, 300);
  accept.add_u32(attr::framed_mtu, 1492);
  accept.add_string(attr::class_, "billing-7");
  accept.add(attr::tunnel_type, tagged_u32(1, tunnel_type_l2tp));
  accept.add(attr::tunnel_medium_type, tagged_u32(1, tunnel_medium_ipv4));
  accept.add(attr::tunnel_server_endpoint, tagged_string(1, "192.0.2.10"));
  accept.add(attr::tunnel_client_auth_id, tagged_string(1, "lac1"));
  accept.add(attr::tunnel_assignment_id, tagged_string(1, "to-lns-a"));
  accept.add(attr::tunnel_preference, tagged_u32(1, 10));
  wire::bytes tunnel_password{std::byte{0x01}};
  wire::writer{tunnel_password}.put(encrypt_tunnel_password("lns-a-secret", 0x1234, secret, pap.auth));
  accept.add(attr::tunnel_password, tunnel_password);
  accept.add(attr::tunnel_type, tagged_u32(2, tunnel_type_l2tp));
  accept.add(attr::tunnel_server_endpoint, tagged_string(2, "192.0.2.11"));
  accept.add(attr::tunnel_preference, tagged_u32(2, 20));
  accept.add_vendor(vendor::microsoft, vendor::ms_primary_dns_server, u32_bytes(0xc0000235));
  const auto sealed_accept = seal_reply(accept, pap.auth, secret, true);
  ASSERT_TRUE(sealed_accept);
  // Our own reader agrees before tshark does.
  const auto opened = open_reply(*sealed_accept, pap.auth, secret, message_authenticator_policy::yes);
  ASSERT_TRUE(std::holds_alternative<opened_reply>(opened));
  const auto* clear_password = std::get<opened_reply>(opened).reply.find(attr::tunnel_password);
  ASSERT_NE(clear_password, nullptr);
  EXPECT_EQ(as_string(*clear_password), "\x01lns-a-secret");
  add("Access-Accept", *sealed_accept, false, 1812,
      {{"radius.code", "2"},
       {"radius.id", "1"},
       {"radius.authenticator.valid", "1"},
       {"radius.Framed-IP-Address", "198.51.100.1"},
       {"radius.Framed_Pool", "pool-a"},
       {"radius.Session_Timeout", "86400"},
       {"radius.Idle_Timeout", "600"},
       {"radius.Acct_Interim_Interval", "300"},
       {"radius.Framed_MTU", "1492"},
       {"radius.Class", wire::to_hex(wire::as_bytes("billing-7"))},
       {"radius.Tunnel_Type", "3,3"},
       {"radius.Tunnel_Type.tag", "0x01,0x02"},
       {"radius.Tunnel_Server_Endpoint", "192.0.2.10,192.0.2.11"},
       {"radius.Tunnel_Server_Endpoint.tag", "0x01,0x02"},
       {"radius.Tunnel_Client_Auth_Id", "lac1"},
       {"radius.Tunnel_Assignment_Id", "to-lns-a"},
       {"radius.Tunnel_Preference", "10,20"},
       {"radius.Tunnel_Password_encrypted", wire::to_hex(wire::byte_span{tunnel_password}.subspan(1))},
       {"radius.Tunnel_Password.tag", "0x01"}});

  // 3. CHAP Access-Request: ident + response, and the challenge.
  packet chap;
  chap.code = code::access_request;
  chap.id = 2;
  chap.auth = request_authenticator(2);
  chap.add_string(attr::user_name, "bob");
  wire::bytes chap_password{std::byte{0x2a}};
  for (int i = 0; i < 16; ++i) chap_password.push_back(std::byte{static_cast<std::uint8_t>(0xa0 + i)});
  chap.add(attr::chap_password, chap_password);
  wire::bytes challenge;
  for (int i = 0; i < 16; ++i) challenge.push_back(std::byte{static_cast<std::uint8_t>(0x10 + i)});
  chap.add(attr::chap_challenge, challenge);
  const auto sealed_chap = seal_request(chap, secret);
  ASSERT_TRUE(sealed_chap);
  add("Access-Request (CHAP)", *sealed_chap, true, 1812,
      {{"radius.code", "1"},
       {"radius.id", "2"},
       {"radius.User_Name", "bob"},
       {"radius.CHAP_Ident", "0x2a"},
       {"radius.CHAP_String", "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf"},
       {"radius.CHAP_Challenge", wire::to_hex(challenge)}});

  // 4. Access-Reject with its Reply-Message.
  packet reject;
  reject.code = code::access_reject;
  reject.id = 2;
  reject.add_string(attr::reply_message, "wrong password");
  const auto sealed_reject = seal_reply(reject, chap.auth, secret, true);
  ASSERT_TRUE(sealed_reject);
  add("Access-Reject", *sealed_reject, false, 1812,
      {{"radius.code", "3"}, {"radius.authenticator.valid", "1"}, {"radius.Reply_Message", "wrong password"}});

  // 5. Accounting Stop past 4 GiB: Gigawords carry the high 32 bits.
  packet stop;
  stop.code = code::accounting_request;
  stop.id = 3;
  stop.add_u32(attr::acct_status_type, static_cast<std::uint32_t>(acct_status::stop));
  stop.add_string(attr::acct_session_id, "5f3a00010000002a");
  stop.add_string(attr::user_name, "alice@isp.example");
  stop.add_ipv4(attr::framed_ip_address, 0xc6336401);
  stop.add_u32(attr::acct_input_octets, 123456789);
  stop.add_u32(attr::acct_input_gigawords, 5);
  stop.add_u32(attr::acct_output_octets, 987654321);
  stop.add_u32(attr::acct_output_gigawords, 2);
  stop.add_u32(attr::acct_input_packets, 1000);
  stop.add_u32(attr::acct_output_packets, 2000);
  stop.add_u32(attr::acct_session_time, 3601);
  stop.add_u32(attr::acct_terminate_cause, terminate::user_request);
  stop.add_u32(attr::acct_delay_time, 12);
  stop.add_string(attr::class_, "billing-7");
  const auto sealed_stop = seal_request(stop, secret);
  ASSERT_TRUE(sealed_stop);
  add("Accounting-Request (Stop)", *sealed_stop, true, 1813,
      {{"radius.code", "4"},
       {"radius.id", "3"},
       {"radius.Acct_Status_Type", "2"},
       {"radius.Acct_Session_Id", "5f3a00010000002a"},
       {"radius.Framed-IP-Address", "198.51.100.1"},
       {"radius.Acct_Input_Octets", "123456789"},
       {"radius.Acct_Input_Gigawords", "5"},
       {"radius.Acct_Output_Octets", "987654321"},
       {"radius.Acct_Output_Gigawords", "2"},
       {"radius.Acct_Terminate_Cause", "1"},
       {"radius.Acct_Delay_Time", "12"}});
  packet response;
  response.code = code::accounting_response;
  response.id = 3;
  const auto sealed_response = seal_reply(response, authenticator_of(*sealed_stop), secret, false);
  ASSERT_TRUE(sealed_response);
  add("Accounting-Response", *sealed_response, false, 1813,
      {{"radius.code", "5"}, {"radius.id", "3"}, {"radius.authenticator.valid", "1"}});

  // 6. CoA-Request with a Message-Authenticator (RFC 5176 §3.5), and its NAK.
  packet coa;
  coa.code = code::coa_request;
  coa.id = 4;
  coa.add_string(attr::acct_session_id, "5f3a00010000002b");
  coa.add_u32(attr::session_timeout, 1800);
  coa.add(attr::message_authenticator, wire::bytes(16));
  const auto sealed_coa = seal_request(coa, secret);
  ASSERT_TRUE(sealed_coa);
  ASSERT_TRUE(std::holds_alternative<packet>(open_request(*sealed_coa, secret)));
  add("CoA-Request", *sealed_coa, false, 3799,
      {{"radius.code", "43"},
       {"radius.id", "4"},
       {"radius.Acct_Session_Id", "5f3a00010000002b"},
       {"radius.Session_Timeout", "1800"}});
  packet nak;
  nak.code = code::coa_nak;
  nak.id = 4;
  nak.add_u32(attr::error_cause, error_cause::session_context_not_found);
  const auto sealed_nak = seal_reply(nak, authenticator_of(*sealed_coa), secret, true);
  ASSERT_TRUE(sealed_nak);
  add("CoA-NAK", *sealed_nak, true, 3799, {{"radius.code", "45"}, {"radius.id", "4"}, {"radius.Error_Cause", "503"}});

  // 7. Disconnect-Request by User-Name and its ACK.
  packet disconnect;
  disconnect.code = code::disconnect_request;
  disconnect.id = 5;
  disconnect.add_string(attr::user_name, "alice@isp.example");
  const auto sealed_disconnect = seal_request(disconnect, secret);
  ASSERT_TRUE(sealed_disconnect);
  add("Disconnect-Request", *sealed_disconnect, false, 3799,
      {{"radius.code", "40"}, {"radius.User_Name", "alice@isp.example"}});
  packet ack;
  ack.code = code::disconnect_ack;
  ack.id = 5;
  const auto sealed_ack = seal_reply(ack, authenticator_of(*sealed_disconnect), secret, false);
  ASSERT_TRUE(sealed_ack);
  add("Disconnect-ACK", *sealed_ack, true, 3799, {{"radius.code", "41"}});

  verify(tshark_options);
}

// A dual-stack session's Interim-Update as brasd builds it: RFC 3162 Framed-IPv6-Prefix, RFC 4818
// Delegated-IPv6-Prefix and the IPv6 counters in ERX-IPv6-Acct-* (Wireshark's Unisphere dictionary).
TEST_F(RadiusTshark, DualStackInterimCarriesPrefixesAndErxIpv6Counters) {
  accounting_record r;
  r.status = acct_status::interim_update;
  r.session_id = "5f3a00010000002c";
  r.user = "dual@isp.example";
  r.framed_ip = 0xc6336402;
  r.framed_ipv6_prefix = ip::parse_ipv6_prefix("2001:db8:100:1::/64");
  r.delegated_ipv6_prefix = ip::parse_ipv6_prefix("2001:db8:8000:100::/56");
  r.input_octets = 9000;
  r.output_octets = 8000;
  r.ipv6_input_octets = (std::uint64_t{3} << 32) + 1234;
  r.ipv6_output_octets = 5678;
  r.ipv6_input_packets = 12;
  r.ipv6_output_packets = 34;
  auto interim = make_accounting_request({0xc000020a, "bras1"}, r, 0);
  interim.id = 9;
  const auto sealed = seal_request(interim, secret);
  ASSERT_TRUE(sealed);
  add("Accounting-Request (Interim, dual stack)", *sealed, true, 1813,
      {{"radius.code", "4"},
       {"radius.Acct_Status_Type", "3"},
       // tshark shows the RFC 3162 value: reserved, length, the prefix's significant bytes.
       {"radius.Framed_IPv6_Prefix",
        "00"
        "40"
        "20010db801000001"},
       {"radius.Delegated_IPv6_Prefix",
        "00"
        "38"
        "20010db8800001"},
       {"radius.Unisphere_IPv6_Acct_Input_Octets", "1234"},
       {"radius.Unisphere_IPv6_Acct_Output_Octets", "5678"},
       {"radius.Unisphere_IPv6_Acct_Input_Packets", "12"},
       {"radius.Unisphere_IPv6_Acct_Output_Packets", "34"},
       {"radius.Unisphere_IPv6_Acct_Input_Gigawords", "3"},
       {"radius.Unisphere_IPv6_Acct_Output_Gigawords", "0"}});
  verify(tshark_options);
}

TEST_F(RadiusTshark, AWrongSecretMakesTsharkFindTheAuthenticatorInvalid) {
  // The check above is only meaningful if tshark can tell: sealed with another secret,
  // the reply's Response Authenticator must be reported invalid.
  const auto pap = pap_request();
  const auto sealed_pap = seal_request(pap, secret);
  ASSERT_TRUE(sealed_pap);
  add("Access-Request", *sealed_pap, true, 1812, {{"radius.code", "1"}});
  packet accept;
  accept.code = code::access_accept;
  accept.id = 1;
  const auto sealed_accept = seal_reply(accept, pap.auth, "not-the-secret", false);
  ASSERT_TRUE(sealed_accept);
  add("Access-Accept", *sealed_accept, false, 1812,
      {{"radius.authenticator.valid", "0"}, {"radius.authenticator.invalid", "1"}});
  verify(tshark_options);
}

}  // namespace
}  // namespace bras::radius

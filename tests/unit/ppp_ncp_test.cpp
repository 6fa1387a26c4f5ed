#include "protocol/ppp/ncp.hpp"

#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
namespace {

using test::expect_error;
using test::expect_every_prefix_fails;
using test::expect_vector;
using test::hex;
using test::ipcp_codec;
using test::ipv6cp_codec;

// ---- IPCP (RFC 1332, RFC 1877) ----

constexpr std::string_view ipcp_all_options =
    "01          # code: Configure-Request\n"
    "01          # identifier\n"
    "00 36       # length: 54\n"
    "01 0a c0 a8 00 01 c0 a8 00 02 # IP-Addresses (deprecated, opaque)\n"
    "02 06 00 2d 0f 01 # IP-Compression-Protocol: VJ, 16 slots, slot-id compression (opaque)\n"
    "03 06 0a 00 00 01 # IP-Address 10.0.0.1\n"
    "81 06 08 08 08 08 # Primary DNS 8.8.8.8\n"
    "82 06 0a 00 00 02 # Primary NBNS 10.0.0.2\n"
    "83 06 08 08 04 04 # Secondary DNS 8.8.4.4\n"
    "84 06 0a 00 00 03 # Secondary NBNS 10.0.0.3\n"
    "90 04 01 02 # unknown option 144\n";

TEST(Ipcp, ConfigureRequestWithEveryOption) {
  using namespace ipcp;
  expect_vector<ipcp_codec>(
      ipcp_all_options,
      configure_request{1,
                        {ip_addresses{hex("c0 a8 00 01 c0 a8 00 02")}, ip_compression_protocol{hex("00 2d 0f 01")},
                         ip_address{0x0a000001}, primary_dns{0x08080808}, primary_nbns{0x0a000002},
                         secondary_dns{0x08080404}, secondary_nbns{0x0a000003}, unknown_option{0x90, hex("01 02")}}});
  expect_every_prefix_fails<ipcp_codec>(ipcp_all_options);
}

TEST(Ipcp, ConfigureAckNakReject) {
  using namespace ipcp;
  expect_vector<ipcp_codec>(
      "02 02 00 0a # Configure-Ack, id 2, length 10\n"
      "03 06 0a 00 00 05 # IP-Address 10.0.0.5\n",
      configure_ack{2, {ip_address{0x0a000005}}});
  constexpr std::string_view nak =
      "03 01 00 10 # Configure-Nak, id 1, length 16\n"
      "03 06 0a 00 00 05 # IP-Address: use 10.0.0.5\n"
      "81 06 08 08 08 08 # Primary DNS: use 8.8.8.8\n";
  expect_vector<ipcp_codec>(nak, configure_nak{1, {ip_address{0x0a000005}, primary_dns{0x08080808}}});
  expect_every_prefix_fails<ipcp_codec>(nak);
  expect_vector<ipcp_codec>(
      "04 01 00 10 # Configure-Reject, id 1, length 16\n"
      "82 06 00 00 00 00 # Primary NBNS\n"
      "84 06 00 00 00 00 # Secondary NBNS\n",
      configure_reject{1, {primary_nbns{0}, secondary_nbns{0}}});
}

TEST(Ipcp, TerminateAndCodeReject) {
  expect_vector<ipcp_codec>("05 03 00 04 # Terminate-Request, id 3, length 4\n", terminate_request{3, {}});
  expect_vector<ipcp_codec>("06 03 00 05 | 00 # Terminate-Ack with 1 data byte\n", terminate_ack{3, hex("00")});
  expect_vector<ipcp_codec>("07 04 00 08 | 0d 01 00 04 # Code-Reject of code 13\n", code_reject{4, hex("0d 01 00 04")});
}

TEST(Ipcp, LcpOnlyCodesAreUnknown) {
  // IPCP uses codes 1-7 only; an Echo-Request here must be Code-Rejected.
  expect_vector<ipcp_codec>("09 01 00 08 | 12 34 56 78 # code 9\n", unknown_code{9, 1, hex("12 34 56 78")});
  expect_vector<ipcp_codec>("08 01 00 04 # code 8\n", unknown_code{8, 1, {}});
}

TEST(Ipcp, FixedSizeOptionsWithWrongLength) {
  expect_error<ipcp_codec>("01 01 00 08 | 03 04 0a 00 # IP-Address length 4\n", "bad option length", 5);
  expect_error<ipcp_codec>("01 01 00 0b | 81 07 08 08 08 08 00 # Primary DNS length 7\n", "bad option length", 5);
  expect_error<ipcp_codec>("01 01 00 09 | 82 05 0a 00 00 # Primary NBNS length 5\n", "bad option length", 5);
  expect_error<ipcp_codec>("01 01 00 06 | 83 02 # Secondary DNS length 2\n", "bad option length", 5);
  expect_error<ipcp_codec>("01 01 00 0e | 03 06 0a 00 00 01 | 84 04 0a 00 # second option bad\n", "bad option length",
                           11);
}

TEST(Ipcp, BadOptionAndPacketLength) {
  expect_error<ipcp_codec>("01 01 00 06 | 03 00 # option length 0\n", "option length below 2", 5);
  expect_error<ipcp_codec>("01 01 00 06 | 03 01 # option length 1\n", "option length below 2", 5);
  expect_error<ipcp_codec>("01 01 00 08 | 03 06 0a 00 # past end\n", "option past end", 5);
  expect_error<ipcp_codec>("01 01 00 02 # length 2\n", "length below header size", 2);
  expect_error<ipcp_codec>("01 01 00 0a | 03 06 0a 00 00 # length 10, 9 bytes\n", "length exceeds packet", 2);
  test::expect_error_offset_shifts<ipcp_codec>("01 01 00 08 | 03 04 0a 00", 6);
}

TEST(Ipcp, OptionHelpers) {
  auto v = hex(ipcp_all_options);
  auto p = ipcp::decode(test::span(v));
  ASSERT_TRUE(p.ok());
  const auto& request = std::get<ipcp::configure_request>(*p);
  ASSERT_NE(find_option<ipcp::ip_address>(request.options), nullptr);
  EXPECT_EQ(find_option<ipcp::ip_address>(request.options)->value, 0x0a000001u);
  EXPECT_EQ(find_option<ipcp::secondary_dns>(request.options)->value, 0x08080404u);
  EXPECT_EQ(option_type(request.options.back()), 0x90);
}

// ---- IPv6CP (RFC 5072) ----

TEST(Ipv6cp, ConfigureRequestWithEveryOption) {
  using namespace ipv6cp;
  constexpr std::string_view v =
      "01          # code: Configure-Request\n"
      "01          # identifier\n"
      "00 17       # length: 23\n"
      "01 0a 02 11 22 ff fe 33 44 55 # Interface-Identifier 0211:22ff:fe33:4455\n"
      "02 04 00 4f # IPv6-Compression-Protocol (opaque)\n"
      "05 05 aa bb cc # unknown option 5\n";
  expect_vector<ipv6cp_codec>(
      v, configure_request{1,
                           {interface_identifier{0x021122fffe334455ULL}, ipv6_compression_protocol{hex("00 4f")},
                            unknown_option{5, hex("aa bb cc")}}});
  expect_every_prefix_fails<ipv6cp_codec>(v);
}

TEST(Ipv6cp, ConfigureAckNakReject) {
  using namespace ipv6cp;
  expect_vector<ipv6cp_codec>("02 01 00 0e | 01 0a 00 00 00 00 00 00 00 01 # Ack, id ::1\n",
                              configure_ack{1, {interface_identifier{1}}});
  expect_vector<ipv6cp_codec>("03 02 00 0e | 01 0a ff ff ff ff ff ff ff fe # Nak, suggest another id\n",
                              configure_nak{2, {interface_identifier{0xfffffffffffffffeULL}}});
  expect_vector<ipv6cp_codec>("04 03 00 08 | 02 04 00 4f # Reject compression\n",
                              configure_reject{3, {ipv6_compression_protocol{hex("00 4f")}}});
}

TEST(Ipv6cp, OtherCodes) {
  expect_vector<ipv6cp_codec>("05 01 00 04 # Terminate-Request\n", terminate_request{1, {}});
  expect_vector<ipv6cp_codec>("06 01 00 04 # Terminate-Ack\n", terminate_ack{1, {}});
  expect_vector<ipv6cp_codec>("07 01 00 08 | 0b 01 00 04 # Code-Reject\n", code_reject{1, hex("0b 01 00 04")});
  expect_vector<ipv6cp_codec>("0a 01 00 04 # code 10\n", unknown_code{10, 1, {}});
}

TEST(Ipv6cp, Malformed) {
  expect_error<ipv6cp_codec>("01 01 00 0a | 01 06 00 00 00 01 # Interface-Identifier length 6\n", "bad option length",
                             5);
  expect_error<ipv6cp_codec>("01 01 00 0f | 01 0b 00 00 00 00 00 00 00 01 00 # length 11\n", "bad option length", 5);
  expect_error<ipv6cp_codec>("01 01 00 06 | 01 01 # option length 1\n", "option length below 2", 5);
  expect_error<ipv6cp_codec>("01 01 00 07 | 01 0a 00 # past end\n", "option past end", 5);
  expect_error<ipv6cp_codec>("01 01 00 03", "length below header size", 2);
  test::expect_error_offset_shifts<ipv6cp_codec>("01 01 00 0a | 01 06 00 00 00 01", 4);
}

}  // namespace
}  // namespace bras::ppp

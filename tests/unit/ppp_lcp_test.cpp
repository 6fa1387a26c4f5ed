#include "protocol/ppp/lcp.hpp"

#include "protocol/ppp/frame.hpp"
#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp::lcp {
namespace {

using test::expect_error;
using test::expect_every_prefix_fails;
using test::expect_vector;
using test::hex;
using test::lcp_codec;

wire::bytes b(std::string_view annotated) {
  return hex(annotated);
}

// Every LCP option this codec knows, plus an unknown one, in one request.
constexpr std::string_view all_options_request =
    "01          # code: Configure-Request\n"
    "07          # identifier\n"
    "00 33       # length: 51\n"
    "01 04 05 d4 # MRU 1492\n"
    "02 06 00 00 00 00 # ACCM 0\n"
    "03 05 c2 23 05    # Authentication-Protocol: CHAP, MD5\n"
    "04 08 c0 25 00 00 00 0a # Quality-Protocol: LQR, period 10 (opaque)\n"
    "05 06 12 34 56 78 # Magic-Number\n"
    "07 02       # PFC\n"
    "08 02       # ACFC\n"
    "11 04 05 dc # MRRU 1500 (opaque)\n"
    "13 07 02 c0 a8 00 01 # Endpoint Discriminator: class 2, 192.168.0.1 (opaque)\n"
    "1e 03 aa    # unknown option 30\n";

configure_request all_options_value() {
  return {7,
          {mru{1492}, accm{0}, auth_protocol::chap(chap_algorithm::md5), quality_protocol{b("c0 25 00 00 00 0a")},
           magic_number{0x12345678}, pfc{}, acfc{}, mrru{b("05 dc")}, endpoint_discriminator{b("02 c0 a8 00 01")},
           unknown_option{0x1e, b("aa")}}};
}

TEST(Lcp, ConfigureRequestWithEveryOption) {
  expect_vector<lcp_codec>(all_options_request, all_options_value());
  expect_every_prefix_fails<lcp_codec>(all_options_request);
}

TEST(Lcp, ConfigureRequestEmpty) {
  expect_vector<lcp_codec>("01 # Configure-Request\n 01 # id\n 00 04 # length\n", configure_request{1, {}});
}

TEST(Lcp, AuthProtocolVariants) {
  expect_vector<lcp_codec>(
      "01 02 00 08 # Configure-Request, id 2, length 8\n"
      "03 04 c0 23 # Authentication-Protocol: PAP\n",
      configure_request{2, {auth_protocol::pap()}});
  expect_vector<lcp_codec>(
      "01 03 00 09 # Configure-Request, id 3, length 9\n"
      "03 05 c2 23 81 # Authentication-Protocol: CHAP, MS-CHAPv2\n",
      configure_request{3, {auth_protocol{proto::chap, b("81")}}});
  expect_vector<lcp_codec>(
      "01 04 00 09 # Configure-Request, id 4, length 9\n"
      "03 05 c2 23 80 # Authentication-Protocol: CHAP, MS-CHAP\n",
      configure_request{4, {auth_protocol::chap(chap_algorithm::ms_chap)}});
  expect_vector<lcp_codec>(
      "01 05 00 08 # Configure-Request, id 5, length 8\n"
      "03 04 c2 27 # Authentication-Protocol: EAP\n",
      configure_request{5, {auth_protocol{proto::eap, {}}}});
}

TEST(Lcp, ConfigureAck) {
  constexpr std::string_view v =
      "02 07 00 0e # Configure-Ack, id 7, length 14\n"
      "01 04 05 d4 # MRU 1492\n"
      "05 06 12 34 56 78 # Magic-Number\n";
  expect_vector<lcp_codec>(v, configure_ack{7, {mru{1492}, magic_number{0x12345678}}});
  expect_every_prefix_fails<lcp_codec>(v);
}

TEST(Lcp, ConfigureNak) {
  expect_vector<lcp_codec>(
      "03 08 00 0d # Configure-Nak, id 8, length 13\n"
      "01 04 05 d4 # MRU: use 1492\n"
      "03 05 c2 23 05 # Authentication-Protocol: CHAP MD5 instead\n",
      configure_nak{8, {mru{1492}, auth_protocol::chap(chap_algorithm::md5)}});
}

TEST(Lcp, ConfigureReject) {
  expect_vector<lcp_codec>(
      "04 09 00 09 # Configure-Reject, id 9, length 9\n"
      "1e 03 aa    # unknown option 30\n"
      "07 02       # PFC\n",
      configure_reject{9, {unknown_option{0x1e, b("aa")}, pfc{}}});
}

TEST(Lcp, TerminateRequestAndAck) {
  expect_vector<lcp_codec>(
      "05 02 00 08 # Terminate-Request, id 2, length 8\n"
      "62 79 65 21 # data: \"bye!\"\n",
      terminate_request{2, wire::to_bytes("bye!")});
  expect_vector<lcp_codec>("06 02 00 04 # Terminate-Ack, id 2, length 4\n", terminate_ack{2, {}});
}

TEST(Lcp, CodeReject) {
  constexpr std::string_view v =
      "07 03 00 0a # Code-Reject, id 3, length 10\n"
      "0c 01 00 06 ab cd # rejected packet: code 12, id 1, length 6, data\n";
  expect_vector<lcp_codec>(v, code_reject{3, b("0c 01 00 06 ab cd")});
  expect_every_prefix_fails<lcp_codec>(v);
}

TEST(Lcp, ProtocolReject) {
  constexpr std::string_view v =
      "08 04 00 0a # Protocol-Reject, id 4, length 10\n"
      "80 57       # rejected protocol: IPv6CP\n"
      "01 01 00 04 # information: the rejected Configure-Request\n";
  expect_vector<lcp_codec>(v, protocol_reject{4, proto::ipv6cp, b("01 01 00 04")});
  expect_vector<lcp_codec>("08 05 00 06 | 80 fd # CCP, no information\n", protocol_reject{5, proto::ccp, {}});
  expect_every_prefix_fails<lcp_codec>(v);
}

TEST(Lcp, EchoAndDiscard) {
  constexpr std::string_view echo =
      "09 05 00 08 # Echo-Request, id 5, length 8\n"
      "12 34 56 78 # magic number\n";
  expect_vector<lcp_codec>(echo, echo_request{5, 0x12345678, {}});
  expect_every_prefix_fails<lcp_codec>(echo);
  expect_vector<lcp_codec>(
      "0a 05 00 0c # Echo-Reply, id 5, length 12\n"
      "87 65 43 21 # magic number\n"
      "de ad be ef # data\n",
      echo_reply{5, 0x87654321, b("de ad be ef")});
  expect_vector<lcp_codec>(
      "0b 06 00 08 # Discard-Request, id 6, length 8\n"
      "00 00 00 00 # magic number 0 (not negotiated)\n",
      discard_request{6, 0, {}});
}

TEST(Lcp, UnknownCodeIsKeptForCodeReject) {
  expect_vector<lcp_codec>("0c 07 00 06 # code 12, id 7, length 6\n ab cd # data\n", unknown_code{12, 7, b("ab cd")});
  expect_vector<lcp_codec>("00 01 00 04 # code 0\n", unknown_code{0, 1, {}});
  expect_vector<lcp_codec>("ff 02 00 05 | 01 # code 255\n", unknown_code{255, 2, b("01")});
}

TEST(Lcp, PaddingAfterLengthIsIgnored) {
  auto v = hex("09 05 00 08 | 12 34 56 78 | 00 00 00 # 3 bytes of padding\n");
  auto p = decode(test::span(v));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (packet{echo_request{5, 0x12345678, {}}}));
  // An option in the padding is not part of the packet.
  auto v2 = hex("01 01 00 04 | 01 04 05 d4 # MRU in padding\n");
  auto p2 = decode(test::span(v2));
  ASSERT_TRUE(p2.ok());
  EXPECT_EQ(*p2, (packet{configure_request{1, {}}}));
}

TEST(Lcp, BadLengthField) {
  expect_error<lcp_codec>("01 01 00 03 # length 3 < 4\n", "length below header size", 2);
  expect_error<lcp_codec>("01 01 00 00 # length 0\n", "length below header size", 2);
  expect_error<lcp_codec>("09 01 00 09 | 12 34 56 78 # length 9, 8 bytes\n", "length exceeds packet", 2);
  expect_error<lcp_codec>("09 01 ff ff | 12 34 56 78 # length 65535\n", "length exceeds packet", 2);
  expect_error<lcp_codec>("01 01 00 # length cut\n", "truncated", 2);
  expect_error<lcp_codec>("", "truncated", 0);
}

TEST(Lcp, BadOptionLength) {
  expect_error<lcp_codec>("01 01 00 06 | 01 00 # option length 0\n", "option length below 2", 5);
  expect_error<lcp_codec>("01 01 00 06 | 01 01 # option length 1\n", "option length below 2", 5);
  expect_error<lcp_codec>("01 01 00 0a | 07 02 | 1e 01 00 00 # second option length 1\n", "option length below 2", 7);
  expect_error<lcp_codec>("01 01 00 08 | 01 06 05 d4 # MRU length 6, 4 bytes left\n", "option past end", 5);
  expect_error<lcp_codec>("01 01 00 08 | 01 06 05 d4 | 00 00 # rest of option is padding\n", "option past end", 5);
  expect_error<lcp_codec>("01 01 00 05 | 01 # type without length\n", "option past end", 5);
}

TEST(Lcp, FixedSizeOptionsWithWrongLength) {
  struct bad {
    const char* vector;
    const char* what;
  };
  const bad cases[] = {
      {"01 01 00 07 | 01 03 05", "MRU length 3"},
      {"01 01 00 09 | 01 05 05 d4 00", "MRU length 5"},
      {"01 01 00 08 | 02 04 00 00", "ACCM length 4"},
      {"01 01 00 0b | 02 07 00 00 00 00 00", "ACCM length 7"},
      {"01 01 00 07 | 03 03 c0", "Authentication-Protocol length 3"},
      {"01 01 00 06 | 03 02", "Authentication-Protocol length 2"},
      {"01 01 00 09 | 05 05 12 34 56", "Magic-Number length 5"},
      {"01 01 00 0b | 05 07 12 34 56 78 9a", "Magic-Number length 7"},
      {"01 01 00 07 | 07 03 00", "PFC length 3"},
      {"01 01 00 07 | 08 03 00", "ACFC length 3"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    expect_error<lcp_codec>(c.vector, "bad option length", 5);
  }
  // Also in Configure-Ack, -Nak and -Reject.
  expect_error<lcp_codec>("02 01 00 07 | 01 03 05", "bad option length", 5);
  expect_error<lcp_codec>("03 01 00 07 | 01 03 05", "bad option length", 5);
  expect_error<lcp_codec>("04 01 00 07 | 01 03 05", "bad option length", 5);
}

TEST(Lcp, ShortBodies) {
  expect_error<lcp_codec>("08 01 00 05 | 80 # Protocol-Reject, 1 byte\n", "truncated", 4);
  expect_error<lcp_codec>("09 01 00 07 | 12 34 56 # Echo-Request, 3-byte magic\n", "truncated", 4);
  expect_error<lcp_codec>("0a 01 00 04 # Echo-Reply, no magic\n", "truncated", 4);
  expect_error<lcp_codec>("0b 01 00 06 | 00 00 # Discard-Request, 2-byte magic\n", "truncated", 4);
}

TEST(Lcp, ErrorOffsetsAreAbsolute) {
  test::expect_error_offset_shifts<lcp_codec>("01 01 00 03", 4);
  test::expect_error_offset_shifts<lcp_codec>("01 01 00 06 | 01 00", 6);
  test::expect_error_offset_shifts<lcp_codec>("01 01 00 07 | 01 03 05", 100);
  test::expect_error_offset_shifts<lcp_codec>("09 01 00 07 | 12 34 56", 8);
}

TEST(Lcp, DecodesPayloadOfAFrame) {
  auto v =
      hex("ff 03 c0 21 # address, control, LCP\n"
          "01 01 00 07 | 01 03 05 # Configure-Request with bad MRU length\n");
  auto f = decode_frame(test::span(v));
  ASSERT_TRUE(f.ok());
  auto p = decode(f->payload, f->payload_offset);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.err().offset, 9u) << "offset counts from the start of the frame";
}

TEST(Lcp, EncoderRefusesOversizedFieldsAndAppendsNothing) {
  wire::bytes out = hex("aa bb");
  wire::writer w{out};
  configure_request too_long_option{1, {mru{1500}, unknown_option{0x1e, wire::bytes(254)}}};
  auto s = encode(w, too_long_option);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().reason, "option too long");
  EXPECT_EQ(wire::to_hex(out), "aabb");

  terminate_request too_long_packet{1, wire::bytes(0x10000 - 4)};
  s = encode(w, too_long_packet);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().reason, "packet too long");
  EXPECT_EQ(wire::to_hex(out), "aabb");

  // The largest option and the largest packet still fit.
  ASSERT_TRUE(encode(w, configure_request{1, {unknown_option{0x1e, wire::bytes(253)}}}).ok());
  EXPECT_EQ(out.size(), 2u + 4 + 255);
  ASSERT_TRUE(encode(w, terminate_request{1, wire::bytes(0xffff - 4)}).ok());
  EXPECT_EQ(out.size(), 2u + 4 + 255 + 0xffff);
}

TEST(Lcp, OptionHelpersForTheFsm) {
  const auto request = all_options_value();
  ASSERT_NE(find_option<mru>(request.options), nullptr);
  EXPECT_EQ(find_option<mru>(request.options)->value, 1492);
  EXPECT_EQ(find_option<magic_number>(request.options)->value, 0x12345678u);
  EXPECT_EQ(find_option<accm>(configure_request{}.options), nullptr);
  std::vector<std::uint8_t> types;
  for (const auto& o : request.options) types.push_back(option_type(o));
  EXPECT_EQ(types, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 7, 8, 17, 19, 30}));

  // Answering with a Configure-Reject of the options we do not know.
  configure_reject reject{request.identifier, {}};
  for (const auto& o : request.options) {
    if (std::holds_alternative<unknown_option>(o)) reject.options.push_back(o);
  }
  EXPECT_EQ(wire::to_hex(test::encoded<lcp_codec>(reject)),
            "04070007"
            "1e03aa");
}

}  // namespace
}  // namespace bras::ppp::lcp

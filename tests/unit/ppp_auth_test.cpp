#include "protocol/ppp/auth.hpp"

#include <string>

#include "tests/unit/ppp_test_util.hpp"

namespace bras::ppp {
namespace {

using test::chap_codec;
using test::expect_error;
using test::expect_every_prefix_fails;
using test::expect_vector;
using test::hex;
using test::pap_codec;

// ---- PAP (RFC 1334 §2.2) ----

TEST(Pap, AuthenticateRequest) {
  constexpr std::string_view v =
      "01          # code: Authenticate-Request\n"
      "01          # identifier\n"
      "00 0f       # length: 15\n"
      "04          # Peer-ID length\n"
      "75 73 65 72 # Peer-ID: \"user\"\n"
      "05          # Passwd length\n"
      "70 61 73 73 31 # Password: \"pass1\"\n";
  expect_vector<pap_codec>(v, pap::authenticate_request{1, "user", "pass1"});
  expect_every_prefix_fails<pap_codec>(v);
}

TEST(Pap, AuthenticateRequestEmptyFields) {
  expect_vector<pap_codec>("01 02 00 06 # Authenticate-Request, id 2, length 6\n 00 # no Peer-ID\n 00 # no password\n",
                           pap::authenticate_request{2, "", ""});
}

TEST(Pap, AuthenticateRequestWithBinaryPassword) {
  expect_vector<pap_codec>(
      "01 03 00 09 # Authenticate-Request, id 3, length 9\n"
      "01 61       # Peer-ID \"a\"\n"
      "02 00 ff    # password: bytes 00 ff\n",
      pap::authenticate_request{3, "a", std::string{'\0', '\xff'}});
}

TEST(Pap, AuthenticateAckAndNak) {
  constexpr std::string_view ack =
      "02 01 00 0b # Authenticate-Ack, id 1, length 11\n"
      "06          # Msg-Length\n"
      "68 65 6c 6c 6f 21 # \"hello!\"\n";
  expect_vector<pap_codec>(ack, pap::authenticate_ack{1, "hello!"});
  expect_every_prefix_fails<pap_codec>(ack);
  expect_vector<pap_codec>("03 01 00 05 # Authenticate-Nak, id 1, length 5\n 00 # empty message\n",
                           pap::authenticate_nak{1, ""});
}

TEST(Pap, AckWithoutMsgLengthIsAnEmptyMessage) {
  auto v = hex("02 09 00 04 # Authenticate-Ack without Msg-Length (old peers)\n");
  auto p = pap::decode(test::span(v));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (pap::packet{pap::authenticate_ack{9, ""}}));
  EXPECT_EQ(wire::to_hex(test::encoded<pap_codec>(*p)), "0209000500") << "we always send Msg-Length";
}

TEST(Pap, TrailingBytesAndPaddingAreIgnored) {
  auto v = hex("01 01 00 09 | 01 61 | 01 62 | ee # trailing byte inside length\n 00 00 # padding\n");
  auto p = pap::decode(test::span(v));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (pap::packet{pap::authenticate_request{1, "a", "b"}}));
}

TEST(Pap, Malformed) {
  expect_error<pap_codec>("01 01 00 04 # Authenticate-Request without Peer-ID length\n", "truncated", 4);
  expect_error<pap_codec>("01 01 00 06 | 05 75 # Peer-ID length 5, 1 byte\n", "truncated", 5);
  expect_error<pap_codec>("01 01 00 09 | 04 75 73 65 72 # no Passwd length\n", "truncated", 9);
  expect_error<pap_codec>("01 01 00 0b | 01 75 | 07 70 61 73 73 # Passwd length 7, 4 bytes\n", "truncated", 7);
  expect_error<pap_codec>("02 01 00 06 | 02 68 # Msg-Length 2, 1 byte\n", "truncated", 5);
  expect_error<pap_codec>("04 01 00 04 # code 4\n", "unknown PAP code", 0);
  expect_error<pap_codec>("00 01 00 04 # code 0\n", "unknown PAP code", 0);
  expect_error<pap_codec>("01 01 00 03 # length 3\n", "length below header size", 2);
  expect_error<pap_codec>("01 01 00 07 | 00 00 # length 7, 6 bytes\n", "length exceeds packet", 2);
  test::expect_error_offset_shifts<pap_codec>("01 01 00 06 | 05 75", 30);
  test::expect_error_offset_shifts<pap_codec>("05 01 00 04", 30);
}

TEST(Pap, EncoderRefusesFieldsOver255Bytes) {
  wire::bytes out;
  wire::writer w{out};
  auto s = pap::encode(w, pap::authenticate_request{1, "user", std::string(256, 'x')});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().reason, "field too long");
  EXPECT_TRUE(out.empty());
  ASSERT_FALSE(pap::encode(w, pap::authenticate_nak{1, std::string(256, 'x')}).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(pap::encode(w, pap::authenticate_request{1, std::string(255, 'u'), std::string(255, 'p')}).ok());
  EXPECT_EQ(out.size(), 4u + 2 + 255 + 255);
}

// ---- CHAP (RFC 1994 §4) ----

TEST(Chap, Challenge) {
  constexpr std::string_view v =
      "01          # code: Challenge\n"
      "01          # identifier\n"
      "00 19       # length: 25\n"
      "10          # Value-Size: 16\n"
      "00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff # challenge value\n"
      "62 72 61 73 # name: \"bras\"\n";
  expect_vector<chap_codec>(v, chap::challenge{1, hex("00112233445566778899aabbccddeeff"), "bras"});
  expect_every_prefix_fails<chap_codec>(v);
}

TEST(Chap, Response) {
  constexpr std::string_view v =
      "02          # code: Response\n"
      "01          # identifier\n"
      "00 1a       # length: 26\n"
      "10          # Value-Size: 16\n"
      "20 4b b0 03 33 2f 69 32 b6 3b 47 c2 c4 e1 a5 47 # MD5(01 \"secret\" challenge)\n"
      "61 6c 69 63 65 # name: \"alice\"\n";
  expect_vector<chap_codec>(v, chap::response{1, hex("204bb003332f6932b63b47c2c4e1a547"), "alice"});
  expect_every_prefix_fails<chap_codec>(v);
}

TEST(Chap, EmptyValueAndName) {
  expect_vector<chap_codec>("01 02 00 05 # Challenge, id 2, length 5\n 00 # Value-Size 0\n",
                            chap::challenge{2, {}, ""});
}

TEST(Chap, SuccessAndFailure) {
  expect_vector<chap_codec>(
      "03 01 00 0c # Success, id 1, length 12\n"
      "57 65 6c 63 6f 6d 65 21 # message: \"Welcome!\"\n",
      chap::success{1, "Welcome!"});
  expect_vector<chap_codec>("04 01 00 04 # Failure, id 1, length 4, no message\n", chap::failure{1, ""});
  expect_every_prefix_fails<chap_codec>("04 01 00 06 | 45 3d");
}

TEST(Chap, PaddingIsIgnored) {
  auto v = hex("03 01 00 06 | 4f 4b # \"OK\"\n 00 00 # padding\n");
  auto p = chap::decode(test::span(v));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (chap::packet{chap::success{1, "OK"}}));
}

TEST(Chap, Malformed) {
  expect_error<chap_codec>("01 01 00 04 # Challenge without Value-Size\n", "truncated", 4);
  expect_error<chap_codec>("02 01 00 07 | 10 aa bb # Value-Size 16, 2 bytes\n", "truncated", 5);
  expect_error<chap_codec>("02 01 00 06 | 02 aa | bb # Value-Size past length, into padding\n", "truncated", 5);
  expect_error<chap_codec>("05 01 00 04 # code 5\n", "unknown CHAP code", 0);
  expect_error<chap_codec>("03 01 00 02 # length 2\n", "length below header size", 2);
  expect_error<chap_codec>("03 01 01 00 | 4f 4b # length 256\n", "length exceeds packet", 2);
  test::expect_error_offset_shifts<chap_codec>("02 01 00 07 | 10 aa bb", 12);
}

TEST(Chap, EncoderRefusesValueOver255Bytes) {
  wire::bytes out;
  wire::writer w{out};
  auto s = chap::encode(w, chap::challenge{1, wire::bytes(256), "bras"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().reason, "value too long");
  EXPECT_TRUE(out.empty());
}

// Expected digests computed independently with python3 hashlib:
//   hashlib.md5(bytes([id]) + secret + challenge).hexdigest()
TEST(Chap, Md5ResponseKnownVectors) {
  struct vector {
    std::uint8_t id;
    std::string secret;
    const char* challenge;
    const char* expected;
  };
  const vector cases[] = {
      {0x01, "secret", "00112233445566778899aabbccddeeff", "204bb003332f6932b63b47c2c4e1a547"},
      {0xff, "", "", "00594fd4f42ba43fc1ca0427a0576295"},
      {0x2a, "p@ssw0rd", "0102030405060708090a0b0c0d0e0f10", "e60fbfd308866bf51a5ff623fed288d6"},
  };
  for (const auto& c : cases) {
    const auto challenge = hex(c.challenge);
    auto digest = chap_md5_response(c.id, wire::as_bytes(c.secret), test::span(challenge));
    ASSERT_TRUE(digest.ok()) << wire::to_string(digest.err());
    EXPECT_EQ(wire::to_hex(*digest), c.expected) << "id " << int{c.id};
  }
}

TEST(Chap, Md5ResponseVerifiesAResponsePacket) {
  auto challenge_bytes = hex("01 01 00 19 | 10 00112233445566778899aabbccddeeff | 62 72 61 73");
  auto response_bytes = hex("02 01 00 1a | 10 204bb003332f6932b63b47c2c4e1a547 | 61 6c 69 63 65");
  auto c = chap::decode(test::span(challenge_bytes));
  auto r = chap::decode(test::span(response_bytes));
  ASSERT_TRUE(c.ok() && r.ok());
  const auto& challenge = std::get<chap::challenge>(*c);
  const auto& response = std::get<chap::response>(*r);
  auto expected = chap_md5_response(response.identifier, wire::as_bytes("secret"), challenge.value);
  ASSERT_TRUE(expected.ok());
  EXPECT_TRUE(std::ranges::equal(*expected, response.value));
}

}  // namespace
}  // namespace bras::ppp

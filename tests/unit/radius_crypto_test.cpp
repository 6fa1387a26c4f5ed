// RADIUS cryptography: the RFC 2865 §7.1 example, vectors computed independently with
// Python's hashlib/hmac (the script is in each test's comment), round trips, tampering.
#include "protocol/radius/crypto.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <variant>

#include "protocol/common/crypto.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::radius {
namespace {

using test::hex;
using test::span;

constexpr std::string_view rfc_secret = "xyzzy5461";

authenticator auth_from(const wire::bytes& b) {
  authenticator a{};
  std::copy_n(b.begin(), a.size(), a.begin());
  return a;
}

authenticator counting_authenticator() {
  authenticator a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = std::byte{static_cast<std::uint8_t>(i)};
  return a;
}

// RFC 2865 §7.1: nemo/arctangent from 192.168.1.16 port 3, secret xyzzy5461.
const wire::bytes rfc_request =
    hex("01 00 0038                                # Access-Request id 0 length 56\n"
        "0f403f94 73978057 bd83d5cb 98f4227a       # Request Authenticator\n"
        "01 06 6e656d6f                            # User-Name nemo\n"
        "02 12 0dbe708d 93d413ce 3196e43f 782a0aee # User-Password (hidden arctangent)\n"
        "04 06 c0a80110                            # NAS-IP-Address 192.168.1.16\n"
        "05 06 00000003                            # NAS-Port 3\n");
const wire::bytes rfc_accept =
    hex("02 00 0026                                # Access-Accept id 0 length 38\n"
        "86fe220e 7624ba2a 1005f6bf 9b55e0b2       # Response Authenticator\n"
        "06 06 00000001                            # Service-Type Login\n"
        "0f 06 00000000                            # Login-Service Telnet\n"
        "0e 06 c0a80103                            # Login-IP-Host 192.168.1.3\n");

TEST(RadiusCrypto, HidesThePasswordOfTheRfcExample) {
  const auto request_auth = auth_from(wire::bytes(rfc_request.begin() + 4, rfc_request.begin() + 20));
  EXPECT_EQ(hide_password("arctangent", rfc_secret, request_auth), hex("0dbe708d 93d413ce 3196e43f 782a0aee"));
  const auto clear = unhide_password(span(hex("0dbe708d 93d413ce 3196e43f 782a0aee")), rfc_secret, request_auth);
  ASSERT_TRUE(clear);
  EXPECT_EQ(*clear, "arctangent");
}

TEST(RadiusCrypto, OpensTheAcceptOfTheRfcExample) {
  const auto request_auth = auth_from(wire::bytes(rfc_request.begin() + 4, rfc_request.begin() + 20));
  const auto opened = open_reply(span(rfc_accept), request_auth, rfc_secret, message_authenticator_policy::no);
  ASSERT_TRUE(std::holds_alternative<opened_reply>(opened));
  const auto& reply = std::get<opened_reply>(opened);
  EXPECT_FALSE(reply.had_message_authenticator);
  EXPECT_EQ(reply.reply.code, code::access_accept);
  ASSERT_EQ(reply.reply.attributes.size(), 3u);
  EXPECT_EQ(as_u32(reply.reply.attributes[2]), 0xc0a80103u);
}

TEST(RadiusCrypto, PolicyYesRefusesAReplyWithoutMessageAuthenticator) {
  const auto request_auth = auth_from(wire::bytes(rfc_request.begin() + 4, rfc_request.begin() + 20));
  const auto opened = open_reply(span(rfc_accept), request_auth, rfc_secret, message_authenticator_policy::yes);
  ASSERT_TRUE(std::holds_alternative<reply_refusal>(opened));
  EXPECT_EQ(std::get<reply_refusal>(opened), reply_refusal::missing_message_authenticator);
}

TEST(RadiusCrypto, TamperingWithAnyByteOfTheAcceptRefusesIt) {
  const auto request_auth = auth_from(wire::bytes(rfc_request.begin() + 4, rfc_request.begin() + 20));
  for (std::size_t i = 0; i < rfc_accept.size(); ++i) {
    auto tampered = rfc_accept;
    tampered[i] ^= std::byte{0x01};
    const auto opened = open_reply(span(tampered), request_auth, rfc_secret, message_authenticator_policy::no);
    EXPECT_TRUE(std::holds_alternative<reply_refusal>(opened)) << "byte " << i;
  }
  EXPECT_TRUE(std::holds_alternative<reply_refusal>(
      open_reply(span(rfc_accept), request_auth, "xyzzy5462", message_authenticator_policy::no)));
  auto other_request = request_auth;
  other_request[15] ^= std::byte{0x80};
  EXPECT_EQ(std::get<reply_refusal>(
                open_reply(span(rfc_accept), other_request, rfc_secret, message_authenticator_policy::no)),
            reply_refusal::bad_response_authenticator);
}

// python3: ra = bytes(range(16)); attrs = attr(80, 16 zeros) + attr(1, b"nemo") +
//   attr(2, hide(b"arctangent", ra, s)); pkt = [1, 0x2a, len] + ra + attrs;
//   MA = hmac.new(s, pkt, hashlib.md5).digest() written at offset 22.
const wire::bytes sealed_access_request =
    hex("01 2a 003e                                # Access-Request id 42 length 62\n"
        "00010203 04050607 08090a0b 0c0d0e0f       # Request Authenticator\n"
        "50 12 b288f95a a70d147f 62798437 c7040728 # Message-Authenticator\n"
        "01 06 6e656d6f                            # User-Name nemo\n"
        "02 12 2173899c af782d99 3dbd6a31 6a88996b # User-Password (hidden arctangent)\n");

TEST(RadiusCrypto, SealsAnAccessRequestWithMessageAuthenticatorFirst) {
  packet p;
  p.code = code::access_request;
  p.id = 0x2a;
  p.auth = counting_authenticator();
  p.add_string(attr::user_name, "nemo");
  p.add_string(attr::user_password, "arctangent");
  const auto sealed = seal_request(p, rfc_secret);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(wire::to_hex(*sealed), wire::to_hex(sealed_access_request));

  // The server side accepts it and gets the password back.
  const auto opened = open_request(span(*sealed), rfc_secret);
  ASSERT_TRUE(std::holds_alternative<packet>(opened));
  const auto* hidden = std::get<packet>(opened).find(attr::user_password);
  ASSERT_NE(hidden, nullptr);
  EXPECT_EQ(unhide_password(hidden->value, rfc_secret, p.auth), "arctangent");
}

TEST(RadiusCrypto, SealingReplacesAnExistingMessageAuthenticator) {
  packet p;
  p.code = code::access_request;
  p.id = 0x2a;
  p.auth = counting_authenticator();
  p.add_string(attr::user_name, "nemo");
  p.add(attr::message_authenticator, span(hex("ffffffff ffffffff ffffffff ffffffff")));
  p.add_string(attr::user_password, "arctangent");
  const auto sealed = seal_request(p, rfc_secret);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(wire::to_hex(*sealed), wire::to_hex(sealed_access_request));
}

TEST(RadiusCrypto, StatusServerCarriesMessageAuthenticator) {
  packet p;
  p.code = code::status_server;
  p.id = 1;
  p.auth = counting_authenticator();
  const auto sealed = seal_request(p, "testing123");
  ASSERT_TRUE(sealed);
  ASSERT_EQ(sealed->size(), 38u);
  EXPECT_EQ(std::to_integer<int>((*sealed)[20]), attr::message_authenticator);
  // python3: hmac.new(b"testing123", bytes([12,1,0,38]) + bytes(range(16)) + bytes([80,18]) + bytes(16), md5)
  wire::bytes zeroed = *sealed;
  std::fill(zeroed.begin() + 22, zeroed.end(), std::byte{0});
  const auto mac = wire::hmac_md5(wire::as_bytes("testing123"), {zeroed});
  ASSERT_TRUE(mac);
  EXPECT_TRUE(std::equal(mac->begin(), mac->end(), sealed->begin() + 22));
  EXPECT_TRUE(std::holds_alternative<packet>(open_request(span(*sealed), "testing123")));
}

TEST(RadiusCrypto, HmacMd5MatchesRfc2202) {
  // RFC 2202 test case 2: key "Jefe", data "what do ya want for nothing?".
  const auto mac =
      wire::hmac_md5(wire::as_bytes("Jefe"), {wire::as_bytes("what do ya want "), wire::as_bytes("for nothing?")});
  ASSERT_TRUE(mac);
  EXPECT_EQ(wire::to_hex(*mac), "750c783e6ab0b503eaa86e310a5db738");
  // An empty key is a valid HMAC key (OpenSSL must not read it as "keep the old key").
  const auto empty_key = wire::hmac_md5({}, {wire::as_bytes("x")});
  ASSERT_TRUE(empty_key);
  EXPECT_NE(wire::to_hex(*empty_key), wire::to_hex(*mac));
}

// python3: attrs = attr(80, 16 zeros) + attr(8, 192.0.2.7) + attr(69, b"\x01" + salt 8123 +
//   tunnel-encrypt(b"tunnel-secret")); rep = [2, 0x2a, len] + ra + attrs; MA = hmac over rep
//   (with the request authenticator) at offset 22; then auth = md5(rep[:4] + ra + rep[20:] + s).
const wire::bytes sealed_access_accept =
    hex("02 2a 0041                                # Access-Accept id 42 length 65\n"
        "ba81cc96 95a74e03 9345d31e d6d0704f       # Response Authenticator\n"
        "50 12 833bf2cb c5392ecf 9a4b0bcb 47f19d89 # Message-Authenticator\n"
        "08 06 c0000207                            # Framed-IP-Address 192.0.2.7\n"
        "45 15 01                                  # Tunnel-Password, tag 1\n"
        "      8123                                # salt (high bit set)\n"
        "      79b596ca 3686ad3e 24b9a835 56b9f67e # encrypted length 13 + tunnel-secret\n");

TEST(RadiusCrypto, OpensAnAcceptWithMessageAuthenticatorAndTunnelPassword) {
  const auto opened =
      open_reply(span(sealed_access_accept), counting_authenticator(), rfc_secret, message_authenticator_policy::yes);
  ASSERT_TRUE(std::holds_alternative<opened_reply>(opened)) << to_string(std::get<reply_refusal>(opened));
  const auto& reply = std::get<opened_reply>(opened);
  EXPECT_TRUE(reply.had_message_authenticator);
  const auto* password = reply.reply.find(attr::tunnel_password);
  ASSERT_NE(password, nullptr);
  EXPECT_EQ(as_string(*password), std::string("\x01") + "tunnel-secret");
}

TEST(RadiusCrypto, SealReplyMatchesTheIndependentVector) {
  packet reply;
  reply.code = code::access_accept;
  reply.id = 0x2a;
  reply.add_ipv4(attr::framed_ip_address, 0xc0000207);
  wire::bytes tunnel{std::byte{0x01}};
  wire::writer{tunnel}.put(encrypt_tunnel_password("tunnel-secret", 0x0123, rfc_secret, counting_authenticator()));
  reply.add(attr::tunnel_password, tunnel);
  const auto sealed = seal_reply(reply, counting_authenticator(), rfc_secret, true);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(wire::to_hex(*sealed), wire::to_hex(sealed_access_accept));
}

TEST(RadiusCrypto, TamperingWithAnyByteOfASignedAcceptRefusesIt) {
  for (std::size_t i = 0; i < sealed_access_accept.size(); ++i) {
    auto tampered = sealed_access_accept;
    tampered[i] ^= std::byte{0x40};
    const auto opened =
        open_reply(span(tampered), counting_authenticator(), rfc_secret, message_authenticator_policy::no);
    EXPECT_TRUE(std::holds_alternative<reply_refusal>(opened)) << "byte " << i;
  }
}

TEST(RadiusCrypto, AWrongMessageAuthenticatorWithAGoodResponseAuthenticatorIsRefused) {
  // What BlastRADIUS forges: the Response Authenticator is recomputed, the MA cannot be.
  packet reply;
  reply.code = code::access_accept;
  reply.id = 3;
  reply.add(attr::message_authenticator, span(hex("00112233 44556677 8899aabb ccddeeff")));
  auto wire_form = encode(reply);
  const auto request_auth = counting_authenticator();
  std::copy(request_auth.begin(), request_auth.end(), wire_form.begin() + 4);
  const auto digest = wire::md5({wire_form, wire::as_bytes(rfc_secret)});
  ASSERT_TRUE(digest);
  std::copy(digest->begin(), digest->end(), wire_form.begin() + 4);
  const auto opened = open_reply(span(wire_form), request_auth, rfc_secret, message_authenticator_policy::no);
  ASSERT_TRUE(std::holds_alternative<reply_refusal>(opened));
  EXPECT_EQ(std::get<reply_refusal>(opened), reply_refusal::bad_message_authenticator);
}

TEST(RadiusCrypto, TwoMessageAuthenticatorsAreMalformed) {
  packet reply;
  reply.code = code::access_accept;
  reply.add(attr::message_authenticator, span(hex("00112233 44556677 8899aabb ccddeeff")));
  auto sealed = seal_reply(reply, counting_authenticator(), rfc_secret, true);
  ASSERT_TRUE(sealed);
  // Appending a second one after sealing (and fixing the Response Authenticator) still fails.
  auto decoded = decode(span(*sealed));
  ASSERT_TRUE(decoded);
  decoded->attributes.push_back(decoded->attributes.front());
  auto twice = encode(*decoded);
  const auto request_auth = counting_authenticator();
  std::copy(request_auth.begin(), request_auth.end(), twice.begin() + 4);
  const auto digest = wire::md5({twice, wire::as_bytes(rfc_secret)});
  ASSERT_TRUE(digest);
  std::copy(digest->begin(), digest->end(), twice.begin() + 4);
  EXPECT_EQ(
      std::get<reply_refusal>(open_reply(span(twice), request_auth, rfc_secret, message_authenticator_policy::no)),
      reply_refusal::malformed);
}

// python3: attrs = attr(40, 1) + attr(44, b"0001") + attr(1, b"nemo");
//   acc = [4, 7, len] + 16 zeros + attrs; auth = md5(acc + s).
const wire::bytes sealed_accounting_request =
    hex("04 07 0026                                # Accounting-Request id 7 length 38\n"
        "f992b028 6907d845 43756a41 2c61064d       # Request Authenticator\n"
        "28 06 00000001                            # Acct-Status-Type Start\n"
        "2c 06 30303031                            # Acct-Session-Id 0001\n"
        "01 06 6e656d6f                            # User-Name nemo\n");

TEST(RadiusCrypto, SealsAnAccountingRequest) {
  packet p;
  p.code = code::accounting_request;
  p.id = 7;
  p.auth = counting_authenticator();  // ignored
  p.add_u32(attr::acct_status_type, 1);
  p.add_string(attr::acct_session_id, "0001");
  p.add_string(attr::user_name, "nemo");
  const auto sealed = seal_request(p, rfc_secret);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(wire::to_hex(*sealed), wire::to_hex(sealed_accounting_request));
  EXPECT_TRUE(std::holds_alternative<packet>(open_request(span(*sealed), rfc_secret)));
}

// python3: attrs = attr(80, 16 zeros) + attr(44, b"0001"); d = [40, 9, len] + 16 zeros + attrs;
//   MA = hmac(s, d) at 22 (RFC 5176 §3.5: over the zero authenticator); auth = md5(d + s).
const wire::bytes sealed_disconnect_request =
    hex("28 09 002c                                # Disconnect-Request id 9 length 44\n"
        "ff3cf527 a15fa592 2aa9cc5b cce78ec2       # Request Authenticator\n"
        "50 12 5013b4f7 1e75f71b a193bab4 fd67b255 # Message-Authenticator\n"
        "2c 06 30303031                            # Acct-Session-Id 0001\n");

TEST(RadiusCrypto, SealsAndOpensADisconnectRequestWithMessageAuthenticator) {
  packet p;
  p.code = code::disconnect_request;
  p.id = 9;
  p.add_string(attr::acct_session_id, "0001");
  p.add(attr::message_authenticator, span(hex("00000000 00000000 00000000 00000000")));
  const auto sealed = seal_request(p, rfc_secret);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(wire::to_hex(*sealed), wire::to_hex(sealed_disconnect_request));
  const auto opened = open_request(span(sealed_disconnect_request), rfc_secret);
  ASSERT_TRUE(std::holds_alternative<packet>(opened));
  EXPECT_EQ(std::get<packet>(opened).code, code::disconnect_request);
}

TEST(RadiusCrypto, TamperingWithAnyByteOfADisconnectRequestRefusesIt) {
  for (std::size_t i = 0; i < sealed_disconnect_request.size(); ++i) {
    auto tampered = sealed_disconnect_request;
    tampered[i] ^= std::byte{0x04};
    EXPECT_TRUE(std::holds_alternative<reply_refusal>(open_request(span(tampered), rfc_secret))) << "byte " << i;
  }
  EXPECT_EQ(std::get<reply_refusal>(open_request(span(sealed_disconnect_request), "other")),
            reply_refusal::bad_response_authenticator);
}

TEST(RadiusCrypto, OpenRequestRefusesRepliesAndUnsignedAccessRequests) {
  EXPECT_EQ(std::get<reply_refusal>(open_request(span(rfc_accept), rfc_secret)), reply_refusal::malformed);
  // RFC 2865's example has no Message-Authenticator: nothing proves it.
  EXPECT_EQ(std::get<reply_refusal>(open_request(span(rfc_request), rfc_secret)),
            reply_refusal::missing_message_authenticator);
  EXPECT_EQ(std::get<reply_refusal>(open_request(span(hex("2b 01 0013 00")), rfc_secret)), reply_refusal::malformed);
}

TEST(RadiusCrypto, CoaAckRoundTripsThroughSealReplyAndOpenReply) {
  packet request;
  request.code = code::coa_request;
  request.id = 77;
  request.add_u32(attr::session_timeout, 600);
  const auto sealed_request = seal_request(request, "testing123");
  ASSERT_TRUE(sealed_request);
  const auto request_auth = auth_from(wire::bytes(sealed_request->begin() + 4, sealed_request->begin() + 20));
  packet ack;
  ack.code = code::coa_ack;
  ack.id = 77;
  for (const bool with_ma : {false, true}) {
    const auto sealed = seal_reply(ack, request_auth, "testing123", with_ma);
    ASSERT_TRUE(sealed);
    const auto opened = open_reply(span(*sealed), request_auth, "testing123",
                                   with_ma ? message_authenticator_policy::yes : message_authenticator_policy::no);
    ASSERT_TRUE(std::holds_alternative<opened_reply>(opened));
    EXPECT_EQ(std::get<opened_reply>(opened).had_message_authenticator, with_ma);
    EXPECT_EQ(std::get<opened_reply>(opened).reply.code, code::coa_ack);
  }
}

TEST(RadiusCrypto, PasswordsRoundTripAtEveryLength) {
  const auto request_auth = counting_authenticator();
  for (std::size_t n = 0; n <= 130; ++n) {
    const std::string password(n, 'p');
    const auto hidden = hide_password(password, "s3cret", request_auth);
    EXPECT_EQ(hidden.size(), std::max<std::size_t>(16, std::min<std::size_t>((n + 15) / 16 * 16, 128))) << n;
    const auto clear = unhide_password(hidden, "s3cret", request_auth);
    ASSERT_TRUE(clear) << n;
    EXPECT_EQ(*clear, password.substr(0, 128));
  }
  EXPECT_FALSE(unhide_password(span(hex("00")), "s3cret", request_auth));
  EXPECT_FALSE(unhide_password({}, "s3cret", request_auth));
  EXPECT_FALSE(unhide_password(wire::bytes(144), "s3cret", request_auth));
}

TEST(RadiusCrypto, TunnelPasswordsRoundTripAtEveryLength) {
  const auto request_auth = counting_authenticator();
  for (std::size_t n = 0; n <= 245; ++n) {
    const std::string password(n, 't');
    const auto value = encrypt_tunnel_password(password, 0x1234, "s3cret", request_auth);
    ASSERT_FALSE(value.empty());
    EXPECT_LE(value.size(), 242u);
    EXPECT_EQ(std::to_integer<int>(value[0]) & 0x80, 0x80) << "salt's high bit";
    const auto clear = decrypt_tunnel_password(value, "s3cret", request_auth);
    ASSERT_TRUE(clear) << n;
    EXPECT_EQ(*clear, password.substr(0, 239));
  }
}

TEST(RadiusCrypto, RefusesMalformedTunnelPasswords) {
  const auto request_auth = counting_authenticator();
  auto value = encrypt_tunnel_password("tunnel-secret", 0x0123, rfc_secret, request_auth);
  ASSERT_EQ(wire::to_hex(value), "812379b596ca3686ad3e24b9a83556b9f67e");
  auto bad_salt = value;
  bad_salt[0] &= std::byte{0x7f};
  EXPECT_FALSE(decrypt_tunnel_password(bad_salt, rfc_secret, request_auth));
  EXPECT_FALSE(decrypt_tunnel_password(wire::byte_span{value}.first(17), rfc_secret, request_auth));
  EXPECT_FALSE(decrypt_tunnel_password(wire::byte_span{value}.first(2), rfc_secret, request_auth));
  // A decrypted length past the data (here: a wrong secret garbles it) is refused, never trusted.
  std::size_t refused = 0;
  for (int i = 0; i < 64; ++i) {
    if (!decrypt_tunnel_password(value, "wrong" + std::to_string(i), request_auth)) ++refused;
  }
  EXPECT_GT(refused, 48u);

  // In a reply, a bad salt makes the whole reply malformed.
  packet reply;
  reply.code = code::access_accept;
  wire::bytes tagged{std::byte{0x01}};
  wire::writer{tagged}.put(bad_salt);
  reply.add(attr::tunnel_password, tagged);
  const auto sealed = seal_reply(reply, request_auth, rfc_secret, true);
  ASSERT_TRUE(sealed);
  EXPECT_EQ(
      std::get<reply_refusal>(open_reply(span(*sealed), request_auth, rfc_secret, message_authenticator_policy::no)),
      reply_refusal::malformed);
}

TEST(RadiusCrypto, RefusesToSealOversizedPacketsAndReplies) {
  packet p;
  p.code = code::accounting_request;
  const std::string big(253, 'x');
  for (int i = 0; i < 17; ++i) p.add_string(attr::class_, big);  // 20 + 17 * 255 > 4096
  EXPECT_FALSE(seal_request(p, rfc_secret));
  p.code = code::access_accept;
  EXPECT_FALSE(seal_reply(p, counting_authenticator(), rfc_secret, false));
  p.code = code::access_accept;
  EXPECT_FALSE(seal_request(p, rfc_secret)) << "a reply code is not a request";
}

TEST(RadiusCrypto, RandomAuthenticatorsDiffer) {
  const auto a = random_authenticator();
  const auto b = random_authenticator();
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(RadiusCrypto, RefusalNamesAreKebabCase) {
  EXPECT_EQ(to_string(reply_refusal::malformed), "malformed");
  EXPECT_EQ(to_string(reply_refusal::bad_response_authenticator), "bad-response-authenticator");
  EXPECT_EQ(to_string(reply_refusal::bad_message_authenticator), "bad-message-authenticator");
  EXPECT_EQ(to_string(reply_refusal::missing_message_authenticator), "missing-message-authenticator");
  EXPECT_EQ(to_string(reply_refusal::crypto_unavailable), "crypto-unavailable");
}

}  // namespace
}  // namespace bras::radius

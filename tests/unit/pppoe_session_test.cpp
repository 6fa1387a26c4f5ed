#include <algorithm>

#include "protocol/pppoe/ethernet.hpp"
#include "protocol/pppoe/pppoe.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::pppoe {
namespace {

using test::hex;

bool same(wire::byte_span a, wire::byte_span b) {
  return std::ranges::equal(a, b);
}

const wire::bytes session_bytes =
    hex("11           # ver 1, type 1\n"
        "00           # code 0x00: session data\n"
        "12 34        # session id 0x1234\n"
        "00 06        # length 6\n"
        "c0 21        # PPP protocol LCP\n"
        "01 01 00 04  # Configure-Request, id 1, length 4\n");

TEST(PppoeSession, DecodesWithoutCopying) {
  auto s = decode_session(test::span(session_bytes));
  ASSERT_TRUE(s.ok()) << wire::to_string(s.err());
  EXPECT_EQ(s->session_id, 0x1234);
  EXPECT_EQ(s->payload.data(), session_bytes.data() + header_size);
  EXPECT_TRUE(same(s->payload, test::span(hex("c021 01010004"))));
}

TEST(PppoeSession, EncodesTheVector) {
  wire::bytes out;
  wire::writer w{out};
  ASSERT_TRUE(encode_session(0x1234, test::span(hex("c021 01010004")), w).ok());
  EXPECT_EQ(out, session_bytes);
}

TEST(PppoeSession, DecodesVlanTaggedFrameAndIgnoresPadding) {
  auto frame =
      hex("00 11 22 33 44 55  # dst\n"
          "02 00 00 00 00 01  # src\n"
          "81 00 20 c8        # C-tag PCP 1, VID 200\n"
          "88 64              # PPPoE Session\n"
          "11 00 0042 0004    # session 0x42, length 4\n"
          "c0 21 09 07        # PPP payload (LCP Echo-Request, truncated by design)\n"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
          "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  # padding to 60 bytes\n");
  ASSERT_EQ(frame.size(), 60u);
  auto f = eth::decode(test::span(frame));
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->hdr.outer_vlan, (eth::vlan_tag{eth::tpid_8021q, 1, false, 200}));
  ASSERT_EQ(f->hdr.ethertype, eth::ethertype_pppoe_session);
  auto s = decode_session(f->payload, eth::header_size(f->hdr));
  ASSERT_TRUE(s.ok()) << wire::to_string(s.err());
  EXPECT_EQ(s->session_id, 0x42);
  EXPECT_TRUE(same(s->payload, test::span(hex("c021 0907"))));
}

TEST(PppoeSession, RejectsDiscoveryCodeAndLengthPastEnd) {
  auto padt = hex("11 a7 1234 0000 # a PADT is not session data\n");
  EXPECT_EQ(decode_session(test::span(padt), 18).err(), (wire::error{"PPPoE session packet code not 0x00", 19}));
  auto long_len = hex("11 00 1234 0007 | c021 01010004 # length 7, 6 bytes present\n");
  EXPECT_EQ(decode_session(test::span(long_len), 18).err(), (wire::error{"PPPoE length past end of frame", 22}));
}

TEST(PppoeSession, EveryPrefixFails) {
  for (std::size_t n = 0; n < session_bytes.size(); ++n) {
    auto s = decode_session(wire::byte_span{session_bytes.data(), n}, 14);
    ASSERT_FALSE(s.ok()) << "prefix " << n;
    EXPECT_LE(s.err().offset, 14 + n);
  }
}

TEST(PppoeSession, EmptyPayloadRoundTripsAndOversizeIsRejected) {
  wire::bytes out;
  wire::writer w{out};
  ASSERT_TRUE(encode_session(7, {}, w).ok());
  EXPECT_EQ(out, hex("11 00 0007 0000"));
  auto s = decode_session(test::span(out));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->session_id, 7);
  EXPECT_TRUE(s->payload.empty());

  wire::bytes huge(65536);
  wire::bytes rejected;
  wire::writer w2{rejected};
  EXPECT_FALSE(encode_session(7, test::span(huge), w2).ok());
  EXPECT_TRUE(rejected.empty());
}

}  // namespace
}  // namespace bras::pppoe

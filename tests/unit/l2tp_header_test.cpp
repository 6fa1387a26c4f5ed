// L2TPv2 header (RFC 2661 §3.1): annotated vectors, round trips, malformed.
#include "protocol/l2tp/header.hpp"

#include <algorithm>
#include <span>

#include "tests/unit/test_util.hpp"

namespace bras::l2tp {
namespace {

using test::hex;
using test::span;

TEST(L2tpHeader, DecodesControlHeader) {
  auto b =
      hex("c8 02      # T=1 L=1 S=1, version 2\n"
          "00 14      # Length 20\n"
          "12 34      # Tunnel ID\n"
          "00 00      # Session ID 0\n"
          "00 05      # Ns 5\n"
          "00 07      # Nr 7\n"
          "80 08 0000 0000 0006   # Message Type AVP: HELLO\n");
  auto p = decode_packet(span(b));
  ASSERT_TRUE(p) << wire::to_string(p.err());
  EXPECT_TRUE(p->hdr.control);
  EXPECT_TRUE(p->hdr.length_present);
  EXPECT_TRUE(p->hdr.sequence_present);
  EXPECT_EQ(p->hdr.tunnel_id, 0x1234);
  EXPECT_EQ(p->hdr.session_id, 0);
  EXPECT_EQ(p->hdr.ns, 5);
  EXPECT_EQ(p->hdr.nr, 7);
  EXPECT_EQ(p->payload_offset, 12u);
  EXPECT_EQ(p->payload.size(), 8u);
  EXPECT_EQ(encode_packet(p->hdr, p->payload), b);
}

TEST(L2tpHeader, DecodesMinimalDataHeader) {
  auto b =
      hex("00 02      # T=0 L=0 S=0 O=0 P=0, version 2\n"
          "00 01      # Tunnel ID 1\n"
          "00 02      # Session ID 2\n"
          "ff 03 c0 21 01 01 00 04   # PPP: LCP Configure-Request\n");
  auto p = decode_packet(span(b));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->hdr.control);
  EXPECT_FALSE(p->hdr.length_present);
  EXPECT_EQ(p->hdr.tunnel_id, 1);
  EXPECT_EQ(p->hdr.session_id, 2);
  EXPECT_EQ(p->payload_offset, 6u);
  EXPECT_EQ(wire::to_hex(p->payload), "ff03c02101010004");
  EXPECT_EQ(header_size(p->hdr), 6u);
  EXPECT_EQ(encode_packet(p->hdr, p->payload), b);
}

TEST(L2tpHeader, DecodesDataHeaderWithEveryOptionalField) {
  auto b =
      hex("4b 02      # L=1 S=1 O=1 P=1, version 2\n"
          "00 14      # Length 20\n"
          "00 0a      # Tunnel ID 10\n"
          "00 0b      # Session ID 11\n"
          "00 01      # Ns\n"
          "00 00      # Nr\n"
          "00 02      # Offset Size 2\n"
          "00 00      # offset pad\n"
          "00 21 45 00   # PPP payload (compressed-looking)\n"
          "ee ee         # bytes past Length: ignored (e.g. padding)\n");
  auto p = decode_packet(span(b));
  ASSERT_TRUE(p) << wire::to_string(p.err());
  EXPECT_TRUE(p->hdr.priority);
  EXPECT_TRUE(p->hdr.offset_present);
  EXPECT_EQ(p->hdr.offset_size, 2);
  EXPECT_EQ(p->hdr.ns, 1);
  EXPECT_EQ(p->payload_offset, 16u);
  EXPECT_EQ(wire::to_hex(p->payload), "00214500");
  auto again = encode_packet(p->hdr, p->payload);
  EXPECT_EQ(again, bytes(b.begin(), b.end() - 2));
}

TEST(L2tpHeader, DataHeaderWithLengthOnly) {
  auto b = hex("40 02 | 00 0c | 00 01 | 00 02 | c0 21 | 09 00");
  auto p = decode_packet(span(b));
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->hdr.length_present);
  EXPECT_FALSE(p->hdr.sequence_present);
  EXPECT_EQ(p->payload.size(), 4u);
  EXPECT_EQ(encode_packet(p->hdr, p->payload), b);
}

struct bad_header {
  const char* name;
  const char* hex;
  const char* reason;
  std::size_t offset;
};

class L2tpHeaderMalformed : public ::testing::TestWithParam<bad_header> {};

TEST_P(L2tpHeaderMalformed, IsRejected) {
  auto b = hex(GetParam().hex);
  auto p = decode_packet(span(b));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.err().reason, GetParam().reason);
  EXPECT_EQ(p.err().offset, GetParam().offset);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, L2tpHeaderMalformed,
    ::testing::Values(
        bad_header{"empty", "", "truncated L2TP header", 0}, bad_header{"one_byte", "c8", "truncated L2TP header", 0},
        bad_header{"version3", "c8 03 000c 0000 0000 0000 0000", "unsupported L2TP version", 1},
        bad_header{"version1_l2f", "c8 01 000c 0000 0000 0000 0000", "unsupported L2TP version", 1},
        bad_header{"control_without_length", "88 02 0000 0000 0000 0000", "control message without Length field", 0},
        bad_header{"control_without_sequence", "c0 02 0008 0000 0000", "control message without sequence numbers", 0},
        bad_header{"control_with_offset", "ca 02 000e 0000 0000 0000 0000 0000", "control message with Offset field",
                   0},
        bad_header{"control_with_priority", "c9 02 000c 0000 0000 0000 0000", "control message with Priority bit", 0},
        bad_header{"length_past_end", "c8 02 0020 0000 0000 0000 0000", "L2TP Length past end of datagram", 2},
        bad_header{"length_shorter_than_header", "c8 02 0008 0000 0000 0000 0000",
                   "L2TP Length shorter than its header", 2},
        bad_header{"length_zero", "40 02 0000 0001 0002", "L2TP Length shorter than its header", 2},
        bad_header{"truncated_ids", "00 02 0001 00", "truncated L2TP header", 4},
        bad_header{"truncated_sequence", "08 02 0001 0002 0003", "truncated L2TP header", 8},
        bad_header{"offset_past_end", "02 02 0001 0002 0010 0000", "offset padding past end of datagram", 6},
        bad_header{"offset_size_truncated", "02 02 0001 0002 00", "truncated L2TP header", 6}),
    [](const auto& param_info) { return std::string{param_info.param.name}; });

TEST(L2tpHeader, EveryTruncationOfAControlPacketFails) {
  auto b = hex("c8 02 0014 1234 0000 0005 0007 8008 0000 0000 0006");
  for (std::size_t n = 0; n < b.size(); ++n) {
    auto p = decode_packet(wire::byte_span{b.data(), n});
    EXPECT_FALSE(p) << "prefix of " << n << " bytes decoded";
  }
}

TEST(L2tpHeader, EncodeForcesControlBits) {
  header h;
  h.control = true;
  h.tunnel_id = 7;
  bytes out;
  encode_header(out, h, 0);
  EXPECT_EQ(wire::to_hex(out),
            "c802000c000700000000"
            "0000");
}

// --- Data header into headroom (no copy of the payload) ----------------------

TEST(L2tpHeader, EncodesDataHeaderWithoutSequencing) {
  header h;
  h.tunnel_id = 0x1234;
  h.session_id = 0x0005;
  ASSERT_EQ(header_size(h), 6u);
  bytes out(6 + 4);
  const auto payload = hex("21 45 00 00");
  std::copy(payload.begin(), payload.end(), out.begin() + 6);
  ASSERT_TRUE(encode_data_header(std::span<std::byte>{out}.first(6), h, payload.size()));
  EXPECT_EQ(out, hex("00 02      # T=0 L=0 S=0 O=0 P=0, version 2\n"
                     "12 34      # Tunnel ID\n"
                     "00 05      # Session ID\n"
                     "21 45 00 00 # payload, untouched\n"));
  auto p = decode_packet(out);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->hdr, h);
  EXPECT_EQ(p->payload_offset, 6u);
}

TEST(L2tpHeader, EncodesDataHeaderWithSequencing) {
  header h;
  h.tunnel_id = 0x1234;
  h.session_id = 0x0005;
  h.sequence_present = true;
  h.ns = 0x0102;
  bytes out(10);
  ASSERT_TRUE(encode_data_header(out, h, 100));
  EXPECT_EQ(out, hex("08 02      # S=1, version 2\n"
                     "12 34      # Tunnel ID\n"
                     "00 05      # Session ID\n"
                     "01 02      # Ns\n"
                     "00 00      # Nr (data messages are not acknowledged)\n"));
}

TEST(L2tpHeader, EncodesDataHeaderWithLengthAndOffset) {
  header h;
  h.length_present = true;
  h.sequence_present = true;
  h.offset_present = true;
  h.offset_size = 2;
  h.tunnel_id = 1;
  h.session_id = 2;
  h.ns = 3;
  h.nr = 4;
  bytes out(header_size(h), std::byte{0xee});
  ASSERT_EQ(out.size(), 16u);
  ASSERT_TRUE(encode_data_header(out, h, 4));
  EXPECT_EQ(out, hex("4a 02      # L=1 S=1 O=1, version 2\n"
                     "00 14      # Length: 16 + 4 payload bytes\n"
                     "00 01      # Tunnel ID\n"
                     "00 02      # Session ID\n"
                     "00 03      # Ns\n"
                     "00 04      # Nr\n"
                     "00 02      # Offset Size\n"
                     "00 00      # Offset pad, zeroed\n"));
}

TEST(L2tpHeader, DataHeaderEncoderRefusesWhatItCannotWrite) {
  header h;
  bytes out(8, std::byte{0xee});
  EXPECT_FALSE(encode_data_header(std::span<std::byte>{out}.first(5), h, 0)) << "headroom too small";
  EXPECT_FALSE(encode_data_header(out, h, 0)) << "headroom of another size";
  h.control = true;
  EXPECT_FALSE(encode_data_header(std::span<std::byte>{out}.first(header_size(h)), h, 0)) << "control header";
  header with_length;
  with_length.length_present = true;
  EXPECT_FALSE(encode_data_header(out, with_length, 0xffff)) << "Length past 16 bits";
  EXPECT_EQ(out, bytes(8, std::byte{0xee})) << "nothing written";
}

}  // namespace
}  // namespace bras::l2tp

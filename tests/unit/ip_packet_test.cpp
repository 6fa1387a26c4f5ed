#include "tests/unit/ip_packet_test_util.hpp"

namespace bras::ip {
namespace {

using namespace ip_test;

TEST(IpChecksum, Rfc1071Example) {
  // RFC 1071 §3: the one's-complement sum of these bytes is 0xddf2.
  auto b = hex("00 01 f2 03 f4 f5 f6 f7");
  EXPECT_EQ(internet_checksum(span(b)), 0x220d);
  // Continuing from the sum of the first half gives the same result.
  auto tail = hex("f4 f5 f6 f7");
  EXPECT_EQ(internet_checksum(span(tail), 0x0001 + 0xf203), 0x220d);
  // Filling in the checksum makes the sum verify to 0.
  b.push_back(std::byte{0x22});
  b.push_back(std::byte{0x0d});
  EXPECT_EQ(internet_checksum(span(b)), 0);
}

TEST(IpChecksum, OddLengthIsPaddedWithZero) {
  EXPECT_EQ(internet_checksum(span(hex("00 01 f2"))), internet_checksum(span(hex("00 01 f2 00"))));
  EXPECT_EQ(internet_checksum(span(hex("00 01 f2"))), 0x0dfe);
  EXPECT_EQ(internet_checksum({}), 0xffff);
}

TEST(IpChecksum, KnownIpv4Header) {
  auto h =
      hex("45 00 00 73 00 00 40 00 40 11 # checksum field zero:\n"
          "00 00 c0 a8 00 01 c0 a8 00 c7");
  EXPECT_EQ(internet_checksum(span(h)), 0xb861);
}

TEST(IpChecksum, Rfc1624Example) {
  // RFC 1624 §4: m 0x5555 -> 0x3285, HC 0xdd2f; recomputation gives 0x0000,
  // which eqn. 3 reproduces (eqn. 2 would give 0xffff).
  EXPECT_EQ(checksum_update(0xdd2f, 0x5555, 0x3285), 0x0000);
}

TEST(IpChecksum, IncrementalUpdateEqualsRecomputation) {
  std::mt19937 rng{1624};
  for (int round = 0; round < 2000; ++round) {
    const std::size_t words = 2 + rng() % 40;
    wire::bytes data(words * 2);
    for (auto& b : data) b = static_cast<std::byte>(rng() & 0xff);
    data[0] = std::byte{0x45};  // never all zero: that sum has two representations
    const std::uint16_t before = internet_checksum(span(data));
    const std::size_t word = 1 + rng() % (words - 1);
    const std::uint16_t old_word = at16(data, word * 2);
    const auto new_word = static_cast<std::uint16_t>(round % 7 == 0 ? old_word : rng() & 0xffff);
    put16(data, word * 2, new_word);
    EXPECT_EQ(checksum_update(before, old_word, new_word), internet_checksum(span(data)))
        << "round " << round << " word " << word;
  }
}

// --- IPv4 header ------------------------------------------------------------

TEST(IpParse, ParsesIpv4Syn) {
  auto h = parse_ipv4(span(ipv4_syn));
  ASSERT_TRUE(h.ok()) << wire::to_string(h.err());
  EXPECT_EQ(h->header_length, 20);
  EXPECT_EQ(h->tos, 0);
  EXPECT_EQ(h->total_length, 60);
  EXPECT_EQ(h->id, 0x1c46);
  EXPECT_TRUE(h->df);
  EXPECT_FALSE(h->mf);
  EXPECT_EQ(h->fragment_offset, 0);
  EXPECT_EQ(h->ttl, 64);
  EXPECT_EQ(h->protocol, proto::tcp);
  EXPECT_EQ(h->checksum, 0xea39);
  EXPECT_EQ(h->src, subscriber);
  EXPECT_EQ(h->dst, server);
  EXPECT_TRUE(ipv4_header_checksum_ok(span(ipv4_syn)));
  EXPECT_EQ(ip_version(span(ipv4_syn)), 4);
  EXPECT_EQ(ipv4_source(span(ipv4_syn)), subscriber);
  EXPECT_EQ(ipv6_source(span(ipv4_syn)), std::nullopt);
}

TEST(IpParse, Ipv4FragmentFieldsAndOptions) {
  auto p = ipv4_packet(proto::udp, filler(8), 0x2000 | 125, hex("94 04 00 00 # router alert"));
  auto h = parse_ipv4(span(p));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->header_length, 24);
  EXPECT_EQ(h->total_length, 32);
  EXPECT_FALSE(h->df);
  EXPECT_TRUE(h->mf);
  EXPECT_EQ(h->fragment_offset, 1000) << "in bytes";
  EXPECT_TRUE(ipv4_header_checksum_ok(span(p)));
  p[8] = std::byte{63};  // TTL changed without fixing the checksum
  EXPECT_TRUE(parse_ipv4(span(p)).ok()) << "the parser leaves the checksum to the caller";
  EXPECT_FALSE(ipv4_header_checksum_ok(span(p)));
}

TEST(IpParse, Ipv4LinkPaddingIsAllowed) {
  auto p = ipv4_syn;
  p.insert(p.end(), 6, std::byte{0});
  auto h = parse_ipv4(span(p));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->total_length, 60);
}

TEST(IpParse, Ipv4EveryTruncationFails) {
  for (std::size_t n = 0; n < ipv4_syn.size(); ++n) {
    auto h = parse_ipv4(wire::byte_span{ipv4_syn}.first(n));
    ASSERT_FALSE(h.ok()) << n;
    if (n < 20) {
      EXPECT_EQ(h.err().reason, "truncated IPv4 header") << n;
      EXPECT_EQ(h.err().offset, n);
    } else {
      EXPECT_EQ(h.err().reason, "IPv4 total length beyond packet") << n;
      EXPECT_EQ(h.err().offset, 2u);
    }
    EXPECT_FALSE(ipv4_source(wire::byte_span{ipv4_syn}.first(n)).has_value());
  }
}

TEST(IpParse, Ipv4RejectsBadFields) {
  auto check = [](wire::bytes p, std::string_view reason, std::size_t offset) {
    auto h = parse_ipv4(span(p));
    ASSERT_FALSE(h.ok()) << reason;
    EXPECT_EQ(h.err().reason, reason);
    EXPECT_EQ(h.err().offset, offset);
  };
  auto p = ipv4_syn;
  p[0] = std::byte{0x65};
  check(p, "not IPv4", 0);
  p[0] = std::byte{0x44};
  check(p, "IPv4 header length below 20", 0);
  p[0] = std::byte{0x40};
  check(p, "IPv4 header length below 20", 0);
  p[0] = std::byte{0x4f};  // 60-byte header: fits the 60-byte buffer, but total length 60 has no room
  auto h = parse_ipv4(span(p));
  ASSERT_TRUE(h.ok()) << "header 60, total 60 is a header-only packet";
  check(wire::bytes(p.begin(), p.begin() + 40), "truncated IPv4 header", 40);
  p = ipv4_syn;
  put16(p, 2, 19);
  check(p, "IPv4 total length below header length", 2);
  put16(p, 2, 61);
  check(p, "IPv4 total length beyond packet", 2);
  put16(p, 2, 0xffff);
  check(p, "IPv4 total length beyond packet", 2);
  EXPECT_FALSE(ipv4_header_checksum_ok(span(hex("45 00"))));
  EXPECT_FALSE(ipv4_header_checksum_ok({}));
  EXPECT_EQ(ip_version({}), 0);
}

// --- IPv6 header ------------------------------------------------------------

TEST(IpParse, ParsesIpv6Syn) {
  auto h = parse_ipv6(span(ipv6_syn));
  ASSERT_TRUE(h.ok()) << wire::to_string(h.err());
  EXPECT_EQ(h->traffic_class, 0);
  EXPECT_EQ(h->flow_label, 0u);
  EXPECT_EQ(h->payload_length, 40);
  EXPECT_EQ(h->next_header, proto::tcp);
  EXPECT_EQ(h->hop_limit, 64);
  EXPECT_EQ(h->src, v6_subscriber);
  EXPECT_EQ(h->dst, v6_server);
  EXPECT_EQ(ip_version(span(ipv6_syn)), 6);
  EXPECT_EQ(ipv6_source(span(ipv6_syn)), v6_subscriber);
  EXPECT_EQ(ipv4_source(span(ipv6_syn)), std::nullopt);

  auto p = ipv6_syn;
  p[0] = std::byte{0x6a};  // traffic class 0xab, flow label 0x12345
  p[1] = std::byte{0xb1};
  p[2] = std::byte{0x23};
  p[3] = std::byte{0x45};
  auto h2 = parse_ipv6(span(p));
  ASSERT_TRUE(h2.ok());
  EXPECT_EQ(h2->traffic_class, 0xab);
  EXPECT_EQ(h2->flow_label, 0x12345u);
}

TEST(IpParse, Ipv6EveryTruncationFails) {
  for (std::size_t n = 0; n < ipv6_syn.size(); ++n) {
    auto h = parse_ipv6(wire::byte_span{ipv6_syn}.first(n));
    ASSERT_FALSE(h.ok()) << n;
    EXPECT_EQ(h.err().reason, n < 40 ? "truncated IPv6 header" : "IPv6 payload length beyond packet") << n;
  }
}

TEST(IpParse, Ipv6RejectsBadFields) {
  auto p = ipv6_syn;
  p[0] = std::byte{0x45};
  auto h = parse_ipv6(span(p));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.err(), (wire::error{"not IPv6", 0}));
  p = ipv6_syn;
  put16(p, 4, 41);
  h = parse_ipv6(span(p));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.err(), (wire::error{"IPv6 payload length beyond packet", 4}));
  put16(p, 4, 0);
  ASSERT_TRUE(parse_ipv6(span(p)).ok()) << "shorter payload: the rest is link padding";
}

// --- MSS clamping -----------------------------------------------------------

TEST(IpMss, MssForMtu) {
  EXPECT_EQ(mss_for_mtu(1500, false), 1460);
  EXPECT_EQ(mss_for_mtu(1500, true), 1440);
  EXPECT_EQ(mss_for_mtu(1492, false), 1452);  // PPPoE
  EXPECT_EQ(mss_for_mtu(1460, true), 1400);
  EXPECT_EQ(mss_for_mtu(40, false), 0);
  EXPECT_EQ(mss_for_mtu(50, true), 0);
}

TEST(IpMss, ClampsIpv4Syn) {
  ASSERT_EQ(upper_layer_checksum(ipv4_syn, 20, proto::tcp), 0) << "vector's own checksum";
  auto p = ipv4_syn;
  EXPECT_TRUE(clamp_tcp_mss(p, 1420));
  ASSERT_EQ(p.size(), ipv4_syn.size());
  EXPECT_EQ(at16(p, ipv4_syn_mss_at), 1420);
  EXPECT_EQ(upper_layer_checksum(p, 20, proto::tcp), 0) << "TCP checksum verifies from scratch";
  EXPECT_EQ(at16(p, 36), 0x1abb) << "0x1a93 + (0x05b4 - 0x058c)";
  EXPECT_TRUE(std::equal(p.begin(), p.begin() + 20, ipv4_syn.begin())) << "IP header untouched";
  // Only the MSS value and the checksum changed.
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (i == 36 || i == 37 || i == ipv4_syn_mss_at || i == ipv4_syn_mss_at + 1) continue;
    EXPECT_EQ(p[i], ipv4_syn[i]) << i;
  }
  EXPECT_FALSE(clamp_tcp_mss(p, 1420)) << "idempotent";
}

TEST(IpMss, ClampsIpv6Syn) {
  ASSERT_EQ(upper_layer_checksum(ipv6_syn, 40, proto::tcp), 0);
  auto p = ipv6_syn;
  EXPECT_TRUE(clamp_tcp_mss(p, 1420));
  ASSERT_EQ(p.size(), ipv6_syn.size());
  EXPECT_EQ(at16(p, 40 + 22), 1420);
  EXPECT_EQ(upper_layer_checksum(p, 40, proto::tcp), 0);
}

TEST(IpMss, ClampsIpv6BehindExtensionHeaders) {
  ASSERT_EQ(upper_layer_checksum(ipv6_hop_by_hop_syn, 48, proto::tcp), 0);
  auto p = ipv6_hop_by_hop_syn;
  EXPECT_TRUE(clamp_tcp_mss(p, 1420));
  EXPECT_EQ(at16(p, 48 + 22), 1420);
  EXPECT_EQ(upper_layer_checksum(p, 48, proto::tcp), 0);

  // Hop-by-Hop -> Destination Options (16 bytes) -> Routing -> Fragment (offset 0) -> TCP.
  auto tcp = tcp_header(hex("02 04 05 b4"));
  wire::bytes payload =
      hex("3c 00 01 04 00 00 00 00             # Hop-by-Hop, next Destination Options\n"
          "2b 01 01 0c 00 00 00 00 00 00 00 00 00 00 00 00 # Destination Options, 16 bytes, next Routing\n"
          "2c 00 04 00 00 00 00 00             # Routing type 4, segments left 0, next Fragment\n"
          "06 00 00 01 12 34 56 78             # Fragment: next TCP, offset 0, M\n");
  const std::size_t l4 = 40 + payload.size();
  payload.insert(payload.end(), tcp.begin(), tcp.end());
  auto chain = ipv6_packet(proto::hop_by_hop, payload);
  set_tcp_checksum(chain, l4);
  EXPECT_TRUE(clamp_tcp_mss(chain, 1400));
  EXPECT_EQ(at16(chain, l4 + 22), 1400);
  EXPECT_EQ(upper_layer_checksum(chain, l4, proto::tcp), 0);

  // A later fragment holds no TCP header.
  auto later = chain;
  put16(later, 40 + 32 + 2, 0x05c9);  // offset 185 (1480 bytes), M
  auto before = later;
  EXPECT_FALSE(clamp_tcp_mss(later, 1400));
  EXPECT_EQ(later, before);

  // A truncated extension header: nothing to clamp, no read past the end.
  auto cut = ipv6_packet(proto::hop_by_hop, hex("06 01 00 00 00 00 00 00 # claims 16 bytes, has 8"));
  EXPECT_FALSE(clamp_tcp_mss(cut, 1400));
}

TEST(IpMss, LowerOrEqualMssLeftAlone) {
  for (std::uint16_t max : {1460, 1500, 65535}) {
    auto p = ipv4_syn;
    EXPECT_FALSE(clamp_tcp_mss(p, max)) << max;
    EXPECT_EQ(p, ipv4_syn);
  }
}

TEST(IpMss, OnlySynSegments) {
  for (std::uint8_t flags : {0x10, 0x18, 0x11, 0x04}) {  // ACK, PSH|ACK, FIN|ACK, RST
    auto p = ipv4_syn_with_options(hex("02 04 05 b4"), flags);
    auto before = p;
    EXPECT_FALSE(clamp_tcp_mss(p, 1400)) << int{flags};
    EXPECT_EQ(p, before);
  }
  auto syn_ack = ipv4_syn_with_options(hex("02 04 05 b4"), 0x12);
  EXPECT_TRUE(clamp_tcp_mss(syn_ack, 1400)) << "SYN-ACK from the subscriber's server side too";
  EXPECT_EQ(upper_layer_checksum(syn_ack, 20, proto::tcp), 0);
}

TEST(IpMss, SynWithoutMssOptionLeftAlone) {
  for (auto options : {hex(""), hex("01 01 04 02"), hex("01 03 03 07")}) {
    auto p = ipv4_syn_with_options(options);
    auto before = p;
    EXPECT_FALSE(clamp_tcp_mss(p, 1400));
    EXPECT_EQ(p, before);
  }
}

TEST(IpMss, OptionsBeforeMss) {
  auto p =
      ipv4_syn_with_options(hex("01 01       # NOP NOP\n"
                                "04 02       # SACK permitted\n"
                                "02 04 05 b4 # MSS 1460\n"));
  EXPECT_TRUE(clamp_tcp_mss(p, 1420));
  EXPECT_EQ(at16(p, 40 + 6), 1420);
  EXPECT_EQ(upper_layer_checksum(p, 20, proto::tcp), 0);
}

TEST(IpMss, MssAtOddOffset) {
  // The value straddles two 16-bit words of the checksum.
  auto p =
      ipv4_syn_with_options(hex("01          # NOP\n"
                                "02 04 05 b4 # MSS 1460, value at TCP offset 23\n"
                                "00 00 00    # EOL, padding\n"));
  EXPECT_TRUE(clamp_tcp_mss(p, 1380));
  EXPECT_EQ(at16(p, 40 + 3), 1380);
  EXPECT_EQ(upper_layer_checksum(p, 20, proto::tcp), 0);
  EXPECT_EQ(ipv4_syn_with_options(hex("01 02 04 05 64 00 00 00")), p) << "same as built with MSS 1380";
}

TEST(IpMss, MalformedOptionsNoChange) {
  for (const char* options : {
           "03 00 02 04 05 b4 00 00  # length 0 before MSS",
           "08 01 02 04 05 b4 00 00  # length 1 before MSS",
           "05 0a 02 04 05 b4 00 00  # SACK runs past the header",
           "01 01 01 01 01 01 02 04  # MSS whose value would lie past the header",
           "01 01 01 02              # kind without length byte",
           "00 01 02 04 05 b4 01 01  # MSS after end of option list",
           "02 03 05 01 02 05 05 b4 00 00 00 00 # MSS kinds with lengths 3 and 5",
       }) {
    auto tcp = tcp_header(hex(options));
    tcp.push_back(std::byte{0x05});  // payload bytes that look like an MSS value
    tcp.push_back(std::byte{0xb4});
    auto p = ipv4_packet(proto::tcp, tcp);
    set_tcp_checksum(p, 20);
    auto before = p;
    EXPECT_FALSE(clamp_tcp_mss(p, 1400)) << options;
    EXPECT_EQ(p, before) << options;
  }
  // An MSS before the malformed option is still clamped: receivers honour it.
  auto p = ipv4_syn_with_options(hex("02 04 05 b4 03 00 00 00"));
  EXPECT_TRUE(clamp_tcp_mss(p, 1400));
  EXPECT_EQ(upper_layer_checksum(p, 20, proto::tcp), 0);
}

TEST(IpMss, BadTcpHeaderNoChange) {
  auto p = ipv4_syn;
  p[32] = std::byte{0xf0};  // data offset 15 (60 bytes) beyond the 40-byte segment
  auto before = p;
  EXPECT_FALSE(clamp_tcp_mss(p, 1400));
  EXPECT_EQ(p, before);
  p[32] = std::byte{0x40};  // data offset 4 (below 20 bytes)
  before = p;
  EXPECT_FALSE(clamp_tcp_mss(p, 1400));
  EXPECT_EQ(p, before);
  // TCP header cut short by the IP total length.
  auto short_tcp = ipv4_packet(proto::tcp, hex("c350 0050 3a5c1e01 00000000 6002 faf0"));
  before = short_tcp;
  EXPECT_FALSE(clamp_tcp_mss(short_tcp, 1400));
  EXPECT_EQ(short_tcp, before);
  // Not TCP.
  auto udp = ipv4_packet(proto::udp, tcp_header(hex("02 04 05 b4")));
  before = udp;
  EXPECT_FALSE(clamp_tcp_mss(udp, 1400));
  EXPECT_EQ(udp, before);
}

TEST(IpMss, Ipv4Fragments) {
  auto first = ipv4_syn;
  put16(first, 6, 0x2000);  // MF, offset 0: the TCP header is here
  EXPECT_TRUE(clamp_tcp_mss(first, 1400));
  EXPECT_EQ(upper_layer_checksum(first, 20, proto::tcp), 0);

  auto later = ipv4_syn;
  put16(later, 6, 0x00b9);  // offset 1480: these bytes are payload, not a TCP header
  auto before = later;
  EXPECT_FALSE(clamp_tcp_mss(later, 1400));
  EXPECT_EQ(later, before);
}

TEST(IpMss, EveryTruncationIsSafe) {
  for (const auto* vector : {&ipv4_syn, &ipv6_syn, &ipv6_hop_by_hop_syn}) {
    for (std::size_t n = 0; n < vector->size(); ++n) {
      wire::bytes p(vector->begin(), vector->begin() + static_cast<std::ptrdiff_t>(n));
      auto before = p;
      EXPECT_FALSE(clamp_tcp_mss(p, 1400)) << n;
      EXPECT_EQ(p, before);
    }
  }
  EXPECT_FALSE(clamp_tcp_mss({}, 1400));
}
}  // namespace
}  // namespace bras::ip

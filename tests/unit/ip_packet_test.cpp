#include "protocol/ip/packet.hpp"

#include <algorithm>
#include <map>
#include <random>

#include "tests/unit/test_util.hpp"

namespace bras::ip {
namespace {

using test::hex;
using test::span;

// --- Vectors ----------------------------------------------------------------
// Checked with tshark (ip.check_checksum, tcp.check_checksum): both checksums
// correct, MSS option 1460.

/// A Linux-style SYN, 10.0.0.2:50000 -> 198.51.100.7:80.
const wire::bytes ipv4_syn =
    hex("45 00 00 3c # version 4, IHL 5, TOS 0, total length 60\n"
        "1c 46 40 00 # id 0x1c46, DF, offset 0\n"
        "40 06 ea 39 # TTL 64, TCP, header checksum\n"
        "0a 00 00 02 # source 10.0.0.2\n"
        "c6 33 64 07 # destination 198.51.100.7\n"
        "c3 50 00 50 # TCP: ports 50000 -> 80\n"
        "3a 5c 1e 01 # sequence number\n"
        "00 00 00 00 # acknowledgement number\n"
        "a0 02 fa f0 # data offset 10 (40 bytes), SYN, window 64240\n"
        "1a 93 00 00 # checksum, urgent pointer\n"
        "02 04 05 b4 # MSS 1460\n"
        "04 02       # SACK permitted\n"
        "08 0a 00 01 e2 40 00 00 00 00 # timestamps\n"
        "01          # NOP\n"
        "03 03 07    # window scale 7\n");
constexpr std::size_t ipv4_syn_mss_at = 20 + 20 + 2;

/// The same SYN over IPv6, 2001:db8::2 -> 2001:db8:1::7.
const wire::bytes ipv6_syn =
    hex("60 00 00 00 # version 6, traffic class 0, flow label 0\n"
        "00 28 06 40 # payload length 40, next header TCP, hop limit 64\n"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # source 2001:db8::2\n"
        "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 07 # destination 2001:db8:1::7\n"
        "c3 50 00 50 3a 5c 1e 01 00 00 00 00 # TCP: ports, sequence, acknowledgement\n"
        "a0 02 fa f0 f3 53 00 00 # data offset 10, SYN, window, checksum, urgent\n"
        "02 04 05 b4 04 02 08 0a 00 01 e2 40 00 00 00 00 01 03 03 07 # MSS 1460, ...\n");

/// The same again behind a Hop-by-Hop Options header.
const wire::bytes ipv6_hop_by_hop_syn =
    hex("60 00 00 00 # version 6\n"
        "00 30 00 40 # payload length 48, next header Hop-by-Hop, hop limit 64\n"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02 # source 2001:db8::2\n"
        "20 01 0d b8 00 01 00 00 00 00 00 00 00 00 00 07 # destination 2001:db8:1::7\n"
        "06 00       # Hop-by-Hop: next header TCP, length 8 bytes\n"
        "01 04 00 00 00 00 # PadN\n"
        "c3 50 00 50 3a 5c 1e 01 00 00 00 00 # TCP\n"
        "a0 02 fa f0 f3 53 00 00\n"
        "02 04 05 b4 04 02 08 0a 00 01 e2 40 00 00 00 00 01 03 03 07 # MSS 1460, ...\n");

constexpr std::uint32_t subscriber = 0x0a000002;  // 10.0.0.2
constexpr std::uint32_t server = 0xc6336407;      // 198.51.100.7
constexpr std::uint32_t lns = 0xc0000201;         // 192.0.2.1

ipv6_address v6(std::string_view text) {
  auto b = hex(text);
  ipv6_address a{};
  EXPECT_EQ(b.size(), a.size());
  std::copy_n(b.begin(), std::min(b.size(), a.size()), a.begin());
  return a;
}
const ipv6_address v6_subscriber = v6("20010db8 00000000 00000000 00000002");
const ipv6_address v6_server = v6("20010db8 00010000 00000000 00000007");
const ipv6_address v6_lns = v6("20010db8 ffff0000 00000000 00000001");

// --- Builders and independent checks ----------------------------------------

void put16(wire::bytes& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::byte>(v >> 8);
  b[at + 1] = static_cast<std::byte>(v & 0xff);
}
std::uint8_t at8(const wire::bytes& b, std::size_t at) {
  return std::to_integer<std::uint8_t>(b[at]);
}
std::uint16_t at16(const wire::bytes& b, std::size_t at) {
  return wire::load_u16(b.data() + at);
}

wire::bytes filler(std::size_t n, unsigned seed = 1) {
  wire::bytes b(n);
  for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>((i * 7 + seed) & 0xff);
  return b;
}

/// An IPv4 packet with a correct header checksum.
wire::bytes ipv4_packet(std::uint8_t protocol, const wire::bytes& payload, std::uint16_t flags_offset = 0x4000,
                        const wire::bytes& options = {}, std::uint32_t src = subscriber, std::uint32_t dst = server) {
  wire::bytes p;
  wire::writer w{p};
  w.u8(static_cast<std::uint8_t>(0x40 | ((20 + options.size()) / 4)));
  w.u8(0);
  w.u16(static_cast<std::uint16_t>(20 + options.size() + payload.size()));
  w.u16(0x1234);
  w.u16(flags_offset);
  w.u8(64);
  w.u8(protocol);
  w.u16(0);
  w.u32(src);
  w.u32(dst);
  w.put(options);
  put16(p, 10, internet_checksum(span(p)));
  w.put(payload);
  return p;
}

wire::bytes ipv6_packet(std::uint8_t next_header, const wire::bytes& payload, const ipv6_address& src = v6_subscriber,
                        const ipv6_address& dst = v6_server) {
  wire::bytes p;
  wire::writer w{p};
  w.u32(0x60000000);
  w.u16(static_cast<std::uint16_t>(payload.size()));
  w.u8(next_header);
  w.u8(64);
  w.put(wire::byte_span{src.data(), src.size()});
  w.put(wire::byte_span{dst.data(), dst.size()});
  w.put(payload);
  return p;
}

/// A TCP header with `options` (padded by the caller) and a zero checksum.
wire::bytes tcp_header(const wire::bytes& options, std::uint8_t flags = 0x02) {
  wire::bytes t = hex("c350 0050 3a5c1e01 00000000 0000 faf0 0000 0000");
  t[12] = static_cast<std::byte>(((20 + options.size()) / 4) << 4);
  t[13] = static_cast<std::byte>(flags);
  t.insert(t.end(), options.begin(), options.end());
  return t;
}

/// The pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1) of the upper-layer data
/// at `l4` in `packet`, built from the raw bytes without the module's parser.
wire::bytes pseudo_header(const wire::bytes& packet, std::size_t l4, std::uint8_t protocol) {
  wire::bytes ph;
  wire::writer w{ph};
  const auto length = static_cast<std::uint32_t>(packet.size() - l4);
  if ((at8(packet, 0) >> 4) == 4) {
    w.put(wire::byte_span{packet.data() + 12, 8});
    w.u8(0);
    w.u8(protocol);
    w.u16(static_cast<std::uint16_t>(length));
  } else {
    w.put(wire::byte_span{packet.data() + 8, 32});
    w.u32(length);
    w.zeros(3);
    w.u8(protocol);
  }
  return ph;
}

/// Sums pseudo-header and upper-layer data from scratch: 0 when the checksum is right.
std::uint16_t upper_layer_checksum(const wire::bytes& packet, std::size_t l4, std::uint8_t protocol) {
  wire::bytes all = pseudo_header(packet, l4, protocol);
  all.insert(all.end(), packet.begin() + static_cast<std::ptrdiff_t>(l4), packet.end());
  return internet_checksum(span(all));
}

/// Fills in the TCP checksum of a packet whose TCP header starts at `l4`.
void set_tcp_checksum(wire::bytes& packet, std::size_t l4) {
  put16(packet, l4 + 16, 0);
  put16(packet, l4 + 16, upper_layer_checksum(packet, l4, proto::tcp));
}

wire::bytes ipv4_syn_with_options(const wire::bytes& options, std::uint8_t flags = 0x02) {
  auto p = ipv4_packet(proto::tcp, tcp_header(options, flags));
  set_tcp_checksum(p, 20);
  return p;
}

// --- Checksum ---------------------------------------------------------------

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

// --- ICMP Fragmentation Needed ----------------------------------------------

/// Checks the frame of an ICMP error and returns the quoted bytes.
wire::bytes check_frag_needed(const wire::bytes& e, std::uint32_t to, std::uint16_t mtu) {
  auto h = parse_ipv4(span(e));
  EXPECT_TRUE(h.ok());
  if (!h) return {};
  EXPECT_EQ(h->header_length, 20);
  EXPECT_EQ(h->total_length, e.size());
  EXPECT_EQ(h->protocol, proto::icmp);
  EXPECT_EQ(h->ttl, 64);
  EXPECT_EQ(h->src, lns);
  EXPECT_EQ(h->dst, to);
  EXPECT_FALSE(h->mf);
  EXPECT_EQ(h->fragment_offset, 0);
  EXPECT_TRUE(ipv4_header_checksum_ok(span(e)));
  EXPECT_EQ(at8(e, 20), 3) << "type: destination unreachable";
  EXPECT_EQ(at8(e, 21), 4) << "code: fragmentation needed and DF set";
  EXPECT_EQ(at16(e, 24), 0) << "unused";
  EXPECT_EQ(at16(e, 26), mtu) << "RFC 1191 next-hop MTU";
  EXPECT_EQ(internet_checksum(wire::byte_span{e}.subspan(20)), 0) << "ICMP checksum";
  EXPECT_LE(e.size(), 576u);
  return {e.begin() + 28, e.end()};
}

TEST(IpIcmp, FragNeededForLargePacket) {
  auto original = ipv4_packet(proto::tcp, filler(1480));
  auto e = make_icmp_frag_needed(span(original), 1400, lns, 0x4242);
  ASSERT_EQ(e.size(), 576u) << "RFC 1812 §4.3.2.3 cap";
  auto quoted = check_frag_needed(e, subscriber, 1400);
  EXPECT_EQ(at16(e, 4), 0x4242) << "the caller's IP id";
  EXPECT_EQ(at8(e, 1), 0xc0) << "precedence internetwork control";
  ASSERT_EQ(quoted.size(), 548u);
  EXPECT_TRUE(std::equal(quoted.begin(), quoted.end(), original.begin())) << "original header and data";
}

TEST(IpIcmp, FragNeededQuotesSmallPacketWhole) {
  auto original = ipv4_syn;
  original.insert(original.end(), 4, std::byte{0xee});  // link padding is not quoted
  auto e = make_icmp_frag_needed(span(original), 1000, lns);
  ASSERT_EQ(e.size(), 28u + 60u);
  auto quoted = check_frag_needed(e, subscriber, 1000);
  EXPECT_EQ(quoted, ipv4_syn);
}

TEST(IpIcmp, FragNeededForIcmpQueriesAndFirstFragments) {
  auto echo = ipv4_packet(proto::icmp, hex("08 00 f7 ff 00 00 00 00"));
  EXPECT_FALSE(make_icmp_frag_needed(span(echo), 1400, lns).empty()) << "echo request";
  auto first_fragment = ipv4_packet(proto::udp, filler(100), 0x6000);  // DF, MF, offset 0
  EXPECT_FALSE(make_icmp_frag_needed(span(first_fragment), 1400, lns).empty());
}

TEST(IpIcmp, NoFragNeededWhenForbidden) {
  auto none = [](const wire::bytes& p) { return make_icmp_frag_needed(span(p), 1400, lns).empty(); };
  for (std::uint8_t type : {3, 4, 5, 11, 12, 99}) {  // errors, and an unknown type
    EXPECT_TRUE(none(ipv4_packet(proto::icmp, {std::byte{type}, std::byte{0}, std::byte{0}, std::byte{0}})))
        << "ICMP type " << int{type};
  }
  EXPECT_TRUE(none(ipv4_packet(proto::icmp, {}))) << "ICMP without a type";
  EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0))) << "no DF: fragment instead";
  EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0x2000))) << "no DF, first fragment";
  EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0x4001))) << "non-first fragment";
  EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0x6001))) << "non-first fragment, MF";
  for (std::uint32_t dst : {0xe0000005u, 0xefffffffu, 0xf0000001u, 0xffffffffu, 0u}) {
    EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0x4000, {}, subscriber, dst))) << std::hex << dst;
  }
  for (std::uint32_t src : {0u, 0x00000001u, 0x7f000001u, 0xe0000001u, 0xf0000001u, 0xffffffffu}) {
    EXPECT_TRUE(none(ipv4_packet(proto::udp, filler(100), 0x4000, {}, src, server))) << std::hex << src;
  }
  EXPECT_TRUE(none(ipv6_syn));
  EXPECT_TRUE(none(wire::bytes(ipv4_syn.begin(), ipv4_syn.begin() + 30)));
  EXPECT_TRUE(none({}));
}

// --- ICMPv6 Packet Too Big --------------------------------------------------

TEST(IpIcmpv6, PacketTooBig) {
  auto original = ipv6_packet(proto::udp, filler(1460));
  auto e = make_icmpv6_packet_too_big(span(original), 1400, v6_lns);
  ASSERT_EQ(e.size(), 1280u) << "RFC 4443 §2.4 (c): at most the minimum IPv6 MTU";
  auto h = parse_ipv6(span(e));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->payload_length, 1240);
  EXPECT_EQ(h->next_header, proto::icmpv6);
  EXPECT_EQ(h->hop_limit, 64);
  EXPECT_EQ(h->src, v6_lns);
  EXPECT_EQ(h->dst, v6_subscriber);
  EXPECT_EQ(at8(e, 40), 2) << "type: packet too big";
  EXPECT_EQ(at8(e, 41), 0) << "code";
  EXPECT_EQ(wire::load_u32(e.data() + 44), 1400u) << "MTU";
  EXPECT_EQ(upper_layer_checksum(e, 40, proto::icmpv6), 0) << "checksum over the pseudo-header";
  EXPECT_TRUE(std::equal(e.begin() + 48, e.end(), original.begin()));
}

TEST(IpIcmpv6, PacketTooBigQuotesSmallPacketWhole) {
  auto original = ipv6_syn;
  original.insert(original.end(), 3, std::byte{0xee});  // link padding
  auto e = make_icmpv6_packet_too_big(span(original), 1280, v6_lns);
  ASSERT_EQ(e.size(), 48u + ipv6_syn.size());
  EXPECT_EQ(upper_layer_checksum(e, 40, proto::icmpv6), 0);
  EXPECT_TRUE(std::equal(e.begin() + 48, e.end(), ipv6_syn.begin()));
}

TEST(IpIcmpv6, PacketTooBigWhenAllowed) {
  auto echo = ipv6_packet(proto::icmpv6, hex("80 00 00 00 00 01 00 01 # echo request"));
  EXPECT_FALSE(make_icmpv6_packet_too_big(span(echo), 1280, v6_lns).empty());
  auto multicast_dst =
      ipv6_packet(proto::udp, filler(100), v6_subscriber, v6("ff0e 0000 0000 0000 0000 0000 0000 0101"));
  EXPECT_FALSE(make_icmpv6_packet_too_big(span(multicast_dst), 1280, v6_lns).empty()) << "RFC 4443 §2.4 (e.3)";
  auto later_fragment = ipv6_packet(proto::fragment, hex("3a 00 05 c8 00 00 00 01 | 01 00 00 00"));
  EXPECT_FALSE(make_icmpv6_packet_too_big(span(later_fragment), 1280, v6_lns).empty())
      << "a later fragment has no ICMPv6 type to look at";
}

TEST(IpIcmpv6, NoPacketTooBigWhenForbidden) {
  auto none = [](const wire::bytes& p) { return make_icmpv6_packet_too_big(span(p), 1280, v6_lns).empty(); };
  for (std::uint8_t type : {1, 2, 3, 4, 127}) {
    EXPECT_TRUE(none(ipv6_packet(proto::icmpv6, {std::byte{type}, std::byte{0}, std::byte{0}, std::byte{0}})))
        << int{type};
  }
  EXPECT_TRUE(none(ipv6_packet(proto::hop_by_hop, hex("3a 00 01 04 00 00 00 00 | 01 00 00 00"))))
      << "ICMPv6 error behind Hop-by-Hop";
  EXPECT_TRUE(none(ipv6_packet(proto::icmpv6, {}))) << "ICMPv6 without a type";
  EXPECT_TRUE(none(ipv6_packet(proto::udp, filler(8), ipv6_address{}))) << "unspecified source";
  EXPECT_TRUE(none(ipv6_packet(proto::udp, filler(8), v6("ff02 0000 0000 0000 0000 0000 0000 0001"))))
      << "multicast source";
  EXPECT_TRUE(none(ipv6_packet(proto::hop_by_hop, hex("06 01 00 00 00 00 00 00")))) << "truncated extension";
  EXPECT_TRUE(none(wire::bytes(ipv6_syn.begin(), ipv6_syn.begin() + 60)));
  EXPECT_TRUE(none(ipv4_syn));
}

// --- Fragmentation ----------------------------------------------------------

struct reassembly {
  wire::bytes payload;
  bool last_mf = false;
};

/// Checks each fragment's header and joins the payloads by offset.
reassembly reassemble(const std::vector<wire::bytes>& fragments, std::uint16_t mtu, std::uint16_t first_offset) {
  std::map<std::size_t, wire::byte_span> by_offset;
  reassembly r;
  for (std::size_t i = 0; i < fragments.size(); ++i) {
    const auto& f = fragments[i];
    EXPECT_LE(f.size(), mtu) << i;
    EXPECT_TRUE(ipv4_header_checksum_ok(span(f))) << i;
    auto h = parse_ipv4(span(f));
    EXPECT_TRUE(h.ok()) << i;
    if (!h) return r;
    EXPECT_EQ(h->total_length, f.size());
    EXPECT_EQ(h->id, 0x1234);
    EXPECT_FALSE(h->df);
    const bool last = i + 1 == fragments.size();
    if (!last) {
      EXPECT_TRUE(h->mf) << i;
      EXPECT_EQ((f.size() - h->header_length) % 8, 0u) << i;
    } else {
      r.last_mf = h->mf;
    }
    by_offset[h->fragment_offset - first_offset] = wire::byte_span{f}.subspan(h->header_length);
  }
  for (auto& [offset, data] : by_offset) {
    EXPECT_EQ(offset, r.payload.size()) << "fragments are contiguous";
    r.payload.insert(r.payload.end(), data.begin(), data.end());
  }
  return r;
}

TEST(IpFragment, SplitsAt1400) {
  const auto payload = filler(1480);
  auto original = ipv4_packet(proto::udp, payload, 0);
  ASSERT_EQ(original.size(), 1500u);
  auto fragments = fragment_ipv4(span(original), 1400);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_EQ(fragments->size(), 2u);
  EXPECT_EQ((*fragments)[0].size(), 20u + 1376u) << "largest multiple of 8 that fits";
  EXPECT_EQ((*fragments)[1].size(), 20u + 104u);
  EXPECT_EQ(at16((*fragments)[0], 6), 0x2000) << "MF, offset 0";
  EXPECT_EQ(at16((*fragments)[1], 6), 1376 / 8) << "last: no MF";
  auto r = reassemble(*fragments, 1400, 0);
  EXPECT_EQ(r.payload, payload);
  EXPECT_FALSE(r.last_mf);
  // Everything but length, flags/offset and checksum comes from the original.
  for (const auto& f : *fragments) {
    for (std::size_t i : {0, 1, 4, 5, 8, 9, 12, 13, 14, 15, 16, 17, 18, 19}) EXPECT_EQ(f[i], original[i]) << i;
  }
}

TEST(IpFragment, SmallMtuGivesManyFragments) {
  const auto payload = filler(1480, 9);
  auto original = ipv4_packet(proto::udp, payload, 0);
  auto fragments = fragment_ipv4(span(original), 68);
  ASSERT_TRUE(fragments.has_value());
  EXPECT_EQ(fragments->size(), (1480u + 47) / 48);
  EXPECT_EQ(reassemble(*fragments, 68, 0).payload, payload);
}

TEST(IpFragment, RefragmentsAFragment) {
  const auto payload = filler(1480, 3);
  // Already a fragment at offset 1000 (125 * 8), the datagram's last (MF=0).
  auto original = ipv4_packet(proto::udp, payload, 125);
  auto fragments = fragment_ipv4(span(original), 1400);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_EQ(fragments->size(), 2u);
  EXPECT_EQ(at16((*fragments)[0], 6), 0x2000 | 125) << "MF, offset 1000";
  EXPECT_EQ(at16((*fragments)[1], 6), (1000 + 1376) / 8) << "keeps MF=0";
  auto r = reassemble(*fragments, 1400, 1000);
  EXPECT_EQ(r.payload, payload);
  EXPECT_FALSE(r.last_mf);

  // A middle fragment (MF=1): every piece keeps MF.
  auto middle = ipv4_packet(proto::udp, payload, 0x2000 | 125);
  auto pieces = fragment_ipv4(span(middle), 1400);
  ASSERT_TRUE(pieces.has_value());
  auto r2 = reassemble(*pieces, 1400, 1000);
  EXPECT_EQ(r2.payload, payload);
  EXPECT_TRUE(r2.last_mf);
}

TEST(IpFragment, OptionsCopiedOnlyWhenFlagged) {
  const auto options =
      hex("94 04 00 00          # router alert: copied flag set\n"
          "07 07 04 00 00 00 00 # record route: not copied\n"
          "00                   # end of options\n");
  const auto payload = filler(600);
  auto original = ipv4_packet(proto::udp, payload, 0, options);
  auto fragments = fragment_ipv4(span(original), 300);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_GE(fragments->size(), 3u);
  const auto& first = (*fragments)[0];
  EXPECT_EQ(at8(first, 0), 0x48) << "first fragment: all 12 option bytes";
  EXPECT_TRUE(std::equal(options.begin(), options.end(), first.begin() + 20));
  EXPECT_EQ(first.size(), 32u + 264u);
  for (std::size_t i = 1; i < fragments->size(); ++i) {
    const auto& f = (*fragments)[i];
    EXPECT_EQ(at8(f, 0), 0x46) << "router alert only";
    EXPECT_EQ(wire::to_hex(wire::byte_span{f}.subspan(20, 4)), "94040000");
  }
  EXPECT_EQ((*fragments)[1].size(), 24u + 272u) << "a smaller header leaves room for more data";
  EXPECT_EQ(reassemble(*fragments, 300, 0).payload, payload);
}

TEST(IpFragment, FittingPacketIsReturnedWhole) {
  auto original = ipv4_packet(proto::udp, filler(100), 0);
  auto padded = original;
  padded.insert(padded.end(), 10, std::byte{0});
  auto fragments = fragment_ipv4(span(padded), 1400);
  ASSERT_TRUE(fragments.has_value());
  ASSERT_EQ(fragments->size(), 1u);
  EXPECT_EQ((*fragments)[0], original) << "without link padding";
  auto exact = fragment_ipv4(span(original), static_cast<std::uint16_t>(original.size()));
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->size(), 1u);
}

TEST(IpFragment, Refusals) {
  auto big = ipv4_packet(proto::udp, filler(1480), 0);
  EXPECT_FALSE(fragment_ipv4(span(ipv4_packet(proto::udp, filler(1480), 0x4000)), 1400)) << "DF";
  EXPECT_FALSE(fragment_ipv4(span(ipv4_syn), 1400)) << "DF, even when it fits";
  EXPECT_FALSE(fragment_ipv4(span(big), 67)) << "below the IPv4 minimum MTU";
  EXPECT_TRUE(fragment_ipv4(span(big), 68));
  auto corrupt = big;
  corrupt[8] = std::byte{1};  // TTL changed, header checksum not fixed
  EXPECT_FALSE(fragment_ipv4(span(corrupt), 1400)) << "bad header checksum";
  EXPECT_FALSE(fragment_ipv4(wire::byte_span{big}.first(1000), 1400)) << "truncated";
  EXPECT_FALSE(fragment_ipv4(span(ipv6_syn), 1400));
  EXPECT_FALSE(fragment_ipv4({}, 1400));
  auto bad_options = ipv4_packet(proto::udp, filler(1480), 0, hex("07 00 00 00 # length 0"));
  EXPECT_FALSE(fragment_ipv4(span(bad_options), 1400));
  auto past_65535 = ipv4_packet(proto::udp, filler(1480), 8100);  // offset 64800 + 1480
  EXPECT_FALSE(fragment_ipv4(span(past_65535), 1400));
}

}  // namespace
}  // namespace bras::ip

// Neighbor Discovery (RS/RA), ICMPv6 echo and UDP-in-IPv6 codec: annotated
// vectors (their checksums checked with tshark: "[Checksum Status: Good]"),
// round trips, each RFC 4861 §6.1 validity failure, classify() and truncations.
#include "protocol/ip/nd.hpp"

#include "protocol/ip/packet.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::ip::nd {
namespace {

using test::ipv6_address_of;

using test::hex;
using test::span;

std::uint8_t at8(const wire::bytes& b, std::size_t i) {
  return std::to_integer<std::uint8_t>(b.at(i));
}

/// Overwrites two bytes and re-fixes nothing: for tests that break a field.
void put16(wire::bytes& b, std::size_t at, std::uint16_t v) {
  b.at(at) = static_cast<std::byte>(v >> 8);
  b.at(at + 1) = static_cast<std::byte>(v & 0xffu);
}

/// Recomputes the upper-layer checksum after a test changed a field, so that only the field is wrong.
void refix_checksum(wire::bytes& b, std::size_t checksum_at) {
  put16(b, 40 + checksum_at, 0);
  std::uint32_t sum = 0;
  for (std::size_t i = 8; i < 40; i += 2) sum += wire::load_u16(b.data() + i);
  sum += static_cast<std::uint32_t>(b.size() - 40) + at8(b, 6);
  put16(b, 40 + checksum_at, internet_checksum(wire::byte_span{b}.subspan(40), sum));
}

// --- Vectors ----------------------------------------------------------------

/// RS from fe80::1 to all routers.
const wire::bytes rs_vector =
    hex("60 00 00 00 # version 6\n"
        "00 08 3a ff # payload length 8, ICMPv6, hop limit 255\n"
        "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 # source fe80::1\n"
        "ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 02 # destination ff02::2\n"
        "85 00 7d 36 # type 133, code 0, checksum\n"
        "00 00 00 00 # reserved\n");

/// RA from fe80::2 to all nodes: M set, O clear, MTU 1492, one /64 (L, A), one RDNSS.
const wire::bytes ra_vector =
    hex("60 00 00 00 # version 6\n"
        "00 50 3a ff # payload length 80, ICMPv6, hop limit 255\n"
        "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 02 # source fe80::2\n"
        "ff 02 00 00 00 00 00 00 00 00 00 00 00 00 00 01 # destination ff02::1\n"
        "86 00 9b 40 # type 134, code 0, checksum\n"
        "40 80 07 08 # cur hop limit 64, M, router lifetime 1800\n"
        "00 00 00 00 # reachable time\n"
        "00 00 00 00 # retrans timer\n"
        "05 01 00 00 00 00 05 d4 # MTU option: 1492\n"
        "03 04 40 c0 # Prefix Information: length 4 units, /64, L and A\n"
        "00 27 8d 00 # valid lifetime 2592000\n"
        "00 09 3a 80 # preferred lifetime 604800\n"
        "00 00 00 00 # reserved\n"
        "20 01 0d b8 00 01 00 02 00 00 00 00 00 00 00 00 # 2001:db8:1:2::\n"
        "19 03 00 00 # RDNSS: 3 units\n"
        "00 00 0e 10 # lifetime 3600\n"
        "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 53 # 2001:db8::53\n");
constexpr std::size_t ra_options_at = 40 + 16;

/// DHCPv6-sized UDP from fe80::1:546 to ff02::1:2:547 carrying 01 02 03 04.
const wire::bytes udp_vector =
    hex("60 00 00 00 # version 6\n"
        "00 0c 11 01 # payload length 12, UDP, hop limit 1\n"
        "fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 01 # source fe80::1\n"
        "ff 02 00 00 00 00 00 00 00 00 00 00 00 01 00 02 # destination ff02::1:2\n"
        "02 22 02 23 # ports 546 -> 547\n"
        "00 0c fa 03 # length 12, checksum\n"
        "01 02 03 04 # payload\n");

router_advertisement vector_ra() {
  router_advertisement ra;
  ra.managed = true;
  ra.mtu = 1492;
  ra.prefixes.push_back({ipv6_prefix::make(ipv6_address_of("2001:db8:1:2::"), 64)});
  ra.rdnss = {ipv6_address_of("2001:db8::53")};
  ra.rdnss_lifetime = 3600;
  return ra;
}

// --- Addresses --------------------------------------------------------------

TEST(IpNd, WellKnownGroups) {
  EXPECT_EQ(to_string(all_nodes()), "ff02::1");
  EXPECT_EQ(to_string(all_routers()), "ff02::2");
  EXPECT_EQ(to_string(all_dhcp_servers()), "ff02::1:2");
}

// --- Router Advertisement ---------------------------------------------------

TEST(IpNd, EncodesRaVector) {
  EXPECT_EQ(wire::to_hex(span(encode_router_advertisement(ipv6_address_of("fe80::2"), all_nodes(), vector_ra()))),
            wire::to_hex(span(ra_vector)));
}

TEST(IpNd, DecodesRaVector) {
  auto ra = decode_router_advertisement(span(ra_vector));
  ASSERT_TRUE(ra.ok()) << wire::to_string(ra.err());
  EXPECT_EQ(*ra, vector_ra());
  EXPECT_EQ(ra->cur_hop_limit, 64);
  EXPECT_TRUE(ra->managed);
  EXPECT_FALSE(ra->other);
  EXPECT_EQ(ra->router_lifetime, 1800);
  ASSERT_EQ(ra->prefixes.size(), 1u);
  EXPECT_EQ(to_string(ra->prefixes[0].prefix), "2001:db8:1:2::/64");
  EXPECT_EQ(ra->prefixes[0].valid_lifetime, 2592000u);
  EXPECT_EQ(ra->prefixes[0].preferred_lifetime, 604800u);
}

TEST(IpNd, RaRoundTripsEveryField) {
  router_advertisement ra;
  ra.cur_hop_limit = 0;
  ra.managed = false;
  ra.other = true;
  ra.router_lifetime = 0;
  ra.reachable_time = 30000;
  ra.retrans_timer = 1000;
  ra.prefixes.push_back({ipv6_prefix::make(ipv6_address_of("2001:db8:a::"), 64), true, false, 7200, 3600});
  ra.prefixes.push_back({ipv6_prefix::make(ipv6_address_of("2001:db8:b::"), 48), false, true, 0xffffffff, 0});
  ra.rdnss = {ipv6_address_of("2001:db8::1"), ipv6_address_of("2001:db8::2"), ipv6_address_of("2001:db8::3")};
  ra.rdnss_lifetime = 0xffffffff;
  auto packet = encode_router_advertisement(ipv6_address_of("fe80::1"), ipv6_address_of("fe80::99"), ra);
  EXPECT_EQ(at8(packet, 7), 255) << "hop limit";
  auto back = decode_router_advertisement(span(packet));
  ASSERT_TRUE(back.ok()) << wire::to_string(back.err());
  EXPECT_EQ(*back, ra);
  EXPECT_FALSE(back->mtu.has_value()) << "no MTU option";
}

TEST(IpNd, RaWithoutOptions) {
  router_advertisement ra;
  auto packet = encode_router_advertisement(ipv6_address_of("fe80::1"), all_nodes(), ra);
  EXPECT_EQ(packet.size(), 40u + 16u);
  auto back = decode_router_advertisement(span(packet));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, ra);
  EXPECT_TRUE(back->rdnss.empty());
}

TEST(IpNd, RaSkipsUnknownOptionsAndIgnoresLinkPadding) {
  auto packet = ra_vector;
  // A Source Link-Layer Address option (type 1, 8 bytes) is not ours but is valid.
  const auto slla = hex("01 01 02 00 5e 00 00 01");
  packet.insert(packet.end(), slla.begin(), slla.end());
  put16(packet, 4, static_cast<std::uint16_t>(packet.size() - 40));
  refix_checksum(packet, 2);
  packet.push_back(std::byte{0xee});  // link padding after the payload length
  auto ra = decode_router_advertisement(span(packet));
  ASSERT_TRUE(ra.ok()) << wire::to_string(ra.err());
  EXPECT_EQ(*ra, vector_ra());
}

struct broken_ra {
  const char* what;
  std::size_t at;
  std::uint8_t value;
  bool refix;  ///< recompute the checksum so only the field is wrong
  std::string_view reason;
  std::size_t offset;
};

TEST(IpNd, RaValidityFailures) {
  const broken_ra cases[] = {
      {"hop limit 64", 7, 64, false, "hop limit not 255", 7},
      {"code 1", 41, 1, true, "ICMPv6 code not 0", 41},
      {"bad checksum", 42, 0x00, false, "bad ICMPv6 checksum", 42},
      {"type RS", 40, 133, true, "unexpected ICMPv6 type", 40},
      {"global source", 8, 0x20, true, "RA source not link-local", 8},
      {"next header UDP", 6, 17, false, "not ICMPv6", 6},
      {"option length 0", ra_options_at + 1, 0, true, "ND option length 0", ra_options_at + 1},
      {"MTU option length 2", ra_options_at + 1, 2, true, "bad MTU option length", ra_options_at + 1},
      {"prefix option length 3", ra_options_at + 9, 3, true, "bad Prefix Information length", ra_options_at + 9},
      {"prefix length 129", ra_options_at + 10, 129, true, "prefix length over 128", ra_options_at + 10},
      {"RDNSS length 2", ra_options_at + 41, 2, true, "bad RDNSS option length", ra_options_at + 41},
      {"RDNSS length 5 overruns", ra_options_at + 41, 5, true, "ND option overruns the message", ra_options_at + 41},
  };
  for (const auto& c : cases) {
    auto packet = ra_vector;
    packet.at(c.at) = std::byte{c.value};
    if (c.refix) refix_checksum(packet, 2);
    auto ra = decode_router_advertisement(span(packet));
    ASSERT_FALSE(ra.ok()) << c.what;
    EXPECT_EQ(ra.err().reason, c.reason) << c.what;
    EXPECT_EQ(ra.err().offset, c.offset) << c.what;
  }
}

TEST(IpNd, RaTooShortForItsHeader) {
  auto packet = ra_vector;
  packet.resize(40 + 12);
  put16(packet, 4, 12);
  refix_checksum(packet, 2);
  auto ra = decode_router_advertisement(span(packet));
  ASSERT_FALSE(ra.ok());
  EXPECT_EQ(ra.err().reason, "truncated ICMPv6 message");
}

TEST(IpNd, RaChecksumCoversOptions) {
  auto packet = ra_vector;
  packet.back() = std::byte{0x54};  // the DNS server address is under the checksum
  EXPECT_EQ(decode_router_advertisement(span(packet)).err().reason, "bad ICMPv6 checksum");
}

// --- Router Solicitation ----------------------------------------------------

TEST(IpNd, EncodesRsVector) {
  EXPECT_EQ(wire::to_hex(span(encode_router_solicitation(ipv6_address_of("fe80::1")))), wire::to_hex(span(rs_vector)));
}

TEST(IpNd, DecodesRs) {
  auto rs = decode_router_solicitation(span(rs_vector));
  ASSERT_TRUE(rs.ok()) << wire::to_string(rs.err());
  EXPECT_EQ(to_string(rs->src), "fe80::1");

  auto from_unspecified = encode_router_solicitation(ipv6_address{});
  auto rs2 = decode_router_solicitation(span(from_unspecified));
  ASSERT_TRUE(rs2.ok()) << wire::to_string(rs2.err());
  EXPECT_EQ(rs2->src, ipv6_address{});
}

/// `rs` with a Source Link-Layer Address option appended, lengths and checksum fixed.
wire::bytes with_slla(wire::bytes rs) {
  const auto slla = hex("01 01 02 00 5e 00 00 01");
  rs.insert(rs.end(), slla.begin(), slla.end());
  put16(rs, 4, static_cast<std::uint16_t>(rs.size() - 40));
  refix_checksum(rs, 2);
  return rs;
}

TEST(IpNd, RsSourceLinkLayerOption) {
  auto from_link_local = with_slla(rs_vector);
  EXPECT_TRUE(decode_router_solicitation(span(from_link_local)).ok()) << "allowed from a unicast source";

  auto from_unspecified = with_slla(encode_router_solicitation(ipv6_address{}));
  auto rs = decode_router_solicitation(span(from_unspecified));
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.err().reason, "RS from :: with a source link-layer option");
  EXPECT_EQ(rs.err().offset, 48u);
}

TEST(IpNd, RsValidityFailures) {
  const broken_ra cases[] = {
      {"hop limit 1", 7, 1, false, "hop limit not 255", 7},
      {"code 3", 41, 3, true, "ICMPv6 code not 0", 41},
      {"bad checksum", 43, 0x37, false, "bad ICMPv6 checksum", 42},
      {"type echo", 40, 128, true, "unexpected ICMPv6 type", 40},
  };
  for (const auto& c : cases) {
    auto packet = rs_vector;
    packet.at(c.at) = std::byte{c.value};
    if (c.refix) refix_checksum(packet, 2);
    auto rs = decode_router_solicitation(span(packet));
    ASSERT_FALSE(rs.ok()) << c.what;
    EXPECT_EQ(rs.err().reason, c.reason) << c.what;
    EXPECT_EQ(rs.err().offset, c.offset) << c.what;
  }

  auto short_message = rs_vector;
  short_message.resize(44);
  put16(short_message, 4, 4);
  EXPECT_EQ(decode_router_solicitation(span(short_message)).err(), (wire::error{"truncated ICMPv6 message", 44}));
  EXPECT_EQ(decode_router_solicitation(span(udp_vector)).err(), (wire::error{"not ICMPv6", 6}));

  auto zero_length = with_slla(rs_vector);
  zero_length.at(49) = std::byte{0};
  refix_checksum(zero_length, 2);
  auto rs = decode_router_solicitation(span(zero_length));
  ASSERT_FALSE(rs.ok());
  EXPECT_EQ(rs.err().reason, "ND option length 0");
  EXPECT_EQ(rs.err().offset, 49u);

  auto short_option = with_slla(rs_vector);
  short_option.resize(short_option.size() - 2);
  put16(short_option, 4, static_cast<std::uint16_t>(short_option.size() - 40));
  refix_checksum(short_option, 2);
  EXPECT_EQ(decode_router_solicitation(span(short_option)).err().reason, "ND option overruns the message");
}

// --- Echo -------------------------------------------------------------------

TEST(IpNd, EchoRequestAndReply) {
  const auto subscriber = ipv6_address_of("fe80::1234");
  const auto ours = ipv6_address_of("fe80::1");
  auto request = make_echo_request(subscriber, ours, 0x4242, 7, 100);
  ASSERT_EQ(request.size(), 100u);
  EXPECT_EQ(at8(request, 40), 128);
  EXPECT_EQ(at8(request, 7), 64) << "hop limit";
  EXPECT_EQ(classify(span(request)), local_kind::echo_request);

  auto reply = make_echo_reply(span(request), ours);
  ASSERT_EQ(reply.size(), request.size());
  EXPECT_EQ(at8(reply, 40), 129);
  EXPECT_EQ(at8(reply, 41), 0);
  EXPECT_EQ(at8(reply, 7), 64);
  EXPECT_TRUE(std::equal(reply.begin() + 44, reply.end(), request.begin() + 44)) << "id, sequence, data";
  auto echo = parse_echo_reply(span(reply));
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->src, ours);
  EXPECT_EQ(echo->identifier, 0x4242);
  EXPECT_EQ(echo->sequence, 7);
  EXPECT_EQ(parse_ipv6(span(reply))->dst, subscriber);
  EXPECT_FALSE(parse_echo_reply(span(request)).has_value()) << "a request is not a reply";
}

TEST(IpNd, EchoRequestSizeIsClamped) {
  EXPECT_EQ(make_echo_request(ipv6_address_of("fe80::1"), ipv6_address_of("fe80::2"), 1, 1, 0).size(), 48u);
  EXPECT_EQ(make_echo_request(ipv6_address_of("fe80::1"), ipv6_address_of("fe80::2"), 1, 1, 200000).size(),
            40u + 0xffffu);
}

TEST(IpNd, NoEchoReplyForBadRequests) {
  const auto ours = ipv6_address_of("fe80::1");
  const auto request = make_echo_request(ipv6_address_of("fe80::2"), ours, 1, 2);
  EXPECT_TRUE(make_echo_reply(span(request), ipv6_address_of("fe80::3")).empty()) << "not ours";
  auto corrupt = request;
  corrupt.back() ^= std::byte{1};
  EXPECT_TRUE(make_echo_reply(span(corrupt), ours).empty()) << "checksum";
  EXPECT_TRUE(make_echo_reply(span(make_echo_request(ipv6_address{}, ours, 1, 2)), ours).empty()) << "from ::";
  EXPECT_TRUE(make_echo_reply(span(make_echo_reply(span(request), ours)), ipv6_address_of("fe80::2")).empty())
      << "a reply";
  EXPECT_TRUE(make_echo_reply(span(rs_vector), ipv6_address_of("ff02::2")).empty()) << "an RS";
  auto corrupt_reply = make_echo_reply(span(request), ours);
  corrupt_reply.back() ^= std::byte{1};
  EXPECT_FALSE(parse_echo_reply(span(corrupt_reply)).has_value());
}

// --- UDP --------------------------------------------------------------------

TEST(IpNd, EncodesUdpVector) {
  const auto payload = hex("01 02 03 04");
  EXPECT_EQ(wire::to_hex(span(encode_udp(ipv6_address_of("fe80::1"), all_dhcp_servers(), 546, 547, span(payload), 1))),
            wire::to_hex(span(udp_vector)));
}

TEST(IpNd, DecodesUdp) {
  auto d = decode_udp(span(udp_vector));
  ASSERT_TRUE(d.ok()) << wire::to_string(d.err());
  EXPECT_EQ(to_string(d->src), "fe80::1");
  EXPECT_EQ(to_string(d->dst), "ff02::1:2");
  EXPECT_EQ(d->hop_limit, 1);
  EXPECT_EQ(d->src_port, 546);
  EXPECT_EQ(d->dst_port, 547);
  EXPECT_EQ(wire::to_hex(d->payload), "01020304");
  EXPECT_EQ(d->payload.data(), udp_vector.data() + 48) << "a view into the packet";
}

TEST(IpNd, UdpRoundTripAndZeroChecksumIsSentAsOnes) {
  // Find a payload whose checksum computes to zero: RFC 768 sends it as ffff.
  bool saw_ones = false;
  for (unsigned v = 0; v < 0x10000 && !saw_ones; ++v) {
    const wire::bytes payload{static_cast<std::byte>(v >> 8), static_cast<std::byte>(v & 0xff)};
    auto packet = encode_udp(ipv6_address_of("2001:db8::1"), ipv6_address_of("2001:db8::2"), 1, 2, span(payload));
    auto d = decode_udp(span(packet));
    ASSERT_TRUE(d.ok()) << v << " " << wire::to_string(d.err());
    ASSERT_EQ(wire::to_bytes(d->payload), payload);
    saw_ones = wire::load_u16(packet.data() + 46) == 0xffff;
  }
  EXPECT_TRUE(saw_ones);
  const wire::bytes too_big(0x10000 - 8, std::byte{0});
  EXPECT_TRUE(encode_udp(ipv6_address_of("fe80::1"), ipv6_address_of("fe80::2"), 1, 2, span(too_big)).empty());
}

TEST(IpNd, UdpFailures) {
  auto zero = udp_vector;
  put16(zero, 46, 0);
  EXPECT_EQ(decode_udp(span(zero)).err(), (wire::error{"zero UDP checksum", 46}));
  auto bad = udp_vector;
  bad.back() = std::byte{5};
  EXPECT_EQ(decode_udp(span(bad)).err(), (wire::error{"bad UDP checksum", 46}));
  auto mismatch = udp_vector;
  put16(mismatch, 44, 11);
  EXPECT_EQ(decode_udp(span(mismatch)).err(), (wire::error{"UDP length mismatch", 44}));
  auto short_header = udp_vector;
  short_header.resize(46);
  put16(short_header, 4, 6);
  EXPECT_EQ(decode_udp(span(short_header)).err(), (wire::error{"truncated UDP header", 46}));
  EXPECT_EQ(decode_udp(span(rs_vector)).err(), (wire::error{"not UDP", 6}));
  auto v4 = udp_vector;
  v4[0] = std::byte{0x45};
  EXPECT_EQ(decode_udp(span(v4)).err().reason, "not IPv6");
}

// --- classify ---------------------------------------------------------------

/// A packet to `dst` whose upper layer (`next_header`) begins with `upper`.
wire::bytes packet_to(std::string_view dst, std::uint8_t next_header, const wire::bytes& upper,
                      std::string_view src = "fe80::1234") {
  wire::bytes p;
  wire::writer w{p};
  w.u32(0x60000000u);
  w.u16(static_cast<std::uint16_t>(upper.size()));
  w.u8(next_header);
  w.u8(255);
  const auto s = ipv6_address_of(src);
  const auto d = ipv6_address_of(dst);
  w.put(wire::byte_span{s});
  w.put(wire::byte_span{d});
  w.put(span(upper));
  return p;
}

TEST(IpNd, ClassifyTable) {
  const auto icmp = [](std::uint8_t type) {
    return wire::bytes{std::byte{type}, std::byte{0}, {}, {}, {}, {}, {}, {}};
  };
  const auto udp_to = [](std::uint16_t port) {
    wire::bytes u;
    wire::writer w{u};
    w.u16(546);
    w.u16(port);
    w.u16(8);
    w.u16(0);
    return u;
  };
  struct row {
    wire::bytes packet;
    local_kind kind;
    const char* what;
  };
  const row rows[] = {
      {packet_to("2001:db8::1", 58, icmp(133)), local_kind::forward, "RS to a global address"},
      {packet_to("2001:db8::1", 17, udp_to(547), "fe80::1"), local_kind::forward, "link-local source, global dst"},
      {packet_to("2001:db8::1", 6, {}), local_kind::forward, "TCP"},
      {packet_to("ff02::2", 58, icmp(133)), local_kind::router_solicitation, "RS to all routers"},
      {packet_to("fe80::1", 58, icmp(133)), local_kind::router_solicitation, "RS to our link-local"},
      {packet_to("ff02::1", 58, icmp(133)), local_kind::other_local, "RS to all nodes"},
      {packet_to("ff02::1:2", 17, udp_to(547)), local_kind::dhcpv6, "DHCPv6 to the group"},
      {packet_to("fe80::1", 17, udp_to(547)), local_kind::dhcpv6, "DHCPv6 to our link-local"},
      {packet_to("ff02::1:2", 17, udp_to(546)), local_kind::other_local, "UDP to another port"},
      {packet_to("ff05::1:3", 17, udp_to(547)), local_kind::other_local, "DHCPv6 to site scope servers"},
      {packet_to("fe80::1", 58, icmp(128)), local_kind::echo_request, "echo to our link-local"},
      {packet_to("ff02::1", 58, icmp(128)), local_kind::other_local, "echo to all nodes"},
      {packet_to("fe80::1", 58, icmp(129)), local_kind::other_local, "echo reply"},
      {packet_to("ff02::1:ff00:1", 58, icmp(135)), local_kind::neighbor_discovery, "NS (DAD)"},
      {packet_to("ff02::1", 58, icmp(136)), local_kind::neighbor_discovery, "NA"},
      {packet_to("fe80::1", 58, icmp(137)), local_kind::neighbor_discovery, "redirect"},
      {packet_to("ff02::1", 58, icmp(134)), local_kind::neighbor_discovery, "RA from the subscriber"},
      {packet_to("ff02::16", 58, icmp(143)), local_kind::other_local, "MLDv2 report"},
      {packet_to("ff02::1:ff00:1", 58, icmp(131)), local_kind::other_local, "MLDv1 report"},
      {packet_to("ff02::2", 0, icmp(133)), local_kind::other_local, "hop-by-hop before an RS"},
      {packet_to("ff02::2", 58, wire::bytes(4, std::byte{133})), local_kind::other_local, "truncated ICMPv6"},
      {packet_to("ff02::1:2", 17, wire::bytes(6, std::byte{0})), local_kind::other_local, "truncated UDP"},
  };
  for (const auto& r : rows) EXPECT_EQ(classify(span(r.packet)), r.kind) << r.what;

  EXPECT_EQ(classify({}), local_kind::forward) << "empty";
  auto short_header = packet_to("ff02::2", 58, icmp(133));
  EXPECT_EQ(classify(span(short_header).first(39)), local_kind::forward) << "truncated fixed header";
  auto overlong = short_header;
  put16(overlong, 4, 9);
  EXPECT_EQ(classify(span(overlong)), local_kind::forward) << "payload length past the buffer";
  auto v4 = short_header;
  v4[0] = std::byte{0x45};
  EXPECT_EQ(classify(span(v4)), local_kind::forward) << "not IPv6";
  auto padded = packet_to("ff02::2", 58, icmp(133));
  put16(padded, 4, 4);  // the ICMPv6 header continues into link padding
  EXPECT_EQ(classify(span(padded)), local_kind::other_local) << "only the payload length counts";
  EXPECT_EQ(classify(span(rs_vector)), local_kind::router_solicitation);
  EXPECT_EQ(classify(span(udp_vector)), local_kind::dhcpv6);
}

// --- Robustness -------------------------------------------------------------

TEST(IpNd, EveryTruncationIsAnError) {
  const auto request = make_echo_request(ipv6_address_of("fe80::2"), ipv6_address_of("fe80::1"), 1, 2, 64);
  const auto reply = make_echo_reply(span(request), ipv6_address_of("fe80::1"));
  for (std::size_t n = 0; n < ra_vector.size(); ++n) {
    EXPECT_FALSE(decode_router_advertisement(span(ra_vector).first(n)).ok()) << n;
    (void)classify(span(ra_vector).first(n));
  }
  for (std::size_t n = 0; n < rs_vector.size(); ++n) {
    EXPECT_FALSE(decode_router_solicitation(span(rs_vector).first(n)).ok()) << n;
  }
  for (std::size_t n = 0; n < udp_vector.size(); ++n) EXPECT_FALSE(decode_udp(span(udp_vector).first(n)).ok()) << n;
  for (std::size_t n = 0; n < reply.size(); ++n) {
    EXPECT_FALSE(parse_echo_reply(wire::byte_span{reply}.first(n)).has_value()) << n;
    EXPECT_TRUE(make_echo_reply(wire::byte_span{request}.first(n), ipv6_address_of("fe80::1")).empty()) << n;
  }
}

TEST(IpNd, TruncatedPayloadLengthIsAnError) {
  // The buffer is whole but the payload length cuts the message: the checksum or the option walk sees the cut.
  for (std::uint16_t length = 0; length < 80; ++length) {
    auto packet = ra_vector;
    put16(packet, 4, length);
    EXPECT_FALSE(decode_router_advertisement(span(packet)).ok()) << length;
  }
}

TEST(IpNd, RandomBytesNeverCrash) {
  // Mutations of valid packets: every decoder must return, whatever it decides.
  std::uint32_t seed = 12345;
  const wire::bytes* bases[] = {&ra_vector, &rs_vector, &udp_vector};
  for (int i = 0; i < 20000; ++i) {
    auto packet = *bases[i % 3];
    for (int flips = 0; flips < 3; ++flips) {
      seed = seed * 1664525u + 1013904223u;
      packet.at((seed >> 8) % packet.size()) = static_cast<std::byte>(seed >> 24);
    }
    (void)classify(span(packet));
    (void)decode_router_advertisement(span(packet));
    (void)decode_router_solicitation(span(packet));
    (void)decode_udp(span(packet));
    (void)parse_echo_reply(span(packet));
    (void)make_echo_reply(span(packet), ipv6_address_of("fe80::1"));
  }
  SUCCEED();
}

}  // namespace
}  // namespace bras::ip::nd

#include "tests/unit/ip_packet_test_util.hpp"

namespace bras::ip {
namespace {

using namespace ip_test;

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

// --- ICMP echo (load traffic) -----------------------------------------------

TEST(IpIcmp, EchoRequestIsWellFormed) {
  auto e = make_icmp_echo_request(subscriber, lns, 0x1234, 7, 128);
  ASSERT_EQ(e.size(), 128u);
  auto h = parse_ipv4(span(e));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->total_length, 128);
  EXPECT_EQ(h->protocol, proto::icmp);
  EXPECT_EQ(h->src, subscriber);
  EXPECT_EQ(h->dst, lns);
  EXPECT_FALSE(h->df);
  EXPECT_TRUE(ipv4_header_checksum_ok(span(e)));
  EXPECT_EQ(at8(e, 20), 8) << "type: echo request";
  EXPECT_EQ(at8(e, 21), 0);
  EXPECT_EQ(at16(e, 24), 0x1234) << "identifier";
  EXPECT_EQ(at16(e, 26), 7) << "sequence";
  EXPECT_EQ(internet_checksum(wire::byte_span{e}.subspan(20)), 0) << "ICMP checksum";
  EXPECT_EQ(make_icmp_echo_request(subscriber, lns, 1, 1, 3).size(), 28u) << "at least the two headers";
}

TEST(IpIcmp, EchoReplyParsedOnlyFromReplies) {
  auto request = make_icmp_echo_request(subscriber, lns, 0x1234, 7, 100);
  EXPECT_FALSE(parse_icmp_echo_reply(span(request))) << "a request is not a reply";
  // What a host answers: addresses swapped, type 0, checksum adjusted.
  auto reply = request;
  std::swap_ranges(reply.begin() + 12, reply.begin() + 16, reply.begin() + 16);
  reply[20] = std::byte{0};
  reply[22] = reply[23] = std::byte{0};
  const auto sum = internet_checksum(wire::byte_span{reply}.subspan(20));
  reply[22] = static_cast<std::byte>(sum >> 8);
  reply[23] = static_cast<std::byte>(sum & 0xff);
  auto r = parse_icmp_echo_reply(span(reply));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->src, lns);
  EXPECT_EQ(r->identifier, 0x1234);
  EXPECT_EQ(r->sequence, 7);
  for (std::size_t n = 0; n < 28; ++n) {
    EXPECT_FALSE(parse_icmp_echo_reply(wire::byte_span{reply}.first(n))) << "truncated to " << n;
  }
  EXPECT_FALSE(parse_icmp_echo_reply(span(ipv4_syn))) << "TCP";
}

}  // namespace
}  // namespace bras::ip

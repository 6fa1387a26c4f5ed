// dataplane/encap: MSS clamping in place and encapsulation into headroom.
#include "dataplane/encap.hpp"

#include "dataplane/data_path.hpp"

#include <algorithm>
#include <vector>

#include "tests/unit/ip_packet_test_util.hpp"

namespace bras::dataplane {
namespace {

using ip::ip_test::at16;
using ip::ip_test::hex;
using ip::ip_test::ipv4_syn;
using ip::ip_test::ipv4_syn_mss_at;
using ip::ip_test::ipv4_syn_with_options;
using ip::ip_test::ipv6_syn;
using ip::ip_test::upper_layer_checksum;

// --- Clamp in place ----------------------------------------------------------

TEST(DataplaneClamp, SynIsClampedInPlaceWithItsChecksumRight) {
  auto p = ipv4_syn;
  const auto* where = p.data();
  EXPECT_TRUE(clamp_in_place(p, false, 1420));
  EXPECT_EQ(p.data(), where) << "rewritten where it lies";
  EXPECT_EQ(at16(p, ipv4_syn_mss_at), 1420);
  EXPECT_EQ(upper_layer_checksum(p, 20, ip::proto::tcp), 0) << "TCP checksum verifies from scratch";
  EXPECT_FALSE(ip::tcp_mss_above(p, 1420)) << "nothing left to clamp";
}

TEST(DataplaneClamp, Ipv6UsesTheMssTwentyBytesLower) {
  auto p = ipv6_syn;
  ASSERT_TRUE(ip::tcp_mss_above(p, 1400));
  EXPECT_TRUE(clamp_in_place(p, true, 1420));
  EXPECT_EQ(at16(p, 40 + 20 + 2), 1400);
  EXPECT_EQ(upper_layer_checksum(p, 40, ip::proto::tcp), 0);
}

TEST(DataplaneClamp, NonSynIsUntouched) {
  const auto mss_option = hex("02 04 05 b4  # MSS 1460");
  for (std::uint8_t flags : {std::uint8_t{0x10}, std::uint8_t{0x18}, std::uint8_t{0x11}, std::uint8_t{0x04}}) {
    const auto original = ipv4_syn_with_options(mss_option, flags);  // ACK, PSH+ACK, FIN+ACK, RST
    auto p = original;
    EXPECT_FALSE(ip::tcp_mss_above(p, 1400)) << int{flags};
    EXPECT_FALSE(clamp_in_place(p, false, 1400)) << int{flags};
    EXPECT_EQ(p, original) << int{flags};
  }
  auto syn = ipv4_syn;
  EXPECT_FALSE(clamp_in_place(syn, false, 0)) << "no clamp configured";
  EXPECT_EQ(syn, ipv4_syn);
}

// --- Encapsulation -----------------------------------------------------------

struct encap_case {
  std::vector<std::byte> buffer;
  headroom_packet packet;
  const std::byte* payload_at;
};

/// `payload` behind `headroom` free bytes, as the tun reader leaves it.
encap_case behind_headroom(const wire::bytes& payload, std::size_t headroom = encap_headroom) {
  std::vector<std::byte> buffer(headroom + payload.size(), std::byte{0xee});
  std::copy(payload.begin(), payload.end(), buffer.begin() + static_cast<std::ptrdiff_t>(headroom));
  headroom_packet p{buffer, headroom, payload.size()};
  const auto* at = buffer.data() + headroom;
  return {std::move(buffer), p, at};
}

void fill(data_session& s) {
  s.peer_tunnel_id = 0x1234;
  s.peer_session_id = 0x0005;
}

TEST(DataplaneEncap, IpPacketWithoutSequencing) {
  data_session s;
  fill(s);
  auto c = behind_headroom(hex("45 00 00 14"));
  c.packet = headroom_packet{c.buffer, encap_headroom, 4};
  ASSERT_TRUE(encapsulate(s, 0x0021, c.packet));
  EXPECT_EQ(wire::bytes(c.packet.bytes().begin(), c.packet.bytes().end()),
            hex("00 02 | 12 34 | 00 05 # L2TP: T=0 S=0, tunnel 0x1234, session 5\n"
                "ff 03 | 00 21         # PPP: address/control, IPv4\n"
                "45 00 00 14           # the packet, where it was read\n"));
  EXPECT_EQ(c.packet.bytes().data() + 10, c.payload_at) << "no copy";
  EXPECT_EQ(s.next_ns.load(), 0) << "no Ns consumed";
}

TEST(DataplaneEncap, IpPacketWithSequencingAndCompression) {
  data_session s;
  fill(s);
  s.sequencing = true;
  s.next_ns = 7;
  s.acfc = true;
  s.pfc = true;
  auto c = behind_headroom(hex("60 00"));
  c.packet = headroom_packet{c.buffer, encap_headroom, 2};
  ASSERT_TRUE(encapsulate(s, 0x0057, c.packet));
  EXPECT_EQ(wire::bytes(c.packet.bytes().begin(), c.packet.bytes().end()),
            hex("08 02 | 12 34 | 00 05 # L2TP: S=1\n"
                "00 07 | 00 00         # Ns 7, Nr 0\n"
                "57                    # PPP: ACFC, PFC: IPv6 in one byte\n"
                "60 00\n"));
  EXPECT_EQ(s.next_ns.load(), 8);
}

TEST(DataplaneEncap, ControlFrameGetsNoPppHeader) {
  data_session s;
  fill(s);
  s.acfc = true;
  auto c = behind_headroom(hex("ff 03 c0 21 09 01 00 08"));
  c.packet = headroom_packet{c.buffer, encap_headroom, 8};
  ASSERT_TRUE(encapsulate(s, 0, c.packet));
  EXPECT_EQ(wire::bytes(c.packet.bytes().begin(), c.packet.bytes().end()),
            hex("00 02 | 12 34 | 00 05 | ff 03 c0 21 09 01 00 08"));
}

TEST(DataplaneEncap, TooLittleHeadroomChangesNothing) {
  data_session s;
  fill(s);
  s.sequencing = true;
  auto c = behind_headroom(hex("45 00"), 12);
  c.packet = headroom_packet{c.buffer, 12, 2};
  EXPECT_FALSE(encapsulate(s, 0x0021, c.packet)) << "needs 10 + 4";
  EXPECT_EQ(c.packet.headroom(), 12u);
  EXPECT_EQ(c.packet.bytes().size(), 2u);
  EXPECT_EQ(s.next_ns.load(), 0);
}

// --- The fast path from tun: read once, sent from the same buffer -------------

/// Records where each datagram's bytes were when handed to the kernel.
struct recording_transport final : transport {
  bool send(std::uint16_t, udp_peer, wire::byte_span data) noexcept override {
    sent.emplace_back(data.begin(), data.end());
    where.push_back(data.data());
    return true;
  }
  [[nodiscard]] udp_peer local(std::uint16_t) const noexcept override { return {}; }
  std::vector<wire::bytes> sent;
  std::vector<const std::byte*> where;
};

TEST(DataplaneFastPath, PacketFromTunIsSentFromItsReadBufferWithTheSynClamped) {
  session_table table;
  model::counters stats;
  recording_transport tx;
  data_path path{config::data_path_mode::fast_path, table, stats, tx, nullptr};
  auto s = std::make_shared<data_session>();
  fill(*s);
  s->tcp_mss = 1420;
  table.add(s);
  const std::uint32_t subscriber = 0x0a000002;  // 10.0.0.2, ipv4_syn's source: here its destination
  ASSERT_TRUE(table.bind_ipv4(s, subscriber));

  // The SYN as if from the Internet to the subscriber: swap the addresses (the TCP checksum covers
  // them as a sum, so it stays right).
  auto syn = ipv4_syn;
  std::swap_ranges(syn.begin() + 12, syn.begin() + 16, syn.begin() + 16);
  auto c = behind_headroom(syn);
  c.packet = headroom_packet{c.buffer, encap_headroom, syn.size()};
  path.from_tun(c.packet);

  ASSERT_EQ(tx.sent.size(), 1u);
  EXPECT_EQ(tx.where[0] + 10, c.payload_at) << "L2TP (6) and PPP (4) headers in the headroom, no copy";
  wire::bytes packet(tx.sent[0].begin() + 10, tx.sent[0].end());
  EXPECT_EQ(at16(packet, ipv4_syn_mss_at), 1420);
  EXPECT_EQ(upper_layer_checksum(packet, 20, ip::proto::tcp), 0);
  EXPECT_EQ(s->mss_clamped.load(), 1u);
  EXPECT_EQ(s->tx_packets.load(), 1u);
  EXPECT_EQ(s->tx_bytes.load(), syn.size());
}

}  // namespace
}  // namespace bras::dataplane

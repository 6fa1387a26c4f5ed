#include "protocol/pppoe/ethernet.hpp"

#include <algorithm>

#include "tests/unit/test_util.hpp"

namespace bras::eth {
namespace {

using test::hex;

constexpr mac_address broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr mac_address client{0x00, 0x11, 0x22, 0x33, 0x44, 0x55};

bool same(wire::byte_span a, wire::byte_span b) {
  return std::ranges::equal(a, b);
}

wire::bytes encoded(const header& h, wire::byte_span payload) {
  wire::bytes out;
  wire::writer w{out};
  auto s = encode(h, payload, w);
  EXPECT_TRUE(s.ok()) << wire::to_string(s.err());
  return out;
}

const wire::bytes untagged =
    hex("ff ff ff ff ff ff  # dst broadcast\n"
        "00 11 22 33 44 55  # src\n"
        "88 63              # ethertype PPPoE Discovery\n"
        "11 09 0000 0004    # payload: PPPoE PADI header\n"
        "0101 0000          #          Service-Name, empty\n");

const wire::bytes single_tagged =
    hex("ff ff ff ff ff ff  # dst broadcast\n"
        "00 11 22 33 44 55  # src\n"
        "81 00              # TPID 802.1Q\n"
        "a0 64              # TCI: PCP 5, DEI 0, VID 100\n"
        "88 64              # ethertype PPPoE Session\n"
        "11 00 0001 0002 c021 # payload\n");

const wire::bytes qinq =
    hex("00 11 22 33 44 55  # dst\n"
        "02 00 00 00 00 01  # src\n"
        "88 a8              # outer TPID 802.1ad\n"
        "30 0a              # TCI: PCP 1, DEI 1, VID 10\n"
        "81 00              # inner TPID 802.1Q\n"
        "0f ff              # TCI: PCP 0, DEI 0, VID 4095\n"
        "88 63              # ethertype PPPoE Discovery\n"
        "aa bb              # payload\n");

TEST(Ethernet, DecodesUntaggedFrame) {
  auto f = decode(test::span(untagged));
  ASSERT_TRUE(f.ok()) << wire::to_string(f.err());
  EXPECT_EQ(f->hdr.dst, broadcast);
  EXPECT_EQ(f->hdr.src, client);
  EXPECT_FALSE(f->hdr.outer_vlan.has_value());
  EXPECT_FALSE(f->hdr.inner_vlan.has_value());
  EXPECT_EQ(f->hdr.ethertype, ethertype_pppoe_discovery);
  EXPECT_EQ(header_size(f->hdr), 14u);
  EXPECT_EQ(f->payload.data(), untagged.data() + 14) << "payload is a view, not a copy";
  EXPECT_EQ(f->payload.size(), untagged.size() - 14);
  EXPECT_EQ(encoded(f->hdr, f->payload), untagged);
}

TEST(Ethernet, DecodesSingleVlanTag) {
  auto f = decode(test::span(single_tagged));
  ASSERT_TRUE(f.ok()) << wire::to_string(f.err());
  ASSERT_TRUE(f->hdr.outer_vlan.has_value());
  EXPECT_EQ(*f->hdr.outer_vlan, (vlan_tag{tpid_8021q, 5, false, 100}));
  EXPECT_FALSE(f->hdr.inner_vlan.has_value());
  EXPECT_EQ(f->hdr.ethertype, ethertype_pppoe_session);
  EXPECT_EQ(header_size(f->hdr), 18u);
  EXPECT_TRUE(same(f->payload, test::span(hex("11 00 0001 0002 c021"))));
  EXPECT_EQ(encoded(f->hdr, f->payload), single_tagged);
}

TEST(Ethernet, DecodesQinQ) {
  auto f = decode(test::span(qinq));
  ASSERT_TRUE(f.ok()) << wire::to_string(f.err());
  EXPECT_EQ(f->hdr.outer_vlan, (vlan_tag{tpid_8021ad, 1, true, 10}));
  EXPECT_EQ(f->hdr.inner_vlan, (vlan_tag{tpid_8021q, 0, false, 4095}));
  EXPECT_EQ(f->hdr.ethertype, ethertype_pppoe_discovery);
  EXPECT_EQ(header_size(f->hdr), 22u);
  EXPECT_TRUE(same(f->payload, test::span(hex("aa bb"))));
  EXPECT_EQ(encoded(f->hdr, f->payload), qinq);
}

TEST(Ethernet, AcceptsLegacyQinQTpid) {
  auto b =
      hex("ffffffffffff 001122334455\n"
          "91 00 e0 07  # TPID 0x9100, PCP 7, VID 7\n"
          "88 63        # ethertype\n");
  auto f = decode(test::span(b));
  ASSERT_TRUE(f.ok()) << wire::to_string(f.err());
  EXPECT_EQ(f->hdr.outer_vlan, (vlan_tag{tpid_qinq_legacy, 7, false, 7}));
  EXPECT_TRUE(f->payload.empty());
  EXPECT_EQ(encoded(f->hdr, {}), b);
}

TEST(Ethernet, EncodesBuiltHeader) {
  header h;
  h.dst = client;
  h.src = mac_address{0x02, 0, 0, 0, 0, 1};
  h.outer_vlan = vlan_tag{tpid_8021ad, 1, true, 10};
  h.inner_vlan = vlan_tag{tpid_8021q, 0, false, 4095};
  h.ethertype = ethertype_pppoe_discovery;
  EXPECT_EQ(encoded(h, test::span(hex("aa bb"))), qinq);
}

TEST(Ethernet, RejectsThreeVlanTags) {
  auto b =
      hex("ffffffffffff 001122334455\n"
          "88a8 000a  # outer\n"
          "8100 0064  # inner\n"
          "8100 0001  # a third tag, at offset 20\n"
          "8863\n");
  auto f = decode(test::span(b), 100);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.err(), (wire::error{"more than two VLAN tags", 120}));
}

TEST(Ethernet, Rejects8023LengthField) {
  auto b = hex("ffffffffffff 001122334455 | 0040 # 802.3 length 64\n");
  auto f = decode(test::span(b));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.err(), (wire::error{"802.3 length instead of an ethertype", 12}));
}

TEST(Ethernet, EveryTruncationFailsOrDecodesAShorterPayload) {
  for (const wire::bytes* frame_bytes : {&untagged, &single_tagged, &qinq}) {
    auto full = decode(test::span(*frame_bytes));
    ASSERT_TRUE(full.ok());
    std::size_t hsize = header_size(full->hdr);
    for (std::size_t n = 0; n < frame_bytes->size(); ++n) {
      wire::byte_span prefix{frame_bytes->data(), n};
      auto f = decode(prefix, 7);
      if (n < hsize) {
        ASSERT_FALSE(f.ok()) << "prefix " << n;
        EXPECT_EQ(f.err().reason, "truncated");
        EXPECT_LE(f.err().offset, 7 + n);
        std::size_t at = f.err().offset - 7;
        EXPECT_TRUE(at == 0 || at == 6 || at == 12 || at == 14 || at == 16 || at == 18 || at == 20)
            << "points at the start of the field that did not fit, not " << at;
      } else {
        ASSERT_TRUE(f.ok()) << "prefix " << n;
        EXPECT_EQ(f->hdr, full->hdr);
        EXPECT_EQ(f->payload.size(), n - hsize);
      }
    }
  }
}

TEST(Ethernet, EncoderRejectsUnrepresentableHeaders) {
  wire::bytes out;
  wire::writer w{out};
  header h;
  h.ethertype = ethertype_pppoe_session;
  h.inner_vlan = vlan_tag{};
  EXPECT_FALSE(encode(h, w).ok()) << "inner tag without outer";
  h.inner_vlan.reset();
  h.outer_vlan = vlan_tag{0x8000, 0, false, 1};
  EXPECT_FALSE(encode(h, w).ok()) << "unknown TPID";
  h.outer_vlan = vlan_tag{tpid_8021q, 8, false, 1};
  EXPECT_FALSE(encode(h, w).ok()) << "PCP above 7";
  h.outer_vlan = vlan_tag{tpid_8021q, 0, false, 4096};
  EXPECT_FALSE(encode(h, w).ok()) << "VID above 4095";
  h.outer_vlan.reset();
  h.ethertype = tpid_8021q;
  EXPECT_FALSE(encode(h, w).ok()) << "ethertype that reads back as a tag";
  h.ethertype = 0x05dc;
  EXPECT_FALSE(encode(h, w).ok()) << "802.3 length";
  EXPECT_TRUE(out.empty()) << "a failed encode appends nothing";
}

}  // namespace
}  // namespace bras::eth

// The access concentrator's limits: AC-Cookie binding and rotation, PADI rate
// limits (global and per MAC, with bounded memory), and the session limits
// with the refusal tag and counter reason of each.
#include <random>
#include <string>

#include "protocol/pppoe/access_concentrator.hpp"
#include "protocol/pppoe/access_concentrator_limits.hpp"
#include "tests/unit/pppoe_ac_fixture.hpp"

namespace bras::pppoe {
namespace {

using namespace test;

class AcLimitsTest : public AcTest {
 protected:
  ac_effects padr_with(const eth::header& h, const wire::bytes& cookie, std::string uniq = "u") {
    return receive(to_us(h), request(packet_code::padr, "", {ac_cookie{cookie}, host_uniq{wire::to_bytes(uniq)}}));
  }
};

TEST_F(AcLimitsTest, PadrWithoutOrWithAForgedCookieIsDropped) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  auto effects = receive(to_us(h), request(packet_code::padr, ""));
  EXPECT_EQ(refusal_of(effects), refusal::bad_cookie);
  EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  auto cookie = cookie_from_pado(h, "");
  ASSERT_GE(cookie.size(), 16U);
  cookie[3] ^= std::byte{0x01};
  effects = padr_with(h, cookie);
  EXPECT_EQ(refusal_of(effects), refusal::bad_cookie);
  EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  EXPECT_EQ(refusal_of(padr_with(h, wire::bytes(16))), refusal::bad_cookie);
  EXPECT_EQ(refusal_of(padr_with(h, wire::bytes{})), refusal::bad_cookie);
  EXPECT_EQ(ac->sessions(), 0U);
}

TEST_F(AcLimitsTest, CookieIsBoundToTheMacTheVlansAndThePort) {
  auto c = base_config();
  c.ports.push_back(c.ports[0]);
  c.ports[1].mac = ac_macs[1];
  make(c);
  auto h = from_client(client_mac, broadcast, 150);
  auto cookie = cookie_from_pado(h, "");
  // Replayed by another MAC.
  EXPECT_EQ(refusal_of(padr_with(from_client(other_mac, broadcast, 150), cookie)), refusal::bad_cookie);
  // From another VLAN, untagged, or inside QinQ.
  EXPECT_EQ(refusal_of(padr_with(from_client(client_mac, broadcast, 151), cookie)), refusal::bad_cookie);
  EXPECT_EQ(refusal_of(padr_with(from_client(client_mac, broadcast), cookie)), refusal::bad_cookie);
  EXPECT_EQ(refusal_of(padr_with(from_client(client_mac, broadcast, 150, 1), cookie)), refusal::bad_cookie);
  // On another port.
  auto other_port =
      ac->receive(1, to_us(h, ac_macs[1]), encoded(request(packet_code::padr, "", {ac_cookie{cookie}})), now);
  EXPECT_EQ(refusal_of(other_port), refusal::bad_cookie);
  // QinQ cookies differ by inner VID.
  auto qinq = cookie_from_pado(from_client(client_mac, broadcast, 1000, 5), "");
  EXPECT_EQ(refusal_of(padr_with(from_client(client_mac, broadcast, 1000, 6), qinq)), refusal::bad_cookie);
  // The right one opens the session.
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie)).size(), 1U);
  EXPECT_EQ(all_of<open_session>(padr_with(from_client(client_mac, broadcast, 1000, 5), qinq, "q")).size(), 1U);
}

TEST_F(AcLimitsTest, CookiesUnderTheCurrentAndThePreviousSecretAreValidOlderAreNot) {
  make(base_config());
  auto h = from_client(client_mac, broadcast);
  auto oldest = cookie_from_pado(h, "");
  ac->rotate_secret(secret('b'));
  auto previous = cookie_from_pado(h, "");
  EXPECT_NE(previous, oldest);
  ac->rotate_secret(secret('c'));
  auto current = cookie_from_pado(h, "");
  EXPECT_EQ(all_of<open_session>(padr_with(h, current, "1")).size(), 1U);
  EXPECT_EQ(all_of<open_session>(padr_with(h, previous, "2")).size(), 1U);
  auto effects = padr_with(h, oldest, "3");
  EXPECT_EQ(refusal_of(effects), refusal::bad_cookie);
  EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  EXPECT_EQ(ac->sessions(), 2U);
}

TEST_F(AcLimitsTest, GlobalPadiRateIsATokenBucketWithBurstEqualToRate) {
  auto c = base_config();
  c.padi_rate = 10;
  make(c);
  auto padi_from = [&](unsigned i) {
    eth::mac_address mac = client_mac;
    mac[4] = static_cast<std::uint8_t>(i >> 8);
    mac[5] = static_cast<std::uint8_t>(i);
    return receive(from_client(mac, broadcast), request(packet_code::padi, ""));
  };
  for (unsigned i = 0; i < 10; ++i) EXPECT_EQ(all_of<send_discovery>(padi_from(i)).size(), 1U) << i;
  auto effects = padi_from(10);
  EXPECT_EQ(refusal_of(effects), refusal::padi_rate);
  EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  // 100 ms later one token is back, and only one.
  now += std::chrono::milliseconds{100};
  EXPECT_EQ(all_of<send_discovery>(padi_from(11)).size(), 1U);
  EXPECT_EQ(refusal_of(padi_from(12)), refusal::padi_rate);
  // A full second refills the burst, not more.
  now += std::chrono::seconds{5};
  for (unsigned i = 20; i < 30; ++i) EXPECT_EQ(all_of<send_discovery>(padi_from(i)).size(), 1U) << i;
  EXPECT_EQ(refusal_of(padi_from(30)), refusal::padi_rate);
}

TEST_F(AcLimitsTest, PerMacPadiRateLeavesOtherMacsAlone) {
  auto c = base_config();
  c.padi_rate = 10;
  c.padi_rate_per_mac = 2;
  make(c);
  auto h = from_client(client_mac, broadcast);
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
  for (int i = 0; i < 20; ++i) {
    auto effects = receive(h, request(packet_code::padi, ""));
    EXPECT_EQ(refusal_of(effects), refusal::padi_rate_per_mac);
    EXPECT_TRUE(all_of<send_discovery>(effects).empty());
  }
  // The noisy MAC did not spend the global tokens: 8 remain for others.
  for (unsigned i = 0; i < 8; ++i) {
    eth::mac_address mac = other_mac;
    mac[5] = static_cast<std::uint8_t>(i);
    EXPECT_EQ(all_of<send_discovery>(receive(from_client(mac, broadcast), request(packet_code::padi, ""))).size(), 1U)
        << i;
  }
  now += std::chrono::milliseconds{500};
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
}

TEST_F(AcLimitsTest, BrokenPadisCountAsMalformedWhateverTheirRate) {
  auto c = base_config();
  c.padi_rate = 10;
  c.padi_rate_per_mac = 2;
  make(c);
  auto h = from_client(client_mac, broadcast);
  discovery with_session_id = request(packet_code::padi, "");
  with_session_id.session_id = 7;
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(refusal_of(receive(h, with_session_id)), refusal::malformed) << i;
    EXPECT_EQ(refusal_of(receive(h, discovery{packet_code::padi, 0, {}, false})), refusal::malformed) << i;
  }
  // They spent no tokens: the client's well-formed PADIs are answered.
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
  EXPECT_EQ(refusal_of(receive(h, request(packet_code::padi, ""))), refusal::padi_rate_per_mac);
}

TEST_F(AcLimitsTest, PerMacBucketsStayBoundedUnderAFloodOfRandomMacs) {
  auto c = base_config();
  c.padi_rate = 0;  // no global limit: every MAC reaches its own bucket
  c.padi_rate_per_mac = 1;
  make(c);
  std::mt19937_64 random{42};
  wire::bytes padi = encoded(request(packet_code::padi, ""));
  for (unsigned i = 0; i < 100000; ++i) {
    std::uint64_t bits = random();
    eth::mac_address mac{};
    for (std::size_t b = 0; b < mac.size(); ++b) mac[b] = static_cast<std::uint8_t>(bits >> (8 * b));
    mac[0] &= 0xfe;  // unicast
    (void)ac->receive(0, from_client(mac, broadcast), padi, now);
  }
  EXPECT_GT(ac->tracked_macs(), 0U);
  EXPECT_LE(ac->tracked_macs(), 16384U);
  // A MAC seen just now is still limited.
  auto h = from_client(client_mac, broadcast);
  EXPECT_EQ(all_of<send_discovery>(receive(h, request(packet_code::padi, ""))).size(), 1U);
  EXPECT_EQ(refusal_of(receive(h, request(packet_code::padi, ""))), refusal::padi_rate_per_mac);
}

TEST_F(AcLimitsTest, MaxSessionsRefusesWithAcSystemError) {
  auto c = base_config();
  c.max_sessions = 2;
  make(c);
  auto h = from_client(client_mac, broadcast);
  auto cookie = cookie_from_pado(h, "");
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie, "1")).size(), 1U);
  auto second = all_of<open_session>(padr_with(h, cookie, "2"));
  ASSERT_EQ(second.size(), 1U);
  auto effects = padr_with(h, cookie, "3");
  EXPECT_EQ(refusal_of(effects), refusal::max_sessions);
  auto pads = only_frame(effects);
  EXPECT_EQ(pads.d.code, packet_code::pads);
  EXPECT_EQ(pads.d.session_id, 0);
  ASSERT_NE(find<ac_system_error>(pads.d), nullptr);
  EXPECT_FALSE(find<ac_system_error>(pads.d)->message.empty());
  EXPECT_EQ(find<host_uniq>(pads.d)->value, wire::to_bytes("3"));
  // Ending one makes room.
  (void)ac->session_ended(0, second[0].session_id, "", false);
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie, "3")).size(), 1U);
}

TEST_F(AcLimitsTest, MaxSessionsPerMacRefusesWithGenericError) {
  auto c = base_config();
  c.max_sessions_per_mac = 1;
  make(c);
  auto h = from_client(client_mac, broadcast);
  auto cookie = cookie_from_pado(h, "");
  auto first = all_of<open_session>(padr_with(h, cookie, "1"));
  ASSERT_EQ(first.size(), 1U);
  auto effects = padr_with(h, cookie, "2");
  EXPECT_EQ(refusal_of(effects), refusal::max_sessions_per_mac);
  auto pads = only_frame(effects);
  EXPECT_EQ(pads.d.session_id, 0);
  ASSERT_NE(find<generic_error>(pads.d), nullptr);
  EXPECT_NE(find<generic_error>(pads.d)->message.find("MAC"), std::string::npos);
  // Another MAC is not affected; the first MAC gets room back when its session ends.
  EXPECT_EQ(all_of<open_session>(connect(from_client(other_mac, broadcast), "")).size(), 1U);
  (void)ac->session_ended(0, first[0].session_id, "", false);
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie, "2")).size(), 1U);
}

TEST_F(AcLimitsTest, MaxSessionsPerVlanFromTheRuleElseThePort) {
  auto c = base_config();
  c.ports[0].max_sessions_per_vlan = 2;
  c.ports[0].vlans[1].max_sessions = 1;  // the QinQ rule: one per VID pair
  make(c);
  auto mac_n = [](unsigned i) {
    eth::mac_address mac = other_mac;
    mac[5] = static_cast<std::uint8_t>(i);
    return mac;
  };
  // Single-tag VLAN 150 (rule without its own cap): the port's 2.
  EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(1), broadcast, 150), "")).size(), 1U);
  EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(2), broadcast, 150), "")).size(), 1U);
  auto effects = connect(from_client(mac_n(3), broadcast, 150), "");
  EXPECT_EQ(refusal_of(effects), refusal::max_sessions_per_vlan);
  ASSERT_NE(find<generic_error>(only_frame(effects).d), nullptr);
  EXPECT_NE(find<generic_error>(only_frame(effects).d)->message.find("VLAN"), std::string::npos);
  // VLAN 151 counts on its own.
  EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(3), broadcast, 151), "")).size(), 1U);
  // QinQ: the rule's 1 per VID pair.
  EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(4), broadcast, 1000, 5), "")).size(), 1U);
  EXPECT_EQ(refusal_of(connect(from_client(mac_n(5), broadcast, 1000, 5), "")), refusal::max_sessions_per_vlan);
  EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(5), broadcast, 1000, 6), "")).size(), 1U);
  // Untagged access is no VLAN: not capped per VLAN.
  for (unsigned i = 10; i < 15; ++i) {
    EXPECT_EQ(all_of<open_session>(connect(from_client(mac_n(i), broadcast), "")).size(), 1U) << i;
  }
}

TEST_F(AcLimitsTest, MaxStartingRefusesUntilCallsComeUp) {
  auto c = base_config();
  c.max_starting = 2;
  make(c);
  auto h = from_client(client_mac, broadcast);
  auto cookie = cookie_from_pado(h, "");
  auto first = all_of<open_session>(padr_with(h, cookie, "1"));
  ASSERT_EQ(first.size(), 1U);
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie, "2")).size(), 1U);
  auto effects = padr_with(h, cookie, "3");
  EXPECT_EQ(refusal_of(effects), refusal::max_starting);
  ASSERT_NE(find<ac_system_error>(only_frame(effects).d), nullptr);
  EXPECT_NE(find<ac_system_error>(only_frame(effects).d)->message.find("busy"), std::string::npos);
  EXPECT_EQ(ac->starting(), 2U);
  ac->session_up(0, first[0].session_id);
  ac->session_up(0, first[0].session_id);  // twice: counted once
  EXPECT_EQ(ac->starting(), 1U);
  EXPECT_EQ(all_of<open_session>(padr_with(h, cookie, "3")).size(), 1U);
  EXPECT_EQ(ac->sessions(), 3U);
}

TEST(PppoeSessionIds, EveryIdOnceNotInCountingOrderAndReturned) {
  for (std::uint16_t multiplier : {0, 1, 2, 0x9e37, 0xffff}) {
    session_ids ids{multiplier};
    std::vector<bool> seen(65536, false);
    std::vector<std::uint16_t> order;
    for (unsigned i = 0; i < 65534; ++i) {  // 1..0xfffe: RFC 2516 reserves 0xffff
      auto id = ids.allocate();
      ASSERT_TRUE(id) << i;
      ASSERT_NE(*id, 0);
      ASSERT_NE(*id, 0xffff);
      ASSERT_FALSE(seen[*id]) << *id;
      seen[*id] = true;
      if (order.size() < 3) order.push_back(*id);
    }
    EXPECT_FALSE(ids.allocate());
    if (multiplier > 1) {
      EXPECT_NE(order, (std::vector<std::uint16_t>{1, 2, 3}));
    }
    EXPECT_TRUE(ids.release(order[1]));
    EXPECT_FALSE(ids.release(order[1]));  // not held any more
    EXPECT_EQ(ids.allocate(), order[1]);
  }
}

TEST(PppoeCheck, RefusingPadsWithSessionIdZero) {
  // The AC's refusals for limits: SESSION_ID 0 with AC-System-Error or Generic-Error is valid.
  EXPECT_TRUE(check_pads(discovery{packet_code::pads, 0, {service_name{""}, ac_system_error{"busy"}}, false}).ok());
  EXPECT_TRUE(check_pads(discovery{packet_code::pads, 0, {generic_error{"too many"}}, false}).ok());
  // Without an error tag SESSION_ID 0 is still wrong.
  auto s = check_pads(discovery{packet_code::pads, 0, {service_name{""}}, false});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.err().reason, "PADS session id zero without Service-Name-Error");
}

TEST_F(AcLimitsTest, EveryRefusalHasACounterName) {
  for (auto r : {refusal::malformed, refusal::vlan_not_configured, refusal::padi_rate, refusal::padi_rate_per_mac,
                 refusal::service_name, refusal::bad_cookie, refusal::max_sessions, refusal::max_sessions_per_mac,
                 refusal::max_sessions_per_vlan, refusal::max_starting, refusal::not_for_us, refusal::unexpected_code,
                 refusal::unknown_session}) {
    EXPECT_NE(to_string(r), "unknown");
  }
  EXPECT_EQ(to_string(refusal::bad_cookie), "bad-cookie");
  EXPECT_EQ(to_string(refusal::max_sessions_per_vlan), "max-sessions-per-vlan");
}

}  // namespace
}  // namespace bras::pppoe

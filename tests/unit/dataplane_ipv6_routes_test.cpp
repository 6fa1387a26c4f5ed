// The session table's IPv6 prefix routes: the /64 and the delegated prefix
// of each session, longest match per downstream packet, overlapping binds
// refused, the anti-spoofing fields kept in step, remove() dropping both.
#include <gtest/gtest.h>

#include <memory>
#include <string_view>

#include "dataplane/session_table.hpp"
#include "tests/unit/test_util.hpp"

namespace bras::dataplane {
namespace {

using test::ipv6_address_of;
using test::ipv6_prefix_of;

using route = session_table::ipv6_route;

data_session_ptr session(std::uint16_t id) {
  auto s = std::make_shared<data_session>();
  s->local_tunnel_id = 1;
  s->local_session_id = id;
  return s;
}

TEST(Ipv6Routes, LinkAndDelegatedPrefixesRouteToTheirSession) {
  session_table t;
  auto a = session(1);
  auto b = session(2);
  t.add(a);
  t.add(b);
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::link, ipv6_prefix_of("2001:db8:100:1::/64")));
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  ASSERT_TRUE(t.bind_ipv6_prefix(b, route::link, ipv6_prefix_of("2001:db8:100:2::/64")));
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:1::1")), a);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:1:ffff:ffff:ffff:ffff")), a);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:1ff:1234::9")), a);  // inside the /56
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:2::42")), b);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:3::1")), nullptr);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:200::1")), nullptr);  // past the /56
  EXPECT_EQ(t.ipv6_link_routes(), 2u);
  EXPECT_EQ(t.ipv6_delegated_routes(), 1u);
  // The anti-spoofing fields hold the upper 64 bits and the length.
  EXPECT_EQ(a->ipv6_link_net.load(), 0x20010db801000001ULL);
  EXPECT_EQ(a->ipv6_delegated_net.load(), 0x20010db880000100ULL);
  EXPECT_EQ(a->ipv6_delegated_length.load(), 56u);
  EXPECT_EQ(b->ipv6_delegated_net.load(), 0u);
}

TEST(Ipv6Routes, LongestMatchAcrossLengths) {
  session_table t;
  auto a = session(1);
  auto b = session(2);
  auto c = session(3);
  // Three lengths in use at once; the lookup tries the longest first.
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:aa00::/40")));
  ASSERT_TRUE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:bb00:100::/56")));
  ASSERT_TRUE(t.bind_ipv6_prefix(c, route::link, ipv6_prefix_of("2001:db8:bb00:200::/64")));
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:aaff:ffff::1")), a);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:bb00:1ab::1")), b);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:bb00:200::1")), c);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:bb00:201::1")), nullptr);
}

TEST(Ipv6Routes, OverlappingBindsAreRefusedAndChangeNothing) {
  session_table t;
  auto a = session(1);
  auto b = session(2);
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::link, ipv6_prefix_of("2001:db8:100:1::/64")));
  // Inside another session's /56, covering it, equal to it, equal to its /64.
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::link, ipv6_prefix_of("2001:db8:8000:1ff::/64")));
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:8000::/48")));
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::link, ipv6_prefix_of("2001:db8:100:1::/64")));
  // A session's own routes do not overlap each other either.
  EXPECT_FALSE(t.bind_ipv6_prefix(a, route::link, ipv6_prefix_of("2001:db8:8000:100::/64")));
  // Lengths the routes cannot have: above 64, 0, a link route other than a /64.
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:9000::1/128")));
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("::/0")));
  EXPECT_FALSE(t.bind_ipv6_prefix(b, route::link, ipv6_prefix_of("2001:db8:9000::/56")));
  EXPECT_EQ(b->ipv6_link_net.load(), 0u);
  EXPECT_EQ(b->ipv6_delegated_net.load(), 0u);
  EXPECT_EQ(t.ipv6_link_routes(), 1u);
  EXPECT_EQ(t.ipv6_delegated_routes(), 1u);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:1ff::1")), a);
  // Adjacent prefixes on both sides are not overlaps.
  EXPECT_TRUE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:8000:200::/56")));
  auto c = session(3);
  EXPECT_TRUE(t.bind_ipv6_prefix(c, route::delegated, ipv6_prefix_of("2001:db8:8000::/56")));
}

TEST(Ipv6Routes, RebindingAKindReplacesTheSessionsRoute) {
  session_table t;
  auto a = session(1);
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  // The same route again: no change, still true.
  EXPECT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  // A wider prefix covering its own old route replaces it (no overlap with itself).
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000::/48")));
  EXPECT_EQ(t.ipv6_delegated_routes(), 1u);
  EXPECT_EQ(a->ipv6_delegated_length.load(), 48u);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:ff00::1")), a);
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:9000:100::/56")));
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:ff00::1")), nullptr);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:9000:100::1")), a);
  EXPECT_EQ(t.ipv6_delegated_routes(), 1u);
}

TEST(Ipv6Routes, UnbindAndRemoveDropTheRoutesAndTheAntiSpoofingFields) {
  session_table t;
  auto a = session(1);
  auto b = session(2);
  t.add(a);
  t.add(b);
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::link, ipv6_prefix_of("2001:db8:100:1::/64")));
  ASSERT_TRUE(t.bind_ipv6_prefix(a, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  t.unbind_ipv6_prefix(*a, route::delegated);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:100::1")), nullptr);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:1::1")), a);
  EXPECT_EQ(a->ipv6_delegated_net.load(), 0u);
  EXPECT_EQ(a->ipv6_delegated_length.load(), 0u);
  t.unbind_ipv6_prefix(*a, route::delegated);  // none: no change
  EXPECT_EQ(t.ipv6_delegated_routes(), 0u);
  // Unbinding another session's kind it does not have leaves a's route alone.
  t.unbind_ipv6_prefix(*b, route::link);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:1::1")), a);
  // The freed prefix can go to another session.
  ASSERT_TRUE(t.bind_ipv6_prefix(b, route::delegated, ipv6_prefix_of("2001:db8:8000:100::/56")));
  t.remove(*a);
  t.remove(*b);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:100:1::1")), nullptr);
  EXPECT_EQ(t.find_ipv6_route(ipv6_address_of("2001:db8:8000:100::1")), nullptr);
  EXPECT_EQ(t.ipv6_link_routes(), 0u);
  EXPECT_EQ(t.ipv6_delegated_routes(), 0u);
  EXPECT_EQ(a->ipv6_link_net.load(), 0u);
  // Everything is free again.
  EXPECT_TRUE(t.bind_ipv6_prefix(b, route::link, ipv6_prefix_of("2001:db8:100:1::/64")));
}

TEST(Ipv6Routes, ManySessionsEachFindTheirOwn) {
  session_table t;
  std::vector<data_session_ptr> all;
  for (std::uint16_t i = 0; i < 1000; ++i) {
    auto s = session(i);
    const std::uint64_t link = 0x20010db810000000ULL + i;
    const std::uint64_t delegated = 0x20010db880000000ULL + (std::uint64_t{i} << 8);
    ASSERT_TRUE(t.bind_ipv6_prefix(s, route::link, ip::ipv6_prefix::make(ip::from_halves(link, 0), 64)));
    ASSERT_TRUE(t.bind_ipv6_prefix(s, route::delegated, ip::ipv6_prefix::make(ip::from_halves(delegated, 0), 56)));
    all.push_back(s);
  }
  for (std::uint16_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(t.find_ipv6_route(ip::from_halves(0x20010db810000000ULL + i, 7)), all[i]);
    EXPECT_EQ(t.find_ipv6_route(ip::from_halves(0x20010db880000000ULL + (std::uint64_t{i} << 8) + 0xff, 7)), all[i]);
  }
  EXPECT_EQ(t.ipv6_link_routes(), 1000u);
  EXPECT_EQ(t.ipv6_delegated_routes(), 1000u);
}

}  // namespace
}  // namespace bras::dataplane

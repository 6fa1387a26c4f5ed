#include "actors/prefix_pool.hpp"

#include <gtest/gtest.h>

#include <set>
#include <variant>

#include "tests/unit/test_util.hpp"

namespace bras::actors {
namespace {

using test::ipv6_prefix_of;

prefix_pool make(const prefix_pool_config& c) {
  auto r = prefix_pool::make(c);
  if (auto* e = std::get_if<address_pool_error>(&r)) ADD_FAILURE() << e->reason;
  return std::get<prefix_pool>(std::move(r));
}

std::string refusal(const prefix_pool_config& c) {
  auto r = prefix_pool::make(c);
  if (!std::holds_alternative<address_pool_error>(r)) return "<built>";
  return std::get<address_pool_error>(r).reason;
}

std::string text(const std::optional<ip::ipv6_prefix>& p) {
  return p ? ip::to_string(*p) : "<none>";
}

TEST(PrefixPool, SixtyFoursFromAFortyEightInOrder) {
  auto pool = make({"v6", {ipv6_prefix_of("2001:db8:100::/48")}, 64, {}});
  EXPECT_EQ(pool.name(), "v6");
  EXPECT_EQ(pool.length(), 64);
  EXPECT_EQ(pool.size(), 65536U);
  EXPECT_EQ(pool.in_use(), 0U);
  EXPECT_EQ(text(pool.allocate()), "2001:db8:100::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:100:1::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:100:2::/64");
  EXPECT_EQ(pool.in_use(), 3U);
  EXPECT_TRUE(pool.allocated(ipv6_prefix_of("2001:db8:100:1::/64")));
  EXPECT_FALSE(pool.allocated(ipv6_prefix_of("2001:db8:100:3::/64")));
  EXPECT_TRUE(pool.contains(ipv6_prefix_of("2001:db8:100:ffff::/64")));
  EXPECT_FALSE(pool.contains(ipv6_prefix_of("2001:db8:101::/64"))) << "outside the aggregate";
  EXPECT_FALSE(pool.contains(ipv6_prefix_of("2001:db8:100::/56"))) << "another length";
}

TEST(PrefixPool, SixtyFoursFromAFortyIsTheLargestPool) {
  auto pool = make({"big", {ipv6_prefix_of("2001:db8:100::/40")}, 64, {}});
  EXPECT_EQ(pool.size(), std::size_t{1} << 24);
  EXPECT_EQ(pool.size(), prefix_pool::max_size);
  EXPECT_EQ(text(pool.allocate()), "2001:db8:100::/64");
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:1ff:ffff::/64")), reservation::reserved) << "the last one";
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:200::/64")), reservation::outside) << "one past the end";
  EXPECT_EQ(refusal({"too-big", {ipv6_prefix_of("2001:db8:200::/39")}, 64, {}}), "more than 16777216 prefixes");
  EXPECT_EQ(refusal({"too-big", {ipv6_prefix_of("2001:db8:100::/40"), ipv6_prefix_of("2001:db8:200::/64")}, 64, {}}),
            "more than 16777216 prefixes")
      << "the total counts, not each aggregate";
  EXPECT_EQ(refusal({"huge", {ipv6_prefix_of("2001:db8::/32")}, 64, {}}), "more than 16777216 prefixes");
}

TEST(PrefixPool, DelegatedFiftySixesFromAForty) {
  auto pool = make({"pd", {ipv6_prefix_of("2001:db8:8000::/40")}, 56, {}});
  EXPECT_EQ(pool.size(), 65536U);
  EXPECT_EQ(text(pool.allocate()), "2001:db8:8000::/56");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:8000:100::/56");
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:80ff:ff00::/56")), reservation::reserved);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:8000:200::/64")), reservation::outside)
      << "a /64 is not one of its /56s";
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:8000:100::/56")), reservation::in_use);
}

TEST(PrefixPool, SeveralAggregatesInConfigurationOrder) {
  auto pool = make({"two", {ipv6_prefix_of("2001:db8:2::/63"), ipv6_prefix_of("2001:db8:1::/63")}, 64, {}});
  EXPECT_EQ(pool.size(), 4U);
  EXPECT_EQ(text(pool.allocate()), "2001:db8:2::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:2:1::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:1::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:1:1::/64");
  EXPECT_EQ(pool.allocate(), std::nullopt);
  EXPECT_EQ(pool.aggregates().size(), 2U);
}

TEST(PrefixPool, ExhaustionThenFreshFirstThenReleaseOrder) {
  auto pool = make({"p", {ipv6_prefix_of("2001:db8::/62")}, 64, {}});
  EXPECT_EQ(text(pool.allocate()), "2001:db8::/64");
  EXPECT_TRUE(pool.release(ipv6_prefix_of("2001:db8::/64")));
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:1::/64") << "never-used prefixes come before released ones";
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:2::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:3::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8::/64") << "then the released one";
  EXPECT_EQ(pool.allocate(), std::nullopt) << "exhausted";
  EXPECT_EQ(pool.in_use(), 4U);
  EXPECT_TRUE(pool.release(ipv6_prefix_of("2001:db8:0:2::/64")));
  EXPECT_TRUE(pool.release(ipv6_prefix_of("2001:db8:0:1::/64")));
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:2::/64") << "least recently freed first";
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:1::/64");
  EXPECT_EQ(pool.allocate(), std::nullopt);
}

TEST(PrefixPool, ExcludedPrefixesAreNeverHandedOut) {
  // A shorter exclusion takes every /64 under it; a longer one takes the /64 it falls in.
  auto pool = make({"p",
                    {ipv6_prefix_of("2001:db8::/60")},
                    64,
                    {ipv6_prefix_of("2001:db8:0:4::/62"), ipv6_prefix_of("2001:db8:0:9::1/128")}});
  EXPECT_EQ(pool.size(), 11U);
  std::set<std::string> seen;
  while (auto p = pool.allocate()) seen.insert(ip::to_string(*p));
  EXPECT_EQ(seen.size(), 11U);
  for (const char* excluded :
       {"2001:db8:0:4::/64", "2001:db8:0:5::/64", "2001:db8:0:6::/64", "2001:db8:0:7::/64", "2001:db8:0:9::/64"}) {
    EXPECT_EQ(seen.count(excluded), 0U) << excluded;
    EXPECT_FALSE(pool.contains(ipv6_prefix_of(excluded))) << excluded;
    EXPECT_EQ(pool.reserve(ipv6_prefix_of(excluded)), reservation::excluded) << excluded;
  }
  EXPECT_EQ(seen.count("2001:db8:0:8::/64"), 1U);
  EXPECT_EQ(seen.count("2001:db8:0:f::/64"), 1U);
}

TEST(PrefixPool, AnExclusionCoveringAnAggregateRemovesIt) {
  auto pool = make({"p",
                    {ipv6_prefix_of("2001:db8:1::/63"), ipv6_prefix_of("2001:db8:2::/63")},
                    64,
                    {ipv6_prefix_of("2001:db8:2::/48")}});
  EXPECT_EQ(pool.size(), 2U);
  EXPECT_EQ(text(pool.allocate()), "2001:db8:1::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:1:1::/64");
  EXPECT_EQ(pool.allocate(), std::nullopt);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:2::/64")), reservation::excluded);
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8:2::/63")}, 64, {ipv6_prefix_of("2001:db8::/32")}}),
            "every prefix is excluded");
}

TEST(PrefixPool, ReserveTellsInUseExcludedAndOutside) {
  auto pool = make({"p", {ipv6_prefix_of("2001:db8:100::/56")}, 64, {ipv6_prefix_of("2001:db8:100:ff::/64")}});
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:100:10::/64")), reservation::reserved);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:100:10::/64")), reservation::in_use);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:100:ff::/64")), reservation::excluded);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:200::/64")), reservation::outside);
  EXPECT_EQ(pool.reserve(ipv6_prefix_of("2001:db8:100::/60")), reservation::outside) << "another length";
  EXPECT_EQ(pool.in_use(), 1U);
  // A reserved prefix is skipped by allocate() and comes back after release like any other.
  for (int i = 0; i < 0x10; ++i) EXPECT_NE(text(pool.allocate()), "2001:db8:100:10::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:100:11::/64");
  EXPECT_TRUE(pool.release(ipv6_prefix_of("2001:db8:100:10::/64")));
  EXPECT_FALSE(pool.allocated(ipv6_prefix_of("2001:db8:100:10::/64")));
}

TEST(PrefixPool, ReleaseOfAForeignOrFreePrefixChangesNothing) {
  auto pool = make({"p", {ipv6_prefix_of("2001:db8::/62")}, 64, {ipv6_prefix_of("2001:db8:0:3::/64")}});
  auto taken = pool.allocate();
  ASSERT_TRUE(taken);
  EXPECT_FALSE(pool.release(ipv6_prefix_of("2001:db8:0:1::/64"))) << "in the pool but free";
  EXPECT_FALSE(pool.release(ipv6_prefix_of("2001:db8:1::/64"))) << "foreign";
  EXPECT_FALSE(pool.release(ipv6_prefix_of("2001:db8:0:3::/64"))) << "excluded";
  EXPECT_FALSE(pool.release(ipv6_prefix_of("2001:db8::/56"))) << "another length";
  EXPECT_EQ(pool.in_use(), 1U);
  EXPECT_TRUE(pool.release(*taken));
  EXPECT_FALSE(pool.release(*taken)) << "twice";
  EXPECT_EQ(pool.in_use(), 0U);
  // The free prefix released by mistake is not queued twice: three fresh, then the released one.
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:1::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8:0:2::/64");
  EXPECT_EQ(text(pool.allocate()), "2001:db8::/64");
  EXPECT_EQ(pool.allocate(), std::nullopt);
}

TEST(PrefixPool, Refusals) {
  EXPECT_EQ(refusal({"p", {}, 64, {}}), "no prefixes");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/48")}, 65, {}}), "prefix length outside 1..64");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/48")}, 0, {}}), "prefix length outside 1..64");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/48")}, 40, {}}),
            "2001:db8::/48 is longer than the prefix length /40");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/48"), ipv6_prefix_of("2001:db8::/52")}, 64, {}}),
            "2001:db8::/48 overlaps 2001:db8::/52");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/56"), ipv6_prefix_of("2001:db8::/48")}, 64, {}}),
            "2001:db8::/56 overlaps 2001:db8::/48");
  EXPECT_EQ(refusal({"p", {ipv6_prefix_of("2001:db8::/48"), ipv6_prefix_of("2001:db8:1::/48")}, 64, {}}), "<built>")
      << "adjacent is fine";
}

}  // namespace
}  // namespace bras::actors

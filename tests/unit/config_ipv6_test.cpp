// The prefix-pools list, the ipv6 section and the subscribers' IPv6 keys:
// what they fill, and every refusal with its file, line, path and reason.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "actors/subscriber_db.hpp"
#include "configs/config.hpp"
#include "tests/unit/config_test_util.hpp"

namespace bras::config {
namespace {

using config_test::bad_config;
using config_test::error_of;

std::string text(const std::optional<ip::ipv6_prefix>& p) {
  return p ? ip::to_string(*p) : "<none>";
}

const char* const pools =
    "address-pools:\n"
    "  - {name: v4, prefixes: [10.0.0.0/24]}\n"
    "prefix-pools:\n"
    "  - name: link\n"
    "    prefixes: [2001:db8:100::/41, 2001:db8:300::/48]\n"
    "    exclude: [2001:db8:100::/64, 2001:db8:101::1]\n"
    "  - name: pd\n"
    "    prefixes: [2001:db8:8000::/36]\n"
    "    prefix-length: 56\n";

TEST(ConfigIpv6, PoolsSectionAndSubscribersAreRead) {
  auto r = load(std::string{pools} +
                    "ipv6:\n"
                    "  prefix-pool: link\n"
                    "  delegated-prefix-pool: pd\n"
                    "  dns: [2001:db8::53, 2001:db8::54]\n"
                    "  local-address: 2001:db8::1\n"
                    "  router-advertisement: {max-interval: 100, min-interval: 75, router-lifetime: 0, managed: true,"
                    " preferred-lifetime: 10, valid-lifetime: 10}\n"
                    "  dhcpv6: {rapid-commit: false, t1: 10, t2: 20, preferred-lifetime: 20, valid-lifetime: 30,"
                    " server-duid: 000300010a0b0c0d0e0f}\n"
                    "aaa:\n"
                    "  subscribers:\n"
                    "    - {user: a, password: x, ipv6-prefix: 2001:db8:1:2::/64, delegated-prefix: "
                    "2001:db8:9:100::/56}\n"
                    "    - {user: b, password: y, ipv6-pool: link, delegated-pool: pd}\n",
                "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  ASSERT_EQ(s.prefix_pools.size(), 2U);
  EXPECT_EQ(s.prefix_pools[0].name, "link");
  EXPECT_EQ(s.prefix_pools[0].prefix_length, 64);
  ASSERT_EQ(s.prefix_pools[0].prefixes.size(), 2U);
  EXPECT_EQ(ip::to_string(s.prefix_pools[0].prefixes[1]), "2001:db8:300::/48");
  ASSERT_EQ(s.prefix_pools[0].exclude.size(), 2U);
  EXPECT_EQ(ip::to_string(s.prefix_pools[0].exclude[1]), "2001:db8:101::1/128") << "an address is a /128";
  EXPECT_EQ(s.prefix_pools[1].prefix_length, 56);
  EXPECT_EQ(s.ipv6.prefix_pool, "link");
  EXPECT_EQ(s.ipv6.delegated_prefix_pool, "pd");
  ASSERT_EQ(s.ipv6.dns.size(), 2U);
  EXPECT_EQ(ip::to_string(s.ipv6.dns[1]), "2001:db8::54");
  ASSERT_TRUE(s.ipv6.local_address);
  EXPECT_EQ(ip::to_string(*s.ipv6.local_address), "2001:db8::1");
  const auto& ra = s.ipv6.router_advertisement;
  EXPECT_EQ(ra.max_interval, seconds{100});
  EXPECT_EQ(ra.min_interval, seconds{75});
  EXPECT_EQ(ra.router_lifetime, 0);
  EXPECT_TRUE(ra.managed);
  EXPECT_TRUE(ra.other_config) << "default";
  EXPECT_FALSE(s.ipv6.dhcpv6.rapid_commit);
  EXPECT_EQ(s.ipv6.dhcpv6.t2, 20U);
  EXPECT_EQ(s.ipv6.dhcpv6.server_duid, "000300010a0b0c0d0e0f");
  ASSERT_EQ(s.aaa.subscribers.size(), 2U);
  EXPECT_EQ(text(s.aaa.subscribers[0].ipv6_prefix), "2001:db8:1:2::/64");
  EXPECT_EQ(text(s.aaa.subscribers[0].delegated_prefix), "2001:db8:9:100::/56");
  EXPECT_EQ(s.aaa.subscribers[1].ipv6_pool, "link");
  EXPECT_EQ(s.aaa.subscribers[1].delegated_pool, "pd");
}

TEST(ConfigIpv6, EmbeddedDefaultHasDemoPoolsForAHundredThousandSessions) {
  auto r = load_default();
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  ASSERT_EQ(s.prefix_pools.size(), 2U);
  EXPECT_EQ(s.ipv6.prefix_pool, "demo-v6");
  EXPECT_EQ(s.ipv6.delegated_prefix_pool, "demo-pd");
  EXPECT_EQ(ip::to_string(s.prefix_pools[0].prefixes.at(0)), "2001:db8:100::/40");
  EXPECT_EQ(s.prefix_pools[0].prefix_length, 64);
  EXPECT_EQ(ip::to_string(s.prefix_pools[1].prefixes.at(0)), "2001:db8:8000::/36");
  EXPECT_EQ(s.prefix_pools[1].prefix_length, 56);
  EXPECT_GE(std::uint64_t{1} << (s.prefix_pools[1].prefix_length - s.prefix_pools[1].prefixes[0].length), 100000U);
}

class ConfigIpv6Rejects : public ::testing::TestWithParam<bad_config> {};

TEST_P(ConfigIpv6Rejects, WithFileLinePathAndReason) {
  config_test::expect_refused(GetParam());
}

const std::string p = pools;  // lines 1..9

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigIpv6Rejects,
    ::testing::Values(
        bad_config{"not_a_prefix", "prefix-pools:\n  - name: x\n    prefixes: [2001:db8::1/40]\n", 3,
                   "prefix-pools[0].prefixes[0]", "not an IPv6 prefix"},
        bad_config{"no_prefixes", "prefix-pools:\n  - name: x\n", 2, "prefix-pools[0].prefixes", "required"},
        bad_config{"no_name", "prefix-pools:\n  - prefixes: [2001:db8::/48]\n", 2, "prefix-pools[0].name", "required"},
        bad_config{"unknown_key", "prefix-pools:\n  - {name: x, prefixes: [2001:db8::/48], length: 64}\n", 2,
                   "prefix-pools[0].length", "unknown key"},
        bad_config{"length_65", "prefix-pools:\n  - name: x\n    prefix-length: 65\n", 3,
                   "prefix-pools[0].prefix-length", "must be between 1 and 64"},
        bad_config{"length_0", "prefix-pools:\n  - name: x\n    prefix-length: 0\n", 3, "prefix-pools[0].prefix-length",
                   "must be between 1 and 64"},
        bad_config{"aggregate_longer",
                   "prefix-pools:\n  - name: x\n    prefix-length: 56\n    prefixes: [2001:db8::/60]\n", 4,
                   "prefix-pools[0].prefixes[0]", "longer than the pool's prefix-length /56"},
        bad_config{"too_many", "prefix-pools:\n  - name: x\n    prefixes: [2001:db8::/39]\n", 3,
                   "prefix-pools[0].prefixes[0]", "more than 16777216 prefixes"},
        bad_config{"overlap_in_pool", "prefix-pools:\n  - name: x\n    prefixes: [2001:db8::/48, 2001:db8::/56]\n", 3,
                   "prefix-pools[0].prefixes[1]", "overlaps 2001:db8::/48 (prefix-pools[0].prefixes[0])"},
        bad_config{"overlap_across_pools", p + "  - name: x\n    prefixes: [2001:db8:120::/44]\n", 11,
                   "prefix-pools[2].prefixes[0]", "overlaps 2001:db8:100::/41 (prefix-pools[0].prefixes[0])"},
        bad_config{"name_of_an_address_pool", p + "  - name: v4\n    prefixes: [2001:db8:1::/48]\n", 10,
                   "prefix-pools[2].name", "duplicate pool v4"},
        bad_config{"duplicate_name", p + "  - name: pd\n    prefixes: [2001:db8:1::/48]\n", 10, "prefix-pools[2].name",
                   "duplicate pool pd"},
        bad_config{"bad_exclusion", "prefix-pools:\n  - name: x\n    prefixes: [2001:db8::/48]\n    exclude: [nope]\n",
                   4, "prefix-pools[0].exclude[0]", "not an IPv6 address: nope"},
        bad_config{"unknown_pool", p + "ipv6:\n  prefix-pool: nope\n", 11, "ipv6.prefix-pool",
                   "no prefix pool named nope"},
        bad_config{"unknown_delegated_pool", p + "ipv6:\n  delegated-prefix-pool: nope\n", 11,
                   "ipv6.delegated-prefix-pool", "no prefix pool named nope"},
        bad_config{"link_pool_not_64", p + "ipv6:\n  prefix-pool: pd\n", 11, "ipv6.prefix-pool",
                   "prefix pool pd hands out /56s, not /64s"},
        bad_config{"four_dns", "ipv6:\n  dns: [2001:db8::1, 2001:db8::2, 2001:db8::3, 2001:db8::4]\n", 2, "ipv6.dns[3]",
                   "at most three DNS servers"},
        bad_config{"dns_v4", "ipv6:\n  dns: [192.0.2.53]\n", 2, "ipv6.dns[0]", "not an IPv6 address"},
        bad_config{"local_address", "ipv6:\n  local-address: 2001:db8::/64\n", 2, "ipv6.local-address",
                   "not an IPv6 address"},
        bad_config{"ipv6_unknown_key", "ipv6:\n  prefix-pools: x\n", 2, "ipv6.prefix-pools", "unknown key"},
        bad_config{"ra_unknown_key", "ipv6:\n  router-advertisement:\n    interval: 5\n", 3,
                   "ipv6.router-advertisement.interval", "unknown key"},
        bad_config{"ra_max_3", "ipv6:\n  router-advertisement:\n    max-interval: 3\n", 3,
                   "ipv6.router-advertisement.max-interval", "must be between 4 and 1800"},
        bad_config{"ra_min_above_three_quarters",
                   "ipv6:\n  router-advertisement:\n    max-interval: 100\n    min-interval: 76\n", 4,
                   "ipv6.router-advertisement.min-interval", "must not exceed 0.75 * max-interval"},
        bad_config{"ra_min_above_max_default", "ipv6:\n  router-advertisement:\n    max-interval: 10\n", 3,
                   "ipv6.router-advertisement.min-interval", "must not exceed 0.75 * max-interval"},
        bad_config{"ra_lifetime_below_max", "ipv6:\n  router-advertisement:\n    router-lifetime: 599\n", 3,
                   "ipv6.router-advertisement.router-lifetime", "must be 0 or at least max-interval"},
        bad_config{"ra_lifetime_9001", "ipv6:\n  router-advertisement:\n    router-lifetime: 9001\n", 3,
                   "ipv6.router-advertisement.router-lifetime", "must be between 0 and 9000"},
        bad_config{"ra_preferred_above_valid", "ipv6:\n  router-advertisement:\n    preferred-lifetime: 2592001\n", 3,
                   "ipv6.router-advertisement.preferred-lifetime", "must not exceed valid-lifetime"},
        bad_config{"dhcpv6_preferred_above_valid", "ipv6:\n  dhcpv6:\n    preferred-lifetime: 7201\n", 3,
                   "ipv6.dhcpv6.preferred-lifetime", "must not exceed valid-lifetime"},
        bad_config{"dhcpv6_t1_above_t2", "ipv6:\n  dhcpv6:\n    t1: 2881\n", 3, "ipv6.dhcpv6.t1", "must not exceed t2"},
        bad_config{"dhcpv6_t2_above_preferred", "ipv6:\n  dhcpv6:\n    t2: 3601\n", 3, "ipv6.dhcpv6.t2",
                   "must not exceed preferred-lifetime"},
        bad_config{"dhcpv6_duid_odd", "ipv6:\n  dhcpv6:\n    server-duid: 00030\n", 3, "ipv6.dhcpv6.server-duid",
                   "expected 3 to 130 bytes in hex"},
        bad_config{"dhcpv6_duid_not_hex", "ipv6:\n  dhcpv6:\n    server-duid: 0003zz\n", 3, "ipv6.dhcpv6.server-duid",
                   "expected 3 to 130 bytes in hex"},
        bad_config{"subscriber_prefix_not_64",
                   "aaa:\n  subscribers:\n    - {user: a, password: x}\n    - user: b\n      password: y\n"
                   "      ipv6-prefix: 2001:db8::/56\n",
                   6, "aaa.subscribers[1].ipv6-prefix", "must be a /64"},
        bad_config{"subscriber_delegated_malformed",
                   "aaa:\n  subscribers:\n    - user: b\n      password: y\n      delegated-prefix: 2001:db8::1/56\n",
                   5, "aaa.subscribers[0].delegated-prefix", "not an IPv6 prefix"},
        bad_config{"subscriber_unknown_pool",
                   p + "aaa:\n  subscribers:\n    - {user: a, password: x}\n    - user: b\n      password: y\n"
                       "      ipv6-pool: gold\n",
                   15, "aaa.subscribers[1].ipv6-pool", "no prefix pool named gold"},
        bad_config{"subscriber_link_pool_not_64",
                   p + "aaa:\n  subscribers:\n    - user: b\n      password: y\n      ipv6-pool: pd\n", 14,
                   "aaa.subscribers[0].ipv6-pool", "prefix pool pd hands out /56s"},
        bad_config{"subscriber_unknown_delegated_pool",
                   p + "aaa:\n  subscribers:\n    - user: b\n      password: y\n      delegated-pool: gold\n", 14,
                   "aaa.subscribers[0].delegated-pool", "no prefix pool named gold"}),
    config_test::case_name);

TEST(ConfigIpv6, SubscribersFileReadsPrefixesAndRefusesASharedOne) {
  auto ok = actors::load_subscribers(
      "subscribers:\n  - {user: a, password: x, ipv6-prefix: 2001:db8:0:1::/64, ipv6-pool: gold, delegated-pool: pd}\n",
      "subs.yaml");
  ASSERT_TRUE(std::holds_alternative<actors::subscriber_db>(ok)) << std::get<load_error>(ok).to_string();
  const auto* a = std::get<actors::subscriber_db>(ok).find("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(text(a->ipv6_prefix), "2001:db8:0:1::/64");
  EXPECT_EQ(a->ipv6_pool, "gold") << "checked when a session asks (RADIUS names pools at run time too)";
  EXPECT_EQ(a->delegated_pool, "pd");
  auto shared = actors::load_subscribers(
      "subscribers:\n  - {user: a, password: x, delegated-prefix: 2001:db8:1::/56}\n"
      "  - user: b\n    password: y\n    delegated-prefix: 2001:db8:1::/56\n",
      "subs.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(shared));
  EXPECT_EQ(std::get<load_error>(shared).to_string(),
            "subs.yaml:5: subscribers[1].delegated-prefix: prefix 2001:db8:1::/56 already belongs to a");
  auto bad =
      actors::load_subscribers("subscribers:\n  - {user: a, password: x, ipv6-prefix: 2001:db8::/48}\n", "subs.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(bad));
  EXPECT_EQ(std::get<load_error>(bad).to_string(),
            "subs.yaml:2: subscribers[0].ipv6-prefix: must be a /64 (SLAAC on the PPP link)");
}

}  // namespace
}  // namespace bras::config

// metrics/families.cpp's pool families through metrics::render: IPv4 pools stay in
// brasd_address_pool_* exactly as before, IPv6 pools go to brasd_prefix_pool_* by kind,
// and the IPv6 counter rows of model/counters.hpp come out as their families.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <string>
#include <vector>

#include "metrics/families.hpp"
#include "tests/unit/metrics_test_util.hpp"

namespace bras::metrics {
namespace {

using test::has_family;
using test::sample;

std::string text_of(const model::counters& c, std::vector<model::pool_usage> pools) {
  scrape_inputs in;
  in.version = "test";
  in.pools = std::move(pools);
  return prometheus::TextSerializer{}.Serialize(render(c, in));
}

std::vector<model::pool_usage> three_pools() {
  return {
      {"v4", 253, 7, "ipv4", 32}, {"links", 65536, 1000, "ipv6-prefix", 64}, {"pd", 256, 250, "delegated-prefix", 56}};
}

TEST(MetricsPools, Ipv4PoolsKeepTheAddressFamiliesAndIpv6PoolsGoByKind) {
  const std::string text = text_of({}, three_pools());
  EXPECT_EQ(sample(text, "brasd_address_pool_addresses{pool=\"v4\"}"), 253);
  EXPECT_EQ(sample(text, "brasd_address_pool_used_addresses{pool=\"v4\"}"), 7);
  // No IPv6 pool leaks into the IPv4 families (their alerts and dashboards divide by them).
  EXPECT_EQ(text.find("brasd_address_pool_addresses{pool=\"links\"}"), std::string::npos);
  EXPECT_EQ(text.find("brasd_address_pool_used_addresses{pool=\"pd\"}"), std::string::npos);

  EXPECT_TRUE(has_family(text, "brasd_prefix_pool_prefixes", "gauge"));
  EXPECT_TRUE(has_family(text, "brasd_prefix_pool_used_prefixes", "gauge"));
  EXPECT_EQ(sample(text, "brasd_prefix_pool_prefixes{pool=\"links\",kind=\"ipv6-prefix\"}"), 65536);
  EXPECT_EQ(sample(text, "brasd_prefix_pool_used_prefixes{pool=\"links\",kind=\"ipv6-prefix\"}"), 1000);
  EXPECT_EQ(sample(text, "brasd_prefix_pool_prefixes{pool=\"pd\",kind=\"delegated-prefix\"}"), 256);
  EXPECT_EQ(sample(text, "brasd_prefix_pool_used_prefixes{pool=\"pd\",kind=\"delegated-prefix\"}"), 250);
  EXPECT_EQ(text.find("brasd_prefix_pool_prefixes{pool=\"v4\""), std::string::npos);
}

TEST(MetricsPools, WithoutPoolsTheFamiliesAreDeclaredEmpty) {
  const std::string text = text_of({}, {});
  EXPECT_TRUE(has_family(text, "brasd_address_pool_addresses", "gauge"));
  EXPECT_TRUE(has_family(text, "brasd_prefix_pool_prefixes", "gauge"));
  EXPECT_EQ(text.find("brasd_prefix_pool_prefixes{"), std::string::npos);
}

TEST(MetricsPools, Ipv6CounterRowsRenderAsTheirFamilies) {
  model::counters c;
  c.prefix_pool_exhausted = 2;
  c.delegated_pool_exhausted = 3;
  c.nd_rs_received = 5;
  c.nd_ra_solicited = 5;
  c.nd_ra_unsolicited = 9;
  c.dhcpv6_rx_solicit = 4;
  c.dhcpv6_tx_reply = 6;
  c.dhcpv6_drop_malformed = 11;
  c.dhcpv6_bound = 4;
  c.data_rx_spoofed_v6 = 13;
  c.data_rx_link_local = 1;
  const std::string text = text_of(c, {});
  EXPECT_EQ(sample(text, "brasd_prefix_pool_exhausted_total{kind=\"ipv6-prefix\"}"), 2);
  EXPECT_EQ(sample(text, "brasd_prefix_pool_exhausted_total{kind=\"delegated-prefix\"}"), 3);
  EXPECT_EQ(sample(text, "brasd_ipv6_router_solicitations_total"), 5);
  EXPECT_EQ(sample(text, "brasd_ipv6_router_advertisements_total{kind=\"solicited\"}"), 5);
  EXPECT_EQ(sample(text, "brasd_ipv6_router_advertisements_total{kind=\"unsolicited\"}"), 9);
  EXPECT_EQ(sample(text, "brasd_dhcpv6_received_total{type=\"solicit\"}"), 4);
  EXPECT_EQ(sample(text, "brasd_dhcpv6_sent_total{type=\"reply\"}"), 6);
  EXPECT_EQ(sample(text, "brasd_dhcpv6_dropped_total{reason=\"malformed\"}"), 11);
  EXPECT_EQ(sample(text, "brasd_dhcpv6_delegated_prefixes"), 4);
  EXPECT_EQ(sample(text, "brasd_data_dropped_packets_total{reason=\"spoofed-source-ipv6\"}"), 13);
  EXPECT_EQ(sample(text, "brasd_data_dropped_packets_total{reason=\"link-local-source\"}"), 1);
  EXPECT_TRUE(has_family(text, "brasd_prefix_pool_exhausted_total", "counter"));
  EXPECT_TRUE(has_family(text, "brasd_dhcpv6_delegated_prefixes", "gauge"));
}

}  // namespace
}  // namespace bras::metrics

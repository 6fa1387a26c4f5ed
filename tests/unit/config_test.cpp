#include "configs/config.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <string>
#include <variant>

#include "configs/default_config.hpp"
#include "configs/settings_table.hpp"
#include "tests/unit/config_test_util.hpp"

namespace bras::config {
namespace {

using config_test::bad_config;
using config_test::error_of;

TEST(Config, EmbeddedDefaultIsAnLnsOnLoopback) {
  auto r = load_default();
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  ASSERT_EQ(s.l2tp.local_gateways.size(), 1u);
  EXPECT_EQ(s.l2tp.local_gateways[0].address, "127.0.0.1");
  EXPECT_EQ(s.l2tp.local_gateways[0].port, 1701);
  ASSERT_EQ(s.l2tp.tunnel_groups.size(), 1u);
  ASSERT_EQ(s.l2tp.tunnel_groups[0].clients.size(), 1u);
  const auto& c = s.l2tp.tunnel_groups[0].clients[0];
  EXPECT_EQ(c.secret, "");
  ASSERT_EQ(c.allowed_sources.size(), 1u);
  EXPECT_TRUE(c.allowed_sources[0].contains(0x7f000005));
  EXPECT_FALSE(c.allowed_sources[0].contains(0xc0000201));
}

TEST(Config, EmbeddedDefaultHasADemoSubscriberPoolAndTun) {
  auto r = load_default();
  ASSERT_TRUE(std::holds_alternative<settings>(r));
  const auto& s = std::get<settings>(r);
  ASSERT_EQ(s.aaa.subscribers.size(), 1u);
  EXPECT_EQ(s.aaa.subscribers[0].user, "demo");
  EXPECT_EQ(s.aaa.subscribers[0].password, "demo");
  ASSERT_EQ(s.address_pools.size(), 1u);
  ASSERT_EQ(s.address_pools[0].prefixes.size(), 1u);
  EXPECT_EQ(s.address_pools[0].prefixes[0].address, 0x64400000u);
  EXPECT_EQ(s.address_pools[0].prefixes[0].length, 16);
  EXPECT_EQ(s.ppp.address_pool, s.address_pools[0].name);
  EXPECT_EQ(s.ppp.local_address, 0x64400001u);
  EXPECT_EQ(s.data_plane.tun, "bras0");
  EXPECT_EQ(s.data_plane.mode, data_path_mode::fast_path);
  EXPECT_TRUE(s.ppp.lcp_renegotiation);
}

TEST(Config, LogLevelsPerComponent) {
  auto r = load("log:\n  level: warn\n  components: {ppp: debug, aaa: error}\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  EXPECT_EQ(s.log_level, "warn");
  EXPECT_EQ(s.log_components.at("ppp"), "debug");
  EXPECT_EQ(s.log_components.at("aaa"), "error");
  EXPECT_EQ(s.log_components.count("l2tp"), 0u);
}

TEST(Config, EmptyFileGivesDefaults) {
  auto r = load("", "empty.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r));
  EXPECT_EQ(std::get<settings>(r).threads, 2u);
  EXPECT_EQ(std::get<settings>(r).scheduler, scheduler_policy::sharing);
}

TEST(Config, SchedulerPolicyAndThroughput) {
  auto r = load("runtime:\n  scheduler: stealing\n  max-throughput: 50\n", "sched.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r));
  EXPECT_EQ(std::get<settings>(r).scheduler, scheduler_policy::stealing);
  EXPECT_EQ(std::get<settings>(r).max_throughput, 50u);
}

class ConfigRejects : public ::testing::TestWithParam<bad_config> {};

TEST_P(ConfigRejects, WithFileLinePathAndReason) {
  config_test::expect_refused(GetParam());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigRejects,
    ::testing::Values(
        bad_config{"unknown_top_key", "runtime:\n  threads: 2\nbogus: 1\n", 3, "bogus", "unknown key"},
        bad_config{"typo", "runtime:\n  thread: 2\n", 2, "runtime.thread", "unknown key"},
        bad_config{"threads_zero", "runtime:\n  threads: 0\n", 2, "runtime.threads", "must be between 1 and 256"},
        bad_config{"threads_text", "runtime:\n  threads: many\n", 2, "runtime.threads", "expected an integer"},
        bad_config{"bad_scheduler", "runtime:\n  threads: 2\n  scheduler: fifo\n", 3, "runtime.scheduler",
                   "unknown scheduler fifo (sharing, stealing)"},
        bad_config{"bad_level", "log:\n  level: loud\n", 2, "log.level", "unknown level loud"},
        bad_config{"bad_address", "l2tp:\n  local-gateways:\n    - address: 300.1.1.1\n", 3,
                   "l2tp.local-gateways[0].address", "not an IPv4 address"},
        bad_config{"missing_address", "l2tp:\n  local-gateways:\n    - port: 1701\n", 3,
                   "l2tp.local-gateways[0].address", "required"},
        bad_config{"bad_prefix",
                   "l2tp:\n  tunnel-groups:\n    - name: g\n      clients:\n        - allowed-sources: [10.0.0.0/33]\n",
                   5, "l2tp.tunnel-groups[0].clients[0].allowed-sources[0]", "not an IPv4 prefix"},
        bad_config{"unknown_gateway", "l2tp:\n  tunnel-groups:\n    - name: g\n      local-gateways: [nope]\n", 4,
                   "l2tp.tunnel-groups[0].local-gateways[0]", "no local gateway named nope"},
        bad_config{"retransmit_order", "l2tp:\n  retransmit-initial-ms: 5000\n  retransmit-max-ms: 1000\n", 3,
                   "l2tp.retransmit-max-ms", "must not be below"},
        bad_config{"auth_method", "ppp:\n  authentication: [pap, eap]\n", 2, "ppp.authentication[1]",
                   "unknown method eap"},
        bad_config{"three_dns", "ppp:\n  dns: [1.1.1.1, 2.2.2.2, 3.3.3.3]\n", 2, "ppp.dns[2]", "at most two"},
        bad_config{"unknown_pool", "ppp:\n  address-pool: nope\n", 2, "ppp.address-pool", "no address pool named"},
        bad_config{"pool_without_prefixes", "address-pools:\n  - name: p\n", 2, "address-pools[0].prefixes",
                   "required"},
        bad_config{"duplicate_user",
                   "aaa:\n  subscribers:\n    - {user: a, password: x}\n    - {user: a, password: y}\n", 4,
                   "aaa.subscribers[1].user", "duplicate user a"},
        bad_config{"data_plane_mode", "data-plane:\n  mode: turbo\n", 2, "data-plane.mode", "unknown mode turbo"},
        bad_config{"data_plane_mode_empty", "data-plane:\n  mode: \"\"\n", 2, "data-plane.mode", "must not be empty"},
        bad_config{"tun_name_long", "data-plane:\n  tun: abcdefghijklmnop\n", 2, "data-plane.tun", "interface names"},
        bad_config{"log_component", "log:\n  components: {ppp: debug, radius: info}\n", 2, "log.components.radius",
                   "unknown component radius"},
        bad_config{"log_component_level", "log:\n  components:\n    ppp: chatty\n", 3, "log.components.ppp",
                   "unknown level chatty"},
        bad_config{"metrics_port_too_big", "metrics:\n  listen: 127.0.0.1:99999\n", 2, "metrics.listen",
                   "expected IPv4-ADDRESS:PORT"},
        bad_config{"metrics_no_port", "metrics:\n  listen: 127.0.0.1\n", 2, "metrics.listen",
                   "expected IPv4-ADDRESS:PORT"},
        bad_config{"yaml_syntax", "runtime:\n  threads: [1,\n", 3, "", ""}),
    config_test::case_name);

TEST(Config, PerLacClientOverrides) {
  auto r = load(
      "l2tp:\n  tunnel-groups:\n    - name: g\n      hello-interval: 60\n      clients:\n"
      "        - {host-name: a, hello-interval: 10, receive-window: 64, retransmit-initial-ms: 500,\n"
      "           retransmit-max-ms: 2000, retransmit-count: 8}\n"
      "        - {host-name: b}\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& g = std::get<settings>(r).l2tp.tunnel_groups[0];
  EXPECT_EQ(g.clients[0].hello_interval, seconds{10});
  EXPECT_EQ(g.clients[0].receive_window, 64);
  EXPECT_EQ(g.clients[0].retransmit_initial, milliseconds{500});
  EXPECT_EQ(g.clients[0].retransmit_max, milliseconds{2000});
  EXPECT_EQ(g.clients[0].retransmit_count, 8u);
  EXPECT_FALSE(g.clients[1].hello_interval.has_value()) << "unset: the group's value applies";
  EXPECT_FALSE(g.clients[1].retransmit_count.has_value());
}

TEST(Config, DestinationMayAskForSequencing) {
  auto r = load(
      "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n  destinations:\n"
      "    - {name: a, address: 192.0.2.1, sequencing-required: true}\n"
      "    - {name: b, address: 192.0.2.2}\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& d = std::get<settings>(r).l2tp.destinations;
  EXPECT_TRUE(d[0].sequencing_required);
  EXPECT_FALSE(d[1].sequencing_required) << "off unless asked for";
}

TEST(Config, ParsesPrefixes) {
  auto p = parse_prefix("10.1.2.3/8");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->address, 0x0a000000u);
  EXPECT_EQ(p->length, 8);
  EXPECT_TRUE(p->contains(0x0affffff));
  EXPECT_FALSE(p->contains(0x0b000000));
  EXPECT_FALSE(parse_prefix("10.1.2"));
  EXPECT_FALSE(parse_prefix("10.1.2.3/"));
  EXPECT_FALSE(parse_ipv4("1.2.3.4 "));
  EXPECT_TRUE(parse_prefix("0.0.0.0/0")->contains(0xffffffff));
}

/// The mapping of a (possibly nested, "ipv6.dhcpv6") section in `root`.
YAML::Node section_of(const YAML::Node& root, std::string_view section) {
  YAML::Node n = root;
  while (!section.empty() && n) {
    const auto dot = section.find('.');
    n.reset(n[std::string{section.substr(0, dot)}]);  // reset: operator= would overwrite the node
    section = dot == std::string_view::npos ? std::string_view{} : section.substr(dot + 1);
  }
  return n;
}

/// `section.key: value` as a YAML document, nested at each dot; the key's line is the section's depth + 1.
std::pair<std::string, int> setting_yaml(std::string_view section, std::string_view key, const std::string& value) {
  std::string yaml;
  std::string indent;
  int line = 1;
  while (true) {
    const auto dot = section.find('.');
    yaml += indent + std::string{section.substr(0, dot)} + ":\n";
    indent += "  ";
    ++line;
    if (dot == std::string_view::npos) break;
    section.remove_prefix(dot + 1);
  }
  return {yaml + indent + std::string{key} + ": " + value + "\n", line};
}

// The settings table and the embedded default (what --print-default-config
// prints) cannot drift: every table setting is written there, with the value
// an absent key leaves, or the value the shipped file turns on.
TEST(ConfigTable, EverySettingIsInTheEmbeddedDefaultWithItsDefault) {
  const YAML::Node root = YAML::Load(std::string{default_yaml()});
  for (const auto& row : setting_rows()) {
    const std::string path = std::string{row.section} + "." + std::string{row.key};
    const YAML::Node section = section_of(root, row.section);
    ASSERT_TRUE(section && section[std::string{row.key}]) << path << " is not in configs/brasd.yaml";
    std::string expected{row.default_value};
    for (const auto& [shipped_path, value] : shipped_defaults) {
      if (shipped_path == path) expected = value;
    }
    EXPECT_EQ(section[std::string{row.key}].as<std::string>(), expected) << path;
  }
}

// The struct initializers in config.hpp are the table's defaults.
TEST(ConfigTable, StructDefaultsAreTheTableDefaults) {
  const settings defaults;
  for (const auto& row : setting_rows()) {
    EXPECT_EQ(row.show(defaults), row.default_value) << row.section << "." << row.key;
  }
  auto empty = load("", "empty.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(empty));
  for (const auto& row : setting_rows()) {
    EXPECT_EQ(row.show(std::get<settings>(empty)), row.default_value) << row.section << "." << row.key;
  }
}

// Each integer and duration setting refuses one past its range, with the
// walker's wording and the key's line; each choice refuses another word.
TEST(ConfigTable, EveryRangeAndChoiceIsEnforced) {
  for (const auto& row : setting_rows()) {
    const std::string path = std::string{row.section} + "." + std::string{row.key};
    std::string value;
    std::string reason;
    if (row.kind == setting_kind::integer || row.kind == setting_kind::duration) {
      value = std::to_string(row.max + 1);
      reason = "must be between " + std::to_string(row.min) + " and " + std::to_string(row.max);
    } else if (row.kind == setting_kind::choice) {
      value = "no-such-choice";
    } else {
      continue;
    }
    const auto [yaml, line] = setting_yaml(row.section, row.key, value);
    auto r = load(yaml, "t.yaml");
    ASSERT_TRUE(std::holds_alternative<load_error>(r)) << path;
    EXPECT_EQ(error_of(r).line, line) << path;
    EXPECT_EQ(error_of(r).path, path);
    if (!reason.empty()) {
      EXPECT_EQ(error_of(r).reason, reason) << path;
    }
  }
}

// Each list entry's table: the entry's struct initializers are its defaults.
template <class Entry>
void expect_entry_defaults() {
  const Entry defaults{};
  for (const auto& row : entry_rows<Entry>()) {
    EXPECT_EQ(row.show(defaults), row.default_value) << row.section << "." << row.key;
  }
}

TEST(ConfigTable, EntryStructDefaultsAreTheTableDefaults) {
  expect_entry_defaults<local_gateway>();
  expect_entry_defaults<tunnel_group>();
  expect_entry_defaults<lac_client>();
  expect_entry_defaults<lns_destination>();
  expect_entry_defaults<subscriber>();
  expect_entry_defaults<tunnel_profile>();
  expect_entry_defaults<access_interface>();
  expect_entry_defaults<pppoe_vlan>();
  expect_entry_defaults<pado_delay_step>();
}

// Each integer and duration key of a list entry refuses one past its range in
// the list's second entry: the error names the file, the key's line and the
// entry's path. `yaml` ends with the second entry's last line at `indent`.
template <class Entry>
void expect_entry_ranges(const std::string& yaml, int line, const std::string& indent, const std::string& entry) {
  std::size_t checked = 0;
  for (const auto& row : entry_rows<Entry>()) {
    if (row.kind != setting_kind::integer && row.kind != setting_kind::duration) continue;
    const std::string path = entry + "." + std::string{row.key};
    auto r = load(yaml + indent + std::string{row.key} + ": " + std::to_string(row.max + 1) + "\n", "t.yaml");
    ASSERT_TRUE(std::holds_alternative<load_error>(r)) << path;
    EXPECT_EQ(error_of(r).file, "t.yaml") << path;
    EXPECT_EQ(error_of(r).line, line) << path;
    EXPECT_EQ(error_of(r).path, path);
    EXPECT_EQ(error_of(r).reason, "must be between " + std::to_string(row.min) + " and " + std::to_string(row.max))
        << path;
    ++checked;
  }
  EXPECT_GT(checked, 0u) << entry;
}

TEST(ConfigTable, EveryEntryRangeIsEnforcedWithTheEntrysPath) {
  const std::string gateways = "l2tp:\n  local-gateways:\n    - address: 127.0.0.1\n    - address: 127.0.0.2\n";
  expect_entry_ranges<local_gateway>(gateways, 5, "      ", "l2tp.local-gateways[1]");
  expect_entry_ranges<tunnel_group>("l2tp:\n  tunnel-groups:\n    - name: a\n    - name: b\n", 5, "      ",
                                    "l2tp.tunnel-groups[1]");
  expect_entry_ranges<lac_client>(
      "l2tp:\n  tunnel-groups:\n    - name: a\n      clients:\n        - host-name: x\n        - host-name: y\n", 7,
      "          ", "l2tp.tunnel-groups[0].clients[1]");
  expect_entry_ranges<lns_destination>(
      "l2tp:\n  local-gateways:\n    - address: 127.0.0.1\n  destinations:\n    - address: 10.0.0.1\n"
      "    - address: 10.0.0.2\n",
      7, "      ", "l2tp.destinations[1]");
  expect_entry_ranges<subscriber>(
      "aaa:\n  subscribers:\n    - {user: a, password: b}\n    - user: c\n      password: d\n", 6, "      ",
      "aaa.subscribers[1]");
  expect_entry_ranges<access_interface>("pppoe:\n  interfaces:\n    - name: a\n    - name: b\n", 5, "      ",
                                        "pppoe.interfaces[1]");
  expect_entry_ranges<pppoe_vlan>(
      "pppoe:\n  interfaces:\n    - name: a\n      vlans:\n        - vlan: 1\n        - vlan: 2\n", 7, "          ",
      "pppoe.interfaces[0].vlans[1]");
}

TEST(ConfigTable, DestinationWeightOutOfRangeNamesFileLineAndEntry) {
  auto r = load(
      "l2tp:\n  local-gateways:\n    - address: 127.0.0.1\n  destinations:\n    - address: 10.0.0.1\n"
      "    - address: 10.0.0.2\n      weight: 0\n",
      "lac.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(r));
  EXPECT_EQ(error_of(r).to_string(), "lac.yaml:7: l2tp.destinations[1].weight: must be between 1 and 1000");
}

// An entry accepts its table keys and its hand-parsed ones, nothing else.
TEST(ConfigTable, EntryKeysOutsideTheTableAreRefused) {
  auto r = load("l2tp:\n  tunnel-groups:\n    - name: a\n      clients:\n        - max-tunnel: 3\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(r));
  EXPECT_EQ(error_of(r).line, 5);
  EXPECT_EQ(error_of(r).path, "l2tp.tunnel-groups[0].clients[0].max-tunnel");
  EXPECT_EQ(error_of(r).reason, "unknown key");
  auto ok = load(
      "l2tp:\n  tunnel-groups:\n    - name: a\n      hello-interval: 7\n      clients:\n"
      "        - {max-tunnels: 3, receive-window: 4, retransmit-count: 2}\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(ok)) << error_of(ok).to_string();
  const auto& group = std::get<settings>(ok).l2tp.tunnel_groups.at(0);
  EXPECT_EQ(group.hello_interval, seconds{7});
  EXPECT_EQ(group.clients.at(0).max_tunnels, 3u);
  EXPECT_EQ(group.clients.at(0).receive_window, std::uint16_t{4});
  EXPECT_EQ(group.clients.at(0).retransmit_count, 2u);
  EXPECT_FALSE(group.clients.at(0).hello_interval);
}

// The authentication back-off's keys: read into aaa, and the cap below the
// first back-off refused at whichever of the two keys the file writes.
TEST(Config, AuthBackoffKeysAndTheirCrossCheck) {
  auto ok = load("aaa:\n  auth-failure-limit: 0\n  auth-backoff: 900\n  auth-backoff-max: 900\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(ok)) << error_of(ok).to_string();
  const auto& aaa = std::get<settings>(ok).aaa;
  EXPECT_EQ(aaa.auth_failure_limit, 0U);
  EXPECT_EQ(aaa.auth_backoff, seconds{900});
  EXPECT_EQ(aaa.auth_backoff_max, seconds{900});
  EXPECT_EQ(aaa.auth_failure_window, seconds{60}) << "absent: the default";

  auto max_below = load("aaa:\n  auth-backoff: 60\n  auth-backoff-max: 30\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(max_below));
  EXPECT_EQ(error_of(max_below).line, 3);
  EXPECT_EQ(error_of(max_below).path, "aaa.auth-backoff-max");
  EXPECT_EQ(error_of(max_below).reason, "below aaa.auth-backoff");

  auto above_default_max = load("aaa:\n  auth-backoff: 601\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(above_default_max));
  EXPECT_EQ(error_of(above_default_max).line, 2);
  EXPECT_EQ(error_of(above_default_max).path, "aaa.auth-backoff");
  EXPECT_EQ(error_of(above_default_max).reason, "above aaa.auth-backoff-max");
}

TEST(ConfigLoad, ARelativeSubscribersFileIsTakenFromTheConfigurationsDirectory) {
  const auto subscribers_of = [](std::string_view yaml, std::string_view file) {
    auto r = load(yaml, file);
    EXPECT_TRUE(std::holds_alternative<settings>(r)) << file;
    return std::holds_alternative<settings>(r) ? std::get<settings>(r).aaa.subscribers_file : std::string{};
  };
  EXPECT_EQ(subscribers_of("aaa: {subscribers-file: subs.yaml}\n", "/etc/brasd/brasd.yaml"), "/etc/brasd/subs.yaml");
  EXPECT_EQ(subscribers_of("aaa: {subscribers-file: /srv/subs.yaml}\n", "/etc/brasd/brasd.yaml"), "/srv/subs.yaml");
  EXPECT_EQ(subscribers_of("aaa: {subscribers-file: subs.yaml}\n", "brasd.yaml"), "subs.yaml")
      << "a file name without a directory: the working directory's";
}

}  // namespace
}  // namespace bras::config

namespace bras::config {
namespace {

TEST(ConfigParse, Ipv4EndpointsTakePortsFrom0To65535AndNothingElse) {
  const auto e = parse_ipv4_endpoint("127.0.0.1:9101");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->address, 0x7f000001u);
  EXPECT_EQ(e->port, 9101);
  EXPECT_EQ(parse_ipv4_endpoint("10.0.0.1:0")->port, 0);
  EXPECT_EQ(parse_ipv4_endpoint("10.0.0.1:65535")->port, 65535);
  for (const char* bad :
       {"10.0.0.1:65536", "10.0.0.1:", "10.0.0.1", "10.0.0.1:80x", "10.0.0:80", ":80", "10.0.0.1:-1"}) {
    EXPECT_FALSE(parse_ipv4_endpoint(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace bras::config

// The LAC's configuration: the pppoe section, l2tp.tunnel-profiles and
// l2tp.domain-map, their cross-checks, and the shipped examples.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <variant>

#include "configs/config.hpp"
#include "configs/settings_table.hpp"
#include "tests/unit/config_test_util.hpp"

namespace bras::config {
namespace {

using config_test::bad_config;
using config_test::error_of;

const std::string examples = std::string{BRAS_SOURCE_DIR} + "/configs/examples";

TEST(ConfigExamples, EveryExampleLoads) {
  std::size_t loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator{examples}) {
    if (entry.path().extension() != ".yaml") continue;
    if (entry.path().filename() == "subscribers.yaml") continue;  // a subscribers file, named by lns.yaml
    auto r = load_file(entry.path().string());
    EXPECT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
    ++loaded;
  }
  EXPECT_GE(loaded, 3u);
}

// issue #13 "Names other work relies on": a LAC beside the embedded default LNS on one host.
TEST(ConfigExamples, LacPppoeRunsBesideTheDefaultLns) {
  auto r = load_file(examples + "/lac-pppoe.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  ASSERT_EQ(s.pppoe.interfaces.size(), 1u);
  EXPECT_EQ(s.pppoe.interfaces[0].name, "access0");
  EXPECT_TRUE(s.pppoe.interfaces[0].untagged);
  EXPECT_TRUE(s.pppoe.interfaces[0].vlans.empty());
  EXPECT_EQ(s.pppoe.max_payload, 1492) << "RFC 4638 not offered: fits an access interface of MTU 1500";
  ASSERT_EQ(s.l2tp.local_gateways.size(), 1u);
  EXPECT_EQ(s.l2tp.local_gateways[0].address, "127.0.0.2");
  EXPECT_EQ(s.l2tp.local_gateways[0].port, 1701);
  EXPECT_TRUE(s.l2tp.tunnel_groups.empty()) << "a LAC accepts no tunnels";
  ASSERT_EQ(s.l2tp.destinations.size(), 1u);
  const auto& lns = s.l2tp.destinations[0];
  EXPECT_EQ(lns.address, "127.0.0.1");
  EXPECT_EQ(lns.port, 1701);
  EXPECT_EQ(lns.local_gateway, s.l2tp.local_gateways[0].name);
  EXPECT_EQ(lns.secret, "") << "the default LNS authenticates no tunnels";
  ASSERT_EQ(s.l2tp.tunnel_profiles.size(), 1u);
  EXPECT_EQ(s.l2tp.tunnel_profiles[0].destinations, std::vector<std::string>{lns.name});
  ASSERT_EQ(s.l2tp.domain_map.size(), 1u);
  EXPECT_EQ(s.l2tp.domain_map[0].realm, "*") << "every realm and no realm";
  EXPECT_EQ(s.l2tp.domain_map[0].tunnel_profile, s.l2tp.tunnel_profiles[0].name);
  EXPECT_EQ(s.cli.socket, "/run/brasd/lac.sock");
  EXPECT_EQ(s.metrics.listen, "127.0.0.1:9102");
  EXPECT_EQ(s.data_plane.tun, "") << "a LAC needs no tun";
  EXPECT_EQ(s.ppp.authentication, (std::vector<std::string>{"chap", "pap"}));
}

TEST(ConfigExamples, LacShowsTunnelProfilesAndADomainMap) {
  auto r = load_file(examples + "/lac.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& l = std::get<settings>(r).l2tp;
  ASSERT_EQ(l.tunnel_profiles.size(), 2u);
  EXPECT_EQ(l.tunnel_profiles[0].destinations, (std::vector<std::string>{"lns-a", "lns-b", "lns-backup"}));
  EXPECT_EQ(l.tunnel_profiles[1].selection, "round-robin");
  ASSERT_EQ(l.domain_map.size(), 2u);
  EXPECT_EQ(l.domain_map[0].realm, "wholesale.example");
  EXPECT_EQ(l.domain_map[0].tunnel_profile, "wholesale");
  EXPECT_EQ(l.destinations.at(3).assignment_id, "wholesale");
  EXPECT_TRUE(std::get<settings>(r).pppoe.interfaces.empty());
}

TEST(ConfigPppoe, EmbeddedDefaultStaysAnLns) {
  auto r = load_default();
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& s = std::get<settings>(r);
  EXPECT_TRUE(s.pppoe.interfaces.empty());
  EXPECT_TRUE(s.pppoe.pado_delay.empty());
  EXPECT_TRUE(s.pppoe.service_names.empty());
  EXPECT_TRUE(s.l2tp.tunnel_profiles.empty());
  EXPECT_TRUE(s.l2tp.domain_map.empty());
  EXPECT_TRUE(s.l2tp.destinations.empty());
}

TEST(ConfigPppoe, AbsentKeysLeaveTheStructDefaults) {
  auto r = load("pppoe:\n  interfaces:\n    - name: eth1\n      vlans:\n        - vlan: 7\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& p = std::get<settings>(r).pppoe;
  const pppoe_settings defaults;
  EXPECT_EQ(p.ac_name, defaults.ac_name);
  EXPECT_EQ(p.max_payload, defaults.max_payload);
  EXPECT_EQ(p.calling_number, defaults.calling_number);
  EXPECT_EQ(p.cookie_lifetime, defaults.cookie_lifetime);
  EXPECT_EQ(p.discovery_timeout, defaults.discovery_timeout);
  const access_interface interface_defaults;
  EXPECT_EQ(p.interfaces.at(0).untagged, interface_defaults.untagged);
  EXPECT_EQ(p.interfaces.at(0).max_sessions_per_vlan, interface_defaults.max_sessions_per_vlan);
  const auto& v = p.interfaces.at(0).vlans.at(0);
  EXPECT_EQ(v.outer_first, 7);
  EXPECT_EQ(v.outer_last, 7);
  EXPECT_EQ(v.inner_first, 0) << "single-tagged";
  EXPECT_EQ(v.inner_last, 0);
  EXPECT_EQ(v.max_sessions, 0u);
  const tunnel_profile profile_defaults;
  EXPECT_EQ(profile_defaults.selection, "weighted");
}

TEST(ConfigPppoe, EveryKeyIsParsed) {
  auto r = load(
      "pppoe:\n"
      "  interfaces:\n"
      "    - name: access0\n"
      "      untagged: false\n"
      "      max-sessions-per-vlan: 100\n"
      "      service-names: [internet]\n"
      "      vlans:\n"
      "        - {vlan: 100-199, max-sessions: 50, service-names: [iptv, voice]}\n"
      "        - {vlan: 100, inner-vlan: 1-4094}\n"
      "        - {vlan: 200-300, inner-vlan: 7}\n"
      "    - {name: access1, vlans: [{vlan: 100}]}\n"
      "  ac-name: lac-berlin-1\n"
      "  service-names: [internet, business]\n"
      "  max-payload: 1500\n"
      "  padi-rate: 200\n"
      "  padi-rate-per-mac: 2\n"
      "  max-sessions: 32000\n"
      "  max-sessions-per-mac: 1\n"
      "  max-starting: 300\n"
      "  pado-delay: [{sessions: 1000, delay-ms: 100}, {sessions: 4000, delay-ms: 500}]\n"
      "  cookie-lifetime: 120\n"
      "  calling-number: \"{interface}:{svlan}.{cvlan} {remote-id|circuit-id|mac} #{session}{vlan}\"\n"
      "  access-line-avps: false\n"
      "  echo-interval: 10\n"
      "  echo-failures: 5\n"
      "  discovery-timeout: 20\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& p = std::get<settings>(r).pppoe;
  ASSERT_EQ(p.interfaces.size(), 2u);
  const auto& a = p.interfaces[0];
  EXPECT_EQ(a.name, "access0");
  EXPECT_FALSE(a.untagged);
  EXPECT_EQ(a.max_sessions_per_vlan, 100u);
  EXPECT_EQ(a.service_names, std::vector<std::string>{"internet"});
  ASSERT_EQ(a.vlans.size(), 3u);
  EXPECT_EQ(a.vlans[0].outer_first, 100);
  EXPECT_EQ(a.vlans[0].outer_last, 199);
  EXPECT_EQ(a.vlans[0].inner_first, 0);
  EXPECT_EQ(a.vlans[0].max_sessions, 50u);
  EXPECT_EQ(a.vlans[0].service_names, (std::vector<std::string>{"iptv", "voice"}));
  EXPECT_EQ(a.vlans[1].outer_first, 100);
  EXPECT_EQ(a.vlans[1].outer_last, 100);
  EXPECT_EQ(a.vlans[1].inner_first, 1);
  EXPECT_EQ(a.vlans[1].inner_last, 4094);
  EXPECT_EQ(a.vlans[2].inner_first, 7);
  EXPECT_EQ(a.vlans[2].inner_last, 7);
  EXPECT_TRUE(p.interfaces[1].untagged);
  EXPECT_EQ(p.ac_name, "lac-berlin-1");
  EXPECT_EQ(p.service_names, (std::vector<std::string>{"internet", "business"}));
  EXPECT_EQ(p.max_payload, 1500);
  EXPECT_EQ(p.padi_rate, 200u);
  EXPECT_EQ(p.padi_rate_per_mac, 2u);
  EXPECT_EQ(p.max_sessions, 32000u);
  EXPECT_EQ(p.max_sessions_per_mac, 1u);
  EXPECT_EQ(p.max_starting, 300u);
  ASSERT_EQ(p.pado_delay.size(), 2u);
  EXPECT_EQ(p.pado_delay[0].sessions, 1000u);
  EXPECT_EQ(p.pado_delay[0].delay, milliseconds{100});
  EXPECT_EQ(p.pado_delay[1].sessions, 4000u);
  EXPECT_EQ(p.pado_delay[1].delay, milliseconds{500});
  EXPECT_EQ(p.cookie_lifetime, seconds{120});
  EXPECT_EQ(p.calling_number, "{interface}:{svlan}.{cvlan} {remote-id|circuit-id|mac} #{session}{vlan}");
  EXPECT_FALSE(p.access_line_avps);
  EXPECT_EQ(p.echo_interval, seconds{10});
  EXPECT_EQ(p.echo_failures, 5u);
  EXPECT_EQ(p.discovery_timeout, seconds{20});
}

TEST(ConfigPppoe, CallingNumberMayBeOff) {
  auto r = load("pppoe:\n  calling-number: \"\"\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  EXPECT_EQ(std::get<settings>(r).pppoe.calling_number, "");
}

TEST(ConfigTunnelProfiles, ProfilesDomainMapAndAssignmentIds) {
  auto r = load(
      "l2tp:\n"
      "  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
      "  destinations:\n"
      "    - {name: a, address: 192.0.2.1, assignment-id: tenant-1}\n"
      "    - {name: b, address: 192.0.2.2}\n"
      "  tunnel-profiles:\n"
      "    - {name: both, destinations: [a, b], selection: round-robin}\n"
      "    - {name: only-b, destinations: [b]}\n"
      "  domain-map:\n"
      "    - {realm: Example.NET, tunnel-profile: only-b}\n"
      "    - {realm: \"\", tunnel-profile: only-b}\n"
      "    - {realm: \"*\", tunnel-profile: both}\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
  const auto& l = std::get<settings>(r).l2tp;
  EXPECT_EQ(l.destinations[0].assignment_id, "tenant-1");
  EXPECT_EQ(l.destinations[1].assignment_id, "");
  ASSERT_EQ(l.tunnel_profiles.size(), 2u);
  EXPECT_EQ(l.tunnel_profiles[0].name, "both");
  EXPECT_EQ(l.tunnel_profiles[0].destinations, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(l.tunnel_profiles[0].selection, "round-robin");
  EXPECT_EQ(l.tunnel_profiles[1].selection, "weighted");
  ASSERT_EQ(l.domain_map.size(), 3u);
  EXPECT_EQ(l.domain_map[0].realm, "Example.NET") << "kept as written; matched case-insensitively";
  EXPECT_EQ(l.domain_map[0].tunnel_profile, "only-b");
  EXPECT_EQ(l.domain_map[1].realm, "");
  EXPECT_EQ(l.domain_map[2].realm, "*");
}

TEST(ConfigPppoe, SameVlanOnTwoInterfacesAndSingleBesideQinqAreNoOverlap) {
  auto r = load(
      "pppoe:\n  interfaces:\n"
      "    - {name: a, vlans: [{vlan: 10}, {vlan: 10, inner-vlan: 1-100}, {vlan: 11-20}]}\n"
      "    - {name: b, vlans: [{vlan: 10}]}\n",
      "t.yaml");
  ASSERT_TRUE(std::holds_alternative<settings>(r)) << error_of(r).to_string();
}

// Each key of the PADO delay steps refuses one past its range, naming the step.
TEST(ConfigPppoe, PadoDelayRanges) {
  auto sessions = load(
      "pppoe:\n  pado-delay:\n    - {sessions: 1, delay-ms: 1}\n    - {sessions: 1000001, delay-ms: 2}\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(sessions));
  EXPECT_EQ(error_of(sessions).to_string(), "t.yaml:4: pppoe.pado-delay[1].sessions: must be between 0 and 1000000");
  auto delay = load(
      "pppoe:\n  pado-delay:\n    - {sessions: 1, delay-ms: 1}\n    - sessions: 2\n      delay-ms: 10001\n", "t.yaml");
  ASSERT_TRUE(std::holds_alternative<load_error>(delay));
  EXPECT_EQ(error_of(delay).to_string(), "t.yaml:5: pppoe.pado-delay[1].delay-ms: must be between 0 and 10000");
}

class ConfigLacRejects : public ::testing::TestWithParam<bad_config> {};

TEST_P(ConfigLacRejects, WithFileLinePathAndReason) {
  config_test::expect_refused(GetParam());
}

#define LAC_L2TP                                                                     \
  "l2tp:\n"                                                                          \
  "  local-gateways: [{name: lo, address: 127.0.0.1}]\n"                             \
  "  destinations: [{name: a, address: 127.0.0.1}, {name: b, address: 127.0.0.2}]\n" \
  "  tunnel-profiles:\n"
#define PROFILE_P "    - {name: p, destinations: [a, b]}\n"
#define VLANS "pppoe:\n  interfaces:\n    - name: eth0\n      vlans:\n"

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigLacRejects,
    ::testing::Values(
        bad_config{"profile_unknown_destination", LAC_L2TP "    - {name: p, destinations: [a, c]}\n", 5,
                   "l2tp.tunnel-profiles[0].destinations[1]", "no destination named c"},
        bad_config{"profile_duplicate_name", LAC_L2TP PROFILE_P "    - {name: p, destinations: [a]}\n", 6,
                   "l2tp.tunnel-profiles[1].name", "duplicate tunnel profile p"},
        bad_config{"profile_no_name", LAC_L2TP "    - {destinations: [a]}\n", 5, "l2tp.tunnel-profiles[0].name",
                   "required"},
        bad_config{"profile_empty", LAC_L2TP "    - {name: p, destinations: []}\n", 5,
                   "l2tp.tunnel-profiles[0].destinations", "needs at least one destination"},
        bad_config{"profile_without_destinations_key", LAC_L2TP "    - {name: p}\n", 5,
                   "l2tp.tunnel-profiles[0].destinations", "needs at least one destination"},
        bad_config{"profile_repeats_destination", LAC_L2TP "    - {name: p, destinations: [a, a]}\n", 5,
                   "l2tp.tunnel-profiles[0].destinations[1]", "duplicate destination a"},
        bad_config{"profile_selection", LAC_L2TP "    - {name: p, destinations: [a], selection: random}\n", 5,
                   "l2tp.tunnel-profiles[0].selection", "unknown selection random (weighted, round-robin)"},
        bad_config{"profile_unknown_key", LAC_L2TP "    - {name: p, destinations: [a], weight: 3}\n", 5,
                   "l2tp.tunnel-profiles[0].weight", "unknown key"},
        bad_config{"profile_ambiguous_destination",
                   "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
                   "  destinations: [{address: 127.0.0.1}, {address: 127.0.0.1, port: 1702}]\n"
                   "  tunnel-profiles:\n    - {name: p, destinations: [127.0.0.1]}\n",
                   5, "l2tp.tunnel-profiles[0].destinations[0]", "2 destinations are named 127.0.0.1"},
        bad_config{"profiles_without_any_destination",
                   "l2tp:\n  tunnel-profiles:\n    - {name: p, destinations: [a]}\n", 2, "l2tp.tunnel-profiles",
                   "needs l2tp.destinations"},
        bad_config{"domain_map_without_any_destination",
                   "l2tp:\n  domain-map:\n    - {realm: \"*\", tunnel-profile: p}\n", 2, "l2tp.domain-map",
                   "needs l2tp.destinations"},
        bad_config{"domain_map_unknown_profile",
                   LAC_L2TP PROFILE_P "  domain-map:\n    - {realm: x.net, tunnel-profile: q}\n", 7,
                   "l2tp.domain-map[0].tunnel-profile", "no tunnel profile named q"},
        bad_config{"domain_map_without_profiles",
                   "l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
                   "  destinations: [{name: a, address: 127.0.0.1}]\n"
                   "  domain-map:\n    - {realm: x.net, tunnel-profile: a}\n",
                   5, "l2tp.domain-map[0].tunnel-profile", "no tunnel profile named a"},
        bad_config{"domain_map_duplicate_realm",
                   LAC_L2TP PROFILE_P
                   "  domain-map:\n    - {realm: X.net, tunnel-profile: p}\n    - {realm: x.NET, tunnel-profile: p}\n",
                   8, "l2tp.domain-map[1].realm", "duplicate realm \"x.NET\""},
        bad_config{"domain_map_duplicate_any",
                   LAC_L2TP PROFILE_P
                   "  domain-map:\n    - {realm: \"*\", tunnel-profile: p}\n    - {realm: \"*\", tunnel-profile: p}\n",
                   8, "l2tp.domain-map[1].realm", "duplicate realm"},
        bad_config{"domain_map_realm_with_at",
                   LAC_L2TP PROFILE_P "  domain-map:\n    - {realm: \"@x.net\", tunnel-profile: p}\n", 7,
                   "l2tp.domain-map[0].realm", "a realm is what follows"},
        bad_config{"domain_map_no_realm", LAC_L2TP PROFILE_P "  domain-map:\n    - {tunnel-profile: p}\n", 7,
                   "l2tp.domain-map[0].realm", "required"},
        bad_config{"domain_map_no_profile", LAC_L2TP PROFILE_P "  domain-map:\n    - {realm: x.net}\n", 7,
                   "l2tp.domain-map[0].tunnel-profile", "required"},
        bad_config{"pppoe_unknown_key", "pppoe:\n  ac-name: x\n  max-session: 3\n", 3, "pppoe.max-session",
                   "unknown key"},
        bad_config{"interface_name_long", "pppoe:\n  interfaces:\n    - name: abcdefghijklmnop\n", 3,
                   "pppoe.interfaces[0].name", "interface names have at most 15 characters"},
        bad_config{"interface_name_slash", "pppoe:\n  interfaces:\n    - name: a/b\n", 3, "pppoe.interfaces[0].name",
                   "not an interface name: a/b"},
        bad_config{"interface_no_name", "pppoe:\n  interfaces:\n    - untagged: true\n", 3, "pppoe.interfaces[0].name",
                   "required"},
        bad_config{"interface_repeated", "pppoe:\n  interfaces:\n    - name: eth0\n    - name: eth0\n", 4,
                   "pppoe.interfaces[1].name", "interface eth0 is listed twice"},
        bad_config{"interface_accepts_nothing", "pppoe:\n  interfaces:\n    - {name: eth0, untagged: false}\n", 3,
                   "pppoe.interfaces[0]", "accepts no frames"},
        bad_config{"interface_unknown_key", "pppoe:\n  interfaces:\n    - {name: eth0, mtu: 1500}\n", 3,
                   "pppoe.interfaces[0].mtu", "unknown key"},
        bad_config{"vlan_zero", VLANS "        - vlan: 0\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "VLAN IDs are 1 to 4094: 0"},
        bad_config{"vlan_4095", VLANS "        - vlan: 4000-4095\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "VLAN IDs are 1 to 4094"},
        bad_config{"vlan_backwards", VLANS "        - vlan: 200-100\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "range 200-100 runs backwards"},
        bad_config{"vlan_garbage", VLANS "        - vlan: ten\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "expected a VLAN ID or a range A-B"},
        bad_config{"vlan_negative", VLANS "        - vlan: -5\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "expected a VLAN ID or a range A-B"},
        bad_config{"vlan_missing", VLANS "        - max-sessions: 3\n", 5, "pppoe.interfaces[0].vlans[0].vlan",
                   "required"},
        bad_config{"vlan_not_a_mapping", VLANS "        - 100\n", 5, "pppoe.interfaces[0].vlans[0]",
                   "expected a mapping"},
        bad_config{"inner_vlan_range", VLANS "        - {vlan: 10, inner-vlan: 5000}\n", 5,
                   "pppoe.interfaces[0].vlans[0].inner-vlan", "VLAN IDs are 1 to 4094"},
        bad_config{"inner_vlan_backwards", VLANS "        - {vlan: 10, inner-vlan: 9-1}\n", 5,
                   "pppoe.interfaces[0].vlans[0].inner-vlan", "range 9-1 runs backwards"},
        bad_config{"vlans_overlap", VLANS "        - vlan: 100-199\n        - vlan: 150\n", 6,
                   "pppoe.interfaces[0].vlans[1]", "overlaps vlans[0]"},
        bad_config{"qinq_overlap",
                   VLANS "        - {vlan: 10, inner-vlan: 1-100}\n        - {vlan: 1-9}\n"
                         "        - {vlan: 5-20, inner-vlan: 100}\n",
                   7, "pppoe.interfaces[0].vlans[2]", "overlaps vlans[0]"},
        bad_config{"vlan_service_names_repeat", VLANS "        - {vlan: 10, service-names: [a, a]}\n", 5,
                   "pppoe.interfaces[0].vlans[0].service-names[1]", "duplicate service name a"},
        bad_config{"service_names_repeat", "pppoe:\n  service-names: [a, a]\n", 2, "pppoe.service-names[1]",
                   "duplicate service name a"},
        bad_config{"service_name_empty", "pppoe:\n  service-names: [\"\"]\n", 2, "pppoe.service-names[0]",
                   "must not be empty"},
        bad_config{"max_payload_low", "pppoe:\n  max-payload: 1491\n", 2, "pppoe.max-payload",
                   "must be between 1492 and 8992"},
        bad_config{"max_payload_high", "pppoe:\n  max-payload: 9000\n", 2, "pppoe.max-payload",
                   "must be between 1492 and 8992"},
        bad_config{"ac_name_empty", "pppoe:\n  ac-name: \"\"\n", 2, "pppoe.ac-name", "must not be empty"},
        bad_config{"pado_delay_not_ascending",
                   "pppoe:\n  pado-delay:\n    - {sessions: 100, delay-ms: 10}\n    - {sessions: 100, delay-ms: 20}\n",
                   4, "pppoe.pado-delay[1].sessions", "not above the previous step's 100"},
        bad_config{"pado_delay_shrinks",
                   "pppoe:\n  pado-delay:\n    - {sessions: 100, delay-ms: 50}\n    - {sessions: 200, delay-ms: 20}\n",
                   4, "pppoe.pado-delay[1].delay-ms", "below the previous step's 50"},
        bad_config{"pado_delay_without_delay", "pppoe:\n  pado-delay:\n    - {sessions: 100}\n", 3,
                   "pppoe.pado-delay[0].delay-ms", "required"},
        bad_config{"calling_number_unknown", "pppoe:\n  calling-number: \"{mac}-{port}\"\n", 2, "pppoe.calling-number",
                   "unknown placeholder \"port\""},
        bad_config{"calling_number_fallback_unknown", "pppoe:\n  calling-number: \"{circuit-id|nas}\"\n", 2,
                   "pppoe.calling-number", "unknown placeholder \"nas\""},
        bad_config{"calling_number_empty_alternative", "pppoe:\n  calling-number: \"{mac|}\"\n", 2,
                   "pppoe.calling-number", "unknown placeholder \"\""},
        bad_config{"calling_number_unclosed", "pppoe:\n  calling-number: \"x{mac\"\n", 2, "pppoe.calling-number",
                   "'{' at column 2 is not closed"},
        bad_config{"calling_number_nested", "pppoe:\n  calling-number: \"{m{ac}}\"\n", 2, "pppoe.calling-number",
                   "'{' at column 1 is not closed"},
        bad_config{"calling_number_stray_brace", "pppoe:\n  calling-number: \"mac}\"\n", 2, "pppoe.calling-number",
                   "'}' at column 4 without '{'"}),
    config_test::case_name);

#undef LAC_L2TP
#undef PROFILE_P
#undef VLANS

}  // namespace
}  // namespace bras::config

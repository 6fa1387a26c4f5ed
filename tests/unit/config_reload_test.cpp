// configs/config_reload.cpp: the settings two configuration texts differ in,
// named section.key; lists and maps compared whole; which changes a reload
// applies (the log levels, the L2TP limits) and which wait for a restart,
// counted against the text brasd started on.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "configs/config_reload.hpp"
#include "configs/default_config.hpp"

namespace bras::config {
namespace {

using names = std::vector<std::string>;

const std::string base =
    "log:\n  level: info\n  components: {}\n"
    "l2tp:\n  host-name: lns\n  tunnel-setup-rate: 2000\n"
    "  tunnel-groups:\n    - name: g\n      clients: [{host-name: a, secret: s1}]\n"
    "ppp:\n  mru: 1500\n";

std::string with(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

TEST(ConfigReload, TheSameTextChangesNothing) {
  EXPECT_EQ(changed_settings(base, base), names{});
  // Layout, comments and key order are not changes.
  const std::string reordered =
      "ppp: {mru: 1500}   # comment\n"
      "l2tp:\n  tunnel-setup-rate: 2000\n  host-name: lns\n"
      "  tunnel-groups: [{clients: [{secret: s1, host-name: a}], name: g}]\n"
      "log: {components: {}, level: info}\n";
  EXPECT_EQ(changed_settings(base, reordered), names{});
  EXPECT_EQ(changed_settings(default_yaml(), default_yaml()), names{});
}

TEST(ConfigReload, NamesEachChangedSettingBySectionAndKey) {
  auto after = with(base, "tunnel-setup-rate: 2000", "tunnel-setup-rate: 50");
  after = with(after, "mru: 1500", "mru: 1492");
  EXPECT_EQ(changed_settings(base, after), (names{"l2tp.tunnel-setup-rate", "ppp.mru"}));
}

TEST(ConfigReload, AListOrMapIsOneSettingChangedByAnythingUnderIt) {
  const auto secret = with(base, "secret: s1", "secret: s2");
  EXPECT_EQ(changed_settings(base, secret), names{"l2tp.tunnel-groups"});
  const auto client = with(base, "[{host-name: a, secret: s1}]", "[{host-name: a, secret: s1}, {host-name: b}]");
  EXPECT_EQ(changed_settings(base, client), names{"l2tp.tunnel-groups"});
  const auto component = with(base, "components: {}", "components: {ppp: debug}");
  EXPECT_EQ(changed_settings(base, component), names{"log.components"});
}

TEST(ConfigReload, AddedAndRemovedKeysAndSectionsCount) {
  const auto added = base + "metrics:\n  port: 9200\n";
  EXPECT_EQ(changed_settings(base, added), names{"metrics"});
  EXPECT_EQ(changed_settings(added, base), names{"metrics"});
  const auto key_added = with(base, "ppp:\n  mru: 1500\n", "ppp:\n  mru: 1500\n  mtu: 1400\n");
  EXPECT_EQ(changed_settings(base, key_added), names{"ppp.mtu"});
  // Written out at its default is still a change of the text.
  const auto rate_removed = with(base, "  tunnel-setup-rate: 2000\n", "");
  EXPECT_EQ(changed_settings(base, rate_removed), names{"l2tp.tunnel-setup-rate"});
}

TEST(ConfigReload, TheLogLevelsAndTheL2tpLimitsAreAppliedOnReload) {
  for (const auto* live : {"log.level", "log.components", "l2tp.max-tunnels", "l2tp.max-sessions",
                           "l2tp.max-sessions-in-setup", "l2tp.tunnel-setup-rate", "l2tp.tunnel-setup-rate-per-source",
                           "l2tp.max-tunnels-in-setup", "l2tp.max-tunnels-in-setup-per-source"}) {
    EXPECT_TRUE(applied_on_reload(live)) << live;
  }
  for (const auto* restart : {"log", "l2tp", "l2tp.host-name", "l2tp.tunnel-groups", "l2tp.setup-queue", "ppp.mru",
                              "pppoe.max-sessions", "runtime.threads", "l2tp.max-tunnels-x"}) {
    EXPECT_FALSE(applied_on_reload(restart)) << restart;
  }
}

TEST(ConfigReload, PlanAppliesLiveChangesAndCountsTheRestAgainstTheStart) {
  const auto first = with(with(base, "level: info", "level: debug"), "mru: 1500", "mru: 1492");
  auto plan = plan_reload(base, base, first);
  EXPECT_EQ(plan.applied, names{"log.level"});
  EXPECT_EQ(plan.pending, names{"ppp.mru"});
  // A second reload with the host name and the set-up rate changed: the log level is already in
  // force, the rate applies now, the MRU still waits for a restart, and so does the host name.
  const auto second =
      with(with(first, "host-name: lns", "host-name: lns2"), "tunnel-setup-rate: 2000", "tunnel-setup-rate: 10");
  plan = plan_reload(base, first, second);
  EXPECT_EQ(plan.applied, names{"l2tp.tunnel-setup-rate"});
  EXPECT_EQ(plan.pending, (names{"l2tp.host-name", "ppp.mru"}));
  // Undone in the file: nothing waits any more; the level and the rate go back.
  plan = plan_reload(base, second, base);
  EXPECT_EQ(plan.applied, (names{"log.level", "l2tp.tunnel-setup-rate"}));
  EXPECT_EQ(plan.pending, names{});
}

TEST(ConfigReload, TextThatDoesNotParseIsAnEmptyDocument) {
  EXPECT_EQ(changed_settings(base, "l2tp: [unclosed"), (names{"log", "l2tp", "ppp"}));
  EXPECT_EQ(changed_settings("", ""), names{});
}

}  // namespace
}  // namespace bras::config

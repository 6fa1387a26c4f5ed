// The LAC's candidates from the configuration (actors/lac_candidates.hpp):
// realm of the user name, the domain map (exact, "" and "*"), the first
// profile as the fallback, and the implicit profile of every destination.
#include "actors/lac_candidates.hpp"

#include <gtest/gtest.h>

namespace bras::actors {
namespace {

config::lns_destination dest(std::string name, std::string address, unsigned preference = 0) {
  config::lns_destination d;
  d.name = std::move(name);
  d.address = std::move(address);
  d.preference = preference;
  d.secret = "s-" + d.name;
  d.peer_host_name = "host-" + d.name;
  return d;
}

config::l2tp_settings mapped() {
  config::l2tp_settings l;
  l.destinations = {dest("a", "192.0.2.1"), dest("b", "192.0.2.2", 1), dest("c", "192.0.2.3")};
  l.destinations[2].assignment_id = "gold";
  l.tunnel_profiles = {
      {"default", {"a", "b"}, "weighted"}, {"isp", {"c", "a"}, "round-robin"}, {"plain", {"b"}, "weighted"}};
  l.domain_map = {{"ISP.example", "isp"}, {"", "plain"}, {"*", "default"}};
  return l;
}

std::vector<std::string> names(const call_candidates& c) {
  std::vector<std::string> out;
  for (const auto& x : c.candidates) out.push_back(x.name);
  return out;
}

TEST(LacCandidates, RealmIsAfterTheLastAtLowerCased) {
  EXPECT_EQ(realm_of("alice@ISP.Example"), "isp.example");
  EXPECT_EQ(realm_of("a@b@Corp"), "corp");
  EXPECT_EQ(realm_of("alice"), "");
  EXPECT_EQ(realm_of("alice@"), "");
}

TEST(LacCandidates, ExactRealmCaseInsensitiveThenNoRealmThenAny) {
  auto l = mapped();
  auto isp = candidates_for(l, "bob@isp.EXAMPLE");
  EXPECT_EQ(isp.profile, "isp");
  EXPECT_EQ(isp.mode, l2tp::selection_mode::round_robin);
  EXPECT_EQ(names(isp), (std::vector<std::string>{"c", "a"}));
  EXPECT_EQ(candidates_for(l, "bob").profile, "plain");
  EXPECT_EQ(candidates_for(l, "bob@other.example").profile, "default");
}

TEST(LacCandidates, StarCoversNoRealmWhenThereIsNoEmptyEntry) {
  auto l = mapped();
  l.domain_map = {{"*", "isp"}};
  EXPECT_EQ(candidates_for(l, "bob").profile, "isp");
  EXPECT_EQ(candidates_for(l, "bob@x").profile, "isp");
}

TEST(LacCandidates, NoMatchAndNoStarIsTheFirstProfile) {
  auto l = mapped();
  l.domain_map = {{"isp.example", "isp"}};
  EXPECT_EQ(candidates_for(l, "bob@nowhere").profile, "default");
  EXPECT_EQ(candidates_for(l, "bob").profile, "default");
  l.domain_map.clear();
  EXPECT_EQ(candidates_for(l, "bob@isp.example").profile, "default");
}

TEST(LacCandidates, NoProfilesIsEveryDestination) {
  auto l = mapped();
  l.tunnel_profiles.clear();
  auto c = candidates_for(l, "bob@isp.example");
  EXPECT_EQ(c.profile, "");
  EXPECT_EQ(c.mode, l2tp::selection_mode::weighted);
  EXPECT_EQ(names(c), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(LacCandidates, CandidateCarriesTheDestination) {
  auto l = mapped();
  auto c = candidate_of(l.destinations[2]);
  EXPECT_EQ(c.address, 0xc0000203u);
  EXPECT_EQ(c.port, 1701);
  EXPECT_EQ(c.secret, "s-c");
  EXPECT_EQ(c.server_auth_id, "host-c");
  EXPECT_EQ(c.assignment_id, "gold");
  EXPECT_EQ(l2tp::key_of(c), (l2tp::destination_key{0xc0000203u, 1701, "gold"}));
}

}  // namespace
}  // namespace bras::actors

namespace bras::actors {
namespace {

l2tp::tunnel_candidate from_aaa(std::uint32_t address, std::uint8_t tag, unsigned preference = 0) {
  l2tp::tunnel_candidate c;
  c.name = "aaa:" + std::to_string(address);
  c.address = address;
  c.tag = tag;
  c.preference = preference;
  return c;
}

TEST(LacCandidates, AaaTunnelsMergeIntoTheNamedProfileOverridingPerAddress) {
  auto l = mapped();
  l.destinations[0].port = 1702;
  l.destinations[0].max_sessions = 50;
  auto over_a = from_aaa(0xc0000201, 1, 7);  // 192.0.2.1 = destination "a"
  over_a.secret = "from-radius";
  over_a.server_auth_id = "lns-radius";
  auto extra = from_aaa(0xc6336401, 2, 3);  // 198.51.100.1: not in the profile
  extra.secret = "x";
  auto merged = merge_profile(l, "isp", {over_a, extra});
  ASSERT_EQ(merged.size(), 3U);
  // The profile's order, then what only AAA named.
  EXPECT_EQ(merged[0].name, "c");
  EXPECT_EQ(merged[0].secret, "s-c") << "untouched by AAA";
  EXPECT_EQ(merged[0].assignment_id, "gold");
  EXPECT_EQ(merged[1].name, "a") << "the configured name is kept";
  EXPECT_EQ(merged[1].secret, "from-radius") << "RADIUS overrides";
  EXPECT_EQ(merged[1].server_auth_id, "lns-radius");
  EXPECT_EQ(merged[1].preference, 7U);
  EXPECT_EQ(merged[1].tag, 1);
  EXPECT_EQ(merged[1].port, 1702) << "missing from RADIUS: the local destination's";
  EXPECT_EQ(merged[1].max_sessions, 50U);
  EXPECT_EQ(merged[2].address, 0xc6336401U);
  EXPECT_EQ(merged[2].secret, "x");
  EXPECT_EQ(merged[2].preference, 3U);
}

TEST(LacCandidates, AaaTunnelsWithAnUnknownProfileStayAsTheyAre) {
  auto l = mapped();
  auto only = from_aaa(0xc0000201, 1);
  auto merged = merge_profile(l, "no-such-profile", {only});
  ASSERT_EQ(merged.size(), 1U);
  EXPECT_EQ(merged[0].name, only.name);
  EXPECT_TRUE(merged[0].secret.empty());
}

TEST(LacCandidates, ATunnelGroupAloneIsTheProfile) {
  auto merged = merge_profile(mapped(), "plain", {});
  ASSERT_EQ(merged.size(), 1U);
  EXPECT_EQ(merged[0].name, "b");
}

}  // namespace
}  // namespace bras::actors

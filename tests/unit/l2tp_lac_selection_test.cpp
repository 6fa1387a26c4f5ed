// The LAC's tunnel selection (protocol/l2tp/lac_selection.hpp) without actors:
// levels, weights, round-robin order, lockout and its expiry, the all-failed retry.
#include "protocol/l2tp/lac_selection.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace bras::l2tp {
namespace {

using namespace std::chrono_literals;

tunnel_candidate lns(std::uint32_t address, unsigned preference = 0, unsigned weight = 1, std::string id = "") {
  tunnel_candidate c;
  c.name = "lns" + std::to_string(address);
  c.address = address;
  c.preference = preference;
  c.weight = weight;
  c.assignment_id = std::move(id);
  return c;
}

const time_point t0{};
const std::vector<destination_key> none;

TEST(LacSelection, WeightsSharePicksWithinTenPercent) {
  lac_selector s{60s, 42};
  std::vector<tunnel_candidate> c{lns(1, 0, 3), lns(2, 0, 1), lns(3, 1, 100)};
  std::map<std::size_t, int> count;
  for (int i = 0; i < 1000; ++i) ++count[s.pick(c, selection_mode::weighted, none, true, t0)->index];
  EXPECT_NEAR(count[0], 750, 75);
  EXPECT_NEAR(count[1], 250, 25);
  EXPECT_EQ(count[2], 0);  // a lower level only when the higher one has failed
}

TEST(LacSelection, RoundRobinTakesEachInTurn) {
  lac_selector s{60s, 1};
  std::vector<tunnel_candidate> c{lns(1, 5, 9), lns(2, 5, 1), lns(3, 5, 1)};
  std::vector<std::size_t> order;
  for (int i = 0; i < 7; ++i) order.push_back(s.pick(c, selection_mode::round_robin, none, true, t0)->index);
  EXPECT_EQ(order, (std::vector<std::size_t>{0, 1, 2, 0, 1, 2, 0}));
  // A locked-out one drops out of the turn and comes back after its lockout.
  s.failure(key_of(c[1]), t0);
  std::vector<std::size_t> later;
  for (int i = 0; i < 4; ++i) later.push_back(s.pick(c, selection_mode::round_robin, none, true, t0 + 1s)->index);
  EXPECT_EQ(later, (std::vector<std::size_t>{2, 0, 2, 0}));
  EXPECT_EQ(s.pick(c, selection_mode::round_robin, none, true, t0 + 61s)->index, 1u);
}

TEST(LacSelection, LowerLevelOnlyWhenTheHigherFailedAndBackAfterTheLockout) {
  lac_selector s{60s, 7};
  std::vector<tunnel_candidate> c{lns(2, 1), lns(1, 0)};
  EXPECT_EQ(s.pick(c, selection_mode::weighted, none, true, t0)->index, 1u);
  s.failure(key_of(c[1]), t0);
  EXPECT_TRUE(s.locked_out(key_of(c[1]), t0 + 59s));
  EXPECT_EQ(s.lockout_left(key_of(c[1]), t0 + 50s), duration{10s});
  auto p = s.pick(c, selection_mode::weighted, none, true, t0 + 1s);
  EXPECT_EQ(p->index, 0u);
  EXPECT_FALSE(p->retry);
  EXPECT_EQ(s.pick(c, selection_mode::weighted, none, true, t0 + 60s)->index, 1u);  // lockout expired
  EXPECT_EQ(s.lockout_left(key_of(c[1]), t0 + 60s), duration{});
}

TEST(LacSelection, LockoutIsPerAddressPortAndAssignmentIdAcrossProfiles) {
  lac_selector s{60s, 7};
  auto a = lns(1);
  auto same_elsewhere = lns(1, 3, 5);  // another profile listing the same LNS
  same_elsewhere.name = "other-profile-name";
  auto other_id = lns(1, 0, 1, "gold");
  s.failure(key_of(a), t0);
  EXPECT_TRUE(s.locked_out(key_of(same_elsewhere), t0 + 1s));
  EXPECT_FALSE(s.locked_out(key_of(other_id), t0 + 1s));
  std::vector<tunnel_candidate> profile{same_elsewhere, other_id};
  EXPECT_EQ(s.pick(profile, selection_mode::weighted, none, false, t0 + 1s)->index, 1u);
}

TEST(LacSelection, TriedDestinationsAreSkipped) {
  lac_selector s{60s, 3};
  std::vector<tunnel_candidate> c{lns(1), lns(2, 1)};
  std::vector<destination_key> tried{key_of(c[0])};
  EXPECT_EQ(s.pick(c, selection_mode::weighted, tried, false, t0)->index, 1u);
  tried.push_back(key_of(c[1]));
  EXPECT_FALSE(s.pick(c, selection_mode::weighted, tried, false, t0).has_value());
}

TEST(LacSelection, AllFailedRetriesTheFirstFailedOnceThenRejects) {
  lac_selector s{60s, 3};
  std::vector<tunnel_candidate> c{lns(1), lns(2, 1), lns(3, 2)};
  s.failure(key_of(c[1]), t0);
  s.failure(key_of(c[0]), t0 + 1s);
  s.failure(key_of(c[2]), t0 + 2s);
  EXPECT_FALSE(s.pick(c, selection_mode::weighted, none, false, t0 + 3s).has_value());
  auto retry = s.pick(c, selection_mode::weighted, none, true, t0 + 3s);
  ASSERT_TRUE(retry.has_value());
  EXPECT_EQ(retry->index, 1u);
  EXPECT_TRUE(retry->retry);
  // Once handed out, the retry is not handed out again: the next call is rejected...
  EXPECT_FALSE(s.pick(c, selection_mode::weighted, none, true, t0 + 3s).has_value());
  // ... until it failed again (then the first failed is the next one) or came up.
  s.failure(key_of(c[1]), t0 + 4s);
  EXPECT_EQ(s.pick(c, selection_mode::weighted, none, true, t0 + 5s)->index, 0u);
  s.success(key_of(c[2]));
  auto up = s.pick(c, selection_mode::weighted, none, true, t0 + 5s);
  EXPECT_EQ(up->index, 2u);
  EXPECT_FALSE(up->retry);
}

TEST(LacSelection, NoCandidatesNoPick) {
  lac_selector s{60s, 3};
  EXPECT_FALSE(s.pick({}, selection_mode::weighted, none, true, t0).has_value());
  EXPECT_EQ(selection_of("round-robin"), selection_mode::round_robin);
  EXPECT_EQ(selection_of("weighted"), selection_mode::weighted);
}

}  // namespace
}  // namespace bras::l2tp

// The authentication-failure back-off per user (actors/auth_backoff.hpp), on a
// clock the tests move: the limit within the window, the back-off and its
// doubling, success forgetting, users independent, records expiring, and the
// number of records bounded under a flood of names.
#include "actors/auth_backoff.hpp"

#include <gtest/gtest.h>

#include <string>

namespace bras::actors {
namespace {

using namespace std::chrono_literals;
using clock = auth_backoff::clock;
using duration = clock::duration;

auth_backoff_settings three_in_a_minute() {
  auth_backoff_settings s;
  s.limit = 3;
  s.window = 60s;
  s.backoff = 30s;
  s.backoff_max = 100s;
  s.max_users = 1000;
  return s;
}

class AaaAuthBackoff : public ::testing::Test {
 protected:
  auth_backoff b{three_in_a_minute()};
  clock::time_point t{};  // the epoch of steady_clock: any fixed point will do

  /// `n` failures of `user`, one a second; the back-off the last one started.
  duration fail(const std::string& user, int n) {
    duration started{};
    for (int i = 0; i < n; ++i) {
      started = b.failed(user, t);
      t += 1s;
    }
    return started;
  }
};

TEST_F(AaaAuthBackoff, TheLimitWithinTheWindowStartsABackoffThatEnds) {
  EXPECT_EQ(fail("alice", 2), duration{}) << "below the limit";
  EXPECT_EQ(b.refused_for("alice", t), duration{});
  const auto third = t;
  EXPECT_EQ(b.failed("alice", third), duration{30s});
  EXPECT_EQ(b.refused_for("alice", third), duration{30s});
  EXPECT_EQ(b.refused_for("alice", third + 29s), duration{1s});
  EXPECT_EQ(b.refused_for("alice", third + 30s), duration{}) << "the back-off is over";
}

TEST_F(AaaAuthBackoff, FailuresFurtherApartThanTheWindowDoNotAddUp) {
  fail("alice", 2);
  t += 60s;
  EXPECT_EQ(fail("alice", 2), duration{}) << "a new window: two so far";
  EXPECT_EQ(b.refused_for("alice", t), duration{});
  EXPECT_EQ(fail("alice", 1), duration{30s});
}

TEST_F(AaaAuthBackoff, EachFailureAfterABackoffDoublesItUpToTheMax) {
  EXPECT_EQ(fail("alice", 3), duration{30s});
  t += 30s;
  EXPECT_EQ(b.failed("alice", t), duration{60s}) << "one failure after a back-off is enough";
  EXPECT_EQ(b.refused_for("alice", t + 59s), duration{1s});
  t += 60s;
  EXPECT_EQ(b.failed("alice", t), duration{100s}) << "capped at backoff_max";
  t += 100s;
  EXPECT_EQ(b.failed("alice", t), duration{100s});
}

TEST_F(AaaAuthBackoff, ASuccessForgetsTheUser) {
  fail("alice", 2);
  b.succeeded("alice");
  EXPECT_EQ(b.tracked(), 0U);
  EXPECT_EQ(fail("alice", 2), duration{}) << "counting starts again";
  EXPECT_EQ(fail("alice", 1), duration{30s});
  t += 30s;
  b.succeeded("alice");
  EXPECT_EQ(fail("alice", 3), duration{30s}) << "the doubling starts again too";
}

TEST_F(AaaAuthBackoff, UsersAreIndependent) {
  fail("alice", 3);
  EXPECT_NE(b.refused_for("alice", t), duration{});
  EXPECT_EQ(b.refused_for("bob", t), duration{});
  EXPECT_EQ(fail("bob", 2), duration{}) << "bob's failures are his own";
  b.succeeded("bob");
  EXPECT_NE(b.refused_for("alice", t), duration{}) << "bob's success does not lift alice's back-off";
}

TEST_F(AaaAuthBackoff, RecordsExpireAWindowAfterTheirBackoff) {
  const auto t0 = t;
  fail("alice", 3);  // blocked until t0 + 32 s, forgotten from t0 + 92 s
  fail("bob", 2);    // his window: from t0 + 3 s to t0 + 63 s
  t = t0 + 70s;
  EXPECT_EQ(b.refused_for("carol", t), duration{});
  EXPECT_EQ(b.tracked(), 2U) << "alice, failed before bob, is still live: the sweep stops at her";
  EXPECT_EQ(fail("bob", 1), duration{}) << "bob's window was over: he counts from one again";
  t = t0 + 92s;
  EXPECT_EQ(b.refused_for("carol", t), duration{});
  EXPECT_EQ(b.tracked(), 1U) << "alice forgotten";
  t = t0 + 130s;
  EXPECT_EQ(b.refused_for("carol", t), duration{});
  EXPECT_EQ(b.tracked(), 0U) << "bob forgotten a window after his last failure's window began";
  EXPECT_EQ(fail("alice", 1), duration{}) << "alice starts afresh: no doubled back-off on one failure";
}

TEST_F(AaaAuthBackoff, AFloodOfNamesKeepsTheRecordsBounded) {
  auto s = three_in_a_minute();
  s.max_users = 100;
  auth_backoff flood{s};
  for (int i = 0; i < 10000; ++i) {
    flood.failed("random-" + std::to_string(i), t);
    ASSERT_LE(flood.tracked(), 100U) << i;
  }
  EXPECT_EQ(flood.tracked(), 100U);
  // The least recently failed went first: the last name is still counted, the first is not.
  flood.failed("random-9999", t);
  EXPECT_EQ(flood.failed("random-9999", t), duration{30s});
  flood.failed("random-0", t);
  EXPECT_EQ(flood.failed("random-0", t), duration{}) << "random-0 was forgotten: two failures so far";
  EXPECT_LE(flood.tracked(), 100U);
}

TEST_F(AaaAuthBackoff, LimitZeroIsOff) {
  auto s = three_in_a_minute();
  s.limit = 0;
  auth_backoff off{s};
  for (int i = 0; i < 100; ++i) EXPECT_EQ(off.failed("alice", t), duration{});
  EXPECT_EQ(off.refused_for("alice", t), duration{});
  EXPECT_EQ(off.tracked(), 0U);
}

}  // namespace
}  // namespace bras::actors

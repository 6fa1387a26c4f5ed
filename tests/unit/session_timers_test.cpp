// The session's multiplexed timers (actors/session_timers.hpp): due order,
// stop, re-arm, and how many wake-ups (actor-clock entries) they cost. Time
// is passed in, never waited for.
#include "actors/session_timers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

namespace bras::actors {
namespace {

using namespace std::chrono_literals;
using timers = session_timers<5>;
using clock = timers::clock;

const clock::time_point t0 = clock::time_point{} + 1000s;

TEST(SessionTimers, OneWakeUpCoversTimersArmedLater) {
  timers t;
  auto w = t.arm(0, t0, 3s);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->after, 3s);
  // Later timers need no wake-up of their own: the first one re-covers them.
  EXPECT_FALSE(t.arm(4, t0, 30s));
  EXPECT_FALSE(t.arm(2, t0 + 1s, 5s));
  // At 3 s: only timer 0 is due.
  t.woke(w->slot, w->generation);
  EXPECT_EQ(t.take_expired(t0 + 3s), 0u);
  EXPECT_FALSE(t.take_expired(t0 + 3s));
  auto next = t.cover(t0 + 3s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->after, 3s);  // timer 2 at t0 + 6 s
  t.woke(next->slot, next->generation);
  EXPECT_EQ(t.take_expired(t0 + 6s), 2u);
  next = t.cover(t0 + 6s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->after, 24s);  // timer 4 at t0 + 30 s
}

TEST(SessionTimers, EarlierTimerGetsItsOwnWakeUp) {
  timers t;
  auto late = t.arm(4, t0, 30s);
  ASSERT_TRUE(late);
  auto early = t.arm(0, t0, 3s);
  ASSERT_TRUE(early);
  EXPECT_NE(early->slot, late->slot);
  EXPECT_EQ(early->after, 3s);
  t.woke(early->slot, early->generation);
  EXPECT_EQ(t.take_expired(t0 + 3s), 0u);
  // The 30 s wake-up is still pending: nothing more to schedule.
  EXPECT_FALSE(t.cover(t0 + 3s));
  t.woke(late->slot, late->generation);
  EXPECT_EQ(t.take_expired(t0 + 30s), 4u);
  EXPECT_FALSE(t.cover(t0 + 30s));
}

TEST(SessionTimers, StoppedTimerNeverExpires) {
  timers t;
  auto w = t.arm(1, t0, 3s);
  ASSERT_TRUE(w);
  t.stop(1);
  EXPECT_FALSE(t.armed(1));
  t.woke(w->slot, w->generation);
  EXPECT_FALSE(t.take_expired(t0 + 10s));
  EXPECT_FALSE(t.cover(t0 + 10s));
}

TEST(SessionTimers, ReArmedTimerExpiresAtItsNewTime) {
  timers t;
  auto w = t.arm(0, t0, 3s);
  ASSERT_TRUE(w);
  EXPECT_FALSE(t.arm(0, t0 + 2s, 3s));  // now due at t0 + 5 s, after the pending wake-up
  t.woke(w->slot, w->generation);
  EXPECT_FALSE(t.take_expired(t0 + 3s));
  auto next = t.cover(t0 + 3s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->after, 2s);
  t.woke(next->slot, next->generation);
  EXPECT_EQ(t.take_expired(t0 + 5s), 0u);
}

TEST(SessionTimers, DueTimersRunEarliestFirst) {
  timers t;
  (void)t.arm(3, t0, 2s);
  (void)t.arm(1, t0, 1s);
  (void)t.arm(2, t0, 3s);
  std::vector<std::size_t> order;
  while (auto which = t.take_expired(t0 + 5s)) order.push_back(*which);
  EXPECT_EQ(order, (std::vector<std::size_t>{1, 3, 2}));
}

TEST(SessionTimers, AnEarlyWakeUpReschedules) {
  timers t;
  auto w = t.arm(0, t0, 3s);
  ASSERT_TRUE(w);
  t.woke(w->slot, w->generation);
  EXPECT_FALSE(t.take_expired(t0 + 2s));  // woken before the due time: nothing runs
  auto next = t.cover(t0 + 2s);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->after, 1s);
}

TEST(SessionTimers, PendingWakeUpsAreBounded) {
  timers t;
  // Each timer armed earlier than every pending wake-up: a new one each time, up to the slots; then
  // the latest pending one is replaced (its stale wake-up frees nothing).
  std::vector<timers::wake> wakes;
  for (std::size_t i = 0; i < 5; ++i) {
    auto w = t.arm(i, t0, std::chrono::seconds{10 - static_cast<int>(i)});
    ASSERT_TRUE(w);
    wakes.push_back(*w);
  }
  for (const auto& w : wakes) EXPECT_LT(w.slot, timers::slots);
  // The stale wake-up of a replaced slot does not free the slot now covering an earlier time.
  t.woke(wakes[0].slot, wakes[0].generation);
  EXPECT_FALSE(t.arm(4, t0, 6s));  // 6 s is still covered by the wake-up for 6 s
  // Every timer still runs, in due order.
  std::vector<std::size_t> order;
  while (auto which = t.take_expired(t0 + 20s)) order.push_back(*which);
  EXPECT_EQ(order, (std::vector<std::size_t>{4, 3, 2, 1, 0}));
}

}  // namespace
}  // namespace bras::actors

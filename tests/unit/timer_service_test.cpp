// actors/timer_service with a real actor system: timers reach their actor in
// due order and never early; a timer whose actor has ended is dropped without
// keeping the actor alive; timers armed from several threads each fire exactly
// once; a session timer keeps its kind, slot and generation; stop() drops what
// is pending and refuses new timers.
#include "actors/timer_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace bras::actors {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 5s) {
  const auto until = clock_type::now() + limit;
  while (clock_type::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(2ms);
  }
  return pred();
}

/// What the recording actor saw: each value with when it arrived.
struct seen {
  std::mutex mutex;
  std::vector<std::pair<std::uint32_t, clock_type::time_point>> values;
  std::size_t size() {
    std::lock_guard lock{mutex};
    return values.size();
  }
};

caf::behavior recording(caf::event_based_actor*, seen* out) {
  return {
      [out](std::uint32_t value) {
        std::lock_guard lock{out->mutex};
        out->values.emplace_back(value, clock_type::now());
      },
  };
}

void fire_value(const caf::strong_actor_ptr& to, std::uint32_t value, std::uint32_t) {
  timer_service::deliver(to, value);
}

class timer_service_test : public ::testing::Test {
 protected:
  static caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
    cfg.set("scheduler.max-threads", 2);
    return cfg;
  }
  seen out;  // the recording actor writes here until the system is gone
  caf::actor_system_config system_config;
  caf::actor_system system{two_threads(system_config)};
  timer_service timers;
};

TEST_F(timer_service_test, FiresInDueOrderAndNeverEarly) {
  auto actor = system.spawn(recording, &out);
  const auto armed = clock_type::now();
  timers.schedule(60ms, actor->ctrl(), fire_value, 3);
  timers.schedule(20ms, actor->ctrl(), fire_value, 1);
  timers.schedule(40ms, actor->ctrl(), fire_value, 2);
  timers.schedule(0ms, actor->ctrl(), fire_value, 0);
  ASSERT_TRUE(eventually([&] { return out.size() == 4; }));
  std::lock_guard lock{out.mutex};
  for (std::uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(out.values[i].first, i);
    EXPECT_GE(out.values[i].second - armed, i * 20ms) << "timer " << i << " fired early";
  }
  EXPECT_EQ(timers.fired(), 4U);
  EXPECT_EQ(timers.pending(), 0U);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

TEST_F(timer_service_test, DropsTimersOfAnEndedActorWithoutKeepingItAlive) {
  auto actor = system.spawn(recording, &out);
  caf::weak_actor_ptr watch{actor->ctrl()};
  timers.schedule(50ms, actor->ctrl(), fire_value, 7);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  actor = nullptr;
  // Only the timer's weak reference is left: the actor is gone before its timer is due.
  ASSERT_TRUE(eventually([&] { return !watch.lock(); }, 1s));
  EXPECT_EQ(timers.pending(), 1U);
  ASSERT_TRUE(eventually([&] { return timers.dropped() == 1; }));
  EXPECT_EQ(timers.fired(), 0U);
  EXPECT_EQ(out.size(), 0U);
  EXPECT_EQ(timers.pending(), 0U);
}

TEST_F(timer_service_test, TimersFromManyThreadsFireExactlyOnce) {
  auto actor = system.spawn(recording, &out);
  constexpr std::uint32_t per_thread = 5000;
  std::vector<std::thread> arming;
  for (std::uint32_t t = 0; t < 4; ++t) {
    arming.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < per_thread; ++i) {
        timers.schedule(std::chrono::microseconds{(i * 7) % 3000}, actor->ctrl(), fire_value, t * per_thread + i);
      }
    });
  }
  for (auto& th : arming) th.join();
  ASSERT_TRUE(eventually([&] { return out.size() == 4 * per_thread; }, 10s));
  std::this_thread::sleep_for(20ms);  // nothing more may come
  std::lock_guard lock{out.mutex};
  ASSERT_EQ(out.values.size(), 4 * per_thread);
  std::vector<bool> got(4 * per_thread);
  for (const auto& [value, at] : out.values) {
    ASSERT_LT(value, got.size());
    EXPECT_FALSE(got[value]) << "fired twice: " << value;
    got[value] = true;
  }
  EXPECT_EQ(timers.fired(), 4U * per_thread);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

TEST_F(timer_service_test, ASessionTimerArrivesWithItsKindSlotAndGeneration) {
  std::mutex mutex;
  std::vector<session_timer> got;
  // (CAF 0.17 under UBSan: a spawn takes an argument.)
  auto actor = system.spawn(
      [&](caf::event_based_actor*, int) -> caf::behavior {
        return {[&](session_input& in) {
          std::lock_guard lock{mutex};
          if (const auto* t = std::get_if<session_timer>(&in.what)) got.push_back(*t);
        }};
      },
      0);
  timers.schedule(0ms, actor->ctrl(), session_timer{session_timer::kind::ppp, 2, 0xfffffffe});
  timers.schedule(5ms, actor->ctrl(), session_timer{session_timer::kind::aaa, 255, 7});
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock{mutex};
    return got.size() == 2;
  }));
  std::lock_guard lock{mutex};
  EXPECT_EQ(got[0].what, session_timer::kind::ppp);
  EXPECT_EQ(got[0].slot, 2);
  EXPECT_EQ(got[0].generation, 0xfffffffeU);
  EXPECT_EQ(got[1].what, session_timer::kind::aaa);
  EXPECT_EQ(got[1].slot, 255);
  EXPECT_EQ(got[1].generation, 7U);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

TEST_F(timer_service_test, StopDropsPendingAndRefusesNewTimers) {
  auto actor = system.spawn(recording, &out);
  timers.schedule(10s, actor->ctrl(), fire_value, 1);
  timers.schedule(20s, actor->ctrl(), fire_value, 2);
  EXPECT_EQ(timers.pending(), 2U);
  timers.stop();
  EXPECT_EQ(timers.pending(), 0U);
  timers.schedule(0ms, actor->ctrl(), fire_value, 3);
  EXPECT_EQ(timers.pending(), 0U);
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(out.size(), 0U);
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace bras::actors

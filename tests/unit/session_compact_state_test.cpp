// The small types that keep a session's state small: a callback in two
// pointers, optionals that cost no more than their value, and an
// Acct-Session-Id kept as numbers. Each must behave as what it replaces.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "actors/acct_session_id.hpp"
#include "actors/compact_optional.hpp"
#include "actors/thin_function.hpp"

namespace bras::actors {
namespace {

using namespace std::chrono_literals;

TEST(ThinFunction, EmptyUntilGivenACallableThenCallsIt) {
  thin_function<int(int)> f;
  EXPECT_FALSE(f);
  int base = 40;
  f = [&base](int x) { return base + x; };
  ASSERT_TRUE(f);
  EXPECT_EQ(f(2), 42);
  base = 1;
  EXPECT_EQ(f(2), 3);  // refers, as a lambda capturing a reference does
  f = nullptr;
  EXPECT_FALSE(f);
  static_assert(sizeof(thin_function<void()>) == 2 * sizeof(void*));
  // What does not fit is refused at compile time: a capture by value of a string, a std::function.
  static_assert(!std::is_constructible_v<thin_function<void()>, std::function<void()>>);
  static_assert(!thin_callable<decltype([s = std::string{}] { (void)s; }), void>);
}

TEST(ThinFunction, PassesArgumentsByReferenceAndCopiesWithTheCallable) {
  struct counter {
    int calls = 0;
    void bump(const std::string& s) { calls += static_cast<int>(s.size()); }
  } c;
  thin_function<void(const std::string&)> f = [&c](const std::string& s) { c.bump(s); };
  auto g = f;  // a copy calls the same callable
  f("abc");
  g("de");
  EXPECT_EQ(c.calls, 5);
}

TEST(OptionalTime, NoneUntilSetAndAfterReset) {
  optional_time<std::chrono::steady_clock> t;
  EXPECT_FALSE(t);
  EXPECT_FALSE(t.get().has_value());
  const auto fallback = std::chrono::steady_clock::now();
  EXPECT_EQ(t.value_or(fallback), fallback);
  const auto now = std::chrono::steady_clock::now();
  t = now;
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, now);
  EXPECT_EQ(t->time_since_epoch(), now.time_since_epoch());
  EXPECT_EQ(t.get(), std::optional{now});
  EXPECT_EQ(t.value_or(fallback), now);
  t.reset();
  EXPECT_FALSE(t);
  static_assert(sizeof(optional_time<std::chrono::system_clock>) == sizeof(std::chrono::system_clock::time_point));
}

TEST(OptionalSeconds, HoldsZeroToJustUnder2To32AndNone) {
  optional_seconds s;
  EXPECT_FALSE(s);
  EXPECT_EQ(s.count_or_zero(), 0);
  s = std::optional<std::chrono::seconds>{0s};
  ASSERT_TRUE(s);  // 0 is a value, not none
  EXPECT_EQ(*s, 0s);
  s = std::chrono::seconds{86400};
  EXPECT_EQ(*s, 86400s);
  EXPECT_EQ(s.count_or_zero(), 86400);
  s = std::chrono::seconds{std::int64_t{1} << 40};  // saturates, stays a value
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, std::chrono::seconds{0xfffffffeLL});
  s = std::chrono::seconds{-5};
  EXPECT_EQ(*s, 0s);
  s = std::nullopt;
  EXPECT_FALSE(s);
  static_assert(sizeof(optional_seconds) == 4);
}

TEST(AcctSessionKey, TextIsTheIdAndRoutesBack) {
  acct_session_ids ids{0x2a};
  const auto key = ids.next_key(0x0102, 0x0304);
  ASSERT_FALSE(key.empty());
  EXPECT_EQ(key.text(), "0000002A-01020304-00000001");
  const auto route = route_of(key.text());
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->local_tunnel_id, 0x0102);
  EXPECT_EQ(route->local_session_id, 0x0304);
  // The text form counts on from the same sequence.
  EXPECT_EQ(ids.next(1, 2), "0000002A-00010002-00000002");
  EXPECT_TRUE(acct_session_key{}.empty());
  EXPECT_EQ(acct_session_key{}.text(), "");
}

}  // namespace
}  // namespace bras::actors

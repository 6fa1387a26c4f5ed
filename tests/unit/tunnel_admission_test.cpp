// The set-up limits for new tunnels (actors/tunnel_admission.hpp), driven with
// a clock of the test's own.
#include "actors/tunnel_admission.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace bras::actors {
namespace {

using clock = tunnel_admission::clock;
using std::chrono::milliseconds;

constexpr std::uint32_t lac_a = 0x0a000001;
constexpr std::uint32_t lac_b = 0x0a000002;

tunnel_admission_settings limits(unsigned rate, unsigned per_source_rate, unsigned in_setup, unsigned per_source) {
  tunnel_admission_settings s;
  s.rate = rate;
  s.rate_per_source = per_source_rate;
  s.max_in_setup = in_setup;
  s.max_in_setup_per_source = per_source;
  return s;
}

TEST(TunnelAdmission, OneSourceHoldsAtMostItsShareOfHalfOpenTunnelsAndAnotherStillGetsIn) {
  std::atomic<std::int64_t> gauge{0};
  tunnel_admission a{limits(0, 0, 10, 3), &gauge};
  const auto t = clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none);
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::in_setup_per_source);
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none);
  EXPECT_EQ(a.in_setup(), 4u);
  EXPECT_EQ(gauge.load(), 4);
  a.release(lac_a);  // one of A's tunnels was established
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none);
  EXPECT_EQ(gauge.load(), 4);
}

TEST(TunnelAdmission, NewLimitsHoldFromTheNextSccrqAndTheAdmittedStay) {
  std::atomic<std::int64_t> gauge{0};
  auto start = limits(0, 0, 10, 4);
  start.max_sources = 7;
  tunnel_admission a{start, &gauge};
  const auto t = clock::now();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none);
  // A reload lowers the per-source cap below what A holds: A's four stay in set-up, A gets no fifth.
  a.set_limits(limits(0, 0, 10, 2));
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::in_setup_per_source);
  EXPECT_EQ(a.in_setup(), 4u);
  EXPECT_EQ(a.settings().max_sources, 7u) << "the table's bound is the start's";
  EXPECT_EQ(a.settings().max_in_setup_per_source, 2u);
  for (int i = 0; i < 3; ++i) a.release(lac_a);
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none) << "one left plus one: within the new cap of 2";
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::in_setup_per_source);
  // A rate set by a reload: its bucket starts full at the new rate, not above it.
  a.set_limits(limits(3, 0, 0, 0));
  int admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += a.admit(lac_b, t) == admission_refusal::none;
  EXPECT_EQ(admitted, 3);
  EXPECT_EQ(gauge.load(), static_cast<std::int64_t>(a.in_setup()));
  // Off again: nothing refused.
  a.set_limits(limits(0, 0, 0, 0));
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none);
}

TEST(TunnelAdmission, TheInstanceWideCapHoldsAcrossSources) {
  tunnel_admission a{limits(0, 0, 5, 0)};
  const auto t = clock::now();
  for (std::uint32_t s = 0; s < 5; ++s) EXPECT_EQ(a.admit(lac_a + s, t), admission_refusal::none);
  EXPECT_EQ(a.admit(lac_a + 100, t), admission_refusal::in_setup);
  a.release(lac_a + 2);
  EXPECT_EQ(a.admit(lac_a + 100, t), admission_refusal::none);
  EXPECT_EQ(a.sources(), 0u) << "no per-source limit: nothing tracked per address";
}

TEST(TunnelAdmission, PerSourceRateRefillsWithTimeAndBurstsOneSecondsWorth) {
  tunnel_admission a{limits(0, 10, 0, 0)};
  auto t = clock::now();
  int admitted = 0;
  for (int i = 0; i < 50; ++i) admitted += a.admit(lac_a, t) == admission_refusal::none;
  EXPECT_EQ(admitted, 10) << "a second's worth of burst";
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::rate_per_source);
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none) << "another address has its own bucket";
  t += milliseconds{300};  // 3 tokens
  admitted = 0;
  for (int i = 0; i < 10; ++i) admitted += a.admit(lac_a, t) == admission_refusal::none;
  EXPECT_EQ(admitted, 3);
  t += std::chrono::seconds{5};  // idle: full again, never more than a second's worth
  admitted = 0;
  for (int i = 0; i < 50; ++i) admitted += a.admit(lac_a, t) == admission_refusal::none;
  EXPECT_EQ(admitted, 10);
}

TEST(TunnelAdmission, TheInstanceWideRateIsSharedAndARefusedSourceSpendsNothing) {
  tunnel_admission a{limits(4, 2, 0, 0)};
  const auto t = clock::now();
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none);
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::none);
  // A's own bucket is empty: its refusals must not drain the instance-wide one.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(a.admit(lac_a, t), admission_refusal::rate_per_source);
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none);
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none);
  EXPECT_EQ(a.admit(lac_b + 1, t), admission_refusal::rate);
}

TEST(TunnelAdmission, IdleSourcesAreForgottenSoAFloodOfAddressesCostsBoundedMemory) {
  auto s = limits(0, 1000, 0, 2);
  s.max_sources = 100;
  tunnel_admission a{s};
  auto t = clock::now();
  for (std::uint32_t i = 0; i < 100; ++i) {
    ASSERT_EQ(a.admit(lac_a + i, t), admission_refusal::none);
    a.release(lac_a + i);  // each established at once
  }
  EXPECT_EQ(a.sources(), 100u);
  // The table is full of addresses that just spent a token: a new one waits ...
  EXPECT_EQ(a.admit(lac_b + 1000, t), admission_refusal::in_setup);
  // ... until their buckets are full again and they are forgotten.
  t += std::chrono::seconds{2};
  EXPECT_EQ(a.admit(lac_b + 1000, t), admission_refusal::none);
  EXPECT_EQ(a.sources(), 1u);
}

TEST(TunnelAdmission, ASourceWithTunnelsInSetUpIsNeverForgotten) {
  tunnel_admission a{limits(0, 0, 0, 1)};
  auto t = clock::now();
  ASSERT_EQ(a.admit(lac_a, t), admission_refusal::none);
  t += std::chrono::minutes{5};
  EXPECT_EQ(a.admit(lac_b, t), admission_refusal::none);  // sweeps
  EXPECT_EQ(a.admit(lac_a, t), admission_refusal::in_setup_per_source) << "its half-open tunnel still counts";
}

TEST(TunnelAdmission, UnlimitedAdmitsEverything) {
  tunnel_admission a{limits(0, 0, 0, 0)};
  const auto t = clock::now();
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(a.admit(lac_a, t), admission_refusal::none);
  EXPECT_EQ(a.in_setup(), 100000u);
  EXPECT_EQ(a.sources(), 0u);
}

TEST(TunnelAdmission, ConcurrentAdmitsAndReleasesNeverPassTheCap) {
  std::atomic<std::int64_t> gauge{0};
  tunnel_admission a{limits(0, 0, 8, 0), &gauge};
  std::atomic<std::int64_t> peak{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 20000; ++i) {
        if (a.admit(lac_a + static_cast<std::uint32_t>(w), clock::now()) != admission_refusal::none) continue;
        auto now = gauge.load();
        auto seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        a.release(lac_a + static_cast<std::uint32_t>(w));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 8);
  EXPECT_EQ(a.in_setup(), 0u);
  EXPECT_EQ(gauge.load(), 0);
}

TEST(TunnelAdmission, RefusalsNameTheirMetricReason) {
  EXPECT_EQ(to_string(admission_refusal::in_setup), "tunnels-in-setup");
  EXPECT_EQ(to_string(admission_refusal::in_setup_per_source), "tunnels-in-setup-per-source");
  EXPECT_EQ(to_string(admission_refusal::rate), "setup-rate");
  EXPECT_EQ(to_string(admission_refusal::rate_per_source), "setup-rate-per-source");
  EXPECT_EQ(to_string(admission_refusal::none), "");
}

}  // namespace
}  // namespace bras::actors

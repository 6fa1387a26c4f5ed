// daemon/memory_trim: the heap is trimmed once after the sessions or tunnels that exist fall in bulk
// from their high-water mark (by the minimum and a quarter of it), never while they churn around a level.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "daemon/memory_trim.hpp"
#include "tests/integration/harness.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;

TEST(MemoryTrim, TrimsOnceAfterAMassTeardownAndNeverUnderChurn) {
  model::counters stats;
  stats.sessions_active = 5000;
  stats.tunnels_active = 50;
  app::memory_trimmer trimmer{stats, nullptr, {20ms, 1000, 100}};
  // Churn around 5,000 sessions, 1,200 down from the high-water mark at most (under a quarter): no trim.
  for (int i = 0; i < 20; ++i) {
    stats.sessions_active = i % 2 == 0 ? 3800 : 5000;
    std::this_thread::sleep_for(25ms);
  }
  EXPECT_EQ(trimmer.trims(), 0u);
  // The sessions end: one trim, and no second one while nothing more ends.
  stats.sessions_active = 0;
  ASSERT_TRUE(eventually([&] { return trimmer.trims() == 1; }));
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(trimmer.trims(), 1u);
  // Tunnels: up to 250, down to 100 (150 ended).
  stats.tunnels_active = 250;
  std::this_thread::sleep_for(100ms);
  stats.tunnels_active = 100;
  ASSERT_TRUE(eventually([&] { return trimmer.trims() == 2; }));
}

#ifndef __SANITIZE_ADDRESS__  // ASan's allocator answers mallinfo2 with zeros
TEST(MemoryTrim, TheHeapFiguresFollowAllocations) {
  const auto before = app::read_heap();
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 1000; ++i) blocks.emplace_back(new char[1000]);
  const auto during = app::read_heap();
  EXPECT_GE(during.in_use, before.in_use + 1000 * 1000);
  blocks.clear();
  EXPECT_LT(app::read_heap().in_use, during.in_use);
}
#endif

}  // namespace
}  // namespace bras

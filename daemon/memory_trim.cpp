#include "daemon/memory_trim.hpp"

#include <malloc.h>

#include <algorithm>
#include <utility>

#include "metrics/families.hpp"

namespace bras::app {

namespace {

/// Resident bytes now (what /metrics exports as process_resident_memory_bytes).
std::uint64_t resident_bytes() {
  return static_cast<std::uint64_t>(metrics::read_process_figures().resident_bytes);
}

}  // namespace

heap_figures read_heap() noexcept {
  const auto m = ::mallinfo2();
  return {m.uordblks + m.hblkhd, m.fordblks};
}

memory_trimmer::memory_trimmer(const model::counters& stats, std::shared_ptr<spdlog::logger> log, settings s)
    : stats_{stats}, log_{std::move(log)}, settings_{s}, thread_{[this] { run(); }} {}

memory_trimmer::~memory_trimmer() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void memory_trimmer::run() {
  std::int64_t peak_sessions = 0;
  std::int64_t peak_tunnels = 0;
  std::unique_lock lock{mutex_};
  while (!wake_.wait_for(lock, settings_.interval, [this] { return stopping_; })) {
    const auto sessions = stats_.sessions_active.load(std::memory_order_relaxed);
    const auto tunnels = stats_.tunnels_active.load(std::memory_order_relaxed);
    peak_sessions = std::max(peak_sessions, sessions);
    peak_tunnels = std::max(peak_tunnels, tunnels);
    // Fallen by the minimum and by a quarter of the high-water mark.
    auto fallen = [](std::int64_t peak, std::int64_t now, std::int64_t least) {
      return peak - now >= least && (peak - now) * 4 >= peak;
    };
    if (!fallen(peak_sessions, sessions, settings_.min_sessions) &&
        !fallen(peak_tunnels, tunnels, settings_.min_tunnels)) {
      continue;
    }
    lock.unlock();
    trim(peak_sessions - sessions, peak_tunnels - tunnels);
    lock.lock();
    peak_sessions = sessions;
    peak_tunnels = tunnels;
  }
}

void memory_trimmer::trim(std::int64_t sessions, std::int64_t tunnels) {
  const auto before = resident_bytes();
  const auto started = std::chrono::steady_clock::now();
  ::malloc_trim(0);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  const auto after = resident_bytes();
  const auto released = before > after ? before - after : 0;
  trims_.fetch_add(1, std::memory_order_relaxed);
  released_.fetch_add(released, std::memory_order_relaxed);
  if (log_) {
    log_->info("memory-trimmed sessions-ended={} tunnels-ended={} rss-before-kib={} rss-after-kib={} took-ms={}",
               sessions, tunnels, before / 1024, after / 1024, took.count());
  }
}

}  // namespace bras::app

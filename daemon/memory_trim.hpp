// Gives the heap that ended sessions and tunnels freed back to the kernel.
// glibc keeps freed memory in its arenas: after 100,000 sessions were torn
// down RSS stayed at the peak (724 MB), which operators read as a leak and the
// kernel cannot use. A thread of its own (a trim of a large heap takes
// milliseconds, and holds each arena's lock meanwhile: not on the I/O thread)
// looks every `interval` at the sessions and tunnels that exist, and calls
// malloc_trim(0) once their number has fallen from its high-water mark since
// the last trim by at least `min_sessions` (or `min_tunnels`) and by a quarter
// of that mark: after a mass teardown, not under churn around a level (whose
// freed memory is reused at once: 500 sessions a second for 20,000 held moves
// the count by some 3,000).
#pragma once

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>

#include "model/counters.hpp"

namespace bras::app {

/// The heap now, from mallinfo2 (glibc's arenas; an ASan build reports its own allocator's zeros).
struct heap_figures {
  std::uint64_t in_use = 0;  ///< bytes allocated and not freed (small blocks and mmapped ones)
  std::uint64_t free = 0;    ///< bytes freed and kept in the arenas
};
[[nodiscard]] heap_figures read_heap() noexcept;

class memory_trimmer {
 public:
  struct settings {
    std::chrono::milliseconds interval{5000};
    std::int64_t min_sessions = 1000;
    std::int64_t min_tunnels = 100;
  };

  memory_trimmer(const model::counters& stats, std::shared_ptr<spdlog::logger> log, settings s);
  ~memory_trimmer();  ///< stops the thread
  memory_trimmer(const memory_trimmer&) = delete;
  memory_trimmer& operator=(const memory_trimmer&) = delete;

  [[nodiscard]] std::uint64_t trims() const noexcept { return trims_.load(std::memory_order_relaxed); }
  /// Resident memory the trims gave back (RSS before less after, each trim), bytes.
  [[nodiscard]] std::uint64_t released_bytes() const noexcept { return released_.load(std::memory_order_relaxed); }

 private:
  void run();
  void trim(std::int64_t sessions, std::int64_t tunnels);

  const model::counters& stats_;
  std::shared_ptr<spdlog::logger> log_;
  settings settings_;
  std::atomic<std::uint64_t> trims_{0};
  std::atomic<std::uint64_t> released_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  ///< under mutex_
  std::thread thread_;
};

}  // namespace bras::app

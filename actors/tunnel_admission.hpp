// Admission of new tunnels from LACs (l2tp.tunnel-setup-rate, ...-per-source,
// max-tunnels-in-setup, ...-per-source; docs/operations.md "Tunnel set-up
// limits"). An SCCRQ for a new tunnel key is admitted only while
//   - fewer than `max_in_setup` tunnels (and fewer than `max_in_setup_per_source`
//     from its source address) are between their SCCRQ and their SCCCN, and
//   - the instance-wide and the per-source token buckets (`rate`, `rate_per_source`
//     new tunnels per second, a second's worth of burst) have a token.
// A refusal costs a lookup: no tunnel ID, no actor, no reply (the LAC sends its
// SCCRQ again after its retransmission timeout, as for a lost one). A flood
// from one address therefore holds at most its own share of half-open tunnels,
// and a LAC elsewhere still gets its tunnel.
//
// Shared by the shards (admit) and the tunnels (release), on any worker
// thread: one mutex, taken once per SCCRQ for a new key and once per tunnel
// leaving set-up. Plain data otherwise (the clock is a parameter), so tests
// drive it directly.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace bras::actors {

struct tunnel_admission_settings {
  unsigned rate = 2000;                     ///< new tunnels per second, every source; 0: unlimited
  unsigned rate_per_source = 500;           ///< new tunnels per second from one address; 0: unlimited
  unsigned max_in_setup = 4000;             ///< half-open tunnels, every source; 0: unlimited
  unsigned max_in_setup_per_source = 1000;  ///< half-open tunnels from one address; 0: unlimited
  std::size_t max_sources = 65536;          ///< source addresses tracked at once (each holds set-up state)
};

enum class admission_refusal : std::uint8_t {
  none,                 ///< admitted: release() it when the tunnel leaves set-up
  in_setup,             ///< max_in_setup reached
  in_setup_per_source,  ///< max_in_setup_per_source reached for this address
  rate,                 ///< the instance-wide bucket is empty
  rate_per_source,      ///< this address's bucket is empty
};

/// The metric label of a refusal ("" for none).
[[nodiscard]] std::string_view to_string(admission_refusal r) noexcept;

class tunnel_admission {
 public:
  using clock = std::chrono::steady_clock;

  /// `in_setup_gauge` (may be null) follows the number of tunnels in set-up.
  explicit tunnel_admission(tunnel_admission_settings s = {}, std::atomic<std::int64_t>* in_setup_gauge = nullptr);

  /// Whether a new tunnel from `source` may start at `now`; when it may, it counts as in set-up.
  admission_refusal admit(std::uint32_t source, clock::time_point now);

  /// A tunnel admitted for `source` left set-up (established, or gone before that).
  void release(std::uint32_t source);

  [[nodiscard]] std::size_t in_setup() const;
  [[nodiscard]] std::size_t sources() const;  ///< addresses tracked now
  [[nodiscard]] tunnel_admission_settings settings() const;
  /// New limits (a configuration reload), from the next SCCRQ on; the tunnels in set-up stay
  /// admitted and are released as before. `max_sources` keeps its value from the start.
  void set_limits(const tunnel_admission_settings& s);

 private:
  struct bucket {
    double tokens = 0;
    clock::time_point last{};
    /// Tops up at `rate` per second, a second's worth at most.
    void refill(unsigned rate, clock::time_point now);
    [[nodiscard]] bool full(unsigned rate, clock::time_point now) const;
  };
  struct source_state {
    bucket tokens;
    unsigned in_setup = 0;
  };

  /// Forgets the sources with nothing in set-up whose bucket is full again: they start afresh.
  void sweep(clock::time_point now);

  tunnel_admission_settings cfg_;
  std::atomic<std::int64_t>* gauge_;
  mutable std::mutex mutex_;
  bucket global_;
  std::size_t in_setup_ = 0;
  std::unordered_map<std::uint32_t, source_state> by_source_;
  clock::time_point last_sweep_{};
};

}  // namespace bras::actors

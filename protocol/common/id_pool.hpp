// Allocation of local tunnel and session IDs. Never-used IDs are handed out
// first, then the least recently freed, so a stale packet for a just-closed
// ID rarely reaches a new tunnel or session. A pool for a shard only holds IDs whose
// `id % stride == offset`: the shard is embedded in the ID.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

namespace bras::common {

class id_pool {
 public:
  /// IDs in [1, 65535] with id % stride == offset.
  explicit id_pool(std::uint16_t stride = 1, std::uint16_t offset = 0) noexcept;

  [[nodiscard]] std::optional<std::uint16_t> allocate();
  /// Returns an ID; an ID that is not allocated is ignored (and reported).
  bool release(std::uint16_t id);
  [[nodiscard]] std::size_t in_use() const noexcept { return in_use_; }
  [[nodiscard]] bool allocated(std::uint16_t id) const noexcept { return used_[id]; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  std::uint32_t next_fresh_;
  std::uint16_t stride_;
  std::deque<std::uint16_t> freed_;
  std::vector<bool> used_;
  std::size_t in_use_ = 0;
  std::size_t capacity_ = 0;
};

/// The shard that owns a tunnel ID.
[[nodiscard]] constexpr std::size_t shard_of(std::uint16_t tunnel_id, std::size_t shards) noexcept {
  return tunnel_id % shards;
}

}  // namespace bras::common

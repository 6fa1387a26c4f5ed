#include "protocol/common/id_pool.hpp"

namespace bras::common {

id_pool::id_pool(std::uint16_t stride, std::uint16_t offset) noexcept
    : next_fresh_(offset == 0 ? stride : offset), stride_(stride == 0 ? 1 : stride), used_(65536, false) {
  // Counted, not looped: a pool per tunnel is built for every tunnel.
  if (next_fresh_ <= 65535) capacity_ = (65535 - next_fresh_) / stride_ + 1;
}

std::optional<std::uint16_t> id_pool::allocate() {
  // Never-used IDs first, then the least recently freed: a just-closed ID
  // is reused as late as possible, so its stale packets find nothing.
  std::uint16_t id = 0;
  if (next_fresh_ <= 65535) {
    id = static_cast<std::uint16_t>(next_fresh_);
    next_fresh_ += stride_;
  } else if (!freed_.empty()) {
    id = freed_.front();
    freed_.pop_front();
  } else {
    return std::nullopt;
  }
  used_[id] = true;
  ++in_use_;
  return id;
}

bool id_pool::release(std::uint16_t id) {
  if (id == 0 || !used_[id]) return false;
  used_[id] = false;
  --in_use_;
  freed_.push_back(id);
  return true;
}

}  // namespace bras::common

#include "protocol/pppoe/access_concentrator_limits.hpp"

#include <algorithm>

namespace bras::pppoe {

std::uint64_t mac_key(const eth::mac_address& mac) noexcept {
  std::uint64_t key = 0;
  for (std::uint8_t b : mac) key = (key << 8) | b;
  return key;
}

token_bucket::token_bucket(unsigned rate, std::chrono::steady_clock::time_point now) noexcept
    : rate_(rate), tokens_(std::max(1.0, static_cast<double>(rate))), last_(now) {}

double token_bucket::level_at(std::chrono::steady_clock::time_point now) const noexcept {
  double burst = std::max(1.0, rate_);
  // A clock that went backwards refills nothing rather than draining the bucket.
  if (now <= last_) return tokens_;
  double elapsed = std::chrono::duration<double>(now - last_).count();
  return std::min(burst, tokens_ + elapsed * rate_);
}

bool token_bucket::take(std::chrono::steady_clock::time_point now) noexcept {
  tokens_ = level_at(now);
  if (now > last_) last_ = now;
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

bool token_bucket::empty_at(std::chrono::steady_clock::time_point now) const noexcept {
  return level_at(now) < 1.0;
}

padi_limiter::padi_limiter(unsigned global_rate, unsigned per_mac_rate, std::size_t max_tracked)
    : global_rate_(global_rate), per_mac_rate_(per_mac_rate), max_tracked_(std::max<std::size_t>(1, max_tracked)) {}

padi_limiter::verdict padi_limiter::admit(const eth::mac_address& mac, std::chrono::steady_clock::time_point now) {
  std::uint64_t key = mac_key(mac);
  auto known = per_mac_rate_ == 0 ? index_.end() : index_.find(key);
  // A MAC already over its own rate is dropped before it can spend the global
  // tokens every other client shares.
  if (known != index_.end() && known->second->bucket.empty_at(now)) {
    lru_.splice(lru_.begin(), lru_, known->second);
    return verdict::over_per_mac;
  }
  if (global_rate_ != 0) {
    if (!global_started_) {
      global_ = token_bucket{global_rate_, now};
      global_started_ = true;
    }
    // Checked before a new MAC gets a bucket: a random-MAC flood is cut here.
    if (!global_.take(now)) return verdict::over_global;
  }
  if (per_mac_rate_ == 0) return verdict::pass;
  if (known == index_.end()) {
    if (index_.size() >= max_tracked_) {
      index_.erase(lru_.back().mac);
      lru_.pop_back();
    }
    lru_.push_front(mac_bucket{key, token_bucket{per_mac_rate_, now}});
    known = index_.emplace(key, lru_.begin()).first;
  } else {
    lru_.splice(lru_.begin(), lru_, known->second);
  }
  return known->second->bucket.take(now) ? verdict::pass : verdict::over_per_mac;
}

namespace {

// a * b mod 2^16, in unsigned arithmetic (two uint16_t would multiply as int and overflow).
std::uint16_t times(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::uint16_t>((a * b) & 0xffffU);
}

}  // namespace

session_ids::session_ids(std::uint16_t multiplier) noexcept
    : multiplier_(static_cast<std::uint16_t>(multiplier | 1U)), inverse_(multiplier_) {
  // Newton's iteration for the inverse mod 2^16: each step doubles the correct low bits (3 -> 48).
  for (int i = 0; i < 4; ++i) inverse_ = times(inverse_, 2U - times(multiplier_, inverse_));
}

std::optional<std::uint16_t> session_ids::allocate() {
  for (;;) {
    auto raw = pool_.allocate();
    if (!raw) return std::nullopt;
    const auto id = times(*raw, multiplier_);
    // RFC 2516 §4: 0xffff is reserved. Its raw ID stays held, so it never comes round again.
    if (id != 0xffffU) return id;
  }
}

bool session_ids::release(std::uint16_t id) {
  return pool_.release(times(id, inverse_));
}

}  // namespace bras::pppoe

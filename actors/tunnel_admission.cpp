#include "actors/tunnel_admission.hpp"

#include <algorithm>

namespace bras::actors {

std::string_view to_string(admission_refusal r) noexcept {
  switch (r) {
    case admission_refusal::none: return "";
    case admission_refusal::in_setup: return "tunnels-in-setup";
    case admission_refusal::in_setup_per_source: return "tunnels-in-setup-per-source";
    case admission_refusal::rate: return "setup-rate";
    case admission_refusal::rate_per_source: return "setup-rate-per-source";
  }
  return "";
}

void tunnel_admission::bucket::refill(unsigned rate, clock::time_point now) {
  if (now < last && last != clock::time_point{}) return;  // a caller that read the clock before another
  const double elapsed = std::chrono::duration<double>(now - last).count();
  // A bucket never used (last at the epoch) or idle for a second is full.
  tokens = elapsed >= 1.0 || last == clock::time_point{} ? rate : std::min<double>(rate, tokens + elapsed * rate);
  last = now;
}

bool tunnel_admission::bucket::full(unsigned rate, clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - last).count();
  return tokens + elapsed * rate >= rate;
}

tunnel_admission::tunnel_admission(tunnel_admission_settings s, std::atomic<std::int64_t>* in_setup_gauge)
    : cfg_(s), gauge_(in_setup_gauge) {}

admission_refusal tunnel_admission::admit(std::uint32_t source, clock::time_point now) {
  std::lock_guard lock{mutex_};
  if (cfg_.max_in_setup != 0 && in_setup_ >= cfg_.max_in_setup) return admission_refusal::in_setup;
  if (cfg_.rate != 0) {
    global_.refill(cfg_.rate, now);
    if (global_.tokens < 1.0) return admission_refusal::rate;
  }
  const bool per_source = cfg_.rate_per_source != 0 || cfg_.max_in_setup_per_source != 0;
  source_state* src = nullptr;
  if (per_source) {
    if (now - last_sweep_ >= std::chrono::seconds{1}) sweep(now);
    auto it = by_source_.find(source);
    if (it == by_source_.end()) {
      if (by_source_.size() >= cfg_.max_sources) sweep(now);
      // Bounded by the limits above (each entry is in set-up or used its bucket within the second):
      // full only when they are off, and then a new address waits like any over the limit.
      if (by_source_.size() >= cfg_.max_sources) return admission_refusal::in_setup;
      it = by_source_.emplace(source, source_state{}).first;
    }
    src = &it->second;
    if (cfg_.max_in_setup_per_source != 0 && src->in_setup >= cfg_.max_in_setup_per_source) {
      return admission_refusal::in_setup_per_source;
    }
    if (cfg_.rate_per_source != 0) {
      src->tokens.refill(cfg_.rate_per_source, now);
      if (src->tokens.tokens < 1.0) return admission_refusal::rate_per_source;
      src->tokens.tokens -= 1.0;
    }
    ++src->in_setup;
  }
  if (cfg_.rate != 0) global_.tokens -= 1.0;
  ++in_setup_;
  if (gauge_ != nullptr) gauge_->fetch_add(1);
  return admission_refusal::none;
}

void tunnel_admission::release(std::uint32_t source) {
  std::lock_guard lock{mutex_};
  if (in_setup_ == 0) return;  // not reached: every release follows an admission
  --in_setup_;
  if (gauge_ != nullptr) gauge_->fetch_sub(1);
  auto it = by_source_.find(source);
  if (it != by_source_.end() && it->second.in_setup > 0) --it->second.in_setup;
}

void tunnel_admission::sweep(clock::time_point now) {
  last_sweep_ = now;
  std::erase_if(by_source_, [&](const auto& entry) {
    const auto& s = entry.second;
    return s.in_setup == 0 && (cfg_.rate_per_source == 0 || s.tokens.full(cfg_.rate_per_source, now));
  });
}

tunnel_admission_settings tunnel_admission::settings() const {
  std::lock_guard lock{mutex_};
  return cfg_;
}

void tunnel_admission::set_limits(const tunnel_admission_settings& s) {
  std::lock_guard lock{mutex_};
  const auto max_sources = cfg_.max_sources;
  cfg_ = s;
  cfg_.max_sources = max_sources;
}

std::size_t tunnel_admission::in_setup() const {
  std::lock_guard lock{mutex_};
  return in_setup_;
}

std::size_t tunnel_admission::sources() const {
  std::lock_guard lock{mutex_};
  return by_source_.size();
}

}  // namespace bras::actors

#include "protocol/l2tp/lac_selection.hpp"

#include <algorithm>
#include <vector>

namespace bras::l2tp {

destination_key key_of(const tunnel_candidate& c) {
  return {c.address, c.port, c.assignment_id};
}

selection_mode selection_of(std::string_view name) noexcept {
  return name == "round-robin" ? selection_mode::round_robin : selection_mode::weighted;
}

std::optional<selection> lac_selector::pick(std::span<const tunnel_candidate> candidates, selection_mode mode,
                                            std::span<const destination_key> tried, bool may_retry, time_point now) {
  std::vector<destination_key> keys;
  keys.reserve(candidates.size());
  for (const auto& c : candidates) keys.push_back(key_of(c));
  auto eligible = [&](std::size_t i) {
    return std::find(tried.begin(), tried.end(), keys[i]) == tried.end() && !locked_out(keys[i], now);
  };

  std::optional<unsigned> level;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    if (eligible(i) && (!level || candidates[i].preference < *level)) level = candidates[i].preference;
  }
  if (level) {
    std::vector<std::size_t> in_level;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (eligible(i) && candidates[i].preference == *level) in_level.push_back(i);
    }
    std::size_t chosen = in_level.front();
    if (mode == selection_mode::round_robin) {
      // Least recently picked first; never picked ones in list order.
      for (auto i : in_level) {
        if (destinations_[keys[i]].last_pick < destinations_[keys[chosen]].last_pick) chosen = i;
      }
    } else {
      std::uint64_t total = 0;
      for (auto i : in_level) total += candidates[i].weight;
      if (total > 0) {
        auto r = std::uniform_int_distribution<std::uint64_t>{0, total - 1}(rng_);
        for (auto i : in_level) {
          if (r < candidates[i].weight) {
            chosen = i;
            break;
          }
          r -= candidates[i].weight;
        }
      }
    }
    destinations_[keys[chosen]].last_pick = ++picks_;
    return selection{chosen, false};
  }

  if (!may_retry) return std::nullopt;
  // Every level is locked out: the destination that failed first gets one more try.
  std::optional<std::size_t> first;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    auto it = destinations_.find(keys[i]);
    if (it == destinations_.end() || !it->second.locked_until) continue;
    if (!first || it->second.failed_at < destinations_[keys[*first]].failed_at) first = i;
  }
  if (!first) return std::nullopt;
  auto& d = destinations_[keys[*first]];
  if (d.retrying) return std::nullopt;  // its one retry is under way: reject
  d.retrying = true;
  d.last_pick = ++picks_;
  return selection{*first, true};
}

void lac_selector::failure(const destination_key& d, time_point now) {
  auto& st = destinations_[d];
  st.locked_until = now + lockout_;
  st.failed_at = now;
  st.retrying = false;
}

void lac_selector::success(const destination_key& d) {
  auto it = destinations_.find(d);
  if (it == destinations_.end()) return;
  it->second.locked_until.reset();
  it->second.retrying = false;
}

bool lac_selector::locked_out(const destination_key& d, time_point now) const {
  auto it = destinations_.find(d);
  return it != destinations_.end() && it->second.locked_until && *it->second.locked_until > now;
}

duration lac_selector::lockout_left(const destination_key& d, time_point now) const {
  auto it = destinations_.find(d);
  if (it == destinations_.end() || !it->second.locked_until || *it->second.locked_until <= now) return {};
  return *it->second.locked_until - now;
}

}  // namespace bras::l2tp

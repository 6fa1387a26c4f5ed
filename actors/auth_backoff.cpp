#include "actors/auth_backoff.hpp"

#include <algorithm>

namespace bras::actors {

auth_backoff::clock::duration auth_backoff::refused_for(std::string_view user, clock::time_point now) {
  if (cfg_.limit == 0) return {};
  sweep(now);
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return {};
  const record& r = *it->second;
  if (r.failures < cfg_.limit || now >= r.blocked_until) return {};
  return r.blocked_until - now;
}

auth_backoff::clock::duration auth_backoff::failed(std::string_view user, clock::time_point now) {
  if (cfg_.limit == 0) return {};
  sweep(now);
  auto found = by_user_.find(user);
  if (found != by_user_.end() && now >= found->second->expires) {
    // Expired but not swept yet (a younger record stopped the sweep): start afresh.
    const auto node = found->second;
    by_user_.erase(found);  // the map's key views the node's name: the map goes first
    order_.erase(node);
    found = by_user_.end();
  }
  list::iterator it;
  if (found == by_user_.end()) {
    while (!order_.empty() && by_user_.size() >= cfg_.max_users) {
      by_user_.erase(order_.front().user);
      order_.pop_front();
    }
    order_.push_back(record{std::string{user}, now, 0, now, std::min(cfg_.backoff, cfg_.backoff_max), now});
    it = std::prev(order_.end());
    by_user_.emplace(it->user, it);
  } else {
    it = found->second;
    order_.splice(order_.end(), order_, it);  // now the most recently failed
  }
  record& r = *it;
  clock::duration started{};
  if (r.failures < cfg_.limit) {
    if (++r.failures == cfg_.limit) started = r.next_backoff;
  } else if (now >= r.blocked_until) {
    started = r.next_backoff;  // a failure after a back-off ended: back off again, longer
  }
  if (started != clock::duration{}) {
    r.blocked_until = now + started;
    r.next_backoff = std::min<clock::duration>(started * 2, cfg_.backoff_max);
  }
  r.expires = (r.failures < cfg_.limit ? r.window_start : r.blocked_until) + cfg_.window;
  return started;
}

void auth_backoff::succeeded(std::string_view user) {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return;
  const auto node = it->second;
  by_user_.erase(it);
  order_.erase(node);
}

void auth_backoff::sweep(clock::time_point now) {
  while (!order_.empty() && now >= order_.front().expires) {
    by_user_.erase(order_.front().user);
    order_.pop_front();
  }
}

}  // namespace bras::actors

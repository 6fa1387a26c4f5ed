#include "actors/aaa_prefixes.hpp"

#include <algorithm>

namespace bras::actors {

namespace {

const char* kind_name(prefix_kind k) {
  return k == prefix_kind::link ? "ipv6-prefix" : "delegated-prefix";
}

}  // namespace

std::variant<aaa_prefixes, std::string> aaa_prefixes::make(const config::settings& settings) {
  // A pool is a delegating one when a setting names it for delegated prefixes (the global
  // default or a subscriber's delegated-pool); RADIUS names pools only at run time.
  std::unordered_set<std::string> delegating{settings.ipv6.delegated_prefix_pool};
  for (const auto& s : settings.aaa.subscribers) delegating.insert(s.delegated_pool);
  aaa_prefixes out;
  out.default_link_ = settings.ipv6.prefix_pool;
  out.default_delegated_ = settings.ipv6.delegated_prefix_pool;
  for (const auto& p : settings.prefix_pools) {
    prefix_pool_config pc;
    pc.name = p.name;
    pc.aggregates = p.prefixes;
    pc.length = p.prefix_length;
    pc.exclude = p.exclude;
    auto made = prefix_pool::make(pc);
    if (auto* e = std::get_if<address_pool_error>(&made)) return "prefix pool " + p.name + ": " + e->reason;
    out.pools_.push_back(std::move(std::get<prefix_pool>(made)));
    out.delegating_.push_back(delegating.count(p.name) != 0 || p.prefix_length != 64);
  }
  return out;
}

std::optional<ip::ipv6_prefix> aaa_prefixes::assign(prefix_kind kind, const prefix_request& r, const std::string& user,
                                                    model::counters& stats, spdlog::logger& log) {
  if (r.fixed && kind == prefix_kind::link && r.fixed->length != 64) {
    log.warn("aaa-prefix-not-64 user={} prefix={}", user, ip::to_string(*r.fixed));
    return std::nullopt;
  }
  if (r.fixed) {
    auto p = reserve(*r.fixed);
    if (!p)
      log.info("aaa-prefix-unavailable user={} kind={} prefix={}", user, kind_name(kind), ip::to_string(*r.fixed));
    return p;
  }
  const std::string& name = r.pool.empty() ? (kind == prefix_kind::link ? default_link_ : default_delegated_) : r.pool;
  if (name.empty()) return std::nullopt;  // no pool configured for this kind: nothing to hand out
  prefix_pool* pool = find(name);
  if (pool == nullptr) {
    log.warn("aaa-unknown-prefix-pool user={} kind={} pool={}", user, kind_name(kind), name);
    return std::nullopt;
  }
  if (kind == prefix_kind::link && pool->length() != 64) {
    // SLAAC needs a /64 (RFC 4862 §5.5.3 with a 64-bit interface identifier).
    log.warn("aaa-prefix-pool-not-64 user={} pool={} length={}", user, name, pool->length());
    return std::nullopt;
  }
  auto p = pool->allocate();
  if (!p) {
    (kind == prefix_kind::link ? stats.prefix_pool_exhausted : stats.delegated_pool_exhausted).fetch_add(1);
    log.warn("aaa-prefix-pool-exhausted user={} kind={} pool={}", user, kind_name(kind), name);
  }
  return p;
}

std::optional<ip::ipv6_prefix> aaa_prefixes::reserve(const ip::ipv6_prefix& fixed) {
  for (auto& pool : pools_) {
    switch (pool.reserve(fixed)) {
      case reservation::reserved: return fixed;
      case reservation::in_use:
      case reservation::excluded: return std::nullopt;
      case reservation::outside: continue;
    }
  }
  if (!outside_.insert(fixed).second) return std::nullopt;
  return fixed;
}

void aaa_prefixes::give_back(const ip::ipv6_prefix& p, spdlog::logger& log) {
  for (auto& pool : pools_) {
    if (pool.contains(p)) {
      if (!pool.release(p)) log.warn("aaa-release-unknown prefix={}", ip::to_string(p));
      return;
    }
  }
  outside_.erase(p);
}

std::vector<model::pool_usage> aaa_prefixes::usage() const {
  std::vector<model::pool_usage> out;
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    const auto& p = pools_[i];
    out.push_back({p.name(), p.size(), p.in_use(), delegating_[i] ? "delegated-prefix" : "ipv6-prefix", p.length()});
  }
  return out;
}

prefix_pool* aaa_prefixes::find(const std::string& name) {
  auto it = std::find_if(pools_.begin(), pools_.end(), [&](const auto& p) { return p.name() == name; });
  return it == pools_.end() ? nullptr : &*it;
}

}  // namespace bras::actors

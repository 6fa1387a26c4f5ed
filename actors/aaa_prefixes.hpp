// The AAA actor's IPv6 prefixes: the prefix pools (ipv6.prefix-pool for the
// sessions' /64s, ipv6.delegated-prefix-pool for DHCPv6-PD) and the static
// prefixes outside every pool, assigned and given back as the IPv4 address is
// (aaa.cpp keeps one grant per session with all of them).
#pragma once

#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <unordered_set>
#include <variant>
#include <vector>

#include "actors/prefix_pool.hpp"
#include "configs/config.hpp"
#include "model/counters.hpp"
#include "model/query.hpp"

namespace bras::actors {

/// Which of a session's prefixes: the link's /64 (SLAAC) or the delegated one.
enum class prefix_kind { link, delegated };

/// What a session asks for: a static prefix, else a pool by name, else the default pool.
struct prefix_request {
  std::optional<ip::ipv6_prefix> fixed;  ///< subscriber ipv6-prefix / RADIUS Framed-IPv6-Prefix ...
  std::string pool;                      ///< subscriber ipv6-pool / RADIUS Framed-IPv6-Pool ...; empty: the default
};

/// For sets of prefixes.
struct prefix_hash {
  std::size_t operator()(const ip::ipv6_prefix& p) const noexcept {
    return std::hash<std::uint64_t>{}(ip::high64(p.address) ^ (ip::low64(p.address) * 31) ^ p.length);
  }
};

class aaa_prefixes {
 public:
  /// The pools of settings.prefix_pools; fails with "prefix pool NAME: reason" on an invalid one.
  [[nodiscard]] static std::variant<aaa_prefixes, std::string> make(const config::settings& settings);

  /// A prefix for a session of `user`, or none (taken, excluded, unknown pool, exhausted: each logged,
  /// exhaustion counted). IPv6 is optional: a session without one keeps IPv4.
  [[nodiscard]] std::optional<ip::ipv6_prefix> assign(prefix_kind kind, const prefix_request& r,
                                                      const std::string& user, model::counters& stats,
                                                      spdlog::logger& log);
  /// Gives a prefix back to its pool (or frees a static one).
  void give_back(const ip::ipv6_prefix& p, spdlog::logger& log);
  /// One row per pool: family "ipv6-prefix" or "delegated-prefix", and the length it hands out.
  [[nodiscard]] std::vector<model::pool_usage> usage() const;

 private:
  [[nodiscard]] std::optional<ip::ipv6_prefix> reserve(const ip::ipv6_prefix& fixed);
  [[nodiscard]] prefix_pool* find(const std::string& name);

  std::vector<prefix_pool> pools_;
  std::vector<bool> delegating_;                              ///< by pool: named for delegated prefixes (else for /64s)
  std::string default_link_;                                  ///< ipv6.prefix-pool
  std::string default_delegated_;                             ///< ipv6.delegated-prefix-pool
  std::unordered_set<ip::ipv6_prefix, prefix_hash> outside_;  ///< static prefixes outside every pool, in use
};

}  // namespace bras::actors

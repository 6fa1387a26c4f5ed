// IPv6 for subscribers: the `prefix-pools` list, the `ipv6` section (router
// advertisements, DHCPv6) and the subscribers' prefixes and pools, with the
// checks across them (pool names, overlaps, lengths, RFC 4861 §6.2.1 ranges).
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "configs/config_parse.hpp"

namespace bras::config {

namespace {

/// The largest prefix pool (as actors::prefix_pool::max_size, which configs/ cannot include).
constexpr std::uint64_t max_pool_prefixes = std::uint64_t{1} << 24;

ip::ipv6_prefix v6_prefix(const YAML::Node& n, const std::string& path, const yaml_walker& w) {
  const auto text = n.IsScalar() ? n.as<std::string>() : std::string{};
  auto p = ip::parse_ipv6_prefix(text);
  if (!p) w.fail(n, path, "not an IPv6 prefix (ADDRESS/LENGTH, no bits set past LENGTH): " + text);
  return *p;
}

ip::ipv6_address v6_address(const YAML::Node& n, const std::string& path, const yaml_walker& w) {
  const auto text = n.IsScalar() ? n.as<std::string>() : std::string{};
  auto a = ip::parse_ipv6_address(text);
  if (!a) w.fail(n, path, "not an IPv6 address: " + text);
  return *a;
}

/// An excluded prefix, or an address (a /128).
ip::ipv6_prefix v6_exclusion(const YAML::Node& n, const std::string& path, const yaml_walker& w) {
  const auto text = n.IsScalar() ? n.as<std::string>() : std::string{};
  if (text.find('/') == std::string::npos) return ip::ipv6_prefix::make(v6_address(n, path, w), 128);
  return v6_prefix(n, path, w);
}

/// The node of `key` in `n`, or `n` itself (for an error's line).
YAML::Node at(const YAML::Node& n, const char* key) {
  return n[key] ? n[key] : n;
}

void parse_router_advertisement(const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string p = "ipv6.router-advertisement";
  only_table(p, n, w);
  apply_table(p, n, w, s);
  const auto& ra = s.ipv6.router_advertisement;
  // RFC 4861 §6.2.1: MinRtrAdvInterval <= 0.75 * MaxRtrAdvInterval; AdvDefaultLifetime 0 or >= MaxRtrAdvInterval.
  if (ra.min_interval.count() * 4 > ra.max_interval.count() * 3) {
    w.fail(at(n, "min-interval"), p + ".min-interval", "must not exceed 0.75 * max-interval (RFC 4861 6.2.1)");
  }
  if (ra.router_lifetime != 0 && ra.router_lifetime < ra.max_interval.count()) {
    w.fail(at(n, "router-lifetime"), p + ".router-lifetime", "must be 0 or at least max-interval (RFC 4861 6.2.1)");
  }
  if (ra.preferred_lifetime > ra.valid_lifetime) {
    w.fail(at(n, "preferred-lifetime"), p + ".preferred-lifetime", "must not exceed valid-lifetime");
  }
}

void parse_dhcpv6(const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string p = "ipv6.dhcpv6";
  only_table(p, n, w);
  apply_table(p, n, w, s);
  const auto& d = s.ipv6.dhcpv6;
  if (d.preferred_lifetime > d.valid_lifetime) {
    w.fail(at(n, "preferred-lifetime"), p + ".preferred-lifetime", "must not exceed valid-lifetime");
  }
  if (d.t1 > d.t2) w.fail(at(n, "t1"), p + ".t1", "must not exceed t2");
  if (d.t2 > d.preferred_lifetime) w.fail(at(n, "t2"), p + ".t2", "must not exceed preferred-lifetime");
  const auto& duid = d.server_duid;
  // RFC 8415 §11.1: a 2-byte type and up to 128 bytes.
  if (!duid.empty() && (duid.size() % 2 != 0 || duid.size() < 6 || duid.size() > 260 ||
                        duid.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)) {
    w.fail(at(n, "server-duid"), p + ".server-duid", "expected 3 to 130 bytes in hex, e.g. 0004 and a UUID");
  }
}

/// The prefix pool named `name`, or nullptr.
const prefix_pool_settings* prefix_pool_named(const settings& s, const std::string& name) {
  auto it = std::find_if(s.prefix_pools.begin(), s.prefix_pools.end(), [&](const auto& p) { return p.name == name; });
  return it == s.prefix_pools.end() ? nullptr : &*it;
}

/// `name` (at `n`, `path`) names a prefix pool; a /64 one when `link` (SLAAC).
void check_pool_name(const YAML::Node& n, const std::string& path, const yaml_walker& w, const settings& s,
                     const std::string& name, bool link) {
  if (name.empty()) return;
  const auto* pool = prefix_pool_named(s, name);
  if (pool == nullptr) w.fail(n, path, "no prefix pool named " + name);
  if (link && pool->prefix_length != 64) {
    w.fail(n, path, "prefix pool " + name + " hands out /" + std::to_string(pool->prefix_length) + "s, not /64s");
  }
}

}  // namespace

void parse_prefix_pools(const YAML::Node& root, const yaml_walker& w, settings& s) {
  std::set<std::string> names;
  for (const auto& a : s.address_pools) names.insert(a.name);
  // Every aggregate so far, with its path, for the overlap check across pools.
  std::vector<std::pair<ip::ipv6_prefix, std::string>> seen;
  w.list(root, "", "prefix-pools", [&](const YAML::Node& x, const std::string& xp) {
    prefix_pool_settings pool;
    w.only(x, xp, {"name", "prefixes", "prefix-length", "exclude"});
    pool.name = w.required_text(x, xp, "name");
    if (!names.insert(pool.name).second) w.fail(x["name"], xp + ".name", "duplicate pool " + pool.name);
    w.number(x, xp, "prefix-length", pool.prefix_length, 1, 64);
    std::uint64_t total = 0;
    w.list(x, xp, "prefixes", [&](const YAML::Node& y, const std::string& yp) {
      auto p = v6_prefix(y, yp, w);
      if (p.length > pool.prefix_length) {
        w.fail(y, yp, "longer than the pool's prefix-length /" + std::to_string(pool.prefix_length));
      }
      for (const auto& [other, other_path] : seen) {
        if (other.covers(p) || p.covers(other))
          w.fail(y, yp, "overlaps " + ip::to_string(other) + " (" + other_path + ")");
      }
      if (pool.prefix_length - p.length > 24 ||
          (total += std::uint64_t{1} << (pool.prefix_length - p.length)) > max_pool_prefixes) {
        w.fail(y, yp, "more than " + std::to_string(max_pool_prefixes) + " prefixes in the pool");
      }
      seen.emplace_back(p, yp);
      pool.prefixes.push_back(p);
    });
    if (pool.prefixes.empty()) w.fail(x, xp + ".prefixes", "required");
    w.list(x, xp, "exclude",
           [&](const YAML::Node& y, const std::string& yp) { pool.exclude.push_back(v6_exclusion(y, yp, w)); });
    s.prefix_pools.push_back(std::move(pool));
  });
}

void parse_ipv6(const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string p = "ipv6";
  only_table(p, n, w, {"dns", "local-address", "router-advertisement", "dhcpv6"});
  apply_table(p, n, w, s);
  auto& v6 = s.ipv6;
  w.list(n, p, "dns", [&](const YAML::Node& x, const std::string& xp) {
    if (v6.dns.size() == 3) w.fail(x, xp, "at most three DNS servers");
    v6.dns.push_back(v6_address(x, xp, w));
  });
  if (n["local-address"]) v6.local_address = v6_address(n["local-address"], "ipv6.local-address", w);
  if (auto ra = n["router-advertisement"]) parse_router_advertisement(ra, w, s);
  if (auto d = n["dhcpv6"]) parse_dhcpv6(d, w, s);
}

void parse_subscriber_ipv6(const YAML::Node& n, const std::string& p, const yaml_walker& w, subscriber& s) {
  if (auto x = n["ipv6-prefix"]) {
    s.ipv6_prefix = v6_prefix(x, p + ".ipv6-prefix", w);
    if (s.ipv6_prefix->length != 64) w.fail(x, p + ".ipv6-prefix", "must be a /64 (SLAAC on the PPP link)");
  }
  if (auto x = n["delegated-prefix"]) s.delegated_prefix = v6_prefix(x, p + ".delegated-prefix", w);
}

void check_ipv6(const YAML::Node& root, const yaml_walker& w, const settings& s) {
  const auto v6 = root["ipv6"];
  if (v6) {
    check_pool_name(at(v6, "prefix-pool"), "ipv6.prefix-pool", w, s, s.ipv6.prefix_pool, true);
    check_pool_name(at(v6, "delegated-prefix-pool"), "ipv6.delegated-prefix-pool", w, s, s.ipv6.delegated_prefix_pool,
                    false);
  }
  const auto subscribers = root["aaa"] ? root["aaa"]["subscribers"] : YAML::Node{};
  for (std::size_t i = 0; i < s.aaa.subscribers.size(); ++i) {
    const auto& sub = s.aaa.subscribers[i];
    const auto n = subscribers[i];
    const auto p = "aaa.subscribers[" + std::to_string(i) + "]";
    check_pool_name(at(n, "ipv6-pool"), p + ".ipv6-pool", w, s, sub.ipv6_pool, true);
    check_pool_name(at(n, "delegated-pool"), p + ".delegated-pool", w, s, sub.delegated_pool, false);
  }
}

}  // namespace bras::config

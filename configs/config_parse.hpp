// Helpers shared by the configuration's parsers (config.cpp, config_lac.cpp,
// config_radius.cpp):
// reading a section's or a list entry's keys through the settings table.
// Internal to configs/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "configs/config.hpp"
#include "configs/settings_table.hpp"
#include "configs/yaml_walker.hpp"

namespace bras::config {

/// Reads the table's settings of `section` (settings_table.hpp) from its mapping `n`.
inline void apply_table(std::string_view section, const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string path{section};
  for (const auto& row : setting_rows()) {
    if (row.section == section) row.apply(n, path, w, s);
  }
}

/// Reads a list entry's table settings from its mapping `n` at `path` (e.g. l2tp.destinations[1]).
template <class Entry>
void apply_entry_table(const YAML::Node& n, const std::string& path, const yaml_walker& w, Entry& entry) {
  for (const auto& row : entry_rows<Entry>()) row.apply(n, path, w, entry);
}

/// Rejects keys of `section` other than its table settings and `others` (lists, nested entries).
inline void only_table(std::string_view section, const YAML::Node& n, const yaml_walker& w,
                       std::initializer_list<std::string_view> others = {}) {
  std::vector<std::string_view> keys{others};
  for (const auto& row : setting_rows()) {
    if (row.section == section) keys.push_back(row.key);
  }
  w.only(n, std::string{section}, keys);
}

/// Rejects keys of a list entry other than its table settings and `others` (addresses, lists, names).
template <class Entry>
void only_entry_table(const YAML::Node& n, const std::string& path, const yaml_walker& w,
                      std::initializer_list<std::string_view> others) {
  std::vector<std::string_view> keys{others};
  for (const auto& row : entry_rows<Entry>()) keys.push_back(row.key);
  w.only(n, path, keys);
}

/// The `pppoe` section (LAC access interfaces, VLANs, limits), cross-checks included.
void parse_pppoe(const YAML::Node& n, const yaml_walker& w, settings& s);

/// l2tp.tunnel-profiles and l2tp.domain-map of the `l2tp` mapping `n`, checked against
/// l2tp.destinations (already parsed into `l2tp`).
void parse_tunnel_profiles(const YAML::Node& n, const yaml_walker& w, l2tp_settings& l2tp);

/// aaa.method and aaa.domains of the `aaa` mapping `n` (config_radius.cpp).
void parse_aaa_method(const YAML::Node& n, const yaml_walker& w, aaa_settings& aaa);

/// The `radius` section; its defaults come from l2tp (host name, first gateway), parsed before it.
void parse_radius(const YAML::Node& n, const yaml_walker& w, settings& s);

/// RADIUS named as an AAA method (aaa.method, aaa.domains) needs authentication servers.
void check_aaa_radius(const YAML::Node& root, const yaml_walker& w, const settings& s);

/// `prefix-pools` (config_ipv6.cpp); address-pools are parsed before it (names are unique across both).
void parse_prefix_pools(const YAML::Node& root, const yaml_walker& w, settings& s);

/// The `ipv6` section: default pools, DNS, local address, router-advertisement, dhcpv6.
void parse_ipv6(const YAML::Node& n, const yaml_walker& w, settings& s);

/// A subscriber's ipv6-prefix (a /64) and delegated-prefix (inline and in the subscribers file).
void parse_subscriber_ipv6(const YAML::Node& n, const std::string& path, const yaml_walker& w, subscriber& s);

/// The pools named by ipv6 and the inline subscribers exist (and hand out /64s where SLAAC needs them).
void check_ipv6(const YAML::Node& root, const yaml_walker& w, const settings& s);

/// Why `pattern` is not a valid Calling Number pattern, or "" when it is.
[[nodiscard]] std::string calling_number_error(std::string_view pattern);

}  // namespace bras::config

// The settings two configuration texts differ in (config_reload.hpp).
#include "configs/config_reload.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>

namespace bras::config {

namespace {

YAML::Node parse(std::string_view text) {
  try {
    return YAML::Load(std::string{text});
  } catch (const YAML::Exception&) {
    return YAML::Node{};
  }
}

/// The value under `key`, or an undefined node (a missing key's node is invalid to look at).
YAML::Node child(const YAML::Node& map, const std::string& key) {
  if (!map.IsMap()) return YAML::Node{YAML::NodeType::Undefined};
  auto n = map[key];
  return n.IsDefined() ? n : YAML::Node{YAML::NodeType::Undefined};
}

/// Structural equality: scalars by their text, sequences element by element, maps key by key.
bool same(const YAML::Node& a, const YAML::Node& b) {
  if (a.Type() != b.Type()) return false;
  switch (a.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return true;
    case YAML::NodeType::Scalar: return a.Scalar() == b.Scalar();
    case YAML::NodeType::Sequence:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same(a[i], b[i])) return false;
      }
      return true;
    case YAML::NodeType::Map:
      if (a.size() != b.size()) return false;
      for (const auto& kv : a) {
        const auto key = kv.first.Scalar();
        const auto other = child(b, key);
        if (!other.IsDefined() || !same(kv.second, other)) return false;
      }
      return true;
  }
  return false;
}

/// The map's keys in document order (an empty list for anything but a map).
std::vector<std::string> keys(const YAML::Node& n) {
  std::vector<std::string> out;
  if (!n.IsMap()) return out;
  for (const auto& kv : n) out.push_back(kv.first.Scalar());
  return out;
}

void add_unique(std::vector<std::string>& to, const std::vector<std::string>& from) {
  for (const auto& k : from) {
    if (std::find(to.begin(), to.end(), k) == to.end()) to.push_back(k);
  }
}

}  // namespace

std::vector<std::string> changed_settings(std::string_view before, std::string_view after) {
  const auto a = parse(before);
  const auto b = parse(after);
  auto sections = keys(a);
  add_unique(sections, keys(b));
  std::vector<std::string> out;
  for (const auto& section : sections) {
    const auto sa = child(a, section);
    const auto sb = child(b, section);
    if (!sa.IsMap() || !sb.IsMap()) {
      // A section that is not a map (or is missing on one side) is one setting.
      if (!same(sa, sb)) out.push_back(section);
      continue;
    }
    auto names = keys(sa);
    add_unique(names, keys(sb));
    for (const auto& key : names) {
      if (!same(child(sa, key), child(sb, key))) out.push_back(section + "." + key);
    }
  }
  return out;
}

bool applied_on_reload(std::string_view setting) noexcept {
  constexpr std::array<std::string_view, 10> live{
      "log.level",
      "log.components",
      "l2tp.max-tunnels",
      "l2tp.max-sessions",
      "l2tp.max-sessions-in-setup",
      "l2tp.max-sessions-in-setup-per-tunnel",
      "l2tp.tunnel-setup-rate",
      "l2tp.tunnel-setup-rate-per-source",
      "l2tp.max-tunnels-in-setup",
      "l2tp.max-tunnels-in-setup-per-source",
  };
  return std::find(live.begin(), live.end(), setting) != live.end();
}

reload_plan plan_reload(std::string_view started, std::string_view last, std::string_view now) {
  reload_plan plan;
  for (auto& s : changed_settings(last, now)) {
    if (applied_on_reload(s)) plan.applied.push_back(std::move(s));
  }
  for (auto& s : changed_settings(started, now)) {
    if (!applied_on_reload(s)) plan.pending.push_back(std::move(s));
  }
  return plan;
}

}  // namespace bras::config

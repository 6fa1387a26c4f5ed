// The LAC's configuration: the `pppoe` section (access interfaces, VLANs,
// limits) and l2tp.tunnel-profiles / l2tp.domain-map, with the cross-checks
// that fail fast with file, line, key path and reason.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <string>
#include <string_view>

#include "configs/config_parse.hpp"

namespace bras::config {

namespace {

/// The placeholders a Calling Number pattern may use (config.hpp pppoe_settings::calling_number).
constexpr std::string_view calling_number_placeholders[] = {"mac",   "interface",  "vlan",      "svlan",
                                                            "cvlan", "circuit-id", "remote-id", "session"};

struct vid_range {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
};

bool overlap(std::uint16_t a_first, std::uint16_t a_last, std::uint16_t b_first, std::uint16_t b_last) {
  return a_first <= b_last && b_first <= a_last;
}

bool parse_vid(std::string_view text, unsigned& out) {
  auto [next, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && next == text.data() + text.size();
}

/// `key` of `map`: a VLAN ID "A" or a range "A-B", each 1..4094 (0 and 4095 are reserved by 802.1Q).
vid_range read_vid_range(const YAML::Node& map, const std::string& path, const char* key, const yaml_walker& w) {
  const auto node = map[key];
  const auto at = yaml_walker::join(path, key);
  if (!node.IsScalar()) {
    w.fail(node.IsNull() ? yaml_walker::key_node(map, key) : node, at,
           "expected a VLAN ID or a range A-B, e.g. 100 or 100-199");
  }
  const auto text = node.as<std::string>();
  const std::string_view view{text};
  const auto dash = view.find('-');
  unsigned first = 0;
  unsigned last = 0;
  const bool ok = dash == std::string_view::npos
                      ? parse_vid(view, first) && parse_vid(view, last)
                      : parse_vid(view.substr(0, dash), first) && parse_vid(view.substr(dash + 1), last);
  if (!ok) w.fail(node, at, "expected a VLAN ID or a range A-B, e.g. 100 or 100-199: " + text);
  if (first < 1 || first > 4094 || last < 1 || last > 4094) w.fail(node, at, "VLAN IDs are 1 to 4094: " + text);
  if (first > last) w.fail(node, at, "range " + text + " runs backwards (first above last)");
  return {static_cast<std::uint16_t>(first), static_cast<std::uint16_t>(last)};
}

/// A `service-names` list: non-empty, distinct names (an empty list accepts any service).
void read_service_names(const YAML::Node& map, const std::string& path, const yaml_walker& w,
                        std::vector<std::string>& out) {
  w.list(map, path, "service-names", [&](const YAML::Node& x, const std::string& xp) {
    if (!x.IsScalar()) w.fail(x, xp, "expected a string");
    auto name = x.as<std::string>();
    if (name.empty()) w.fail(x, xp, "must not be empty ([] accepts any service, and the empty name)");
    if (std::find(out.begin(), out.end(), name) != out.end()) w.fail(x, xp, "duplicate service name " + name);
    out.push_back(std::move(name));
  });
}

/// Linux refuses these interface names (dev_valid_name); IFNAMSIZ leaves 15 characters.
std::string interface_name_error(const std::string& name) {
  if (name.size() > 15) return "interface names have at most 15 characters";
  if (name == "." || name == "..") return "not an interface name: " + name;
  for (const char c : name) {
    if (c == '/' || c == ':' || std::isspace(static_cast<unsigned char>(c))) return "not an interface name: " + name;
  }
  return {};
}

pppoe_vlan parse_vlan(const YAML::Node& v, const std::string& vp, const yaml_walker& w) {
  pppoe_vlan pv;
  only_entry_table<pppoe_vlan>(v, vp, w, {"vlan", "inner-vlan", "service-names"});
  if (!v["vlan"]) w.fail(v, vp + ".vlan", "required (the VLAN ID, or the outer one with inner-vlan)");
  const auto outer = read_vid_range(v, vp, "vlan", w);
  pv.outer_first = outer.first;
  pv.outer_last = outer.last;
  if (v["inner-vlan"]) {
    const auto inner = read_vid_range(v, vp, "inner-vlan", w);
    pv.inner_first = inner.first;
    pv.inner_last = inner.last;
  }
  apply_entry_table(v, vp, w, pv);
  read_service_names(v, vp, w, pv.service_names);
  return pv;
}

access_interface parse_interface(const YAML::Node& x, const std::string& xp, const yaml_walker& w) {
  access_interface ai;
  only_entry_table<access_interface>(x, xp, w, {"name", "vlans", "service-names"});
  ai.name = w.required_text(x, xp, "name");
  if (auto why = interface_name_error(ai.name); !why.empty()) w.fail(x["name"], xp + ".name", why);
  apply_entry_table(x, xp, w, ai);
  read_service_names(x, xp, w, ai.service_names);
  w.list(x, xp, "vlans", [&](const YAML::Node& v, const std::string& vp) {
    auto pv = parse_vlan(v, vp, w);
    // A single-tagged rule has inner 0..0, so it never overlaps a QinQ rule: they match different frames.
    for (std::size_t k = 0; k < ai.vlans.size(); ++k) {
      const auto& other = ai.vlans[k];
      if (overlap(pv.outer_first, pv.outer_last, other.outer_first, other.outer_last) &&
          overlap(pv.inner_first, pv.inner_last, other.inner_first, other.inner_last)) {
        w.fail(v, vp, "overlaps vlans[" + std::to_string(k) + "] of the same interface");
      }
    }
    ai.vlans.push_back(std::move(pv));
  });
  if (!ai.untagged && ai.vlans.empty()) {
    w.fail(x, xp, "accepts no frames: untagged is false and no vlans are listed");
  }
  return ai;
}

}  // namespace

std::string calling_number_error(std::string_view pattern) {
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    if (pattern[pos] == '}') return "'}' at column " + std::to_string(pos + 1) + " without '{'";
    if (pattern[pos] != '{') {
      ++pos;
      continue;
    }
    const auto close = pattern.find_first_of("{}", pos + 1);
    if (close == std::string_view::npos || pattern[close] == '{') {
      return "'{' at column " + std::to_string(pos + 1) + " is not closed";
    }
    auto inside = pattern.substr(pos + 1, close - pos - 1);
    // {a|b}: a when the subscriber has it, else b.
    for (;;) {
      const auto bar = inside.find('|');
      const auto name = inside.substr(0, bar);
      if (std::find(std::begin(calling_number_placeholders), std::end(calling_number_placeholders), name) ==
          std::end(calling_number_placeholders)) {
        return "unknown placeholder \"" + std::string{name} +
               "\" (mac, interface, vlan, svlan, cvlan, circuit-id, remote-id, session; a|b: a, else b)";
      }
      if (bar == std::string_view::npos) break;
      inside.remove_prefix(bar + 1);
    }
    pos = close + 1;
  }
  return {};
}

void parse_pppoe(const YAML::Node& n, const yaml_walker& w, settings& s) {
  const std::string p = "pppoe";
  auto& pppoe = s.pppoe;
  only_table(p, n, w, {"interfaces", "service-names", "pado-delay"});
  apply_table(p, n, w, s);
  if (pppoe.ac_name.empty()) w.fail(n["ac-name"], "pppoe.ac-name", "must not be empty (every PADO names the AC)");
  if (auto why = calling_number_error(pppoe.calling_number); !why.empty()) {
    w.fail(n["calling-number"], "pppoe.calling-number", why);
  }
  read_service_names(n, p, w, pppoe.service_names);

  w.list(n, p, "pado-delay", [&](const YAML::Node& x, const std::string& xp) {
    pado_delay_step step;
    only_entry_table<pado_delay_step>(x, xp, w, {});
    for (const char* key : {"sessions", "delay-ms"}) {
      if (!x[key]) w.fail(x, yaml_walker::join(xp, key), "required");
    }
    apply_entry_table(x, xp, w, step);
    if (!pppoe.pado_delay.empty()) {
      const auto& previous = pppoe.pado_delay.back();
      if (step.sessions <= previous.sessions) {
        w.fail(x["sessions"], xp + ".sessions",
               "not above the previous step's " + std::to_string(previous.sessions) + " (steps go in ascending order)");
      }
      if (step.delay < previous.delay) {
        w.fail(x["delay-ms"], xp + ".delay-ms",
               "below the previous step's " + std::to_string(previous.delay.count()) + " (the delay grows with load)");
      }
    }
    pppoe.pado_delay.push_back(step);
  });

  std::set<std::string> names;
  w.list(n, p, "interfaces", [&](const YAML::Node& x, const std::string& xp) {
    auto ai = parse_interface(x, xp, w);
    if (!names.insert(ai.name).second) w.fail(x["name"], xp + ".name", "interface " + ai.name + " is listed twice");
    pppoe.interfaces.push_back(std::move(ai));
  });
}

void parse_tunnel_profiles(const YAML::Node& n, const yaml_walker& w, l2tp_settings& l) {
  const std::string p = "l2tp";
  for (const char* key : {"tunnel-profiles", "domain-map"}) {
    const auto list = n[key];
    if (list && list.IsSequence() && list.size() > 0 && l.destinations.empty()) {
      w.fail(yaml_walker::key_node(n, key), yaml_walker::join(p, key), "needs l2tp.destinations to send calls to");
    }
  }

  std::set<std::string> profile_names;
  w.list(n, p, "tunnel-profiles", [&](const YAML::Node& x, const std::string& xp) {
    tunnel_profile tp;
    only_entry_table<tunnel_profile>(x, xp, w, {"name", "destinations"});
    tp.name = w.required_text(x, xp, "name");
    if (!profile_names.insert(tp.name).second) w.fail(x["name"], xp + ".name", "duplicate tunnel profile " + tp.name);
    w.list(x, xp, "destinations", [&](const YAML::Node& d, const std::string& dp) {
      if (!d.IsScalar()) w.fail(d, dp, "expected a destination name");
      auto name = d.as<std::string>();
      const auto named = std::count_if(l.destinations.begin(), l.destinations.end(),
                                       [&](const lns_destination& ld) { return ld.name == name; });
      if (named == 0) w.fail(d, dp, "no destination named " + name);
      if (named > 1) w.fail(d, dp, std::to_string(named) + " destinations are named " + name + "; name them apart");
      if (std::find(tp.destinations.begin(), tp.destinations.end(), name) != tp.destinations.end()) {
        w.fail(d, dp, "duplicate destination " + name);
      }
      tp.destinations.push_back(std::move(name));
    });
    if (tp.destinations.empty()) {
      w.fail(x["destinations"] ? x["destinations"] : x, xp + ".destinations", "needs at least one destination");
    }
    apply_entry_table(x, xp, w, tp);
    l.tunnel_profiles.push_back(std::move(tp));
  });

  std::set<std::string> realms;  // lower-cased: realms match case-insensitively
  w.list(n, p, "domain-map", [&](const YAML::Node& x, const std::string& xp) {
    domain_map_entry entry;
    w.only(x, xp, {"realm", "tunnel-profile"});
    if (!x["realm"]) w.fail(x, xp + ".realm", "required (\"*\": every realm and none; \"\": users with no realm)");
    w.text(x, xp, "realm", entry.realm);
    if (entry.realm.find('@') != std::string::npos) {
      w.fail(x["realm"], xp + ".realm", "a realm is what follows the last @ of the user name, without the @");
    }
    std::string folded = entry.realm;
    std::transform(folded.begin(), folded.end(), folded.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!realms.insert(folded).second) w.fail(x["realm"], xp + ".realm", "duplicate realm \"" + entry.realm + "\"");
    entry.tunnel_profile = w.required_text(x, xp, "tunnel-profile");
    if (!profile_names.count(entry.tunnel_profile)) {
      w.fail(x["tunnel-profile"], xp + ".tunnel-profile", "no tunnel profile named " + entry.tunnel_profile);
    }
    l.domain_map.push_back(std::move(entry));
  });
}

}  // namespace bras::config

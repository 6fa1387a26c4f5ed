#include "actors/lac_candidates.hpp"

#include <algorithm>
#include <cctype>

namespace bras::actors {

namespace {

std::string lower(std::string_view s) {
  std::string out{s};
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// The map entry for `realm`: exact first, then "" for no realm, then "*".
const config::domain_map_entry* map_entry(const config::l2tp_settings& l2tp, const std::string& realm, bool has_realm) {
  for (const auto& e : l2tp.domain_map) {
    if (has_realm && !e.realm.empty() && e.realm != "*" && lower(e.realm) == realm) return &e;
  }
  if (!has_realm) {
    for (const auto& e : l2tp.domain_map) {
      if (e.realm.empty()) return &e;
    }
  }
  for (const auto& e : l2tp.domain_map) {
    if (e.realm == "*") return &e;
  }
  return nullptr;
}

const config::lns_destination* destination_named(const config::l2tp_settings& l2tp, const std::string& name) {
  for (const auto& d : l2tp.destinations) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace

std::string realm_of(std::string_view user) {
  auto at = user.rfind('@');
  return at == std::string_view::npos ? std::string{} : lower(user.substr(at + 1));
}

l2tp::tunnel_candidate candidate_of(const config::lns_destination& d) {
  l2tp::tunnel_candidate c;
  c.name = d.name;
  c.address = config::parse_ipv4(d.address).value_or(0);
  c.port = d.port;
  c.secret = d.secret;
  c.preference = d.preference;
  c.weight = d.weight;
  c.max_sessions = d.max_sessions;
  c.server_auth_id = d.peer_host_name;
  c.assignment_id = d.assignment_id;
  c.local_gateway = d.local_gateway;
  return c;
}

call_candidates candidates_for(const config::l2tp_settings& l2tp, std::string_view user) {
  call_candidates out;
  const config::tunnel_profile* profile = nullptr;
  if (!l2tp.tunnel_profiles.empty()) {
    auto at = user.rfind('@');
    const auto* entry = map_entry(l2tp, realm_of(user), at != std::string_view::npos);
    if (entry != nullptr) {
      for (const auto& p : l2tp.tunnel_profiles) {
        if (p.name == entry->tunnel_profile) profile = &p;
      }
    }
    if (profile == nullptr) profile = &l2tp.tunnel_profiles.front();
  }
  if (profile == nullptr) {
    for (const auto& d : l2tp.destinations) out.candidates.push_back(candidate_of(d));
    return out;
  }
  out.profile = profile->name;
  out.mode = l2tp::selection_of(profile->selection);
  for (const auto& name : profile->destinations) {
    if (const auto* d = destination_named(l2tp, name)) out.candidates.push_back(candidate_of(*d));
  }
  return out;
}

namespace {

/// Fills what AAA left out of `c` from the local destination `d` of the same address.
void fill_from(l2tp::tunnel_candidate& c, const l2tp::tunnel_candidate& d) {
  c.name = d.name;  // lockouts and show commands keep the configured name
  if (c.port == 1701) c.port = d.port;
  if (c.secret.empty()) c.secret = d.secret;
  if (c.max_sessions == 0) c.max_sessions = d.max_sessions;
  if (c.client_auth_id.empty()) c.client_auth_id = d.client_auth_id;
  if (c.server_auth_id.empty()) c.server_auth_id = d.server_auth_id;
  if (c.assignment_id.empty()) c.assignment_id = d.assignment_id;
  if (c.local_gateway.empty()) c.local_gateway = d.local_gateway;
}

}  // namespace

l2tp::tunnel_candidates merge_profile(const config::l2tp_settings& l2tp, std::string_view profile,
                                      l2tp::tunnel_candidates aaa) {
  const config::tunnel_profile* found = nullptr;
  for (const auto& p : l2tp.tunnel_profiles) {
    if (p.name == profile) found = &p;
  }
  if (found == nullptr) return aaa;
  l2tp::tunnel_candidates out;
  std::vector<bool> used(aaa.size(), false);
  for (const auto& name : found->destinations) {
    const auto* d = destination_named(l2tp, name);
    if (d == nullptr) continue;
    auto local = candidate_of(*d);
    auto it = std::find_if(aaa.begin(), aaa.end(), [&](const auto& c) { return c.address == local.address; });
    if (it == aaa.end()) {
      out.push_back(std::move(local));
      continue;
    }
    const auto i = static_cast<std::size_t>(it - aaa.begin());
    if (used[i]) continue;  // two destinations of one address: the first takes the override
    used[i] = true;
    fill_from(*it, local);
    out.push_back(*it);
  }
  for (std::size_t i = 0; i < aaa.size(); ++i) {
    if (!used[i]) out.push_back(std::move(aaa[i]));
  }
  return out;
}

}  // namespace bras::actors

#include "actors/aaa_route.hpp"

#include "actors/lac_candidates.hpp"

namespace bras::actors {

config::aaa_method method_for(const config::aaa_settings& aaa, std::string_view user) {
  if (aaa.domains.empty()) return aaa.method;
  const bool has_realm = user.rfind('@') != std::string_view::npos;
  const auto realm = realm_of(user);  // lower-cased
  if (has_realm) {
    for (const auto& d : aaa.domains) {
      if (!d.realm.empty() && d.realm != "*" && realm_of("@" + d.realm) == realm) return d.method;
    }
  } else {
    for (const auto& d : aaa.domains) {
      if (d.realm.empty()) return d.method;
    }
  }
  for (const auto& d : aaa.domains) {
    if (d.realm == "*") return d.method;
  }
  return aaa.method;
}

}  // namespace bras::actors

// Where an LAC call may go, from the configuration: the realm of the user
// name picks a tunnel profile through the domain map, and the profile's
// destinations become tunnel candidates (the same shape AAA hands over).
#pragma once

#include <string>
#include <string_view>

#include "configs/config.hpp"
#include "protocol/l2tp/lac_selection.hpp"

namespace bras::actors {

/// The text after the last '@' of `user`, lower-cased; empty when there is no '@'.
[[nodiscard]] std::string realm_of(std::string_view user);

/// A configured destination as a tunnel candidate.
[[nodiscard]] l2tp::tunnel_candidate candidate_of(const config::lns_destination& d);

/// The candidates of one call and how to pick among them.
struct call_candidates {
  l2tp::tunnel_candidates candidates;
  l2tp::selection_mode mode = l2tp::selection_mode::weighted;
  std::string profile;  ///< the tunnel profile's name; empty: the implicit one (every destination)
};

/// The domain map's answer for `user`: an exact realm (case-insensitive), then
/// "" (users without a realm) or "*" (any realm and none); no match and no
/// "*": the first profile; no profiles: every destination.
[[nodiscard]] call_candidates candidates_for(const config::l2tp_settings& l2tp, std::string_view user);

/// AAA's candidates merged into the local tunnel profile `profile` (RFC 2868 attributes naming a
/// tunnel group, as Junos merges them): a candidate for the address of one of the profile's
/// destinations replaces it, taking the destination's values for what it leaves empty (name, secret,
/// auth IDs, assignment ID, gateway, session limit, a port left at 1701); the others follow the
/// profile's destinations. No such profile: `aaa` unchanged.
[[nodiscard]] l2tp::tunnel_candidates merge_profile(const config::l2tp_settings& l2tp, std::string_view profile,
                                                    l2tp::tunnel_candidates aaa);

}  // namespace bras::actors

// Which AAA backend authenticates a user: the realm (after the last '@') picks
// an aaa.domains entry, else aaa.method. The LNS's AAA actor and the LAC's
// PPPoE sessions route the same way, so both ask this one function.
#pragma once

#include <string_view>

#include "configs/config.hpp"

namespace bras::actors {

/// The method for `user`: an exact realm (case-insensitive), then "" for a user without a realm,
/// then "*" (any realm and none), else aaa.method.
[[nodiscard]] config::aaa_method method_for(const config::aaa_settings& aaa, std::string_view user);

}  // namespace bras::actors

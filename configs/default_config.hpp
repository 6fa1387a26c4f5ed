#pragma once

#include <string_view>

namespace bras::config {

/// The YAML text of configs/brasd.yaml, embedded at build time.
std::string_view default_yaml() noexcept;

}  // namespace bras::config

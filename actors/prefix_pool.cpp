// Placeholder (contract step): the helper implementing prefix_pool.hpp replaces this file.
#include "actors/prefix_pool.hpp"

namespace bras::actors {

std::variant<prefix_pool, address_pool_error> prefix_pool::make(const prefix_pool_config&) {
  return address_pool_error{"not implemented"};
}
std::optional<ip::ipv6_prefix> prefix_pool::allocate() {
  return std::nullopt;
}
prefix_reservation prefix_pool::reserve(const ip::ipv6_prefix&) {
  return reservation::outside;
}
bool prefix_pool::release(const ip::ipv6_prefix&) {
  return false;
}
bool prefix_pool::contains(const ip::ipv6_prefix&) const noexcept {
  return false;
}
bool prefix_pool::allocated(const ip::ipv6_prefix&) const noexcept {
  return false;
}
std::size_t prefix_pool::size() const noexcept {
  return indices_.size();
}
std::size_t prefix_pool::in_use() const noexcept {
  return indices_.in_use();
}

}  // namespace bras::actors

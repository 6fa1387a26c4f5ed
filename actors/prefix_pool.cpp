#include "actors/prefix_pool.hpp"

#include <algorithm>

namespace bras::actors {

namespace {

/// Prefix number `offset` (of `length`) after the start of `aggregate`.
ip::ipv6_prefix nth_prefix(const ip::ipv6_prefix& aggregate, std::uint8_t length, std::uint64_t offset) {
  const std::uint64_t high = aggregate.high64() + (offset << (64 - length));
  return ip::ipv6_prefix::make(ip::from_halves(high, 0), length);
}

/// Where `p` (of `length`, inside `aggregate`) sits among the aggregate's prefixes.
std::uint64_t offset_in(const ip::ipv6_prefix& aggregate, std::uint8_t length, const ip::ipv6_address& p) {
  return (ip::high64(p) - aggregate.high64()) >> (64 - length);
}

/// The aggregate's prefixes that overlap `excluded`, as offsets [first, last]; nullopt if none do.
std::optional<address_range> overlap(const ip::ipv6_prefix& aggregate, std::uint8_t length,
                                     const ip::ipv6_prefix& excluded, std::uint32_t count) {
  if (excluded.length <= aggregate.length) {
    if (!excluded.covers(aggregate)) return std::nullopt;  // shorter and not covering: disjoint
    return address_range{0, count - 1};
  }
  if (!aggregate.contains(excluded.address)) return std::nullopt;
  const auto first = static_cast<std::uint32_t>(offset_in(aggregate, length, excluded.address));
  if (excluded.length >= length) return address_range{first, first};  // inside one prefix
  const std::uint32_t covered = std::uint32_t{1} << (length - excluded.length);
  return address_range{first, first + covered - 1};
}

}  // namespace

std::variant<prefix_pool, address_pool_error> prefix_pool::make(const prefix_pool_config& config) {
  if (config.aggregates.empty()) return address_pool_error{"no prefixes"};
  if (config.length < 1 || config.length > 64) return address_pool_error{"prefix length outside 1..64"};
  std::vector<ip::ipv6_prefix> aggregates;
  std::uint64_t total = 0;
  for (const auto& given : config.aggregates) {
    const auto a = ip::ipv6_prefix::make(given.address, given.length);
    if (a.length > config.length) {
      return address_pool_error{ip::to_string(a) + " is longer than the prefix length /" +
                                std::to_string(config.length)};
    }
    for (const auto& other : aggregates) {
      if (other.covers(a) || a.covers(other)) {
        return address_pool_error{ip::to_string(other) + " overlaps " + ip::to_string(a)};
      }
    }
    // Checked per aggregate first so the shift below cannot overflow.
    if (config.length - a.length > 24) return address_pool_error{"more than " + std::to_string(max_size) + " prefixes"};
    total += std::uint64_t{1} << (config.length - a.length);
    aggregates.push_back(a);
  }
  if (total > max_size) return address_pool_error{"more than " + std::to_string(max_size) + " prefixes"};

  // Index space 1..total, aggregate by aggregate in configuration order; the
  // excluded prefixes are cut out of it, so the index pool never hands them out.
  address_pool_config indices;
  indices.name = config.name;
  std::vector<std::uint32_t> first_index;
  std::uint32_t base = 1;
  for (const auto& a : aggregates) {
    const std::uint32_t count = std::uint32_t{1} << (config.length - a.length);
    std::vector<address_range> cut;
    for (const auto& e : config.exclude) {
      if (auto o = overlap(a, config.length, ip::ipv6_prefix::make(e.address, e.length), count)) cut.push_back(*o);
    }
    std::sort(cut.begin(), cut.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::uint64_t next = 0;  // the first offset not yet placed
    for (const auto& c : cut) {
      if (c.first > next) indices.ranges.push_back({base + static_cast<std::uint32_t>(next), base + c.first - 1});
      next = std::max<std::uint64_t>(next, std::uint64_t{c.last} + 1);
    }
    if (next < count) indices.ranges.push_back({base + static_cast<std::uint32_t>(next), base + count - 1});
    first_index.push_back(base);
    base += count;
  }
  if (indices.ranges.empty()) return address_pool_error{"every prefix is excluded"};
  auto made = address_pool::make(indices);
  if (auto* e = std::get_if<address_pool_error>(&made)) return *e;
  prefix_pool pool(std::move(std::get<address_pool>(made)));
  pool.name_ = config.name;
  pool.length_ = config.length;
  pool.aggregates_ = std::move(aggregates);
  pool.first_index_ = std::move(first_index);
  return pool;
}

std::optional<ip::ipv6_prefix> prefix_pool::allocate() {
  auto index = indices_.allocate();
  if (!index) return std::nullopt;
  return prefix_of(*index);
}

prefix_reservation prefix_pool::reserve(const ip::ipv6_prefix& p) {
  auto index = index_of(p);
  if (!index) return reservation::outside;
  const auto r = indices_.reserve(*index);
  // An index in an aggregate but in no range of the index pool was cut out: excluded.
  return r == reservation::outside ? reservation::excluded : r;
}

bool prefix_pool::release(const ip::ipv6_prefix& p) {
  auto index = index_of(p);
  return index && indices_.release(*index);
}

bool prefix_pool::contains(const ip::ipv6_prefix& p) const noexcept {
  auto index = index_of(p);
  return index && indices_.contains(*index);
}

bool prefix_pool::allocated(const ip::ipv6_prefix& p) const noexcept {
  auto index = index_of(p);
  return index && indices_.allocated(*index);
}

std::size_t prefix_pool::size() const noexcept {
  return indices_.size();
}

std::size_t prefix_pool::in_use() const noexcept {
  return indices_.in_use();
}

std::optional<std::uint32_t> prefix_pool::index_of(const ip::ipv6_prefix& p) const noexcept {
  if (p.length != length_ || ip::ipv6_prefix::make(p.address, p.length) != p) return std::nullopt;
  for (std::size_t k = 0; k < aggregates_.size(); ++k) {
    if (aggregates_[k].covers(p)) {
      return first_index_[k] + static_cast<std::uint32_t>(offset_in(aggregates_[k], length_, p.address));
    }
  }
  return std::nullopt;
}

ip::ipv6_prefix prefix_pool::prefix_of(std::uint32_t index) const noexcept {
  auto k = static_cast<std::size_t>(std::upper_bound(first_index_.begin(), first_index_.end(), index) -
                                    first_index_.begin()) -
           1;  // first_index_[0] == 1 <= index
  return nth_prefix(aggregates_[k], length_, index - first_index_[k]);
}

}  // namespace bras::actors

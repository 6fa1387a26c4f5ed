#include "actors/address_pool.hpp"

#include <algorithm>

namespace bras::actors {

std::string dotted(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 0xff) + "." + std::to_string((a >> 8) & 0xff) +
         "." + std::to_string(a & 0xff);
}

namespace {

/// One configured prefix or range: the span it covers and the part that is usable.
struct part {
  address_range span;
  address_range usable;
  std::string text;
};

/// Below this many stale FIFO entries, compaction is not worth a pass.
constexpr std::size_t min_stale_to_compact = 64;

}  // namespace

std::variant<address_pool, address_pool_error> address_pool::make(const address_pool_config& config) {
  std::vector<part> parts;
  for (const auto& p : config.prefixes) {
    if (p.length > 32) return address_pool_error{"prefix length above 32"};
    const std::uint32_t host_mask = p.length == 0 ? ~std::uint32_t{0} : ~(~std::uint32_t{0} << (32 - p.length));
    const std::uint32_t first = p.address & ~host_mask;
    const address_range span{first, first | host_mask};
    // A /31 or /32 has no network or broadcast address (RFC 3021).
    const address_range usable = p.length >= 31 ? span : address_range{span.first + 1, span.last - 1};
    parts.push_back({span, usable, dotted(first) + "/" + std::to_string(p.length)});
  }
  for (const auto& r : config.ranges) {
    const std::string text = dotted(r.first) + "-" + dotted(r.last);
    if (r.first > r.last) return address_pool_error{"range " + text + ": first address above last"};
    parts.push_back({r, r, text});
  }
  if (parts.empty()) return address_pool_error{"no prefixes or ranges"};
  std::sort(parts.begin(), parts.end(), [](const part& a, const part& b) { return a.span.first < b.span.first; });

  std::uint64_t total_span = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0 && parts[i].span.first <= parts[i - 1].span.last) {
      return address_pool_error{parts[i - 1].text + " overlaps " + parts[i].text};
    }
    total_span += std::uint64_t{parts[i].span.last} - parts[i].span.first + 1;
  }
  if (total_span > max_size) {
    return address_pool_error{"more than " + std::to_string(max_size) + " addresses"};
  }

  std::vector<std::uint32_t> exclude = config.exclude;
  std::sort(exclude.begin(), exclude.end());
  exclude.erase(std::unique(exclude.begin(), exclude.end()), exclude.end());

  address_pool pool;
  pool.name_ = config.name;
  std::uint32_t base = 0;
  for (const auto& p : parts) {
    pool.spans_.push_back(p.span);
    // Split the usable part around the excluded addresses inside it.
    std::uint64_t next = p.usable.first;
    auto ex = std::lower_bound(exclude.begin(), exclude.end(), p.usable.first);
    for (; ex != exclude.end() && *ex <= p.usable.last; ++ex) {
      if (*ex > next) {
        pool.segments_.push_back({static_cast<std::uint32_t>(next), *ex - 1, base});
        base += static_cast<std::uint32_t>(*ex - next);
      }
      next = std::uint64_t{*ex} + 1;
    }
    if (next <= p.usable.last) {
      pool.segments_.push_back({static_cast<std::uint32_t>(next), p.usable.last, base});
      base += static_cast<std::uint32_t>(p.usable.last - next + 1);
    }
  }
  if (base == 0) return address_pool_error{"no usable addresses"};
  pool.size_ = base;
  pool.used_.assign(pool.size_, false);
  pool.queued_.assign(pool.size_, false);
  return pool;
}

std::optional<std::uint32_t> address_pool::allocate() {
  // Never-used addresses first: they are the least recently freed of all.
  while (next_fresh_ < size_) {
    const std::uint32_t index = next_fresh_++;
    if (used_[index] || queued_[index]) continue;  // reserved, or released: the FIFO serves it
    take(index);
    return address_of(index);
  }
  auto index = pop_freed();
  if (!index) return std::nullopt;
  take(*index);
  return address_of(*index);
}

reservation address_pool::reserve(std::uint32_t address) {
  auto index = index_of(address);
  if (!index) {
    auto span = std::upper_bound(spans_.begin(), spans_.end(), address,
                                 [](std::uint32_t a, const address_range& r) { return a < r.first; });
    if (span != spans_.begin() && address <= std::prev(span)->last) return reservation::excluded;
    return reservation::outside;
  }
  if (used_[*index]) return reservation::in_use;
  if (queued_[*index]) ++stale_;  // its FIFO entry now names a taken address
  take(*index);
  maybe_compact();
  return reservation::reserved;
}

bool address_pool::release(std::uint32_t address) {
  auto index = index_of(address);
  if (!index || !used_[*index]) return false;
  used_[*index] = false;
  --in_use_;
  if (queued_[*index]) {
    // Reserved while queued: its older entry (already counted stale) must be
    // skipped, so the address comes back in the order of this release.
    ++superseded_[*index];
  } else {
    queued_[*index] = true;
  }
  freed_.push_back(*index);
  maybe_compact();
  return true;
}

bool address_pool::allocated(std::uint32_t address) const noexcept {
  auto index = index_of(address);
  return index && used_[*index];
}

std::optional<std::uint32_t> address_pool::index_of(std::uint32_t address) const noexcept {
  auto s = std::upper_bound(segments_.begin(), segments_.end(), address,
                            [](std::uint32_t a, const segment& seg) { return a < seg.first; });
  if (s == segments_.begin()) return std::nullopt;
  --s;
  if (address > s->last) return std::nullopt;
  return s->base + (address - s->first);
}

std::uint32_t address_pool::address_of(std::uint32_t index) const noexcept {
  auto s = std::upper_bound(segments_.begin(), segments_.end(), index,
                            [](std::uint32_t i, const segment& seg) { return i < seg.base; });
  --s;  // segments_[0].base == 0 <= index
  return s->first + (index - s->base);
}

std::optional<std::uint32_t> address_pool::pop_freed() {
  while (!freed_.empty()) {
    const std::uint32_t index = freed_.front();
    freed_.pop_front();
    if (auto it = superseded_.find(index); it != superseded_.end()) {
      --stale_;
      if (--it->second == 0) superseded_.erase(it);
      continue;
    }
    queued_[index] = false;
    if (used_[index]) {  // reserved since it was released
      --stale_;
      continue;
    }
    return index;
  }
  return std::nullopt;
}

void address_pool::take(std::uint32_t index) {
  used_[index] = true;
  ++in_use_;
}

void address_pool::maybe_compact() {
  // Keeps the FIFO within twice its live entries (plus a constant): each pass
  // drops at least as many stale entries as it keeps, so it is O(1) amortized.
  if (stale_ < min_stale_to_compact || stale_ * 2 < freed_.size()) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < freed_.size(); ++i) {
    const std::uint32_t index = freed_[i];
    if (auto it = superseded_.find(index); it != superseded_.end()) {
      if (--it->second == 0) superseded_.erase(it);
      continue;
    }
    if (used_[index]) {
      queued_[index] = false;
      continue;
    }
    freed_[kept++] = index;
  }
  freed_.resize(kept);
  stale_ = 0;
}

}  // namespace bras::actors

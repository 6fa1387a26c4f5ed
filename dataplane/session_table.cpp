#include "dataplane/session_table.hpp"

#include <algorithm>
#include <mutex>

namespace bras::dataplane {

void session_table::add(const data_session_ptr& s) {
  std::unique_lock lock{mutex_};
  by_id_[key(s->local_tunnel_id, s->local_session_id)] = s;
}

void session_table::remove(const data_session& s) {
  std::unique_lock lock{mutex_};
  auto it = by_id_.find(key(s.local_tunnel_id, s.local_session_id));
  if (it != by_id_.end() && it->second.get() == &s) by_id_.erase(it);
  if (auto a = by_ipv4_.find(s.ipv4.load()); a != by_ipv4_.end() && a->second.get() == &s) by_ipv4_.erase(a);
  if (auto b = by_ipv6_.find(s.ipv6_iid.load()); b != by_ipv6_.end() && b->second.get() == &s) by_ipv6_.erase(b);
  drop_ipv6_route(s, ipv6_route::link);
  drop_ipv6_route(s, ipv6_route::delegated);
}

bool session_table::bind_ipv4(const data_session_ptr& s, std::uint32_t address, std::string_view user) {
  std::unique_lock lock{mutex_};
  s->user = user;
  auto [it, fresh] = by_ipv4_.try_emplace(address, s);
  if (!fresh && it->second != s) return false;
  s->ipv4.store(address);
  return true;
}

void session_table::unbind_ipv4(const data_session& s) {
  std::unique_lock lock{mutex_};
  if (auto a = by_ipv4_.find(s.ipv4.load()); a != by_ipv4_.end() && a->second.get() == &s) by_ipv4_.erase(a);
}

bool session_table::bind_ipv6(const data_session_ptr& s, std::uint64_t interface_id) {
  std::unique_lock lock{mutex_};
  auto [it, fresh] = by_ipv6_.try_emplace(interface_id, s);
  if (!fresh && it->second != s) return false;
  s->ipv6_iid.store(interface_id);
  return true;
}

void session_table::unbind_ipv6(const data_session& s) {
  std::unique_lock lock{mutex_};
  if (auto b = by_ipv6_.find(s.ipv6_iid.load()); b != by_ipv6_.end() && b->second.get() == &s) by_ipv6_.erase(b);
}

data_session_ptr session_table::find(std::uint16_t tunnel_id, std::uint16_t session_id) const {
  std::shared_lock lock{mutex_};
  auto it = by_id_.find(key(tunnel_id, session_id));
  return it == by_id_.end() ? nullptr : it->second;
}

data_session_ptr session_table::find_ipv4(std::uint32_t address) const {
  std::shared_lock lock{mutex_};
  auto it = by_ipv4_.find(address);
  return it == by_ipv4_.end() ? nullptr : it->second;
}

data_session_ptr session_table::find_ipv6(std::uint64_t interface_id) const {
  std::shared_lock lock{mutex_};
  auto it = by_ipv6_.find(interface_id);
  return it == by_ipv6_.end() ? nullptr : it->second;
}

std::size_t session_table::size() const {
  std::shared_lock lock{mutex_};
  return by_id_.size();
}

std::size_t session_table::ipv4_bindings() const {
  std::shared_lock lock{mutex_};
  return by_ipv4_.size();
}

namespace {
std::uint32_t pppoe_key(std::uint16_t port, std::uint16_t session_id) noexcept {
  return (std::uint32_t{port} << 16) | session_id;
}
}  // namespace

void session_table::add_pppoe(const data_session_ptr& s) {
  std::unique_lock lock{mutex_};
  by_pppoe_[pppoe_key(s->pppoe->port, s->pppoe->session_id)] = s;
}

void session_table::remove_pppoe(const data_session& s) {
  if (!s.pppoe) return;
  std::unique_lock lock{mutex_};
  auto it = by_pppoe_.find(pppoe_key(s.pppoe->port, s.pppoe->session_id));
  if (it != by_pppoe_.end() && it->second.get() == &s) by_pppoe_.erase(it);
}

data_session_ptr session_table::find_pppoe(std::uint16_t port, std::uint16_t session_id) const {
  std::shared_lock lock{mutex_};
  auto it = by_pppoe_.find(pppoe_key(port, session_id));
  return it == by_pppoe_.end() ? nullptr : it->second;
}

std::size_t session_table::pppoe_size() const {
  std::shared_lock lock{mutex_};
  return by_pppoe_.size();
}

}  // namespace bras::dataplane

namespace bras::dataplane {

namespace {

/// The upper-64-bit mask of a prefix length 1..64.
constexpr std::uint64_t high_mask(std::uint8_t length) noexcept {
  return length == 0 ? 0 : ~std::uint64_t{0} << (64 - length);
}

struct route_key {
  std::uint64_t net = 0;  ///< 0: no route
  std::uint8_t length = 0;
};

/// The route of `kind` the session has now, from the fields only the table writes (under its lock).
route_key current_route(const data_session& s, session_table::ipv6_route kind) noexcept {
  if (kind == session_table::ipv6_route::link) return {s.ipv6_link_net.load(), 64};
  return {s.ipv6_delegated_net.load(), s.ipv6_delegated_length.load()};
}

}  // namespace

bool session_table::bind_ipv6_prefix(const data_session_ptr& s, ipv6_route kind, const ip::ipv6_prefix& prefix) {
  // The link's route is its /64 (anti-spoofing keeps only its upper 64 bits);
  // a prefix of length 0 would be a default route to one subscriber.
  if (prefix.length == 0 || prefix.length > 64) return false;
  if (kind == ipv6_route::link && prefix.length != 64) return false;
  const std::uint64_t first = prefix.high64() & high_mask(prefix.length);
  const std::uint64_t last = first | ~high_mask(prefix.length);
  if (first == 0) return false;  // 0 means "none" in data_session's fields
  std::unique_lock lock{mutex_};
  const auto old = current_route(*s, kind);
  const bool had_old = old.net != 0 && ipv6_spans_.contains(old.net);
  // The only span that can overlap [first, last] is the last one starting at or before `last`
  // (spans are disjoint); the session's own route of this kind is replaced, so it does not count.
  auto it = ipv6_spans_.upper_bound(last);
  if (it != ipv6_spans_.begin()) {
    --it;
    if (had_old && it->first == old.net) {
      if (old.net == first && old.length == prefix.length) return true;  // already routed so
      it = it == ipv6_spans_.begin() ? ipv6_spans_.end() : std::prev(it);
    }
    if (it != ipv6_spans_.end() && it->second >= first) return false;
  }
  if (had_old) drop_ipv6_route(*s, kind);
  auto slot = std::find_if(ipv6_routes_.begin(), ipv6_routes_.end(),
                           [&](const ipv6_routes_of_length& r) { return r.length <= prefix.length; });
  if (slot == ipv6_routes_.end() || slot->length != prefix.length) {
    slot = ipv6_routes_.insert(slot, ipv6_routes_of_length{prefix.length, {}});
  }
  slot->routes.emplace(first, s);
  ipv6_spans_.emplace(first, last);
  if (kind == ipv6_route::link) {
    s->ipv6_link_net.store(first);
    ++ipv6_link_count_;
  } else {
    // Length before the net: a reader that sees the net sees a length that goes with it.
    s->ipv6_delegated_length.store(prefix.length);
    s->ipv6_delegated_net.store(first);
    ++ipv6_delegated_count_;
  }
  return true;
}

void session_table::unbind_ipv6_prefix(const data_session& s, ipv6_route kind) {
  std::unique_lock lock{mutex_};
  drop_ipv6_route(s, kind);
}

bool session_table::drop_ipv6_route(const data_session& s, ipv6_route kind) {
  const auto old = current_route(s, kind);
  if (old.net == 0) return false;
  auto slot = std::find_if(ipv6_routes_.begin(), ipv6_routes_.end(),
                           [&](const ipv6_routes_of_length& r) { return r.length == old.length; });
  if (slot == ipv6_routes_.end()) return false;
  auto route = slot->routes.find(old.net);
  if (route == slot->routes.end() || route->second.get() != &s) return false;
  // Cleared through the table's own (non-const) handle: only the table writes these fields.
  const data_session_ptr held = route->second;
  slot->routes.erase(route);
  if (slot->routes.empty()) ipv6_routes_.erase(slot);
  ipv6_spans_.erase(old.net);
  if (kind == ipv6_route::link) {
    held->ipv6_link_net.store(0);
    --ipv6_link_count_;
  } else {
    held->ipv6_delegated_net.store(0);
    held->ipv6_delegated_length.store(0);
    --ipv6_delegated_count_;
  }
  return true;
}

data_session_ptr session_table::find_ipv6_route(const ip::ipv6_address& destination) const {
  const std::uint64_t high = ip::high64(destination);
  std::shared_lock lock{mutex_};
  for (const auto& slot : ipv6_routes_) {
    auto it = slot.routes.find(high & high_mask(slot.length));
    if (it != slot.routes.end()) return it->second;
  }
  return nullptr;
}

std::size_t session_table::ipv6_link_routes() const {
  std::shared_lock lock{mutex_};
  return ipv6_link_count_;
}

std::size_t session_table::ipv6_delegated_routes() const {
  std::shared_lock lock{mutex_};
  return ipv6_delegated_count_;
}

}  // namespace bras::dataplane

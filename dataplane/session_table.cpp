#include "dataplane/session_table.hpp"

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

// Placeholder (contract step): the data-plane helper implements these.
bool session_table::bind_ipv6_prefix(const data_session_ptr&, ipv6_route, const ip::ipv6_prefix&) {
  return false;
}
void session_table::unbind_ipv6_prefix(const data_session&, ipv6_route) {}
data_session_ptr session_table::find_ipv6_route(const ip::ipv6_address&) const {
  return nullptr;
}
std::size_t session_table::ipv6_link_routes() const {
  return 0;
}
std::size_t session_table::ipv6_delegated_routes() const {
  return 0;
}

}  // namespace bras::dataplane

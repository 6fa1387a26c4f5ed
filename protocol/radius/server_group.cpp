#include "protocol/radius/server_group.hpp"

#include <algorithm>
#include <limits>

namespace bras::radius {

std::string_view to_string(server_state s) noexcept {
  switch (s) {
    case server_state::alive: return "alive";
    case server_state::dead: return "dead";
    case server_state::probing: return "probing";
  }
  return "unknown";
}

server_group::server_group(group_config cfg) : cfg_(std::move(cfg)), servers_(cfg_.servers.size()) {}

namespace {

bool was_tried(std::uint64_t tried, std::size_t i) noexcept {
  return i < 64 && ((tried >> i) & 1u) != 0;
}

}  // namespace

std::optional<std::size_t> server_group::pick(time_point now, std::uint64_t tried) {
  (void)now;  // the state already says who is dead; the time only matters for probes
  const auto has_room = [&](std::size_t i) {
    // max_outstanding 0 means no limit (a server that can never take a request is a configuration error).
    const unsigned limit = cfg_.servers[i].max_outstanding;
    return limit == 0 || servers_[i].outstanding < limit;
  };
  const auto live = [&](std::size_t i) { return servers_[i].state == server_state::alive; };

  // Smooth weighted round robin (nginx's): every candidate gains its weight, the richest is
  // picked and pays the total. Spreads picks evenly, not in bursts.
  std::optional<std::size_t> best;
  int total = 0;
  bool weighted_untried = false;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (!live(i) || cfg_.servers[i].weight == 0 || was_tried(tried, i)) continue;
    weighted_untried = true;
    if (!has_room(i)) continue;
    const int weight = static_cast<int>(std::min<unsigned>(cfg_.servers[i].weight, 1u << 16));
    servers_[i].current_weight += weight;
    total += weight;
    if (!best || servers_[i].current_weight > servers_[*best].current_weight) best = i;
  }
  if (best) {
    servers_[*best].current_weight -= total;
    return best;
  }
  // A live weighted server without room: wait for it rather than spill onto the standbys.
  if (weighted_untried) return std::nullopt;

  bool any_live = false;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (!live(i)) continue;
    any_live = true;
    if (cfg_.servers[i].weight != 0 || was_tried(tried, i)) continue;
    if (has_room(i)) return i;  // a standby (weight 0), in configuration order
  }
  if (any_live) return std::nullopt;

  // Every server is dead: the one whose dead time ends first is used anyway.
  std::optional<std::size_t> soonest;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    if (was_tried(tried, i) || !has_room(i)) continue;
    if (!soonest || servers_[i].dead_until < servers_[*soonest].dead_until) soonest = i;
  }
  return soonest;
}

void server_group::sent(std::size_t i) noexcept {
  if (i < servers_.size()) ++servers_[i].outstanding;
}

void server_group::answered(std::size_t i, time_point now, bool had_message_authenticator) noexcept {
  (void)now;
  if (i >= servers_.size()) return;
  auto& s = servers_[i];
  if (s.outstanding > 0) --s.outstanding;
  s.timeouts_in_row = 0;
  if (had_message_authenticator) s.saw_message_authenticator = true;
  // An answer proves the server is up, whatever we had concluded (used while all were dead, or a late
  // answer to a request sent before it was marked dead).
  s.state = server_state::alive;
}

void server_group::timed_out(std::size_t i, time_point now) noexcept {
  if (i >= servers_.size()) return;
  auto& s = servers_[i];
  if (s.outstanding > 0) --s.outstanding;
  ++s.timeouts_in_row;
  if (s.state == server_state::alive && s.timeouts_in_row >= std::max(1u, cfg_.dead_after)) {
    s.state = server_state::dead;
    s.dead_until = now + cfg_.dead_time;
    s.next_probe = s.dead_until;
  }
}

void server_group::released(std::size_t i) noexcept {
  if (i < servers_.size() && servers_[i].outstanding > 0) --servers_[i].outstanding;
}

std::vector<std::size_t> server_group::probes_due(time_point now) {
  std::vector<std::size_t> due;
  for (std::size_t i = 0; i < servers_.size(); ++i) {
    auto& s = servers_[i];
    if (s.state != server_state::dead || now < s.dead_until || now < s.next_probe) continue;
    s.state = server_state::probing;
    due.push_back(i);
  }
  return due;
}

void server_group::probe_answered(std::size_t i, time_point now, bool had_message_authenticator) noexcept {
  (void)now;
  if (i >= servers_.size()) return;
  auto& s = servers_[i];
  s.state = server_state::alive;
  s.timeouts_in_row = 0;
  if (had_message_authenticator) s.saw_message_authenticator = true;
}

void server_group::probe_failed(std::size_t i, time_point now) noexcept {
  if (i >= servers_.size()) return;
  auto& s = servers_[i];
  if (s.state != server_state::probing) return;  // answered meanwhile (a request got through)
  s.state = server_state::dead;
  s.next_probe = now + cfg_.probe_interval;
}

message_authenticator_policy server_group::policy(std::size_t i) const noexcept {
  if (i >= servers_.size()) return message_authenticator_policy::yes;  // fail closed
  switch (cfg_.servers[i].message_authenticator) {
    case message_authenticator_setting::yes: return message_authenticator_policy::yes;
    case message_authenticator_setting::no: return message_authenticator_policy::no;
    case message_authenticator_setting::automatic:
      return servers_[i].saw_message_authenticator ? message_authenticator_policy::yes
                                                   : message_authenticator_policy::no;
  }
  return message_authenticator_policy::yes;
}

bool server_group::saw_message_authenticator(std::size_t i) const noexcept {
  return i < servers_.size() && servers_[i].saw_message_authenticator;
}

server_state server_group::state(std::size_t i) const noexcept {
  return i < servers_.size() ? servers_[i].state : server_state::dead;
}

unsigned server_group::outstanding(std::size_t i) const noexcept {
  return i < servers_.size() ? servers_[i].outstanding : 0;
}

std::optional<time_point> server_group::next_event() const noexcept {
  std::optional<time_point> next;
  for (const auto& s : servers_) {
    if (s.state != server_state::dead) continue;
    const auto at = std::max(s.dead_until, s.next_probe);
    if (!next || at < *next) next = at;
  }
  return next;
}

std::optional<time_point> server_group::dead_until(std::size_t i) const noexcept {
  if (i >= servers_.size() || servers_[i].state == server_state::alive) return std::nullopt;
  return servers_[i].dead_until;
}

std::optional<std::uint8_t> identifier_space::take() noexcept {
  for (unsigned n = 0; n < 256; ++n) {
    const auto id = static_cast<std::uint8_t>(next_ + n);
    if (used_.test(id)) continue;
    used_.set(id);
    next_ = static_cast<std::uint8_t>(id + 1);
    return id;
  }
  return std::nullopt;
}

void identifier_space::give_back(std::uint8_t id) noexcept {
  used_.reset(id);
}

}  // namespace bras::radius

#include "actors/ipv6_host.hpp"

#include <algorithm>
#include <random>

#include "actors/context.hpp"
#include "actors/timer_service.hpp"
#include "protocol/dhcpv6/message.hpp"
#include "protocol/ip/nd.hpp"

namespace bras::actors {

namespace {

using dataplane::session_table;
using std::chrono::milliseconds;
using std::chrono::seconds;

/// Uniformly in [low, high] (RFC 4861 §6.2.4: unsolicited RAs at random intervals, so that
/// routers and sessions do not synchronise).
milliseconds between(seconds low, seconds high) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const auto lo = std::chrono::duration_cast<milliseconds>(low).count();
  const auto hi = std::max(lo, std::chrono::duration_cast<milliseconds>(high).count());
  return milliseconds{std::uniform_int_distribution<std::int64_t>{lo, hi}(random)};
}

void count_received(model::counters& c, dhcpv6::msg_type t) {
  using dhcpv6::msg_type;
  switch (t) {
    case msg_type::solicit: c.dhcpv6_rx_solicit.fetch_add(1); break;
    case msg_type::request: c.dhcpv6_rx_request.fetch_add(1); break;
    case msg_type::renew: c.dhcpv6_rx_renew.fetch_add(1); break;
    case msg_type::rebind: c.dhcpv6_rx_rebind.fetch_add(1); break;
    case msg_type::release: c.dhcpv6_rx_release.fetch_add(1); break;
    case msg_type::decline: c.dhcpv6_rx_decline.fetch_add(1); break;
    case msg_type::confirm: c.dhcpv6_rx_confirm.fetch_add(1); break;
    case msg_type::information_request: c.dhcpv6_rx_information_request.fetch_add(1); break;
    default: c.dhcpv6_rx_other.fetch_add(1); break;
  }
}

}  // namespace

void ipv6_host::assigned(const std::optional<ip::ipv6_prefix>& link, const std::optional<ip::ipv6_prefix>& delegated) {
  // A new verdict (LCP renegotiated) replaces the prefixes: routes to the old ones go first.
  if (up_ && data_) {
    env_.sessions->unbind_ipv6_prefix(*data_, session_table::ipv6_route::link);
    route_delegated(false);
  }
  link_ = link;
  delegated_ = delegated;
  dhcp_ = dhcpv6::binding{};
  dhcp_.link = link;
  dhcp_.delegated = delegated;
  if (up_ && data_ && link_) env_.sessions->bind_ipv6_prefix(data_, session_table::ipv6_route::link, *link_);
}

void ipv6_host::up(const dataplane::data_session_ptr& data, std::uint64_t our_interface_id, std::uint16_t mtu) {
  data_ = data;
  ours_ = ip::link_local(our_interface_id);
  mtu_ = mtu;
  if (up_) return;  // IPv6CP renegotiated: routes and RAs carry on
  up_ = true;
  if (link_ && !env_.sessions->bind_ipv6_prefix(data_, session_table::ipv6_route::link, *link_)) {
    // Another session routes an overlapping prefix (a static one given twice): no global IPv6 here.
    env_.ppp_log()->warn("ipv6-prefix-conflict prefix={}", ip::to_string(*link_));
    link_.reset();
    dhcp_.link.reset();
  }
  if (dhcp_.bound) route_delegated(true);
  const auto& ra = env_.ipv6->router_advertisement;
  if (!ra.enabled) return;
  initial_left_ = ra.initial_count > 0 ? ra.initial_count - 1 : 0;
  advertise(ip::nd::all_nodes(), false);
  arm_next();
}

void ipv6_host::down() {
  if (!up_) return;
  up_ = false;
  ++generation_;  // the pending RA timer is stale from now on
  if (data_) env_.sessions->unbind_ipv6_prefix(*data_, session_table::ipv6_route::link);
  route_delegated(false);
}

void ipv6_host::route_delegated(bool on) {
  if (on == delegated_routed_ || !data_) return;
  if (on) {
    if (!delegated_ || !env_.sessions->bind_ipv6_prefix(data_, session_table::ipv6_route::delegated, *delegated_)) {
      if (delegated_) env_.ppp_log()->warn("ipv6-delegated-prefix-conflict prefix={}", ip::to_string(*delegated_));
      return;
    }
    env_.stats->dhcpv6_bound.fetch_add(1);
  } else {
    env_.sessions->unbind_ipv6_prefix(*data_, session_table::ipv6_route::delegated);
    env_.stats->dhcpv6_bound.fetch_sub(1);
  }
  delegated_routed_ = on;
}

void ipv6_host::arm_next() {
  const auto& ra = env_.ipv6->router_advertisement;
  auto wait = between(ra.min_interval, ra.max_interval);
  // RFC 4861 §6.2.4: the first few at most MAX_INITIAL_RTR_ADVERT_INTERVAL apart, so a host that
  // missed the first learns its prefix quickly.
  if (initial_left_ > 0) wait = std::min(wait, std::chrono::duration_cast<milliseconds>(ra.initial_interval));
  env_.timers->schedule(wait, self_->ctrl(), session_timer{session_timer::kind::ipv6, 0, generation_});
}

void ipv6_host::timer_expired(std::uint32_t generation) {
  if (!up_ || generation != generation_) return;
  advertise(ip::nd::all_nodes(), false);
  if (initial_left_ > 0) --initial_left_;
  arm_next();
}

void ipv6_host::advertise(const ip::ipv6_address& to, bool solicited) {
  const auto& cfg = env_.ipv6->router_advertisement;
  ip::nd::router_advertisement ra;
  ra.cur_hop_limit = cfg.hop_limit;
  ra.managed = cfg.managed;
  ra.other = cfg.other_config;
  ra.router_lifetime = cfg.router_lifetime;
  ra.reachable_time = cfg.reachable_time;
  ra.retrans_timer = cfg.retrans_timer;
  if (cfg.mtu_option) ra.mtu = mtu_;
  if (link_) ra.prefixes.push_back({*link_, true, true, cfg.valid_lifetime, cfg.preferred_lifetime});
  if (!env_.ipv6->dns.empty()) {
    ra.rdnss = env_.ipv6->dns;
    // RFC 8106 §5.1: at least MaxRtrAdvInterval; three intervals survive two lost RAs.
    ra.rdnss_lifetime = static_cast<std::uint32_t>(3 * cfg.max_interval.count());
  }
  send_(ip::nd::encode_router_advertisement(ours_, to, ra));
  ++ra_sent_;
  (solicited ? env_.stats->nd_ra_solicited : env_.stats->nd_ra_unsolicited).fetch_add(1);
}

void ipv6_host::receive(wire::byte_span packet) {
  if (!up_) return;
  auto& stats = *env_.stats;
  switch (ip::nd::classify(packet)) {
    case ip::nd::local_kind::router_solicitation: {
      auto rs = ip::nd::decode_router_solicitation(packet);
      if (!rs) {
        stats.ipv6_local_malformed.fetch_add(1);
        return;
      }
      ++rs_received_;
      stats.nd_rs_received.fetch_add(1);
      if (!env_.ipv6->router_advertisement.enabled) return;
      // RFC 4861 §6.2.6: solicited RAs at most every MIN_DELAY_BETWEEN_RAS; a storm of RSs costs one each.
      const auto now = std::chrono::steady_clock::now();
      if (last_solicited_ && now - *last_solicited_ < env_.ipv6->router_advertisement.min_delay_between_ras) {
        stats.ipv6_local_rate_limited.fetch_add(1);
        return;
      }
      last_solicited_ = now;
      const bool unspecified = rs->src == ip::ipv6_address{};
      advertise(unspecified ? ip::nd::all_nodes() : rs->src, true);
      return;
    }
    case ip::nd::local_kind::dhcpv6: return dhcpv6(packet);
    case ip::nd::local_kind::echo_request: {
      auto reply = ip::nd::make_echo_reply(packet, ours_);
      if (reply.empty()) {
        stats.ipv6_local_unhandled.fetch_add(1);
        return;
      }
      send_(reply);
      stats.nd_echo_replies.fetch_add(1);
      return;
    }
    case ip::nd::local_kind::neighbor_discovery: return;  // DAD and NUD need no answer on a PPP link
    case ip::nd::local_kind::forward:
    case ip::nd::local_kind::other_local: stats.ipv6_local_unhandled.fetch_add(1); return;
  }
}

void ipv6_host::dhcpv6(wire::byte_span packet) {
  auto& stats = *env_.stats;
  auto udp = ip::nd::decode_udp(packet);
  if (!udp) {
    stats.ipv6_local_malformed.fetch_add(1);
    return;
  }
  if (env_.dhcpv6 == nullptr || !env_.ipv6->dhcpv6.enabled) {
    stats.ipv6_local_unhandled.fetch_add(1);
    return;
  }
  auto m = dhcpv6::decode(udp->payload);
  if (!m) {
    stats.dhcpv6_drop_malformed.fetch_add(1);
    if (env_.malformed_log->allow()) {
      env_.ppp_log()->warn("dhcpv6-malformed reason={}", wire::to_string(m.err()));
    }
    return;
  }
  ++dhcpv6_received_;
  count_received(stats, m->type);
  auto out = dhcpv6::handle(*env_.dhcpv6, dhcp_, *m);
  if (const auto* d = std::get_if<dhcpv6::drop>(&out.result)) {
    (d->reason == dhcpv6::drop_reason::not_for_us ? stats.dhcpv6_drop_not_for_us : stats.dhcpv6_drop_invalid)
        .fetch_add(1);
    if (env_.peer_log->allow()) env_.ppp_log()->debug("dhcpv6-dropped reason={}", d->detail);
    return;
  }
  const auto& a = std::get<dhcpv6::answer>(out.result);
  if (out.route == dhcpv6::route_change::bind) route_delegated(true);
  if (out.route == dhcpv6::route_change::unbind) route_delegated(false);
  send_(ip::nd::encode_udp(ours_, udp->src, dhcpv6::server_port, dhcpv6::client_port, a.reply));
  ++dhcpv6_sent_;
  (a.reply_type == dhcpv6::msg_type::advertise ? stats.dhcpv6_tx_advertise : stats.dhcpv6_tx_reply).fetch_add(1);
}

void ipv6_host::fill(session_snapshot& s) const {
  if (link_) s.ipv6_prefix = ip::to_string(*link_);
  if (delegated_) s.delegated_prefix = ip::to_string(*delegated_);
  s.delegated_bound = delegated_routed_;
  s.ra_sent = ra_sent_;
  s.rs_received = rs_received_;
  s.dhcpv6_received = dhcpv6_received_;
  s.dhcpv6_sent = dhcpv6_sent_;
}

}  // namespace bras::actors

#include "actors/ppp_host.hpp"

#include <algorithm>
#include <utility>

#include "actors/ppp_settings.hpp"
#include "actors/timer_service.hpp"
#include "protocol/ip/nd.hpp"
#include "protocol/ppp/frame.hpp"

namespace bras::actors {

// ------------------------------------------------------------ data plane

void ppp_host::bind_data(std::uint16_t peer_session_id, bool sequencing) {
  // A PPPoE subscriber's call (LAC) fills in the entry its PPPoE session made: the I/O thread relays it.
  const auto* call_access = args_.lac ? &args_.lac->call.access : nullptr;
  const bool access = call_access != nullptr && *call_access != nullptr && (*call_access)->pppoe != nullptr;
  data_ = access ? *call_access : std::make_shared<data_session>();
  data_->local_tunnel_id = args_.local_tunnel_id;
  data_->local_session_id = args_.local_id;
  data_->peer_tunnel_id = args_.peer_tunnel_id;
  data_->peer_session_id = peer_session_id;
  data_->gateway = args_.gateway;
  data_->peer = args_.peer;
  // PPPoE: frames not relayed keep going to the PPPoE session actor (its sink).
  if (!access) {
    data_->actor = session_actor{self_};
    data_->lac = args_.role == session_role::lac;
  }
  data_->sequencing.store(sequencing);
  env().sessions->add(data_);
  if (access) data_->pppoe->relaying.store(true, std::memory_order_release);
}

void ppp_host::call_up(std::uint16_t peer_session_id, bool sequencing) {
  if (!data_) return bind_data(peer_session_id, sequencing);
  // The data-plane entry exists since the ICRQ: from now on data to the LAC carries Ns (RFC 2661 §5.4).
  data_->sequencing.store(sequencing);
}

void ppp_host::unbind_data() {
  if (ipv6_) ipv6_->down();
  if (!data_) return;
  if (data_->pppoe) data_->pppoe->relaying.store(false, std::memory_order_release);
  env().sessions->remove(*data_);
}

void ppp_host::send_frame(wire::byte_span frame) {
  if (!data_ || forwarder() == nullptr) return;
  ++control_tx_packets_;
  control_tx_bytes_ += frame.size();
  forwarder()->send_frame(*data_, frame);
}

void ppp_host::from_tun(const tun_packet& p) {
  if (data_ && forwarder() != nullptr && !finished_) forwarder()->to_subscriber(*data_, p.packet);
}

// ------------------------------------------------------------ PPP (LNS)

void ppp_host::start(const ppp::proxy_info& proxy) {
  const auto secrets = draw_session_secrets(env().stats);
  if (!secrets) {
    // Without randomness, CHAP challenges would repeat: refuse rather than weaken.
    return end_session(ppp::finished{ppp::cause::none, ppp::direction::at_local, "no-randomness"});
  }
  // IPv6 from tun finds its session by the interface identifier: Nak one another session holds.
  auto in_use = [table = env().sessions, mine = data_.get()](std::uint64_t id) {
    auto holder = table->find_ipv6(id);
    return holder && holder.get() != mine;
  };
  ppp_.emplace(*env().ppp_base, *secrets, std::move(in_use));  // the instance's settings, not a copy
  perform(ppp_->start(proxy));
  // The subscriber may have spoken before our ICCN arrived (its data can overtake the control channel).
  if (auto early = std::move(early_frames_)) {
    for (auto& f : *early) receive(f);
  }
}

void ppp_host::perform(ppp::effects fx) {
  for (auto& e : fx) {
    if (auto* f = std::get_if<ppp::send_frame>(&e)) {
      send_frame(f->frame);
    } else if (auto* t = std::get_if<ppp::arm_timer>(&e)) {
      wake_at(timers_.arm(static_cast<std::size_t>(t->which), std::chrono::steady_clock::now(), t->after));
    } else if (auto* st = std::get_if<ppp::stop_timer>(&e)) {
      timers_.stop(static_cast<std::size_t>(st->which));
    } else if (auto* au = std::get_if<ppp::authenticate>(&e)) {
      aaa_.ask(*au, acct_.session_id(), [this](const aaa_verdict& v) {
        if (v.accepted) apply(v);
        perform(ppp_->auth_result(v.accepted, v.address, v.message));
      });
    } else if (auto* up = std::get_if<ppp::network_up>(&e)) {
      network_up(*up);
    } else if (auto* dn = std::get_if<ppp::network_down>(&e)) {
      if (!data_) continue;
      if (dn->which == ppp::network::ipv4) {
        env().sessions->unbind_ipv4(*data_);
      } else {
        if (ipv6_) ipv6_->down();
        env().sessions->unbind_ipv6(*data_);
      }
    } else if (auto* fin = std::get_if<ppp::finished>(&e)) {
      end_session(std::move(*fin));
    }
  }
}

void ppp_host::apply(const aaa_verdict& v) {
  session_timeout_ = v.session_timeout;
  idle_timeout_ = v.idle_timeout;
  // Framed-MTU: at least IPv6's minimum, so a bad value cannot make the session useless.
  framed_mtu_.reset();
  if (v.framed_mtu) framed_mtu_ = std::max<std::uint16_t>(*v.framed_mtu, 1280);
  // Per-subscriber DNS (RADIUS) replaces ppp.dns for this session's IPCP; the engine is built with ppp.dns.
  if (!v.dns.empty()) ppp_->set_dns(v.dns[0], v.dns.size() > 1 ? v.dns[1] : 0);
  // The IPv6 link exists from IPv6CP up on (it takes the grant's prefixes then); until then the
  // AAA hand-off holds them.
  if (ipv6_) ipv6_->assigned(v.framed_ipv6_prefix, v.delegated_ipv6_prefix);
  acct_.authorized(v);
}

void ppp_host::network_up(const ppp::network_up& up) {
  if (!data_) return;
  const auto& dp = *env().data_plane;
  const std::uint16_t mtu = framed_mtu_ ? std::min(ppp_->peer_mru(), *framed_mtu_) : ppp_->peer_mru();
  data_->mtu.store(mtu);
  data_->acfc.store(ppp_->tx_flags().acfc);
  data_->pfc.store(ppp_->tx_flags().pfc);
  // An MSS above what the session's MTU carries would let full-size segments through to be fragmented.
  const auto fits = static_cast<std::uint16_t>(mtu - 40);
  data_->tcp_mss.store(dp.tcp_mss_clamp ? (dp.tcp_mss != 0 ? std::min(dp.tcp_mss, fits) : fits) : 0);
  if (up.which == ppp::network::ipv4) {
    if (!env().sessions->bind_ipv4(data_, up.peer_address, aaa_.user())) {
      env().ppp_log()->warn("ppp-address-conflict tunnel={} session={} address={}", args_.local_tunnel_id,
                            args_.local_id, up.peer_address);
      return perform(ppp_->close(ppp::cause::no_acceptable_address, "address-conflict"));
    }
  } else {
    if (!env().sessions->bind_ipv6(data_, up.peer_interface_id)) {
      // Taken between our Ack and now by a session negotiating at the same time.
      env().ppp_log()->warn("ppp-interface-id-conflict tunnel={} session={} interface-id={:016x}",
                            args_.local_tunnel_id, args_.local_id, up.peer_interface_id);
      return perform(ppp_->close(ppp::cause::no_acceptable_address, "interface-id-conflict"));
    }
    if (!ipv6_ && env().ipv6 != nullptr) {
      // Made when first needed: many subscribers never open IPv6CP.
      ipv6_ = std::make_unique<ipv6_host>(self_, env(), [this](wire::byte_span packet) {
        if (ppp_) send_frame(ppp_->frame_ip(ppp::network::ipv6, packet));
      });
      ipv6_->assigned(aaa_.framed_ipv6_prefix(), aaa_.delegated_ipv6_prefix());
    }
    if (ipv6_) ipv6_->up(data_, up.local_interface_id, mtu);
  }
  if (up_since_) return;
  up_since_ = std::chrono::steady_clock::now();
  up_wall_ = std::chrono::system_clock::now();
  data_->last_rx_ns.store(up_since_->time_since_epoch().count());
  env().stats->ppp_up.fetch_add(1);
  env().stats->ppp_active.fetch_add(1);
  self_->send(args_.tunnel, up_atom::value, args_.local_id);  // set-up over: its admission place frees
  env().ppp_log()->debug("ppp-up tunnel={} session={} user={} address={}", args_.local_tunnel_id, args_.local_id,
                         aaa_.user(), up.peer_address);
  const auto& pc = *env().ppp;
  if (!session_timeout_ && pc.session_timeout.count() > 0) session_timeout_ = pc.session_timeout;
  if (!idle_timeout_ && pc.idle_timeout.count() > 0) idle_timeout_ = pc.idle_timeout;
  arm_lifetime();
  acct_.start(data_->ipv4.load(), *up_wall_);
}

void ppp_host::receive(ppp_frame& f) {
  if (args_.role == session_role::lac) {
    // LAC: relay to the subscriber side.
    ++control_rx_packets_;
    control_rx_bytes_ += f.frame.size();
    if (args_.lac && args_.lac->call.subscriber) self_->send(args_.lac->call.subscriber, std::move(f));
    return;
  }
  if (!ppp_) {
    if (finished_) return;
    if (!early_frames_) early_frames_ = std::make_unique<std::vector<ppp_frame>>();
    if (early_frames_->size() < 16) early_frames_->push_back(std::move(f));
    return;
  }
  if (finished_) return;
  auto fr = ppp::decode_frame(f.frame);
  // IPv6 for the router itself (RS, DHCPv6, echo to our link-local; link-local and multicast
  // destinations): the data plane hands it here, whatever its mode, and it never reaches tun.
  if (fr && fr.value().protocol == ppp::proto::ipv6 && env().ipv6 != nullptr &&
      ip::nd::classify(fr.value().payload) != ip::nd::local_kind::forward) {
    if (over_control_rate()) return;
    if (ipv6_) ipv6_->receive(fr.value().payload);  // none before IPv6CP is first up: dropped, as it was
    return;
  }
  if (fr && data_ && forwarder() != nullptr &&
      (fr.value().protocol == ppp::proto::ipv4 || fr.value().protocol == ppp::proto::ipv6)) {
    // Actor data path: the I/O thread handed us the packet.
    forwarder()->from_subscriber(*data_, fr.value().protocol == ppp::proto::ipv6, fr.value().payload);
    return;
  }
  if (over_control_rate()) return;
  ++control_rx_packets_;
  control_rx_bytes_ += f.frame.size();
  const auto malformed_before = ppp_->counters().malformed;
  perform(ppp_->receive(f.frame));
  if (ppp_ && ppp_->counters().malformed != malformed_before) {
    env().stats->ppp_malformed.fetch_add(1);
    if (env().malformed_log->allow()) {
      env().ppp_log()->warn("ppp-malformed tunnel={} session={}", args_.local_tunnel_id, args_.local_id);
    }
  }
}

bool ppp_host::over_control_rate() {
  const auto limit = env().ppp->control_frame_rate;
  if (limit == 0) return false;
  const auto second = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
  if (second != control_second_) {
    control_second_ = second;
    control_frames_ = 0;
  }
  if (control_frames_ < limit) {
    ++control_frames_;
    return false;
  }
  // A storm (Configure-Requests, Echo-Requests, RS or DHCPv6 at will): each frame answered would cost us
  // more than it costs the subscriber, and an LCP renegotiation asks AAA again.
  env().stats->ppp_rate_limited.fetch_add(1);
  if (env().peer_log->allow()) {
    env().ppp_log()->warn("ppp-control-rate-exceeded tunnel={} session={} limit={}/s", args_.local_tunnel_id,
                          args_.local_id, limit);
  }
  return true;
}

void ppp_host::wake_at(const std::optional<session_timers<ppp::timer_count>::wake>& w) {
  if (!w) return;
  env().timers->schedule(w->after, self_->ctrl(), session_timer{session_timer::kind::ppp, w->slot, w->generation});
}

void ppp_host::timer_expired(const ppp_timer& t) {
  // t: a wake-up (slot, generation), not one timer: every timer due by now runs, earliest first.
  timers_.woke(t.slot, t.generation);
  const auto now = std::chrono::steady_clock::now();
  while (ppp_ && !finished_) {
    const auto which = timers_.take_expired(now);
    if (!which) break;
    if (!up_since_ && *which != static_cast<std::uint8_t>(ppp::timer::echo))
      env().stats->ppp_setup_timeouts.fetch_add(1);
    perform(ppp_->timeout(static_cast<ppp::timer>(*which)));
  }
  if (ppp_ && !finished_) wake_at(timers_.cover(std::chrono::steady_clock::now()));
}

void ppp_host::timer_due(const session_timer& t) {
  switch (t.what) {
    case session_timer::kind::ppp: return timer_expired(ppp_timer{t.slot, t.generation});
    case session_timer::kind::ipv6:
      if (ipv6_ && !finished_) ipv6_->timer_expired(t.generation);
      return;
    case session_timer::kind::lifetime: return check_lifetime();
    case session_timer::kind::interim: return interim_due(t.generation);
    case session_timer::kind::aaa: return aaa_.deadline(t.generation);
    case session_timer::kind::call: return;  // the session's own (session.cpp)
  }
}

// ------------------------------------------------------------ lifetime and the end

void ppp_host::arm_lifetime() {
  using namespace std::chrono;
  if (!up_since_ || (!session_timeout_ && !idle_timeout_)) return;
  const auto now_t = steady_clock::now();
  auto next = steady_clock::time_point::max();
  if (session_timeout_) next = std::min(next, *up_since_ + *session_timeout_);
  if (idle_timeout_) {
    const steady_clock::time_point last{steady_clock::duration{data_->last_rx_ns.load()}};
    next = std::min(next, last + *idle_timeout_);
  }
  // A check already due no later comes first and re-arms: no second timer chain.
  if (lifetime_due_ && *lifetime_due_ <= next) return;
  lifetime_due_ = next;
  auto wait = duration_cast<milliseconds>(next - now_t) + milliseconds{1};
  if (wait.count() < 1) wait = milliseconds{1};
  env().timers->schedule(wait, self_->ctrl(), session_timer{session_timer::kind::lifetime, 0, 0});
}

void ppp_host::check_lifetime() {
  using namespace std::chrono;
  if (finished_ || !up_since_) return;
  const auto now_t = steady_clock::now();
  // The pending check's time has come (an earlier one, superseded by a CoA, leaves it pending).
  if (lifetime_due_ && now_t >= *lifetime_due_) lifetime_due_.reset();
  // RFC 3145 cause 3 (normal disconnection: we send the LCP Terminate-Request), direction 2 (local), as
  // JunosE reports session and inactivity timeouts; cause 1 is for an operator's action.
  if (session_timeout_ && now_t >= *up_since_ + *session_timeout_) {
    return perform(ppp_->close(ppp::cause::normal, "session-timeout"));
  }
  if (idle_timeout_) {
    const steady_clock::time_point last{steady_clock::duration{data_->last_rx_ns.load()}};
    if (now_t >= last + *idle_timeout_) return perform(ppp_->close(ppp::cause::normal, "idle-timeout"));
  }
  arm_lifetime();
}

void ppp_host::change(const session_change& c) {
  // 0 turns a timeout off (RFC 2865 has no "unlimited" value; 0 is what servers send for it).
  auto set = [](optional_seconds& t, const std::optional<std::chrono::seconds>& v) {
    if (!v) return;
    t = v->count() > 0 ? v : std::nullopt;
  };
  set(session_timeout_, c.session_timeout);
  set(idle_timeout_, c.idle_timeout);
  if (c.interim_interval) acct_.change_interim(*c.interim_interval);
  env().ppp_log()->debug("session-changed tunnel={} session={} session-timeout={} idle-timeout={}",
                         args_.local_tunnel_id, args_.local_id, session_timeout_.count_or_zero(),
                         idle_timeout_.count_or_zero());
  if (finished_) return;
  // Already past a new Session-Timeout: the check ends the session now.
  if (up_since_) check_lifetime();
}

void ppp_host::interim_due(std::uint32_t generation) {
  if (!acct_.interim_due(generation)) return;
  acct_.interim(usage(std::chrono::system_clock::now()));
}

acct_usage ppp_host::usage(std::chrono::system_clock::time_point at) const {
  // Raw totals: "clear statistics" resets the operator's view, never what is billed.
  const auto c = raw_counters();
  acct_usage u;
  u.input_octets = c.data_rx_bytes;
  u.output_octets = c.data_tx_bytes;
  u.input_packets = c.data_rx_packets;
  u.output_packets = c.data_tx_packets;
  u.ipv6_input_octets = c.data_rx_v6_bytes;
  u.ipv6_output_octets = c.data_tx_v6_bytes;
  u.ipv6_input_packets = c.data_rx_v6_packets;
  u.ipv6_output_packets = c.data_tx_v6_packets;
  if (up_wall_) u.session_time = std::chrono::duration_cast<std::chrono::seconds>(at - *up_wall_);
  return u;
}

bool ppp_host::close() {
  if (!ppp_ || finished_) return false;
  perform(ppp_->close(ppp::cause::admin, "admin-close"));
  return true;
}

void ppp_host::end_session(ppp::finished fin) {
  if (finished_) return;
  finished_ = true;
  end_ = std::make_unique<const ppp::finished>(std::move(fin));
  ended_wall_ = std::chrono::system_clock::now();
  const auto slot = std::min<std::size_t>(end_->cause, env().stats->disconnect_causes.size() - 1);
  env().stats->disconnect_causes[slot].fetch_add(1);
  if (up_since_) env().stats->ppp_active.fetch_sub(1);
  unbind_data();
  aaa_.end();
  env().ppp_log()->debug("ppp-finished tunnel={} session={} user={} cause={} reason={}", args_.local_tunnel_id,
                         args_.local_id, aaa_.user(), end_->cause, end_->message);
  if (lower_gone_) return;
  on_finished_(*end_);
}

void ppp_host::lower_layer_gone(std::uint16_t cause, std::string_view why) {
  lower_gone_ = true;
  if (ppp_ && !finished_) {
    perform(ppp_->lower_down(cause, why));
  } else if (!finished_) {
    finished_ = true;
    unbind_data();
    aaa_.end();
  }
}

void ppp_host::destroyed() {
  if (!finished_) lower_layer_gone(ppp::cause::none, "session-destroyed");
  const auto stopped_at = ended_wall_.value_or(std::chrono::system_clock::now());
  const ppp::finished unknown{};
  const auto& end = end_ ? *end_ : unknown;
  acct_.stop(usage(stopped_at), end, stopped_at);
  if (args_.role == session_role::lns && ppp_) {
    using namespace std::chrono;
    const auto at = ended_wall_.value_or(system_clock::now());
    const auto c = raw_counters();
    aaa_.log_session_ended({end, up_wall_ ? duration_cast<seconds>(at - *up_wall_) : seconds{0},
                            data_ ? data_->ipv4.load() : 0, c.data_rx_bytes, c.data_tx_bytes, c.data_rx_packets,
                            c.data_tx_packets});
  }
  unbind_data();
  aaa_.end();
}

}  // namespace bras::actors

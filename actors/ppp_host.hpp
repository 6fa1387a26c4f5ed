// The session actor's PPP host and data-plane binding (a component of the
// session actor, not an actor). On the LNS it runs ppp::server_engine and
// carries out its effects: frames to the peer, timers (with generations, so a
// stopped timer's queued expiry is ignored), the AAA hand-off, binding the
// subscriber's addresses in the data plane, the idle and session timeouts.
// On both roles it owns the session's data-plane entry; on the LAC it relays
// PPP frames between the subscriber and the LNS.
#pragma once

#include <caf/all.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "actors/aaa_handoff.hpp"
#include "actors/compact_optional.hpp"
#include "actors/ipv6_host.hpp"
#include "actors/messages.hpp"
#include "actors/session.hpp"
#include "actors/session_accounting.hpp"
#include "actors/session_timers.hpp"
#include "actors/thin_function.hpp"
#include "protocol/ppp/server.hpp"

namespace bras::actors {

class ppp_host {
 public:
  /// How PPP ended, when the call must still be cleared towards the peer (no CDN received, tunnel up).
  using finished_handler = thin_function<void(const ppp::finished&)>;

  /// `args`, `aaa` and `acct` are the session's own (they outlive this component); `args` is read on use.
  ppp_host(session_actor::pointer self, const session_ident& args, aaa_handoff& aaa, session_accounting& acct,
           finished_handler on_finished)
      : self_(self), args_(args), aaa_(aaa), acct_(acct), on_finished_(std::move(on_finished)) {}
  ppp_host(const ppp_host&) = delete;
  ppp_host& operator=(const ppp_host&) = delete;

  /// Makes the session reachable by the data plane (LNS: from the ICRQ on, so PPP frames that
  /// overtake the ICCN are kept; LAC: once the call is up).
  void bind_data(std::uint16_t peer_session_id, bool sequencing);
  /// The call is established: bind now if not yet, and honour the LAC's Sequencing Required.
  void call_up(std::uint16_t peer_session_id, bool sequencing);
  /// LNS: run PPP, with the LAC's proxy LCP and authentication if any.
  void start(const ppp::proxy_info& proxy);

  /// A PPP frame from the peer (an L2TP data message).
  void receive(ppp_frame& f);
  /// A PPP frame to the peer in an L2TP data message.
  void send_frame(wire::byte_span frame);
  /// An IP packet from tun for the subscriber.
  void from_tun(const tun_packet& p);
  /// One of the session's timers is due (PPP, Router Advertisement, lifetime, interim, AAA deadline).
  void timer_due(const session_timer& t);
  /// A RADIUS CoA: new Session-Timeout (from the session's start), Idle-Timeout, interim interval.
  void change(const session_change& c);
  /// An operator's close: PPP terminates first if it runs; false if there is no PPP to end.
  [[nodiscard]] bool close();
  /// CDN received or tunnel down: PPP ends at once, nothing more is sent.
  void lower_layer_gone(std::uint16_t cause, std::string_view why);
  /// The call is destroyed: end PPP, write the session-ended line, give everything back.
  void destroyed();

  /// The PPP, data-plane and counter parts of the session's snapshot.
  void fill(session_snapshot& s) const;
  /// "clear ... statistics": counters restart from 0.
  void clear_statistics();

 private:
  void perform(ppp::effects fx);
  /// Schedules a wake-up of the PPP timers, if one is needed.
  void wake_at(const std::optional<session_timers<ppp::timer_count>::wake>& w);
  void network_up(const ppp::network_up& up);
  void apply(const aaa_verdict& v);
  void arm_lifetime();
  /// The PPP timers' wake-up (slot, generation): every timer due by now runs, earliest first.
  void timer_expired(const ppp_timer& t);
  /// Counts a control frame from the subscriber; true when it is over ppp.control-frame-rate (to drop).
  [[nodiscard]] bool over_control_rate();
  /// The idle / session timeout check is due.
  void check_lifetime();
  /// An accounting Interim-Update is due, unless the timer was re-armed since (generation).
  void interim_due(std::uint32_t generation);
  /// The data counters since the session began (not the operator's cleared view) and its time up.
  [[nodiscard]] acct_usage usage(std::chrono::system_clock::time_point at) const;
  void end_session(ppp::finished fin);
  void unbind_data();
  [[nodiscard]] session_snapshot raw_counters() const;
  [[nodiscard]] const session_env& env() const noexcept { return *args_.env; }
  [[nodiscard]] data_plane* forwarder() const noexcept { return *env().forwarder; }

  session_actor::pointer self_;
  const session_ident& args_;
  aaa_handoff& aaa_;
  session_accounting& acct_;
  finished_handler on_finished_;

  std::optional<ppp::server_engine> ppp_;
  std::unique_ptr<ipv6_host> ipv6_;  ///< LNS with env().ipv6, once IPv6CP is up: RAs, DHCPv6, the routed prefixes
  data_session_ptr data_;
  session_timers<ppp::timer_count> timers_;               ///< the PPP engine's timers, on few pending wake-ups
  std::unique_ptr<std::vector<ppp_frame>> early_frames_;  ///< LNS: PPP frames that arrived before the ICCN (rare)
  bool finished_ = false;                                 ///< PPP is over (or will never start)
  bool lower_gone_ = false;                               ///< CDN received or tunnel down: nothing more to send
  std::uint16_t control_frames_ =
      0;  ///< control frames received in the second `control_second_` (ppp.control-frame-rate)
  std::uint32_t control_second_ = 0;          ///< steady clock, whole seconds
  std::unique_ptr<const ppp::finished> end_;  ///< why PPP ended (accounting); null: not known
  optional_seconds session_timeout_;
  optional_seconds idle_timeout_;
  std::optional<std::uint16_t> framed_mtu_;  ///< RADIUS Framed-MTU: caps the session's MTU (and MSS)
  /// When the pending lifetime check is due: one timer chain, re-armed earlier only when a CoA shortens it.
  optional_time<std::chrono::steady_clock> lifetime_due_;
  optional_time<std::chrono::steady_clock> up_since_;
  std::chrono::system_clock::time_point created_wall_ = std::chrono::system_clock::now();
  optional_time<std::chrono::system_clock> up_wall_;
  optional_time<std::chrono::system_clock> ended_wall_;
  std::chrono::system_clock::time_point stats_since_ = created_wall_;
  /// Counter values at the last statistics clear; none until the first (most sessions never see one,
  /// and a snapshot is some 700 bytes).
  std::unique_ptr<const session_snapshot> baseline_;
  // Control traffic of this session (PPP control frames in data messages).
  std::uint64_t control_rx_packets_ = 0, control_rx_bytes_ = 0, control_tx_packets_ = 0, control_tx_bytes_ = 0;
};

}  // namespace bras::actors

// RFC 1661 §4 option negotiation automaton, shared by LCP, IPCP and IPv6CP,
// as data: the §4.1 state transition table, state × event → {next state,
// actions}, cell for cell. Deciding which event a received packet is (RCR+
// or RCR-, RXJ+ or RXJ-) happens before the automaton, in the protocol's
// option code. `negotiation` adds the §4.6 counters around the table; it does
// no I/O and reads no clock, so the caller sends the packets and arms the
// restart timer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bras::ppp {

/// RFC 1661 §4.2 states, numbered as in the RFC (0-9).
enum class ppp_state : std::uint8_t {
  initial,   ///< lower layer down, no Open
  starting,  ///< Open, waiting for the lower layer (tls done)
  closed,    ///< lower layer up, no Open: Terminate-Ack to everything
  stopped,   ///< lower layer up, finished or waiting for the peer to start
  closing,   ///< Terminate-Request sent after Close
  stopping,  ///< Terminate-Request sent or received, then back to Stopped
  req_sent,  ///< Configure-Request sent
  ack_rcvd,  ///< Configure-Request sent and acked, peer's not acked yet
  ack_sent,  ///< peer's Configure-Request acked, ours not yet
  opened,    ///< both acked: this layer is up
};
inline constexpr std::size_t ppp_state_count = 10;

/// RFC 1661 §4.3 events.
enum class ppp_event : std::uint8_t {
  up,         ///< lower layer is up
  down,       ///< lower layer is down
  open,       ///< administrative Open
  close,      ///< administrative Close
  to_plus,    ///< restart timer expired, counter > 0
  to_minus,   ///< restart timer expired, counter expired
  rcr_plus,   ///< good Configure-Request (we will ack it)
  rcr_minus,  ///< bad Configure-Request (we will nak or reject it)
  rca,        ///< Configure-Ack
  rcn,        ///< Configure-Nak or Configure-Reject
  rtr,        ///< Terminate-Request
  rta,        ///< Terminate-Ack
  ruc,        ///< unknown code
  rxj_plus,   ///< permitted Code-Reject or Protocol-Reject
  rxj_minus,  ///< catastrophic Code-Reject or Protocol-Reject
  rxr,        ///< Echo-Request, Echo-Reply or Discard-Request
};
inline constexpr std::size_t ppp_event_count = 16;

/// RFC 1661 §4.4 actions as bits. The RFC allows them "in any convenient
/// order"; do tld before sending, and irc/zrc before scr/str.
namespace ppp_action {
inline constexpr std::uint16_t none = 0;
inline constexpr std::uint16_t tlu = 1u << 0;              ///< This-Layer-Up
inline constexpr std::uint16_t tld = 1u << 1;              ///< This-Layer-Down
inline constexpr std::uint16_t tls = 1u << 2;              ///< This-Layer-Started
inline constexpr std::uint16_t tlf = 1u << 3;              ///< This-Layer-Finished
inline constexpr std::uint16_t irc = 1u << 4;              ///< Initialize-Restart-Count
inline constexpr std::uint16_t zrc = 1u << 5;              ///< Zero-Restart-Count
inline constexpr std::uint16_t scr = 1u << 6;              ///< Send-Configure-Request
inline constexpr std::uint16_t sca = 1u << 7;              ///< Send-Configure-Ack
inline constexpr std::uint16_t scn = 1u << 8;              ///< Send-Configure-Nak/Rej
inline constexpr std::uint16_t str = 1u << 9;              ///< Send-Terminate-Request
inline constexpr std::uint16_t sta = 1u << 10;             ///< Send-Terminate-Ack
inline constexpr std::uint16_t scj = 1u << 11;             ///< Send-Code-Reject
inline constexpr std::uint16_t ser = 1u << 12;             ///< Send-Echo-Reply
inline constexpr std::uint16_t protocol_error = 1u << 13;  ///< "-" in the RFC table: count and log

/// True when the restart timer must be (re)started: a request went out, or
/// zrc asks for a pause before the final state (RFC 1661 §4.4).
[[nodiscard]] constexpr bool restarts_timer(std::uint16_t actions) noexcept {
  return (actions & (scr | str | zrc)) != 0;
}
}  // namespace ppp_action

struct ppp_transition {
  ppp_state next;
  std::uint16_t actions;
};

/// The RFC 1661 §4.1 table lookup. A "-" cell, or an out-of-range input,
/// leaves the state unchanged with only ppp_action::protocol_error set.
[[nodiscard]] ppp_transition automaton_step(ppp_state s, ppp_event e) noexcept;

[[nodiscard]] std::string_view to_string(ppp_state s) noexcept;
[[nodiscard]] std::string_view to_string(ppp_event e) noexcept;

/// RFC 1661 §4.6 counters and timer (defaults are the RFC's).
struct negotiation_config {
  std::uint32_t max_configure = 10;  ///< Configure-Requests sent before giving up
  std::uint32_t max_terminate = 2;   ///< Terminate-Requests sent before giving up
  std::uint32_t max_failure = 5;     ///< Configure-Naks sent without an Ack before rejecting instead
  std::chrono::milliseconds restart_timer = std::chrono::seconds{3};
};

/// One automaton with its counters, without I/O or time: the caller feeds
/// events, performs the returned actions, (re)arms the restart timer when
/// ppp_action::restarts_timer(actions), stops it when !timer_running(), and
/// turns an expiry into timeout_event().
class negotiation {
 public:
  explicit negotiation(negotiation_config config = {}) noexcept
      : max_configure_{count_of(config.max_configure)},
        max_terminate_{count_of(config.max_terminate)},
        max_failure_{count_of(config.max_failure)} {}

  /// Applies the table and the counters; returns the actions to perform.
  std::uint16_t handle(ppp_event e) noexcept;

  /// Proxy LCP (RFC 2661 §4.4.5): the LAC negotiated with the peer on our
  /// behalf, so the automaton starts in Opened without an exchange.
  void assume_opened() noexcept {
    state_ = ppp_state::opened;
    restart_counter_ = 0;
    naks_sent_ = 0;
  }

  [[nodiscard]] ppp_state state() const noexcept { return state_; }
  [[nodiscard]] std::uint32_t restart_counter() const noexcept { return restart_counter_; }
  /// RFC 1661 §4.6: the restart timer runs in Closing, Stopping, Req-Sent, Ack-Rcvd and Ack-Sent.
  [[nodiscard]] bool timer_running() const noexcept;
  /// The event for an expiry of the restart timer: TO+ while the counter is > 0, else TO-.
  [[nodiscard]] ppp_event timeout_event() const noexcept {
    return restart_counter_ > 0 ? ppp_event::to_plus : ppp_event::to_minus;
  }
  /// Max-Failure Configure-Naks sent without a Configure-Ack: answer the
  /// next bad request with a Configure-Reject and stop appending desired options.
  [[nodiscard]] bool nak_budget_exhausted() const noexcept { return naks_sent_ >= max_failure_; }

 private:
  /// The counts in 16 bits (the configuration allows at most 255): every PPP layer of every session has one.
  static constexpr std::uint16_t count_of(std::uint32_t n) noexcept {
    return n > 0xffffu ? std::uint16_t{0xffff} : static_cast<std::uint16_t>(n);
  }
  std::uint16_t max_configure_;
  std::uint16_t max_terminate_;
  std::uint16_t max_failure_;
  ppp_state state_ = ppp_state::initial;
  std::uint16_t restart_counter_ = 0;
  std::uint16_t naks_sent_ = 0;  ///< scn since the last sca or the start of this negotiation
};

}  // namespace bras::ppp

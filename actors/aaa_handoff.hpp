// The session actor's hand-off to AAA (a component of the session actor, not
// an actor): asks for a verdict on the subscriber's credentials, holds the
// grant (an address, a place in the user's session count) and gives it back
// on every way out, including a verdict that arrives after the session ended.
// It also writes the two info lines a subscriber can reach: ppp-auth-rejected
// and session-ended (what a RADIUS Accounting-Stop will carry).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "actors/messages.hpp"
#include "actors/session.hpp"
#include "actors/thin_function.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::actors {

/// `text` in double quotes, with quotes, backslashes and control characters escaped: a user name
/// comes from the subscriber and must not break a log line apart.
[[nodiscard]] std::string log_quoted(std::string_view text);

/// What the session-ended line reports about an ended LNS session.
struct session_end_record {
  ppp::finished end;                ///< RFC 3145 cause, direction, protocol, reason
  std::chrono::seconds up{0};       ///< from PPP up to its end (0 if it never came up)
  std::uint32_t bound_address = 0;  ///< the address the data plane held, if AAA granted none
  std::uint64_t rx_bytes = 0, tx_bytes = 0, rx_packets = 0, tx_packets = 0;  ///< data, not control
};

class aaa_handoff {
 public:
  /// Receives the verdict (a timeout arrives as a refusal "authentication unavailable").
  using verdict_handler = thin_function<void(const aaa_verdict&)>;

  /// Builds where the subscriber is, each time it is needed (from what the session keeps anyway,
  /// rather than one more copy of it per session).
  using line_source = thin_function<radius::subscriber_line()>;

  /// `args` is the session's own (it outlives this component); read on use, not here.
  aaa_handoff(session_actor::pointer self, const session_ident& args) : self_(self), args_(args) {}
  aaa_handoff(const aaa_handoff&) = delete;
  aaa_handoff& operator=(const aaa_handoff&) = delete;

  /// Asks AAA about these credentials; `on_verdict` runs once, unless the session ended meanwhile:
  /// with the verdict, or with a refusal once `ppp.aaa-timeout` passed without one (the deadline is
  /// a session timer, kind aaa: CAF's request timeouts would cost a clock entry per session).
  /// A grant already held is given back first: the new verdict replaces it (LCP renegotiated), and
  /// the answer to an earlier question still outstanding is dropped.
  /// `acct_session_id` goes in the Access-Request (session_accounting owns it).
  void ask(const ppp::authenticate& a, const std::string& acct_session_id, verdict_handler on_verdict);
  /// The deadline of question `generation` passed: a refusal if its verdict has not come.
  void deadline(std::uint32_t generation);
  /// The session ended: give the grant back now, and any grant that arrives later.
  void end();

  /// Where the subscriber is, for every Access-Request from now on (set before PPP starts; the
  /// accounting records and the snapshot read it back from here). `source` must not change its
  /// answer once set (the session's call facts are fixed by then).
  void describe(line_source source);
  /// Where the subscriber is (empty before describe()).
  [[nodiscard]] radius::subscriber_line line() const;

  /// The user name of the last authentication (empty before one).
  [[nodiscard]] const std::string& user() const noexcept { return user_; }
  /// The address AAA granted last (kept after it is given back, for accounting); 0 if none.
  [[nodiscard]] std::uint32_t address() const noexcept { return address_; }
  /// The IPv6 prefixes granted with it (kept likewise).
  [[nodiscard]] const std::optional<ip::ipv6_prefix>& framed_ipv6_prefix() const noexcept {
    return framed_ipv6_prefix_;
  }
  [[nodiscard]] const std::optional<ip::ipv6_prefix>& delegated_ipv6_prefix() const noexcept {
    return delegated_ipv6_prefix_;
  }

  /// One info line per ended LNS session.
  void log_session_ended(const session_end_record& r) const;

 private:
  void release();
  /// No verdict in time (or the AAA actor failed): counted, and a refusal for the waiting handler.
  void unavailable();
  [[nodiscard]] const session_env& env() const noexcept { return *args_.env; }

  session_actor::pointer self_;
  const session_ident& args_;
  std::string user_;
  line_source line_;
  std::uint32_t address_ = 0;
  std::optional<ip::ipv6_prefix> framed_ipv6_prefix_, delegated_ipv6_prefix_;  ///< granted with address_
  verdict_handler waiting_;                                                    ///< set while a question is outstanding
  std::uint32_t generation_ = 0;  ///< of the latest question (its deadline and answer carry it)
  bool granted_ = false;
  bool ended_ = false;
};

}  // namespace bras::actors

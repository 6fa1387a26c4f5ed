// The session actor's RADIUS accounting (a component of the session actor,
// not an actor): its Acct-Session-Id, what the Access-Accept said about
// accounting (Class, Acct-Interim-Interval, Acct-Authentic), and the records
// it hands to the accounting actor: Start once the subscriber's network is
// first up, an Interim-Update every interval, and a Stop at the end, only if
// a Start went out. Each record is fire and forget: the accounting actor
// spools and retries it. Without an accounting actor (env().accounting
// invalid) it sends nothing but still names the session.
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/aaa_handoff.hpp"
#include "actors/acct_session_id.hpp"
#include "actors/messages.hpp"
#include "actors/session.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/radius/attributes.hpp"

namespace bras::actors {

/// The session's usage so far, in RADIUS's directions: input = from the subscriber.
struct acct_usage {
  std::uint64_t input_octets = 0, output_octets = 0, input_packets = 0, output_packets = 0;
  /// IPv6 alone (included above): ERX-IPv6-Acct-* (session_snapshot data_{rx,tx}_v6_*).
  std::uint64_t ipv6_input_octets = 0, ipv6_output_octets = 0, ipv6_input_packets = 0, ipv6_output_packets = 0;
  std::chrono::seconds session_time{0};  ///< from PPP up
};

class session_accounting {
 public:
  /// `args` and `aaa` are the session's own (they outlive this component); read on use: the records
  /// carry the user and the line the AAA hand-off holds, not copies of them.
  session_accounting(session_actor::pointer self, const session_ident& args, const aaa_handoff& aaa)
      : self_(self), args_(args), aaa_(aaa) {}
  session_accounting(const session_accounting&) = delete;
  session_accounting& operator=(const session_accounting&) = delete;

  /// Allocates the Acct-Session-Id (once `args` is filled): show and CoA know it before any record.
  void open();
  /// The Acct-Session-Id; empty without accounting IDs.
  [[nodiscard]] std::string session_id() const { return session_id_.text(); }

  /// An accepted verdict: Class, the interim interval and Acct-Authentic for the records to come.
  void authorized(const aaa_verdict& v);
  /// The subscriber's network is up for the first time (its address bound): Start, and the interim timer.
  void start(std::uint32_t framed_ip, std::chrono::system_clock::time_point at);
  /// (session_timer interim, generation): an Interim-Update with `usage` if the generation is current.
  [[nodiscard]] bool interim_due(std::uint32_t generation) const noexcept;
  void interim(const acct_usage& usage);
  /// The session ended: Stop (only after a Start, and once).
  void stop(const acct_usage& usage, const ppp::finished& end, std::chrono::system_clock::time_point at);
  /// A CoA's Acct-Interim-Interval (0: none): the timer restarts with a new generation.
  void change_interim(std::chrono::seconds interval);

  /// The Interim-Update interval in force (RADIUS's, else the configured one); none: off.
  [[nodiscard]] std::optional<std::chrono::seconds> interim_interval() const noexcept;
  /// Framed-/Delegated-IPv6-Prefix from the Accept (the AAA hand-off keeps the grant's).
  [[nodiscard]] const std::optional<radius::ipv6_prefix>& framed_ipv6_prefix() const noexcept {
    return aaa_.framed_ipv6_prefix();
  }
  [[nodiscard]] const std::optional<radius::ipv6_prefix>& delegated_ipv6_prefix() const noexcept {
    return aaa_.delegated_ipv6_prefix();
  }

 private:
  void arm_interim();
  void report(radius::accounting_record r) const;
  [[nodiscard]] radius::accounting_record record(radius::acct_status status,
                                                 std::chrono::system_clock::time_point at) const;
  [[nodiscard]] const session_env& env() const noexcept { return *args_.env; }

  session_actor::pointer self_;
  const session_ident& args_;
  const aaa_handoff& aaa_;
  acct_session_key session_id_;
  // From the Access-Accept.
  std::vector<wire::bytes> classes_;
  std::optional<std::chrono::seconds> radius_interim_;
  std::optional<std::chrono::seconds> coa_interim_;
  bool radius_ = false;
  std::uint32_t framed_ip_ = 0;  ///< fixed by the Start
  bool started_ = false;
  bool stopped_ = false;
  std::uint32_t interim_generation_ = 0;
};

}  // namespace bras::actors

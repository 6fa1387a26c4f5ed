// The LNS's PPP negotiation policy: for each Configure-Request the peer sends,
// the reply and whether it is RCR+ or RCR- (RFC 1661 §5.1-5.4); our own
// Configure-Requests; what the peer's Nak or Reject of them changes; and the
// authenticator's side of PAP (RFC 1334) and CHAP-MD5 (RFC 1994). LCP per
// RFC 1661 §6, IPCP per RFC 1332 and RFC 1877, IPv6CP per RFC 5072.
//
// Pure functions: random numbers and addresses come from the caller, the
// automaton (automaton.hpp) consumes the events, the codec encodes the replies.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/ppp/auth.hpp"
#include "protocol/ppp/automaton.hpp"
#include "protocol/ppp/lcp.hpp"
#include "protocol/ppp/ncp.hpp"

namespace bras::ppp {

/// RFC 3145 PPP Disconnect Cause codes reported by these functions.
namespace disconnect_cause {
/// The peer refused every authentication protocol we allow.
inline constexpr std::uint16_t auth_protocol_unacceptable = 15;
}  // namespace disconnect_cause

/// Why our side of a negotiation cannot converge.
struct negotiation_failure {
  std::uint16_t disconnect_cause = 0;  ///< RFC 3145 code for the CDN's PPP Disconnect Cause AVP
  std::string_view reason;             ///< kebab-case event name for logs
  friend bool operator==(const negotiation_failure&, const negotiation_failure&) = default;
};

/// What the peer's Configure-Nak or -Reject of our Configure-Request leads to.
enum class revision_kind : std::uint8_t {
  retry,    ///< RCN: send a new Configure-Request (new identifier) with `options`
  fail,     ///< our requirements cannot be met: close with `failure`
  discard,  ///< not an answer to our request (identifier or rejected options differ): drop it (RFC 1661 §5.3, §5.4)
};

/// The outcome of a handle_nak or handle_reject.
template <class Option>
struct revision {
  revision_kind kind = revision_kind::retry;
  std::vector<Option> options;  ///< our next request's options when kind is retry
  negotiation_failure failure;  ///< set when kind is fail
};

namespace lcp {

/// An authentication protocol the LNS can require of the peer.
enum class auth_method : std::uint8_t { pap, chap_md5 };

/// The Authentication-Protocol option asking for `method`.
[[nodiscard]] auth_protocol auth_option(auth_method method);
/// The method an Authentication-Protocol option asks for, if it is one we implement.
[[nodiscard]] std::optional<auth_method> auth_method_of(const auth_protocol& requested) noexcept;

/// The methods required of the peer, preferred first: a list without an allocation, since every
/// session's PPP engine holds one. Holds up to `capacity` entries; more are dropped (there are two
/// methods to name).
class auth_list {
 public:
  static constexpr std::size_t capacity = 7;
  auth_list() = default;
  auth_list(std::initializer_list<auth_method> methods) noexcept {
    for (auto m : methods) push_back(m);
  }
  auth_list(const std::vector<auth_method>& methods) noexcept {  // NOLINT: a vector converts, as before
    for (auto m : methods) push_back(m);
  }
  void push_back(auth_method m) noexcept {
    if (size_ < capacity) items_[size_++] = m;
  }
  void clear() noexcept { size_ = 0; }
  [[nodiscard]] const auth_method* begin() const noexcept { return items_.data(); }
  [[nodiscard]] const auth_method* end() const noexcept { return items_.data() + size_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] auth_method front() const noexcept { return items_[0]; }
  [[nodiscard]] auth_method operator[](std::size_t i) const noexcept { return items_[i]; }
  friend bool operator==(const auth_list& a, const auth_list& b) noexcept {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<auth_method, capacity> items_{};
  std::uint8_t size_ = 0;
};

/// The MRU both ends assume when it is not negotiated (RFC 1661 §6.1).
inline constexpr std::uint16_t default_mru = 1500;

/// The LNS's LCP policy for one session.
struct policy {
  std::uint16_t mru = default_mru;  ///< ours; requested only when not the default
  std::uint16_t min_mru = 576;      ///< a lower peer MRU is Nak'd with this; our MRU may be Nak'd down to it
  std::uint16_t max_mru = 1500;     ///< our MRU may be Nak'd up to this (on L2TP: what the tunnel path carries)
  auth_list auth;                   ///< required of the peer, preferred first; empty: no authentication
  std::uint32_t magic = 0;          ///< our Magic-Number (random, from the caller); 0: not negotiated
  std::uint32_t fresh_magic = 0;    ///< a spare random number (from the caller) for when a new one is needed
  bool accept_pfc = false;          ///< Ack the peer's Protocol-Field-Compression instead of rejecting it
  bool accept_acfc = false;         ///< Ack the peer's Address-and-Control-Field-Compression instead of rejecting it
};

/// Our answer to the peer's Configure-Request.
struct reply {
  packet answer;                ///< Configure-Ack, -Nak or -Reject with the peer's identifier
  bool loop_suspected = false;  ///< the peer's Magic-Number is ours: count consecutive ones (RFC 1661 §6.4)
  /// RCR+ for an Ack, RCR- for a Nak or Reject.
  [[nodiscard]] ppp_event event() const noexcept {
    return std::holds_alternative<configure_ack>(answer) ? ppp_event::rcr_plus : ppp_event::rcr_minus;
  }
};

/// Acks the request as sent, or Naks the unacceptable values (MRU below min_mru, Magic-Number 0
/// or ours), or Rejects what we never accept (Auth-Protocol: the LNS does not authenticate itself;
/// Quality-Protocol, MRRU, Endpoint Discriminator, unknown options; PFC/ACFC unless accepted).
/// Once `nak_budget_exhausted` (negotiation::nak_budget_exhausted), Rejects instead of Nak'ing.
[[nodiscard]] reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted = false);
/// Our request: MRU (unless the default), the first authentication method, Magic-Number (if nonzero).
[[nodiscard]] configure_request our_request(const policy& p, std::uint8_t identifier);
/// Applies the peer's suggestions: an MRU within [min_mru, max_mru], the next acceptable
/// authentication method (fail when none is left), a new Magic-Number (the peer's if usable, else
/// fresh_magic; the caller makes it policy::magic). Unrequested hints are ignored.
[[nodiscard]] revision<option> handle_nak(const configure_request& ours, const configure_nak& nak, const policy& p);
/// Drops the rejected options; fails if authentication was required and its option rejected.
[[nodiscard]] revision<option> handle_reject(const configure_request& ours, const configure_reject& reject,
                                             const policy& p);

}  // namespace lcp

namespace ipcp {

/// The LNS's IPCP policy for one session; addresses as in ncp.hpp (10.0.0.1 is 0x0a000001).
struct policy {
  std::uint32_t local_address = 0;   ///< ours, sent as IP-Address; 0: not sent
  std::uint32_t peer_address = 0;    ///< assigned to the peer from the pool; 0: none available
  std::uint32_t primary_dns = 0;     ///< 0: not offered (the option is Rejected)
  std::uint32_t secondary_dns = 0;   ///< 0: not offered
  std::uint32_t primary_nbns = 0;    ///< 0: not offered
  std::uint32_t secondary_nbns = 0;  ///< 0: not offered
};

/// Our answer to the peer's Configure-Request.
struct reply {
  packet answer;            ///< Configure-Ack, -Nak or -Reject with the peer's identifier
  bool no_address = false;  ///< no address for the peer: send nothing, close IPCP (answer is an empty Reject)
  /// RCR+ for an Ack, RCR- otherwise.
  [[nodiscard]] ppp_event event() const noexcept {
    return std::holds_alternative<configure_ack>(answer) ? ppp_event::rcr_plus : ppp_event::rcr_minus;
  }
};

/// Acks the request when it asks for the assigned address and our DNS/NBNS values; Naks a
/// different (or 0.0.0.0) IP-Address or server with ours, and appends the assigned IP-Address
/// when the peer did not ask for one; Rejects IP-Addresses, IP-Compression-Protocol, servers not
/// offered and unknown options. Once `nak_budget_exhausted`, Rejects instead and appends nothing.
[[nodiscard]] reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted = false);
/// Our request: IP-Address = local_address (nothing when 0).
[[nodiscard]] configure_request our_request(const policy& p, std::uint8_t identifier);
/// Keeps our request: the LNS's address is not negotiable. A conforming peer turns its Naks
/// into a Reject after its Max-Failure (RFC 1661 §4.6), which handle_reject accepts.
[[nodiscard]] revision<option> handle_nak(const configure_request& ours, const configure_nak& nak);
/// Drops the rejected options (the peer may not want our address; the link still works).
[[nodiscard]] revision<option> handle_reject(const configure_request& ours, const configure_reject& reject);

}  // namespace ipcp

namespace ipv6cp {

/// The LNS's IPv6CP policy for one session.
struct policy {
  std::uint64_t local_id = 0;            ///< our Interface-Identifier (nonzero); 0: not sent
  std::uint64_t peer_id_suggestion = 0;  ///< a unique nonzero identifier (from the caller) to Nak with
  /// True when another session already holds this identifier: the LNS routes
  /// IPv6 to a session by it, so two subscribers must not share one. Empty: none in use.
  std::function<bool(std::uint64_t)> in_use;
};

/// Our answer to the peer's Configure-Request.
struct reply {
  packet answer;  ///< Configure-Ack, -Nak or -Reject with the peer's identifier
  /// RCR+ for an Ack, RCR- otherwise.
  [[nodiscard]] ppp_event event() const noexcept {
    return std::holds_alternative<configure_ack>(answer) ? ppp_event::rcr_plus : ppp_event::rcr_minus;
  }
};

/// Acks a nonzero Interface-Identifier other than ours, Naks 0, ours or one in use by another
/// session with peer_id_suggestion (RFC 5072 §4.1), Rejects IPv6-Compression-Protocol and unknown options. Once
/// `nak_budget_exhausted`, Rejects instead of Nak'ing.
[[nodiscard]] reply respond(const configure_request& peer, const policy& p, bool nak_budget_exhausted = false);
/// Our request: Interface-Identifier = local_id (nothing when 0).
[[nodiscard]] configure_request our_request(const policy& p, std::uint8_t identifier);
/// Keeps our request: the LNS's identifier is not negotiable (as pppd without ipv6cp-accept-local).
[[nodiscard]] revision<option> handle_nak(const configure_request& ours, const configure_nak& nak);
/// Drops the rejected options.
[[nodiscard]] revision<option> handle_reject(const configure_request& ours, const configure_reject& reject);

}  // namespace ipv6cp

namespace pap {

/// What an Authenticate-Request carries, for the AAA lookup.
struct credentials {
  std::uint8_t identifier = 0;  ///< echoed in our Authenticate-Ack or -Nak
  std::string peer_id;
  std::string password;
  friend bool operator==(const credentials&, const credentials&) = default;
};

/// The credentials in an Authenticate-Request; nothing for an Ack or Nak (the LNS only authenticates).
[[nodiscard]] std::optional<credentials> credentials_of(const packet& p);

}  // namespace pap

namespace chap {

/// Our Challenge: `value` is 16 random bytes from the caller, `name` our system name.
[[nodiscard]] challenge make_challenge(std::uint8_t identifier, std::span<const std::byte, 16> value,
                                       std::string_view name);

/// How a Response compares with our Challenge.
enum class verdict : std::uint8_t {
  accepted,         ///< send Success
  rejected,         ///< wrong value: send Failure
  stale,            ///< identifier is not our Challenge's: silently discard (RFC 1994 §4.1)
  md5_unavailable,  ///< the crypto library refused MD5: fail closed
};

/// Checks a CHAP-MD5 Response against the secret of the name it carries, in constant time.
[[nodiscard]] verdict verify_md5(const challenge& sent, const response& received, wire::byte_span secret);

}  // namespace chap

}  // namespace bras::ppp

// The LNS's side of PPP for one session: LCP (RFC 1661) with the policy of
// negotiate.hpp, proxy LCP and proxy authentication from the LAC's ICCN
// (RFC 2661 §4.4.5), PAP (RFC 1334) and CHAP-MD5 (RFC 1994) as the
// authenticator, IPCP (RFC 1332/1877), IPv6CP (RFC 5072), LCP echo keepalive.
//
// Pure: no I/O, no clock, no AAA. Every call returns effects (engine.hpp):
// frames to send, timers to arm, credentials to check (answered later by
// auth_result, so the caller never blocks), layers up and down, and the end
// of the link with its RFC 3145 cause, reported exactly once.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/common/bytes.hpp"
#include "protocol/ppp/automaton.hpp"
#include "protocol/ppp/engine.hpp"
#include "protocol/ppp/frame.hpp"
#include "protocol/ppp/negotiate.hpp"

namespace bras::ppp {

/// What the LAC's ICCN proxies (RFC 2661 AVPs 26-33); values as carried.
struct proxy_info {
  std::optional<wire::bytes> initial_received_confreq;  ///< AVP 26: options of the peer's first Configure-Request
  std::optional<wire::bytes> last_sent_confreq;         ///< AVP 27: options of the LAC's last (acked) request
  std::optional<wire::bytes> last_received_confreq;     ///< AVP 28: options of the peer's last (acked) request
  std::optional<std::uint16_t> authen_type;             ///< AVP 29: 1 text, 2 CHAP, 3 PAP, 4 none, 5 MS-CHAPv1
  std::optional<std::string> authen_name;               ///< AVP 30
  std::optional<wire::bytes> authen_challenge;          ///< AVP 31
  std::optional<std::uint16_t> authen_id;               ///< AVP 32 (the identifier is the low byte)
  std::optional<wire::bytes> authen_response;           ///< AVP 33 (PAP: the password)

  [[nodiscard]] bool has_lcp() const noexcept { return last_sent_confreq && last_received_confreq; }
};

/// Proxy Authen Type values (RFC 2661 §4.4.5).
namespace proxy_authen {
inline constexpr std::uint16_t text = 1;
inline constexpr std::uint16_t chap = 2;
inline constexpr std::uint16_t pap = 3;
inline constexpr std::uint16_t none = 4;
inline constexpr std::uint16_t ms_chap_v1 = 5;
}  // namespace proxy_authen

struct server_config {
  lcp::policy lcp;                        ///< MRU, authentication methods (empty: none), magic (nonzero random)
  negotiation_config negotiation{};       ///< restart timer, Max-Configure, Max-Terminate, Max-Failure
  std::string name = "brasd";             ///< our name in CHAP Challenges
  std::array<std::byte, 16> challenge{};  ///< CHAP challenge value (random from the caller)
  std::uint32_t seed = 1;                 ///< for identifiers and replacement magic numbers (random from the caller)
  /// How long the authenticator waits for the peer's PAP request / CHAP response
  /// in total (CHAP Challenges are retransmitted every restart timer meanwhile).
  std::chrono::milliseconds auth_timeout = std::chrono::seconds{30};
  std::chrono::milliseconds echo_interval = std::chrono::seconds{30};  ///< 0: no keepalive
  std::uint32_t echo_failures = 4;  ///< unanswered Echo-Requests in a row that end the link
  /// Always negotiate LCP ourselves (Junos `lcp-renegotiation`); otherwise proxy LCP is
  /// required and a call without an acceptable one is refused with RFC 3145 cause 2.
  bool lcp_renegotiation = true;
  bool ipv4 = true;                 ///< run IPCP
  bool ipv6 = true;                 ///< run IPv6CP
  std::uint32_t local_address = 0;  ///< our IPCP IP-Address (0: not sent)
  std::uint32_t primary_dns = 0;    ///< RFC 1877 (0: not offered)
  std::uint32_t secondary_dns = 0;
  std::uint64_t local_interface_id = 0;  ///< our IPv6CP Interface-Identifier (nonzero)
  /// Whether another session holds a peer Interface-Identifier (then it is Nak'ed); empty: none.
  std::function<bool(std::uint64_t)> interface_id_in_use;
  std::uint32_t max_loopback = 5;  ///< consecutive Configure-Requests with our magic before "looped back"
  /// LAC: negotiate LCP and collect the credentials only, for an LNS to take over by proxy
  /// (RFC 2661 AVPs 26-33). At the capture point (the `authenticate` effect, or LCP opening
  /// when no authentication is configured) the engine records captured_proxy(), stops its
  /// authentication and echo timers and goes no further: no verdict, no NCPs.
  bool lac_capture = false;
};

/// What each session draws at random (the caller's: the engine has no source of randomness).
struct session_secrets {
  std::uint32_t magic = 0;                ///< our LCP Magic-Number (nonzero)
  std::array<std::byte, 16> challenge{};  ///< the CHAP challenge value
  std::uint32_t seed = 1;                 ///< for identifiers and replacement magic numbers
  std::uint64_t local_interface_id = 0;   ///< our IPv6CP Interface-Identifier (nonzero)
};

/// Writes `s` into the fields of `c` it stands for.
void apply(server_config& c, const session_secrets& s) noexcept;

/// Where the link is (RFC 1661 §3.2).
enum class link_phase : std::uint8_t { dead, establish, authenticate, network, terminate };
[[nodiscard]] std::string_view to_string(link_phase p) noexcept;

class server_engine {
 public:
  /// An engine that owns its configuration.
  explicit server_engine(server_config config);
  /// One of many sessions with one configuration: `shared` is not copied (it must outlive the
  /// engine), and its random fields and interface_id_in_use are ignored for `secrets` and
  /// `interface_id_in_use`. Some 200 bytes less per session than a copy.
  server_engine(const server_config& shared, const session_secrets& secrets,
                std::function<bool(std::uint64_t)> interface_id_in_use = {});
  ~server_engine();
  server_engine(server_engine&&) noexcept;
  server_engine& operator=(server_engine&&) noexcept;

  /// The L2TP session is up. With `proxy` (the ICCN's AVPs 26-33) and no
  /// renegotiation, LCP opens on the proxied options and the proxied
  /// credentials are checked; otherwise LCP is negotiated from scratch.
  [[nodiscard]] effects start(const proxy_info& proxy = {});
  /// A PPP frame from the peer (anything but IPv4/IPv6 data once their NCP is up).
  [[nodiscard]] effects receive(wire::byte_span frame);
  /// A timer armed by an earlier effect expired.
  [[nodiscard]] effects timeout(timer which);
  /// The answer to an `authenticate` effect. `peer_address` (host order) is
  /// what IPCP assigns: 0 means none is available (IPCP then fails with RFC
  /// 3145 cause 19). `message` goes into the PAP Ack/Nak or CHAP Success/Failure.
  [[nodiscard]] effects auth_result(bool accepted, std::uint32_t peer_address, std::string_view message = {});
  /// The DNS servers IPCP offers (RFC 1877), replacing the configured ones: AAA may name them per
  /// subscriber, and its verdict comes after the engine was built. Takes effect for Configure-Requests
  /// answered from now on (call it before auth_result); 0: not offered.
  void set_dns(std::uint32_t primary, std::uint32_t secondary) noexcept;
  /// Administrative close (or idle/session timeout): LCP Terminate-Request,
  /// then `finished` with `cause` once acked or after Max-Terminate.
  [[nodiscard]] effects close(std::uint16_t cause, std::string_view message);
  /// The lower layer is gone (CDN, tunnel down): `finished` at once, nothing sent.
  [[nodiscard]] effects lower_down(std::uint16_t cause = cause::none, std::string_view message = "lower-layer-down");

  /// Wraps an IP packet as a PPP frame with the compression the peer asked for.
  [[nodiscard]] wire::bytes frame_ip(network which, wire::byte_span packet) const;

  [[nodiscard]] link_phase phase() const noexcept;
  [[nodiscard]] ppp_state lcp_state() const noexcept;
  [[nodiscard]] ppp_state ipcp_state() const noexcept;
  [[nodiscard]] ppp_state ipv6cp_state() const noexcept;
  /// The peer's MRU (the largest frame we may send it) and ours.
  [[nodiscard]] std::uint16_t peer_mru() const noexcept;
  [[nodiscard]] std::uint16_t mru() const noexcept;
  [[nodiscard]] frame_flags tx_flags() const noexcept;
  /// The authenticated (or claimed, while pending) user name.
  [[nodiscard]] const std::string& user() const noexcept;
  /// PAP 0xC023, CHAP 0xC223, or 0 when no authentication took place.
  [[nodiscard]] std::uint16_t auth_protocol() const noexcept;
  /// The address IPCP assigned (0 before IPCP opened).
  [[nodiscard]] std::uint32_t peer_address() const noexcept;
  [[nodiscard]] std::uint64_t peer_interface_id() const noexcept;
  /// True when LCP was taken from the LAC's proxy AVPs.
  [[nodiscard]] bool proxied_lcp() const noexcept;
  [[nodiscard]] const link_counters& counters() const noexcept;
  /// LAC capture: true once the capture point is reached (then captured_proxy() is complete).
  [[nodiscard]] bool captured() const noexcept;
  /// LAC capture: the proxy LCP and proxy authentication values for the ICCN.
  [[nodiscard]] proxy_info captured_proxy() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bras::ppp

// An emulated subscriber's IPv6 host side once IPv6CP is open (bras-loadgen
// --ipv6): a Router Solicitation from its link-local address (RFC 4861
// §6.3.7: 4 s apart, 3 tries), SLAAC from the RA's autonomous /64, then
// DHCPv6 prefix delegation (Solicit with IA_PD and Rapid Commit, Request
// after an Advertise; retransmitted as RFC 8415 §15 asks, simplified: 1 s,
// doubling, 4 tries). Pure like the PPP engines: packets in, packets and
// one timer out, time given by the caller, so it is tested without actors.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"
#include "protocol/dhcpv6/client.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::emulator {

struct ipv6_client_config {
  std::uint64_t interface_id = 0;  ///< as IPv6CP negotiated it: fe80::IID and the SLAAC address's low half
  bool prefix_delegation = true;   ///< false (--no-pd): ready with the SLAAC address alone
  wire::bytes duid;                ///< our DHCPv6 client DUID
  std::uint32_t iaid = 1;
  std::uint32_t transaction_id = 1;  ///< the first exchange's (24 bits); each new exchange takes the next
};

/// Why a session did not become v6 ready.
enum class ipv6_failure : std::uint8_t { none, no_ra, no_slaac_prefix, no_dhcpv6_reply, no_prefix_avail };
[[nodiscard]] const char* to_string(ipv6_failure f) noexcept;

/// What the caller carries out after an event.
struct ipv6_client_effects {
  std::vector<wire::bytes> send;                 ///< IPv6 packets to the LNS, in order
  std::optional<std::chrono::milliseconds> arm;  ///< (re)arm the one timer; stale timers are the caller's to ignore
  bool ready = false;                            ///< just became v6 ready
  bool failed = false;                           ///< just gave up (failure())
};

class ipv6_client {
 public:
  using clock_type = std::chrono::steady_clock;
  explicit ipv6_client(ipv6_client_config config);

  /// IPv6CP is open: solicit a router.
  ipv6_client_effects start(clock_type::time_point now);
  /// The armed timer expired: retransmit or give up.
  ipv6_client_effects timeout(clock_type::time_point now);
  /// An IPv6 packet from the LNS; `consumed` is false for packets this does not handle.
  ipv6_client_effects receive(wire::byte_span packet, clock_type::time_point now, bool& consumed);
  /// A DHCPv6 Release of the bound lease (empty when none is bound); the lease is forgotten.
  wire::bytes release();

  [[nodiscard]] bool ready() const noexcept { return stage_ == stage::ready; }
  [[nodiscard]] ipv6_failure failure() const noexcept { return failure_; }
  [[nodiscard]] ip::ipv6_address link_local() const noexcept;
  /// Valid once an RA gave the /64.
  [[nodiscard]] const std::optional<ip::ipv6_prefix>& slaac_prefix() const noexcept { return slaac_prefix_; }
  [[nodiscard]] ip::ipv6_address slaac_address() const noexcept;
  /// The bound delegated prefix, if any.
  [[nodiscard]] const std::optional<dhcpv6::client_lease>& lease() const noexcept { return lease_; }
  /// ::1 in the delegated prefix (valid with a lease).
  [[nodiscard]] ip::ipv6_address delegated_address() const noexcept;
  [[nodiscard]] const std::vector<ip::ipv6_address>& rdnss() const noexcept { return rdnss_; }
  /// From start() to the RA, and from the first Solicit to the binding Reply.
  [[nodiscard]] std::chrono::microseconds ra_latency() const noexcept { return ra_latency_; }
  [[nodiscard]] std::chrono::microseconds dhcpv6_latency() const noexcept { return dhcpv6_latency_; }

 private:
  enum class stage : std::uint8_t { idle, soliciting_router, soliciting, requesting, ready, failed };
  void on_router_advertisement(wire::byte_span packet, clock_type::time_point now, ipv6_client_effects& fx);
  void on_dhcpv6(wire::byte_span payload, clock_type::time_point now, ipv6_client_effects& fx);
  void send_dhcpv6(ipv6_client_effects& fx);
  void fail(ipv6_failure why, ipv6_client_effects& fx);

  ipv6_client_config config_;
  stage stage_ = stage::idle;
  ipv6_failure failure_ = ipv6_failure::none;
  unsigned tries_ = 0;
  std::chrono::milliseconds retransmit_{0};
  std::uint32_t transaction_id_ = 0;
  clock_type::time_point started_{}, dhcpv6_started_{};
  std::chrono::microseconds ra_latency_{0}, dhcpv6_latency_{0};
  std::optional<ip::ipv6_prefix> slaac_prefix_;
  std::vector<ip::ipv6_address> rdnss_;
  std::optional<dhcpv6::client_lease> advertised_;
  std::optional<dhcpv6::client_lease> lease_;
};

}  // namespace bras::emulator

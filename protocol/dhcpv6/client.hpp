// The subscriber's side of DHCPv6 prefix delegation (RFC 8415 §18.2), for
// bras-loadgen: builds Solicit (IA_PD, Rapid Commit) / Request / Renew /
// Release and reads the server's Advertise and Reply. Pure: the caller sends,
// times and retransmits.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

#include "protocol/common/bytes.hpp"
#include "protocol/dhcpv6/message.hpp"

namespace bras::dhcpv6 {

/// One client's binding as the client sees it.
struct client_lease {
  wire::bytes server_duid;
  std::uint32_t iaid = 0;
  ip::ipv6_prefix prefix;
  std::uint32_t t1 = 0, t2 = 0, preferred_lifetime = 0, valid_lifetime = 0;
  std::vector<ip::ipv6_address> dns_servers;
};

/// Builds the client messages (UDP payloads). `duid` is the client's DUID, `iaid` its IA_PD's IAID.
[[nodiscard]] wire::bytes make_solicit(std::uint32_t transaction_id, const wire::bytes& duid, std::uint32_t iaid,
                                       bool rapid_commit);
/// Request after an Advertise (server id and the advertised prefix), Renew and Release of a lease.
[[nodiscard]] wire::bytes make_request(std::uint32_t transaction_id, const wire::bytes& duid,
                                       const client_lease& advertised);
[[nodiscard]] wire::bytes make_renew(std::uint32_t transaction_id, const wire::bytes& duid, const client_lease& lease);
[[nodiscard]] wire::bytes make_release(std::uint32_t transaction_id, const wire::bytes& duid,
                                       const client_lease& lease);

/// An Advertise (not yet bound) or a Reply that grants the lease (bound), for `transaction_id`.
struct client_offer {
  client_lease lease;
  bool bound = false;  ///< a Reply (to Solicit with Rapid Commit, Request or Renew)
};
/// Reads a server message for `transaction_id` and `duid`: the offered / granted prefix, or an error
/// (wrong transaction, not for us, NoPrefixAvail or another failure status, no IA_PD prefix).
[[nodiscard]] wire::result<client_offer> read_offer(wire::byte_span payload, std::uint32_t transaction_id,
                                                    const wire::bytes& duid);

}  // namespace bras::dhcpv6

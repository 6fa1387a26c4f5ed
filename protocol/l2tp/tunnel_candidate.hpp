// One LNS an LAC call may be tunnelled to, as the LAC's tunnel selection
// sees it: from a configured destination, or from AAA (RFC 2868 tagged
// tunnel attributes, one candidate per tag: RADIUS fills these in #10).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bras::l2tp {

struct tunnel_candidate {
  std::string name;           ///< the destination's name, or "aaa:<address>" for one from AAA
  std::uint32_t address = 0;  ///< host order (Tunnel-Server-Endpoint, 67)
  std::uint16_t port = 1701;
  std::string secret;          ///< Tunnel-Password (69); empty: no tunnel authentication
  unsigned preference = 0;     ///< Tunnel-Preference (83): lower is tried first
  unsigned weight = 1;         ///< within one preference
  unsigned max_sessions = 0;   ///< per tunnel; 0: unlimited
  std::string client_auth_id;  ///< Tunnel-Client-Auth-Id (90): our Host Name AVP; empty: the instance's
  std::string server_auth_id;  ///< Tunnel-Server-Auth-Id (91): the LNS Host Name we expect; empty: any
  std::string assignment_id;   ///< Tunnel-Assignment-Id (82): different IDs never share a tunnel
  std::string local_gateway;   ///< Tunnel-Client-Endpoint (66) as a local gateway name; empty: the first
  std::uint8_t tag = 0;        ///< the RFC 2868 tag it came with (0: configured)
};

/// What AAA may hand the LAC for one call instead of the domain map.
using tunnel_candidates = std::vector<tunnel_candidate>;

}  // namespace bras::l2tp

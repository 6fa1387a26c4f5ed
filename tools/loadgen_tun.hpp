// bras-loadgen --tun NAME: the one emulated session exposed as a local tun
// interface (tools/emulator/tun_link.hpp), IP packets moved both ways between
// it and the session's PPP link, so real clients (rdisc6, a DHCPv6 client,
// ping -6) run over the subscriber's link. The emulator runs no RS/DHCPv6
// of its own then.
#pragma once

#include <caf/all.hpp>

#include <cstdint>
#include <string>

#include "tools/emulator/subscriber_emulator.hpp"

namespace bras::loadgen {

/// What IPCP and IPv6CP gave the session (host order; 0: not negotiated).
struct tun_session {
  struct ipv4_pair {
    std::uint32_t local = 0, peer = 0;
  } ipv4;
  std::uint64_t interface_id = 0;
};

/// Waits up to `timeout_seconds` for IPv6CP if IPCP came first, creates and
/// configures the interface, prints `tun NAME ready ipv4=... ipv6-link-local=...`
/// on stdout, then relays packets until `hold_seconds` pass (0: until SIGINT
/// or SIGTERM) or the session ends. `self` is the subscriber's observer.
/// Returns 0, or 1 when the interface could not be set up or the session ended early.
int run_tun(caf::scoped_actor& self, const actors::subscriber_actor& subscriber, const std::string& name,
            tun_session session, unsigned hold_seconds, unsigned timeout_seconds);

}  // namespace bras::loadgen

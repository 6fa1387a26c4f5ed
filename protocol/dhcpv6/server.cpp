// Placeholder (contract step): the helper implementing server.hpp replaces this file.
#include "protocol/dhcpv6/server.hpp"

namespace bras::dhcpv6 {

outcome handle(const server_config&, binding&, const message&) {
  return outcome{drop{drop_reason::invalid, "not-implemented"}, route_change::none};
}

}  // namespace bras::dhcpv6

// The transport actors send datagrams through: the data plane's seam
// (dataplane/transport.hpp), under the names actors have always used.
#pragma once

#include "dataplane/transport.hpp"

namespace bras::actors {

using dataplane::transport;
using model::udp_peer;

}  // namespace bras::actors

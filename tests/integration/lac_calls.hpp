// Placing calls through an in-process LAC's internal API and collecting the
// answers (the LAC integration tests).
#pragma once

#include <caf/all.hpp>

#include <chrono>
#include <cstddef>
#include <string>

#include "actors/messages.hpp"
#include "daemon/daemon.hpp"

namespace bras {

struct placed {
  std::size_t established = 0;
  std::size_t failed = 0;
  std::string last_failure;
};

/// Sends `n` calls, call i being `make(i)`, and waits for every call_result
/// (up to `wait` for each).
template <class Make>
placed place_calls_with(app::daemon& lac, std::size_t n, Make make, std::chrono::seconds wait) {
  caf::scoped_actor self{lac.system()};
  for (std::size_t i = 0; i < n; ++i) self->send(lac.lac(), make(i));
  placed p;
  for (std::size_t i = 0; i < n; ++i) {
    bool got = false;
    self->receive(
        [&](const actors::call_result& r) {
          got = true;
          if (r.established) {
            ++p.established;
          } else {
            ++p.failed;
            p.last_failure = r.reason;
          }
        },
        caf::after(wait) >> [&] { p.last_failure = "timeout waiting for call results"; });
    if (!got) break;
  }
  return p;
}

}  // namespace bras

// Waits until a freshly raised link can carry frames. `ip link set X up` on a
// veth returns before the kernel's link watcher has seen the carrier and
// swapped the noop qdisc (which drops everything) for a real one; that can
// take up to a second, and a frame sent in that window is lost without an
// error. Polls `ip -o link show` until the link is UP and its qdisc is not noop.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace bras::test {

/// True once `interface` is operationally up with a real qdisc, false after `limit`.
inline bool wait_link_ready(const std::string& interface,
                            std::chrono::milliseconds limit = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  const std::string command = "ip -o link show dev " + interface + " 2>/dev/null";
  for (;;) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
      char buf[512];
      while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
      ::pclose(p);
    }
    if (out.find("state UP") != std::string::npos && out.find("qdisc noop") == std::string::npos) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace bras::test

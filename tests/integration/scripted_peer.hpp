// A scripted L2TP peer for the integration tests: one UDP socket on loopback
// (bound to a source address of the test's choosing) speaking raw L2TP.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/l2tp/message.hpp"

namespace bras {

class scripted_peer {
 public:
  /// A peer of the LNS on 127.0.0.1:`lns_port`, sending from `source` (host order; 0: the kernel's choice).
  explicit scripted_peer(std::uint16_t lns_port, std::uint32_t source = 0, int timeout_ms = 3000)
      : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    to_.sin_family = AF_INET;
    to_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to_.sin_port = htons(lns_port);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (source != 0) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      from.sin_addr.s_addr = htonl(source);
      ::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from);
    }
  }
  ~scripted_peer() { ::close(fd_); }
  scripted_peer(const scripted_peer&) = delete;
  scripted_peer& operator=(const scripted_peer&) = delete;

  void send(std::uint16_t tid, std::uint16_t sid, std::uint16_t ns, std::uint16_t nr, const l2tp::control_message& m) {
    auto b = l2tp::encode_control_packet(tid, sid, ns, nr, m);
    ::sendto(fd_, b.data(), b.size(), 0, reinterpret_cast<sockaddr*>(&to_), sizeof to_);
  }
  /// Nr for our next message: the peer's messages received in order so far.
  [[nodiscard]] std::uint16_t next_nr() const noexcept { return next_nr_; }

  /// The next non-ZLB control message, or nullopt after the timeout.
  std::optional<l2tp::control_message> receive() {
    std::vector<std::byte> buf(4096);
    for (;;) {
      auto n = ::recv(fd_, buf.data(), buf.size(), 0);
      if (n <= 0) return std::nullopt;
      auto p = l2tp::decode_packet({buf.data(), static_cast<std::size_t>(n)});
      if (!p || p->payload.empty()) continue;
      auto m = l2tp::decode_control(p->payload, p->payload_offset);
      if (!m) continue;
      if (p->hdr.ns == next_nr_) ++next_nr_;  // in order: acknowledged by the next message we send
      return *m;
    }
  }

 private:
  int fd_;
  sockaddr_in to_{};
  std::uint16_t next_nr_ = 0;
};

/// An SCCRQ as the LAC under test would send it (no challenge).
inline l2tp::control_message scripted_sccrq(std::uint16_t assigned_tunnel_id = 77,
                                            std::string host_name = "lac-under-test") {
  auto m = l2tp::make_message(l2tp::message_type::sccrq);
  m.protocol_version = l2tp::protocol_version_value{1, 0};
  m.framing_capabilities = 3;
  m.host_name = std::move(host_name);
  m.assigned_tunnel_id = assigned_tunnel_id;
  return m;
}

}  // namespace bras

// The sockets of one L2TP local gateway: a data socket and a control socket
// in one SO_REUSEPORT group, with a classic BPF program (SO_ATTACH_REUSEPORT_CBPF)
// that steers every datagram the daemon must not lose under a data flood to the
// control socket: L2TP control messages (T bit) and data messages that carry a
// PPP control protocol (LCP, authentication, NCPs: protocol numbers with the
// high bit of their first byte set, RFC 1661 §2). The rest (subscriber IP) goes
// to the data socket. Each socket has its own receive buffer, so a data flood
// fills only the data socket's, and the receive path reads the control socket
// first. When the kernel refuses the group or the program, one socket serves
// both, as before (the reason is kept for the start-up log line).
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace bras::io {

/// What the receive path asks of a gateway's sockets.
struct gateway_socket_options {
  std::uint32_t address = 0;  ///< IPv4, host order
  std::uint16_t port = 0;     ///< 0: an ephemeral port
  int control_buffer = 4 << 20;
  int data_buffer = 8 << 20;
  bool steering = true;  ///< false: one socket for both (as if the kernel had refused)
};

/// The sockets (non-blocking, bound) and what the kernel granted.
struct gateway_sockets {
  int data_fd = -1;
  int control_fd = -1;   ///< -1: no steering, data_fd receives everything
  std::string fallback;  ///< why there is one socket (empty when steered)
  int data_buffer = 0;   ///< SO_RCVBUF as the kernel reports it (twice the request: its bookkeeping)
  int control_buffer = 0;
};

/// Binds the gateway's sockets; throws std::system_error (errno) when the address cannot be bound.
/// A port another socket holds is refused even with SO_REUSEPORT (a probe bind without it comes first).
gateway_sockets open_gateway(const gateway_socket_options& options);

/// The socket address of a host-order IPv4 address and port (sendto, sendmmsg, bind).
[[nodiscard]] sockaddr_in ipv4_sockaddr(std::uint32_t address, std::uint16_t port) noexcept;

/// Whether `datagram` (a UDP payload) is one the BPF program sends to the control socket:
/// the same test, for the receive path's shedding and for single-socket gateways.
[[nodiscard]] bool is_priority(std::span<const std::byte> datagram) noexcept;

}  // namespace bras::io

#include "io/udp_socket.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

namespace bras::io {

namespace {

// The reuseport group's order: the data socket binds first (index 0), the control socket second.
constexpr std::uint32_t data_index = 0;
constexpr std::uint32_t control_index = 1;

// L2TPv2 header bits (RFC 2661 §3.1), first byte.
constexpr unsigned t_bit = 0x80;
constexpr unsigned l_bit = 0x40;
constexpr unsigned s_bit = 0x08;
constexpr unsigned o_bit = 0x02;
constexpr unsigned p_bit = 0x01;  // Priority: "should receive preferential treatment in its local queuing"

constexpr sock_filter op(std::uint16_t code, std::uint32_t k, std::uint8_t jt = 0, std::uint8_t jf = 0) {
  return sock_filter{code, jt, jf, k};
}

// The steering program, run on the UDP payload; returns the socket index. A load past the end
// ends a classic BPF program with 0: short datagrams go to the data socket. is_priority() below
// is the same test in C++.
constexpr std::array<sock_filter, 24> steering_program{{
    /*  0 */ op(BPF_LD | BPF_B | BPF_ABS, 0),               // A = flags
    /*  1 */ op(BPF_JMP | BPF_JSET | BPF_K, t_bit, 22, 0),  // control message
    /*  2 */ op(BPF_JMP | BPF_JSET | BPF_K, p_bit, 21, 0),  // data with the Priority bit
    /*  3 */ op(BPF_ST, 0),                                 // M[0] = flags
    /*  4 */ op(BPF_ALU | BPF_AND | BPF_K, l_bit),          //
    /*  5 */ op(BPF_ALU | BPF_RSH | BPF_K, 5),              // 2 with a Length field
    /*  6 */ op(BPF_ALU | BPF_ADD | BPF_K, 6),              // + flags, Tunnel ID, Session ID
    /*  7 */ op(BPF_MISC | BPF_TAX, 0),                     //
    /*  8 */ op(BPF_LD | BPF_MEM, 0),                       //
    /*  9 */ op(BPF_ALU | BPF_AND | BPF_K, s_bit),          //
    /* 10 */ op(BPF_ALU | BPF_RSH | BPF_K, 1),              // 4 with Ns and Nr
    /* 11 */ op(BPF_ALU | BPF_ADD | BPF_X, 0),              //
    /* 12 */ op(BPF_MISC | BPF_TAX, 0),                     // X = where Offset Size or PPP starts
    /* 13 */ op(BPF_LD | BPF_MEM, 0),                       //
    /* 14 */ op(BPF_JMP | BPF_JSET | BPF_K, o_bit, 0, 4),   //
    /* 15 */ op(BPF_LD | BPF_H | BPF_IND, 0),               // A = Offset Size
    /* 16 */ op(BPF_ALU | BPF_ADD | BPF_K, 2),              //
    /* 17 */ op(BPF_ALU | BPF_ADD | BPF_X, 0),              //
    /* 18 */ op(BPF_MISC | BPF_TAX, 0),                     // X = the PPP frame
    /* 19 */ op(BPF_LD | BPF_B | BPF_IND, 0),               // A = its first byte
    /* 20 */ op(BPF_JMP | BPF_JEQ | BPF_K, 0xff, 0, 1),     // Address and Control fields?
    /* 21 */ op(BPF_LD | BPF_B | BPF_IND, 2),               // A = the protocol's first byte
    /* 22 */ op(BPF_JMP | BPF_JSET | BPF_K, 0x80, 1, 0),    // LCP, authentication, NCPs
    /* 23 */ op(BPF_RET | BPF_K, data_index),
}};
// Instructions 1 and 2 jump to control_return (the program's last entry, appended below).
constexpr sock_filter control_return = op(BPF_RET | BPF_K, control_index);

std::system_error errno_error(const std::string& what) {
  return std::system_error(errno, std::generic_category(), what);
}

/// Closes the descriptor unless released.
struct fd_guard {
  int fd = -1;
  explicit fd_guard(int f) : fd(f) {}
  fd_guard(const fd_guard&) = delete;
  fd_guard& operator=(const fd_guard&) = delete;
  ~fd_guard() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept { return std::exchange(fd, -1); }
};

int set_int(int fd, int level, int name, int value) {
  return ::setsockopt(fd, level, name, &value, sizeof value);
}

/// A receive buffer of `bytes`: beyond net.core.rmem_max with CAP_NET_ADMIN; the effective size.
int set_receive_buffer(int fd, int bytes) {
  if (set_int(fd, SOL_SOCKET, SO_RCVBUFFORCE, bytes) != 0) set_int(fd, SOL_SOCKET, SO_RCVBUF, bytes);
  int granted = 0;
  socklen_t len = sizeof granted;
  ::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &len);
  return granted;
}

/// A non-blocking UDP socket that reports the kernel's drop count (SO_RXQ_OVFL) with each datagram.
/// A gateway's sockets keep SO_REUSEADDR: a test or benchmark may bind the gateway's address (with
/// it) to send from it or take its traffic over; the probe below still refuses a taken port.
int open_socket(bool reuseport, bool reuseaddr = true) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) throw errno_error("socket");
  set_int(fd, SOL_SOCKET, SO_RXQ_OVFL, 1);
  if (reuseaddr) set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  if (reuseport && set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1) != 0) {
    auto e = errno_error("SO_REUSEPORT");
    ::close(fd);
    throw e;
  }
  return fd;
}

/// Fails like bind() when another socket holds the address; the port it got (for port 0).
std::uint16_t probe(const sockaddr_in& at) {
  fd_guard fd{open_socket(false, false)};
  if (::bind(fd.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) throw errno_error("bind");
  sockaddr_in bound{};
  socklen_t len = sizeof bound;
  ::getsockname(fd.fd, reinterpret_cast<sockaddr*>(&bound), &len);
  return ntohs(bound.sin_port);
}

gateway_sockets open_single(const gateway_socket_options& o, std::string why) {
  fd_guard fd{open_socket(false)};
  auto at = ipv4_sockaddr(o.address, o.port);
  if (::bind(fd.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) throw errno_error("bind");
  gateway_sockets s;
  s.data_buffer = set_receive_buffer(fd.fd, o.data_buffer);
  s.data_fd = fd.release();
  s.fallback = std::move(why);
  return s;
}

}  // namespace

gateway_sockets open_gateway(const gateway_socket_options& o) {
  const auto port = probe(ipv4_sockaddr(o.address, o.port));
  if (!o.steering) {
    gateway_socket_options single = o;
    single.port = port;
    return open_single(single, "l2tp.receive-steering is off");
  }
  const auto at = ipv4_sockaddr(o.address, port);
  std::string why;
  try {
    fd_guard data{open_socket(true)};
    fd_guard control{open_socket(true)};
    gateway_sockets s;
    s.data_buffer = set_receive_buffer(data.fd, o.data_buffer);
    s.control_buffer = set_receive_buffer(control.fd, o.control_buffer);
    if (::bind(data.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) throw errno_error("bind");
    if (::bind(control.fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) throw errno_error("bind");
    std::array<sock_filter, steering_program.size() + 1> code{};
    std::copy(steering_program.begin(), steering_program.end(), code.begin());
    code.back() = control_return;
    sock_fprog prog{static_cast<unsigned short>(code.size()), code.data()};
    if (::setsockopt(data.fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog) != 0) {
      throw errno_error("SO_ATTACH_REUSEPORT_CBPF");
    }
    s.data_fd = data.release();
    s.control_fd = control.release();
    return s;
  } catch (const std::system_error& e) {
    why = std::string{"the kernel refused: "} + e.what();
  }
  gateway_socket_options single = o;
  single.port = port;
  return open_single(single, std::move(why));
}

sockaddr_in ipv4_sockaddr(std::uint32_t address, std::uint16_t port) noexcept {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(address);
  return a;
}

bool is_priority(std::span<const std::byte> d) noexcept {
  auto at = [&](std::size_t i) -> int { return i < d.size() ? std::to_integer<int>(d[i]) : -1; };
  const int flags = at(0);
  if (flags < 0) return false;
  if ((flags & (t_bit | p_bit)) != 0) return true;
  std::size_t x = 6 + ((flags & l_bit) != 0 ? 2 : 0) + ((flags & s_bit) != 0 ? 4 : 0);
  if ((flags & o_bit) != 0) {
    if (at(x) < 0 || at(x + 1) < 0) return false;
    x += 2 + ((static_cast<std::size_t>(at(x)) << 8) | static_cast<std::size_t>(at(x + 1)));
  }
  int first = at(x);
  if (first == 0xff) first = at(x + 2);
  return first >= 0 && (first & 0x80) != 0;
}

}  // namespace bras::io

// udp_service::send_batch: a burst of datagrams from one gateway in as few
// sendmmsg(2) calls as the kernel allows.
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "io/udp.hpp"
#include "io/udp_socket.hpp"

namespace bras::io {

namespace {

/// Datagrams per sendmmsg call (the kernel takes up to UIO_MAXIOV = 1024).
constexpr std::size_t chunk = 64;

}  // namespace

std::size_t udp_service::send_batch(std::uint16_t gateway, std::span<dataplane::outgoing> burst) noexcept {
  for (auto& d : burst) d.sent = false;
  const int fd = send_fd(gateway);
  if (fd < 0) return 0;
  std::array<mmsghdr, chunk> messages{};
  std::array<iovec, chunk> data{};
  std::array<sockaddr_in, chunk> to{};
  std::size_t taken = 0;
  for (std::size_t base = 0; base < burst.size(); base += chunk) {
    const auto part = burst.subspan(base, std::min(chunk, burst.size() - base));
    for (std::size_t i = 0; i < part.size(); ++i) {
      to[i] = ipv4_sockaddr(part[i].peer.address, part[i].peer.port);
      data[i] = iovec{const_cast<std::byte*>(part[i].data.data()), part[i].data.size()};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_name = &to[i];
      messages[i].msg_hdr.msg_namelen = sizeof to[i];
      messages[i].msg_hdr.msg_iov = &data[i];
      messages[i].msg_hdr.msg_iovlen = 1;
    }
    // sendmmsg stops at the first datagram the kernel refuses and says how many went before it
    // (the error itself only when none did): that one is skipped and the rest sent again, unless
    // the socket is out of buffer space, when the rest of the burst is dropped (the caller counts).
    std::size_t at = 0;
    while (at < part.size()) {
      const int n = ::sendmmsg(fd, messages.data() + at, static_cast<unsigned>(part.size() - at), MSG_DONTWAIT);
      if (n > 0) {
        for (int i = 0; i < n; ++i) part[at + static_cast<std::size_t>(i)].sent = true;
        at += static_cast<std::size_t>(n);
        taken += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return taken;
      ++at;  // this datagram's own error (EMSGSIZE, EINVAL, no route to its peer)
    }
  }
  return taken;
}

}  // namespace bras::io

// udp_service::send_batch: a burst of datagrams from one gateway in as few
// sendmmsg(2) calls as the kernel allows. A run of datagrams of one size to
// one peer (a tun burst to one LAC: full-sized TCP segments, or the bench's
// fixed-size packets) leaves as one UDP GSO message (UDP_SEGMENT, Linux
// 4.18): the kernel takes it through the stack once and cuts it into the same
// datagrams at the device, instead of once per datagram.
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "io/udp.hpp"
#include "io/udp_socket.hpp"

namespace bras::io {

namespace {

/// Datagrams per sendmmsg call (the kernel takes up to UIO_MAXIOV = 1024).
constexpr std::size_t chunk = 64;
/// A GSO message: at most this many datagrams (older kernels' UDP_MAX_SEGMENTS), of at most
/// this many bytes together (an IP packet's limit, less the headers).
constexpr std::size_t max_segments = 64;
constexpr std::size_t max_gso_bytes = 65000;
/// Off for good once the kernel refuses a GSO message for lack of support (ENOPROTOOPT,
/// EOPNOTSUPP) or of checksum offload on the route (EIO): every later burst goes one datagram per
/// message. EINVAL (a datagram longer than the device's MTU) sends that message's datagrams alone.
std::atomic<bool> gso_usable{true};

bool same_run(const dataplane::outgoing& a, const dataplane::outgoing& b) noexcept {
  return a.peer == b.peer && a.data.size() == b.data.size();
}

/// Sends the datagrams of a GSO message the kernel refused one by one; how many it took.
std::size_t send_each(int fd, std::span<dataplane::outgoing> run) noexcept {
  std::size_t taken = 0;
  for (auto& d : run) {
    const auto to = ipv4_sockaddr(d.peer.address, d.peer.port);
    ssize_t n = -1;
    do {
      n = ::sendto(fd, d.data.data(), d.data.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    } while (n < 0 && errno == EINTR);
    d.sent = n >= 0;
    taken += d.sent ? 1 : 0;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)) break;
  }
  return taken;
}

}  // namespace

std::size_t udp_service::send_batch(std::uint16_t gateway, std::span<dataplane::outgoing> burst) noexcept {
  for (auto& d : burst) d.sent = false;
  const int fd = send_fd(gateway);
  if (fd < 0) return 0;
  std::array<mmsghdr, chunk> messages{};
  std::array<iovec, chunk> data{};
  std::array<sockaddr_in, chunk> to{};
  /// Each message's datagrams: [first, first + count) of the part.
  std::array<std::size_t, chunk> first{}, count{};
  alignas(cmsghdr) std::array<std::array<char, CMSG_SPACE(sizeof(std::uint16_t))>, chunk> control{};
  std::size_t taken = 0;
  for (std::size_t base = 0; base < burst.size(); base += chunk) {
    const auto part = burst.subspan(base, std::min(chunk, burst.size() - base));
    const bool gso = gso_usable.load(std::memory_order_relaxed);
    std::size_t m = 0;
    for (std::size_t i = 0; i < part.size(); ++m) {
      std::size_t run = 1;
      if (gso) {
        std::size_t bytes = part[i].data.size();
        while (i + run < part.size() && run < max_segments && same_run(part[i], part[i + run]) &&
               bytes + part[i + run].data.size() <= max_gso_bytes) {
          bytes += part[i + run].data.size();
          ++run;
        }
      }
      for (std::size_t k = 0; k < run; ++k) {
        data[i + k] = iovec{const_cast<std::byte*>(part[i + k].data.data()), part[i + k].data.size()};
      }
      to[m] = ipv4_sockaddr(part[i].peer.address, part[i].peer.port);
      messages[m] = mmsghdr{};
      auto& h = messages[m].msg_hdr;
      h.msg_name = &to[m];
      h.msg_namelen = sizeof to[m];
      h.msg_iov = &data[i];
      h.msg_iovlen = run;
      if (run > 1) {
        h.msg_control = control[m].data();
        h.msg_controllen = control[m].size();
        cmsghdr* c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
        const auto segment = static_cast<std::uint16_t>(part[i].data.size());
        std::memcpy(CMSG_DATA(c), &segment, sizeof segment);
      }
      first[m] = i;
      count[m] = run;
      i += run;
    }
    // sendmmsg stops at the first message the kernel refuses and says how many went before it
    // (the error itself only when none did): that one is skipped (a GSO message is sent again one
    // datagram at a time) and the rest sent again, unless the socket is out of buffer space, when
    // the rest of the burst is dropped (the caller counts).
    std::size_t at = 0;
    while (at < m) {
      const int n = ::sendmmsg(fd, messages.data() + at, static_cast<unsigned>(m - at), MSG_DONTWAIT);
      if (n > 0) {
        for (std::size_t j = at; j < at + static_cast<std::size_t>(n); ++j) {
          for (std::size_t k = 0; k < count[j]; ++k) part[first[j] + k].sent = true;
          taken += count[j];
        }
        at += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return taken;
      if (count[at] > 1) {
        // A kernel or a route without UDP GSO: never again; this message one datagram at a time.
        if (errno == ENOPROTOOPT || errno == EOPNOTSUPP || errno == EIO) {
          gso_usable.store(false, std::memory_order_relaxed);
        }
        taken += send_each(fd, part.subspan(first[at], count[at]));
      }
      ++at;  // this message's own error (EMSGSIZE, EINVAL, no route to its peer)
    }
  }
  return taken;
}

}  // namespace bras::io

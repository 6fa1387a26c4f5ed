#include "tools/emulator/packet_link.hpp"

#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>

#include "io/af_packet.hpp"

namespace bras::emulator {

namespace {

constexpr std::size_t batch_size = 64;
constexpr std::size_t max_frame = 9216;                                 ///< jumbo frames
constexpr std::size_t slot_size = io::af_packet::tag_room + max_frame;  ///< and room for a restored tag

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error{errno, std::generic_category(), what};
}

void set_option(int fd, int level, int name, const void* value, socklen_t size, const char* what) {
  if (::setsockopt(fd, level, name, value, size) != 0) fail(what);
}

}  // namespace

struct packet_link::rx_batch {
  struct control {
    alignas(cmsghdr) std::array<std::byte, io::af_packet::control_size> bytes;
  };
  std::vector<std::byte> frames = std::vector<std::byte>(batch_size * slot_size);
  std::array<control, batch_size> controls{};
  std::array<iovec, batch_size> iov{};
  std::array<mmsghdr, batch_size> headers{};
};

packet_link::packet_link(const std::string& interface) : rx_{std::make_unique<rx_batch>()} {
  // The LAC's own socket (io/af_packet.hpp): the same filter, tags and buffers.
  const auto opened = io::af_packet::open_pppoe(interface, 8 << 20);
  fd_ = opened.fd;
  ifindex_ = opened.ifindex;
  try {
    // Room for bursts (thousands of subscribers) on the send side too.
    const int buffer = 8 << 20;
    if (::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer) != 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    }
    // The subscribers' MACs are not the interface's.
    packet_mreq promiscuous{};
    promiscuous.mr_ifindex = ifindex_;
    promiscuous.mr_type = PACKET_MR_PROMISC;
    set_option(fd_, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promiscuous, sizeof promiscuous, "PACKET_MR_PROMISC");
  } catch (...) {
    ::close(fd_);
    throw;
  }
  auto& rx = *rx_;
  for (std::size_t i = 0; i < batch_size; ++i) {
    rx.iov[i] = {rx.frames.data() + i * slot_size + io::af_packet::tag_room, max_frame};
  }
}

packet_link::~packet_link() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t packet_link::receive(const std::function<void(wire::byte_span)>& on_frame) {
  auto& rx = *rx_;
  std::size_t total = 0;
  for (;;) {
    for (std::size_t i = 0; i < batch_size; ++i) {
      rx.headers[i] = {};
      rx.headers[i].msg_hdr.msg_iov = &rx.iov[i];
      rx.headers[i].msg_hdr.msg_iovlen = 1;
      rx.headers[i].msg_hdr.msg_control = rx.controls[i].bytes.data();
      rx.headers[i].msg_hdr.msg_controllen = rx.controls[i].bytes.size();
    }
    const int n = ::recvmmsg(fd_, rx.headers.data(), batch_size, MSG_DONTWAIT, nullptr);
    if (n <= 0) break;
    for (int i = 0; i < n; ++i) {
      const auto& h = rx.headers[static_cast<std::size_t>(i)];
      if ((h.msg_hdr.msg_flags & MSG_TRUNC) != 0 || h.msg_len < 14) continue;
      ++received;
      ++total;
      std::byte* data = rx.frames.data() + static_cast<std::size_t>(i) * slot_size + io::af_packet::tag_room;
      on_frame(io::af_packet::restore_vlan_tag(h.msg_hdr, {data, h.msg_len}));
    }
    if (static_cast<std::size_t>(n) < batch_size) break;
  }
  return total;
}

void packet_link::flush() {
  std::array<iovec, batch_size> iov{};
  std::array<mmsghdr, batch_size> headers{};
  while (pending_head_ < pending_.size()) {
    const std::size_t count = std::min(batch_size, pending_.size() - pending_head_);
    for (std::size_t i = 0; i < count; ++i) {
      auto& frame = pending_[pending_head_ + i];
      iov[i] = {frame.data(), frame.size()};
      headers[i] = {};
      headers[i].msg_hdr.msg_iov = &iov[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::sendmmsg(fd_, headers.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) return;
      ++send_errors;  // e.g. a frame over the MTU: drop it, keep the rest going
      ++pending_head_;
      continue;
    }
    sent += static_cast<std::uint64_t>(n);
    pending_head_ += static_cast<std::size_t>(n);
  }
  pending_.clear();
  pending_head_ = 0;
}

}  // namespace bras::emulator

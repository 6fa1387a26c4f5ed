#include "tools/emulator/packet_link.hpp"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

namespace bras::emulator {

namespace {

constexpr std::size_t batch_size = 64;
constexpr std::size_t max_frame = 9216 + 8;  ///< jumbo frames, room for a restored tag

[[noreturn]] void fail(const std::string& what) {
  throw std::system_error{errno, std::generic_category(), what};
}

/// Accepts PPPoE Discovery and Session frames, untagged or behind one or two
/// VLAN tags (the kernel may have taken the outer one out already).
constexpr std::array<sock_filter, 17> pppoe_filter{{
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},
    {BPF_JMP | BPF_JEQ | BPF_K, 14, 0, ETH_P_PPP_DISC},  // -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 13, 0, ETH_P_PPP_SES},   // -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 3, 0, ETH_P_8021Q},      // -> first tag
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, ETH_P_8021AD},
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x9100},
    {BPF_RET | BPF_K, 0, 0, 0},
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 16},               // first tag: the next ethertype
    {BPF_JMP | BPF_JEQ | BPF_K, 7, 0, ETH_P_PPP_DISC},  // -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 6, 0, ETH_P_PPP_SES},   // -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ETH_P_8021Q},     // -> second tag
    {BPF_RET | BPF_K, 0, 0, 0},
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 20},               // second tag
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, ETH_P_PPP_DISC},  // -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ETH_P_PPP_SES},   // -> accept
    {BPF_RET | BPF_K, 0, 0, 0},
    {BPF_RET | BPF_K, 0, 0, 0xffff},
}};

void set_option(int fd, int level, int name, const void* value, socklen_t size, const char* what) {
  if (::setsockopt(fd, level, name, value, size) != 0) fail(what);
}

}  // namespace

struct packet_link::rx_batch {
  struct control {
    alignas(cmsghdr) std::array<std::byte, CMSG_SPACE(sizeof(tpacket_auxdata))> bytes;
  };
  std::vector<std::byte> frames = std::vector<std::byte>(batch_size * max_frame);
  std::array<control, batch_size> controls{};
  std::array<iovec, batch_size> iov{};
  std::array<mmsghdr, batch_size> headers{};
  std::vector<std::byte> restored = std::vector<std::byte>(max_frame);
};

packet_link::packet_link(const std::string& interface) : rx_{std::make_unique<rx_batch>()} {
  ifindex_ = static_cast<int>(::if_nametoindex(interface.c_str()));
  if (ifindex_ == 0) fail("no interface " + interface);
  // Protocol 0 until the filter is in: nothing queues unfiltered frames meanwhile.
  fd_ = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) fail("AF_PACKET socket");
  try {
    sock_fprog program{static_cast<unsigned short>(pppoe_filter.size()), const_cast<sock_filter*>(pppoe_filter.data())};
    set_option(fd_, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program, "SO_ATTACH_FILTER");
    const int on = 1;
    set_option(fd_, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on, "PACKET_AUXDATA");
    // Our own transmissions would otherwise come back to us as PACKET_OUTGOING.
    set_option(fd_, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on, "PACKET_IGNORE_OUTGOING");
    // Room for bursts (thousands of subscribers, or someone else's flood on the segment): the
    // FORCE variants pass rmem_max/wmem_max as root; otherwise the capped size is the best we get.
    const int buffer = 8 << 20;
    if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    }
    if (::setsockopt(fd_, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer) != 0) {
      ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer);
    }
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = ifindex_;
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) fail("bind to " + interface);
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
    rx.iov[i] = {rx.frames.data() + i * max_frame, max_frame};
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
      const std::byte* data = rx.frames.data() + static_cast<std::size_t>(i) * max_frame;
      const std::size_t size = std::min<std::size_t>(h.msg_len, max_frame);
      if ((h.msg_hdr.msg_flags & MSG_TRUNC) != 0 || size < 14) continue;
      std::optional<tpacket_auxdata> aux;
      for (cmsghdr* c = CMSG_FIRSTHDR(&h.msg_hdr); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h.msg_hdr), c)) {
        if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA &&
            c->cmsg_len >= CMSG_LEN(sizeof(tpacket_auxdata))) {
          tpacket_auxdata a{};
          std::memcpy(&a, CMSG_DATA(c), sizeof a);
          aux = a;
        }
      }
      ++received;
      ++total;
      if (!aux || (aux->tp_status & TP_STATUS_VLAN_VALID) == 0 || size + 4 > max_frame) {
        on_frame({data, size});
        continue;
      }
      // The kernel took the outer tag out of the frame: put it back after the MACs.
      const std::uint16_t tpid =
          (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux->tp_vlan_tpid : std::uint16_t{ETH_P_8021Q};
      std::byte* out = rx.restored.data();
      std::memcpy(out, data, 12);
      const std::array<std::byte, 4> tag{std::byte(tpid >> 8), std::byte(tpid & 0xff), std::byte(aux->tp_vlan_tci >> 8),
                                         std::byte(aux->tp_vlan_tci & 0xff)};
      std::memcpy(out + 12, tag.data(), tag.size());
      std::memcpy(out + 16, data + 12, size - 12);
      on_frame({out, size + 4});
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

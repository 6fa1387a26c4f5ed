#include "io/packet_socket.hpp"

#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>
#include <utility>

namespace bras::io {

namespace {

namespace asio = boost::asio;

/// Frames read per recvmmsg call, and calls per wake-up before going back to epoll.
constexpr std::size_t batch = 32;
constexpr int batches_per_wakeup = 8;
/// Room for a jumbo frame; a longer one arrives truncated and is dropped.
constexpr std::size_t frame_capacity = 9216;
/// Room in front of each frame for the VLAN tag the kernel took out.
constexpr std::size_t tag_room = 4;
constexpr std::size_t mac_bytes_size = 12;
constexpr std::size_t control_size = CMSG_SPACE(sizeof(tpacket_auxdata));
constexpr int receive_buffer_bytes = 4 * 1024 * 1024;

/// The filter: PPPoE (0x8863, 0x8864) at offset 12, or behind one or two
/// VLAN tags (0x8100, 0x88a8, 0x9100) at 16 or 20. The kernel has already
/// taken an outer 802.1Q/802.1ad tag out, so what is left is checked the same way.
constexpr std::array<sock_filter, 17> pppoe_filter{{
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 12},        // 0
    {BPF_JMP | BPF_JEQ | BPF_K, 14, 0, 0x8863},  // 1 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 13, 0, 0x8864},  // 2 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},   // 3 -> 6
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},   // 4 -> 6
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 9, 0x9100},   // 5 -> 6, else reject
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 16},        // 6
    {BPF_JMP | BPF_JEQ | BPF_K, 8, 0, 0x8863},   // 7 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 7, 0, 0x8864},   // 8 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8100},   // 9 -> 12
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x88a8},   // 10 -> 12
    {BPF_JMP | BPF_JEQ | BPF_K, 0, 3, 0x9100},   // 11 -> 12, else reject
    {BPF_LD | BPF_H | BPF_ABS, 0, 0, 20},        // 12
    {BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 0x8863},   // 13 -> accept
    {BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0x8864},   // 14 -> accept, else reject
    {BPF_RET | BPF_K, 0, 0, 0},                  // 15 reject
    {BPF_RET | BPF_K, 0, 0, 0xffffffffU},        // 16 accept (whole frame)
}};

[[noreturn]] void fail(const std::string& interface, const char* what, int error) {
  throw std::system_error(error, std::system_category(), "cannot open access interface " + interface + ": " + what);
}

template <class T>
void set_option(int fd, int level, int name, const T& value, const std::string& interface, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) fail(interface, what, errno);
}

}  // namespace

struct access_ports::access_port {
  access_port(asio::io_context& io, const std::string& interface) : name{interface}, descriptor{io} {
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);  // nothing arrives before bind
    if (fd < 0) fail(name, "socket", errno);
    descriptor.assign(fd);
    ifindex = static_cast<int>(::if_nametoindex(name.c_str()));
    if (ifindex == 0) fail(name, "no such interface", errno);
    const sock_fprog program{static_cast<unsigned short>(pppoe_filter.size()),
                             const_cast<sock_filter*>(pppoe_filter.data())};
    set_option(fd, SOL_SOCKET, SO_ATTACH_FILTER, program, name, "SO_ATTACH_FILTER");
    set_option(fd, SOL_PACKET, PACKET_AUXDATA, 1, name, "PACKET_AUXDATA");
    set_option(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, name, "PACKET_IGNORE_OUTGOING");
    // As root the buffer may exceed net.core.rmem_max; otherwise take what the kernel allows.
    if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &receive_buffer_bytes, sizeof receive_buffer_bytes) != 0) {
      set_option(fd, SOL_SOCKET, SO_RCVBUF, receive_buffer_bytes, name, "SO_RCVBUF");
    }
    ifreq request{};
    if (name.size() >= sizeof request.ifr_name) fail(name, "name too long", ENAMETOOLONG);
    std::memcpy(request.ifr_name, name.data(), name.size());
    if (::ioctl(fd, SIOCGIFHWADDR, &request) != 0) fail(name, "SIOCGIFHWADDR", errno);
    std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, mac.size());
    sockaddr_ll at{};
    at.sll_family = AF_PACKET;
    at.sll_protocol = htons(ETH_P_ALL);
    at.sll_ifindex = ifindex;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) fail(name, "bind", errno);
    for (std::size_t i = 0; i < batch; ++i) {
      iovecs[i] = iovec{slots[i].data() + tag_room, frame_capacity};
      messages[i].msg_hdr.msg_iov = &iovecs[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_control = controls[i].data();
      tx_iovecs[i] = iovec{tx_slots[i].data(), 0};
      tx_messages[i].msg_hdr.msg_iov = &tx_iovecs[i];
      tx_messages[i].msg_hdr.msg_iovlen = 1;
    }
  }

  /// Sends the queued frames and counts those the kernel refused (tx_mutex held).
  void send_queued() noexcept {
    std::size_t sent = 0;
    while (sent < tx_queued) {
      const int n = ::sendmmsg(descriptor.native_handle(), tx_messages.data() + sent,
                               static_cast<unsigned>(tx_queued - sent), MSG_DONTWAIT);
      if (n <= 0) break;  // the socket's buffer is full or the link is down: the rest is dropped
      sent += static_cast<std::size_t>(n);
    }
    if (sent != tx_queued && stats != nullptr)
      stats->pppoe_tx_errors.fetch_add(tx_queued - sent, std::memory_order_relaxed);
    tx_queued = 0;
  }

  /// Sends what is queued (a posted flush, or stop()).
  void flush() noexcept {
    std::lock_guard lock{tx_mutex};
    flush_posted = false;
    send_queued();
  }

  std::string name;
  int ifindex = 0;
  eth::mac_address mac{};
  asio::posix::stream_descriptor descriptor;
  std::array<std::array<std::byte, tag_room + frame_capacity>, batch> slots{};
  std::array<std::array<std::byte, control_size>, batch> controls{};
  std::array<iovec, batch> iovecs{};
  std::array<mmsghdr, batch> messages{};
  // Frames the I/O thread queued (under tx_mutex: the I/O thread and stop() may both flush).
  std::mutex tx_mutex;
  std::array<std::array<std::byte, frame_capacity>, batch> tx_slots{};
  std::array<iovec, batch> tx_iovecs{};
  std::array<mmsghdr, batch> tx_messages{};
  std::size_t tx_queued = 0;
  bool flush_posted = false;
  model::counters* stats = nullptr;  ///< set by start(), before any frame is queued
};

access_ports::access_ports(asio::io_context& io, const std::vector<std::string>& interfaces) : io_{io} {
  for (const auto& name : interfaces) ports_.push_back(std::make_shared<access_port>(io, name));
}

access_ports::~access_ports() = default;

void access_ports::start(dataplane::pppoe_path& path, model::counters* stats) {
  path_ = &path;
  for (auto& p : ports_) p->stats = stats;
  for (std::size_t i = 0; i < ports_.size(); ++i) wait(i);
}

void access_ports::stop() {
  for (auto& p : ports_) {
    boost::system::error_code ignored;
    p->descriptor.cancel(ignored);
  }
  for (auto& p : ports_) p->flush();
}

void access_ports::wait(std::size_t index) {
  ports_[index]->descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                       [this, index](const boost::system::error_code& ec) {
                                         // Cancelled (stop) or the descriptor is gone: nothing left to read.
                                         if (ec) return;
                                         drain(index);
                                         wait(index);
                                       });
}

namespace {

/// The outer VLAN tag the kernel took out of the frame, if it did.
std::optional<std::pair<std::uint16_t, std::uint16_t>> stripped_tag(const msghdr& m) noexcept {
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&m), c)) {
    if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA ||
        c->cmsg_len < CMSG_LEN(sizeof(tpacket_auxdata)))
      continue;
    tpacket_auxdata aux{};
    std::memcpy(&aux, CMSG_DATA(c), sizeof aux);
    if ((aux.tp_status & TP_STATUS_VLAN_VALID) == 0) return std::nullopt;
    const std::uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? aux.tp_vlan_tpid : eth::tpid_8021q;
    return std::pair{tpid, aux.tp_vlan_tci};
  }
  return std::nullopt;
}

}  // namespace

void access_ports::drain(std::size_t index) noexcept {
  auto& p = *ports_[index];
  const int fd = p.descriptor.native_handle();
  for (int round = 0; round < batches_per_wakeup; ++round) {
    for (std::size_t i = 0; i < batch; ++i) {
      p.messages[i].msg_hdr.msg_controllen = control_size;
      p.messages[i].msg_hdr.msg_flags = 0;
    }
    const int n = ::recvmmsg(fd, p.messages.data(), batch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return;
    for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
      const auto& m = p.messages[i];
      if ((m.msg_hdr.msg_flags & MSG_TRUNC) != 0) {
        // Longer than any PPPoE frame (PPP-Max-Payload stops at jumbo frames).
        if (p.stats != nullptr) p.stats->pppoe_drop_malformed.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      std::byte* start = p.slots[i].data() + tag_room;
      std::size_t size = m.msg_len;
      if (auto tag = stripped_tag(m.msg_hdr); tag && size >= mac_bytes_size) {
        // Back where it was on the wire: between the source MAC and the ethertype.
        std::memmove(start - tag_room, start, mac_bytes_size);
        start -= tag_room;
        size += tag_room;
        start[12] = std::byte{static_cast<std::uint8_t>(tag->first >> 8)};
        start[13] = std::byte{static_cast<std::uint8_t>(tag->first & 0xff)};
        start[14] = std::byte{static_cast<std::uint8_t>(tag->second >> 8)};
        start[15] = std::byte{static_cast<std::uint8_t>(tag->second & 0xff)};
      }
      if (path_ != nullptr) path_->from_access(static_cast<std::uint16_t>(index), std::span<std::byte>{start, size});
    }
    if (static_cast<std::size_t>(n) < batch) return;
  }
}

bool access_ports::send(std::uint16_t port, wire::byte_span frame) noexcept {
  if (port >= ports_.size()) return false;
  auto& p = *ports_[port];
  if (frame.size() <= frame_capacity && io_.get_executor().running_in_this_thread()) {
    // The I/O thread is in a handler that may send more: queue, and send the
    // lot in one call once the handler has returned (or the queue is full).
    std::lock_guard lock{p.tx_mutex};
    if (p.tx_queued == batch) p.send_queued();
    std::memcpy(p.tx_slots[p.tx_queued].data(), frame.data(), frame.size());
    p.tx_iovecs[p.tx_queued].iov_len = frame.size();
    ++p.tx_queued;
    if (!p.flush_posted) {
      p.flush_posted = true;
      asio::post(io_, [weak = std::weak_ptr<access_port>{ports_[port]}] {
        if (auto alive = weak.lock()) alive->flush();
      });
    }
    return true;
  }
  const auto n = ::send(p.descriptor.native_handle(), frame.data(), frame.size(), MSG_DONTWAIT);
  return n == static_cast<ssize_t>(frame.size());
}

eth::mac_address access_ports::mac(std::uint16_t port) const noexcept {
  if (port >= ports_.size()) return {};
  return ports_[port]->mac;
}

}  // namespace bras::io

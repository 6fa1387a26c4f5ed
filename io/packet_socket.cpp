#include "io/packet_socket.hpp"

#include <linux/if_packet.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <utility>

#include "io/af_packet.hpp"

namespace bras::io {

namespace {

namespace asio = boost::asio;

/// Frames read per recvmmsg call, and calls per wake-up before going back to epoll.
constexpr std::size_t batch = 32;
constexpr int batches_per_wakeup = 8;
/// Room for a jumbo frame; a longer one arrives truncated and is dropped.
constexpr std::size_t frame_capacity = 9216;
using af_packet::control_size;
using af_packet::tag_room;
constexpr int receive_buffer_bytes = 4 * 1024 * 1024;

}  // namespace

struct access_ports::access_port {
  access_port(asio::io_context& io, const std::string& interface) : name{interface}, descriptor{io} {
    const auto opened = af_packet::open_pppoe(name, receive_buffer_bytes);
    descriptor.assign(opened.fd);
    ifindex = opened.ifindex;
    mac = af_packet::mac_of(opened.fd, name);
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
  std::mutex drops_mutex;
  std::uint64_t kernel_dropped = 0;  ///< PACKET_STATISTICS' drops so far (the kernel resets them on each read)
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
      const auto frame = af_packet::restore_vlan_tag(m.msg_hdr, {p.slots[i].data() + tag_room, m.msg_len});
      if (path_ != nullptr) path_->from_access(static_cast<std::uint16_t>(index), frame);
    }
    if (static_cast<std::size_t>(n) < batch) return;
  }
}

std::vector<std::pair<std::string, std::uint64_t>> access_ports::kernel_drops() {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  out.reserve(ports_.size());
  for (auto& p : ports_) {
    std::lock_guard lock{p->drops_mutex};
    tpacket_stats s{};
    socklen_t len = sizeof s;
    if (::getsockopt(p->descriptor.native_handle(), SOL_PACKET, PACKET_STATISTICS, &s, &len) == 0) {
      p->kernel_dropped += s.tp_drops;
    }
    out.emplace_back(p->name, p->kernel_dropped);
  }
  return out;
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

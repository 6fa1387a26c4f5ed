// An AF_PACKET socket on one Ethernet interface for emulated PPPoE
// subscribers: a classic BPF filter lets only PPPoE (0x8863/0x8864, untagged,
// one or two VLAN tags) reach us, frames are read and written in batches
// (recvmmsg/sendmmsg), and the VLAN tag the kernel strips into metadata
// (PACKET_AUXDATA) is put back into the frame, so callers see frames as
// they were on the wire. Promiscuous: the subscribers' MACs are not the
// interface's. Tools only (never linked into brasd).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "protocol/common/bytes.hpp"

namespace bras::emulator {

class packet_link {
 public:
  /// Opens the interface; throws std::system_error naming what failed.
  explicit packet_link(const std::string& interface);
  ~packet_link();
  packet_link(const packet_link&) = delete;
  packet_link& operator=(const packet_link&) = delete;

  [[nodiscard]] int fd() const noexcept { return fd_; }

  /// Reads every frame waiting (in batches) and hands each to `on_frame`
  /// with its VLAN tag restored; returns the number of frames read.
  std::size_t receive(const std::function<void(wire::byte_span)>& on_frame);

  /// Queues a whole Ethernet frame (FCS excluded) for flush().
  void queue(wire::bytes frame) { pending_.push_back(std::move(frame)); }
  [[nodiscard]] bool has_pending() const noexcept { return !pending_.empty(); }
  /// Sends what the kernel takes now; the rest stays queued (poll POLLOUT).
  void flush();

  /// Frames sent and received, and frames the kernel refused (other than "try again").
  std::uint64_t sent = 0;
  std::uint64_t received = 0;
  std::uint64_t send_errors = 0;

 private:
  struct rx_batch;  ///< recvmmsg buffers, allocated once
  int fd_ = -1;
  int ifindex_ = 0;
  std::vector<wire::bytes> pending_;
  std::size_t pending_head_ = 0;  ///< frames of pending_ already sent
  std::unique_ptr<rx_batch> rx_;
};

}  // namespace bras::emulator

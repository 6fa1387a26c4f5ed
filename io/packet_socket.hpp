// The LAC's access interfaces: one AF_PACKET socket per configured interface
// (the PPPoE access ports), feeding the PPPoE data plane on the I/O thread.
//
// A classic BPF filter lets only PPPoE through (Discovery 0x8863 and Session
// 0x8864, untagged or behind one or two VLAN tags), so nothing else wakes the
// I/O thread. The kernel moves the outer 802.1Q/802.1ad tag of a received
// frame into metadata; it is put back into the bytes (PACKET_AUXDATA), so the
// data plane always sees the frame as it was on the wire. Reads are batched
// with recvmmsg (one wake-up, up to `batch` frames per call): the frames are
// small and the per-frame work short, so the syscall count is what matters,
// and recvmmsg gets that without a TPACKET_V3 ring's block timeout latency
// or its memory per port. Sends from other threads (the actors) are one
// send() each; frames the I/O thread sends while it handles a burst (the
// LNS's frames, echo replies) are queued and leave in one sendmmsg after the
// burst's handler returns.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/access.hpp"
#include "dataplane/pppoe_path.hpp"
#include "io/asio.hpp"
#include "model/counters.hpp"

namespace bras::io {

class access_ports final : public dataplane::frame_sender {
 public:
  /// One AF_PACKET socket per interface name (config order = port number);
  /// throws std::system_error naming the interface when it cannot be opened
  /// (brasd then exits 2 with that message).
  access_ports(boost::asio::io_context& io, const std::vector<std::string>& interfaces);
  ~access_ports() override;
  access_ports(const access_ports&) = delete;
  access_ports& operator=(const access_ports&) = delete;

  /// Every received frame goes to path.from_access(port, frame); frames the
  /// kernel refused after a queued send are counted in `stats` (may be null).
  void start(dataplane::pppoe_path& path, model::counters* stats = nullptr);
  /// Stops receiving and sends what is queued.
  void stop();

  /// Each port's interface name and the frames the kernel dropped on its socket since the start (its
  /// receive buffer full: the I/O thread behind), in port order: PACKET_STATISTICS, read (and reset)
  /// now and added up. Any thread.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> kernel_drops();

  bool send(std::uint16_t port, wire::byte_span frame) noexcept override;
  [[nodiscard]] eth::mac_address mac(std::uint16_t port) const noexcept override;

 private:
  struct access_port;
  void wait(std::size_t index);
  /// Reads what is queued on port `index` without blocking, in batches.
  void drain(std::size_t index) noexcept;

  boost::asio::io_context& io_;
  /// Shared: a flush posted to the I/O loop holds a weak reference (it may run after we are gone).
  std::vector<std::shared_ptr<access_port>> ports_;
  dataplane::pppoe_path* path_ = nullptr;
};

}  // namespace bras::io

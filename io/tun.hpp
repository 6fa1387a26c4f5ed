// The tun device every session's IP traffic goes through (IFF_TUN, no packet
// information header). Created and configured by brasd: MTU, the LNS's own
// IPv4 and IPv6 addresses and a route per address pool and per IPv6 prefix
// pool aggregate, so the kernel sends packets for subscribers into it.
//
// With more than one queue (IFF_MULTI_QUEUE, data-plane.tun-queues) the kernel spreads the packets it
// sends into the device over the queues by flow; queue 0 is read on the I/O thread (Asio), each other
// queue by a reader thread of its own. A kernel or an existing device that refuses multi-queue gets
// one queue. Every reader takes packets in bursts (up to dataplane::tun_burst per wake-up), each behind
// dataplane::encap_headroom free bytes in a ring of buffers, so the data plane prepends the L2TP and
// PPP headers without copying it and sends the burst at once. Writing is a plain write() on a
// non-blocking descriptor, safe from any thread, on the queue the packet's source address picks: the
// kernel sends a flow's packets back out on the queue that last wrote it, so a subscriber's traffic
// stays on one queue both ways.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "configs/config.hpp"
#include "dataplane/encap.hpp"
#include "dataplane/transport.hpp"
#include "io/asio.hpp"
#include "protocol/common/bytes.hpp"
#include "protocol/ip/ipv6_prefix.hpp"

namespace bras::io {

/// The device's IPv6 side (empty: none).
struct tun_ipv6 {
  std::optional<ip::ipv6_address> local_address;  ///< the LNS's own address, a /128 (config ipv6.local-address)
  std::vector<ip::ipv6_prefix> routes;            ///< the prefix pools' aggregates (/64s and delegated prefixes)
};

class tun_device final : public dataplane::packet_writer {
 public:
  /// Packets read from one queue, each with headroom; valid until the call returns. Called on the
  /// I/O thread for queue 0 and on a queue's reader thread for the others, at the same time.
  using burst_handler = std::function<void(std::span<dataplane::headroom_packet>)>;

  /// Creates (or attaches to) `name` with `queues` queues (fewer when the kernel or the device refuses
  /// more: queues() says), sets it up; throws std::system_error naming the step that failed.
  tun_device(boost::asio::io_context& io, const std::string& name, std::uint32_t local_address,
             const std::vector<config::ipv4_prefix>& routes, const tun_ipv6& ipv6 = {}, std::uint16_t mtu = 1500,
             unsigned queues = 1);
  ~tun_device() override;
  tun_device(const tun_device&) = delete;
  tun_device& operator=(const tun_device&) = delete;

  /// Starts reading every queue; `on_burst` hears what each reads.
  void start(burst_handler on_burst);
  /// Stops the readers (joins the reader threads); idempotent.
  void stop();
  /// Writes one IP packet; false when the kernel did not take it (queue full, down).
  bool write(wire::byte_span packet) noexcept override;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  /// The queues the device was opened with (1 unless multi-queue was asked for and accepted).
  [[nodiscard]] unsigned queues() const noexcept { return static_cast<unsigned>(queues_.size()); }

 private:
  struct queue;
  /// Opens the device's queues; the first throws when it fails, a later one just ends the list.
  void open_queues(const std::string& name, unsigned count);
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  /// Reads into `q`'s ring from slot `first` until it is full or the queue is empty; the packets read.
  std::size_t fill(queue& q, std::size_t first) noexcept;
  /// A reader thread's loop for queue `index` (>= 1) until stop().
  void run_queue(std::size_t index) noexcept;
  std::string name_;
  std::vector<std::unique_ptr<queue>> queues_;
  boost::asio::posix::stream_descriptor stream_;  ///< queue 0's descriptor, on the I/O thread
  int stop_fd_ = -1;                              ///< an eventfd the reader threads poll with their queue
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> readers_;
  burst_handler on_burst_;
};

}  // namespace bras::io

// The tun device every session's IP traffic goes through (IFF_TUN, no packet
// information header). Created and configured by brasd: MTU, the LNS's own
// IPv4 and IPv6 addresses and a route per address pool and per IPv6 prefix
// pool aggregate, so the kernel sends packets for subscribers into it. Reading runs on the I/O thread (Asio); writing
// is a plain write() on a non-blocking descriptor, safe from any thread. Each packet is read behind
// dataplane::encap_headroom free bytes, so the data plane prepends the L2TP and PPP headers without copying it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
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
  /// Creates (or attaches to) `name`, sets it up; throws std::system_error naming the step that failed.
  tun_device(boost::asio::io_context& io, const std::string& name, std::uint32_t local_address,
             const std::vector<config::ipv4_prefix>& routes, const tun_ipv6& ipv6 = {}, std::uint16_t mtu = 1500);
  ~tun_device() override;
  tun_device(const tun_device&) = delete;
  tun_device& operator=(const tun_device&) = delete;

  /// Starts reading; every packet goes to `on_packet` on the I/O thread, with headroom.
  void start(std::function<void(dataplane::headroom_packet)> on_packet);
  void stop();
  /// Writes one IP packet; false when the kernel did not take it (queue full, down).
  bool write(wire::byte_span packet) noexcept override;
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  void read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  std::string name_;
  int fd_ = -1;
  boost::asio::posix::stream_descriptor stream_;
  std::array<std::byte, dataplane::encap_headroom + 65536> buffer_{};
  std::function<void(dataplane::headroom_packet)> on_packet_;
};

}  // namespace bras::io

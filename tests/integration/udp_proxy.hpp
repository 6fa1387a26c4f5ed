// A UDP impairment proxy for integration tests, on loopback only: it sits
// between an LAC and an LNS, drops, duplicates and delays (so reorders) L2TP
// control messages at the rates given, and records everything it forwards in
// a pcap for tshark.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace bras::test {

struct impairment {
  double loss = 0;       ///< probability a control message is dropped
  double duplicate = 0;  ///< probability it is sent twice
  int max_delay_ms = 0;  ///< uniform random delay, min..max (reorders)
  int min_delay_ms = 0;
  bool control_only = true;
  std::uint32_t seed = 1;
  bool record = false;  ///< keep what the backend sends, for from_backend()
};

class udp_proxy {
 public:
  /// Forwards datagrams arriving on its front port to 127.0.0.1:`backend_port`
  /// and the replies back to whoever sent to the front.
  udp_proxy(std::uint16_t backend_port, impairment imp, std::string pcap_path = {});
  ~udp_proxy();
  [[nodiscard]] std::uint16_t port() const noexcept { return front_port_; }
  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(); }
  [[nodiscard]] std::uint64_t duplicated() const noexcept { return duplicated_.load(); }
  [[nodiscard]] std::uint64_t forwarded() const noexcept { return forwarded_.load(); }
  /// From now on drop everything both ways (an LNS that went silent), or stop doing so.
  void blackhole(bool on) noexcept { blackhole_.store(on); }
  /// With impairment::record: every datagram the backend sent, in arrival order.
  [[nodiscard]] std::vector<std::vector<std::byte>> from_backend() const;

 private:
  void loop();
  int front_ = -1;
  int back_ = -1;
  std::uint16_t front_port_ = 0;
  std::uint16_t backend_port_ = 0;
  impairment imp_;
  std::string pcap_path_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> blackhole_{false};
  std::atomic<std::uint64_t> dropped_{0}, duplicated_{0}, forwarded_{0};
  mutable std::mutex recorded_mutex_;
  std::vector<std::vector<std::byte>> recorded_;
  std::thread thread_;
};

}  // namespace bras::test

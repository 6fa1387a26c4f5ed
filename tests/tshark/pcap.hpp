// Minimal pcap writer for the tshark cross-check: Ethernet / IPv4 / UDP frames.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "protocol/common/bytes.hpp"

namespace bras::test {

class pcap_writer {
 public:
  explicit pcap_writer(const std::string& path);
  /// Appends one Ethernet/IPv4/UDP frame carrying `payload`.
  void udp(wire::byte_span payload, std::uint16_t src_port = 1701, std::uint16_t dst_port = 1701);
  /// Appends a raw Ethernet frame.
  void ethernet(wire::byte_span frame);
  [[nodiscard]] int frames() const noexcept { return frames_; }
  void close() { out_.close(); }

 private:
  void record(const wire::bytes& frame);
  std::ofstream out_;
  int frames_ = 0;
};

}  // namespace bras::test

// Minimal pcap writer for the tshark cross-check (Ethernet / IPv4 / UDP frames), the
// tshark field reader and the fixture the cross-check suites share.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

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

/// One frame as tshark reports it: field name -> all occurrences joined by ','.
using tshark_row = std::map<std::string, std::string>;
/// Field name and the value tshark must report for it.
using tshark_expectations = std::vector<std::pair<std::string, std::string>>;

/// Runs tshark (with extra `options`, e.g. "-o udp.check_checksum:TRUE") on `pcap` and
/// returns, per frame, the value of each field in `names`.
std::vector<tshark_row> run_tshark(const std::string& pcap, const std::vector<std::string>& names,
                                   const std::string& options = {});

/// A suite that writes frames to a per-test pcap and has tshark read them back: tshark
/// must flag nothing as malformed or as an error and report each expected value.
/// KEEP_PCAP=1 keeps the capture for a look with tshark -V.
class tshark_fixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Start of the pcap's file name; the process id and the test's name follow.
  [[nodiscard]] virtual std::string pcap_prefix() const { return "bras-tshark"; }
  /// The pcap, created on first use.
  pcap_writer& writer();
  /// Records what tshark must report for the frame just written.
  void expect_frame(std::string what, tshark_expectations expect);
  /// Runs tshark over every frame written and checks each against its expectations.
  void verify(const std::string& options = {}, const std::vector<std::string>& extra_names = {});

  struct frame_expectation {
    std::string what;
    tshark_expectations expect;
  };
  std::string path_;
  std::unique_ptr<pcap_writer> writer_;
  std::vector<frame_expectation> frames_;
};

}  // namespace bras::test

// bras-loadgen's run report: what both modes (emulated LACs over L2TP, and
// PPPoE subscribers on an interface) measure, printed as text and as JSON.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bras::loadgen {

/// Load traffic (ICMP Echo) counted over a run.
struct traffic_report {
  std::uint64_t sent = 0, received = 0, sent_bytes = 0, received_bytes = 0;
  double held_seconds = 0, held_sent_pps = 0, held_received_pps = 0;
  [[nodiscard]] double loss_percent() const {
    return sent == 0 ? 0 : 100.0 * static_cast<double>(sent - std::min(sent, received)) / static_cast<double>(sent);
  }
};

struct run_report {
  unsigned sessions = 0;  ///< asked for
  unsigned up = 0;
  unsigned failed = 0;
  double seconds = 0;                        ///< from the first start to the last set-up result
  std::vector<double> latency_ms;            ///< set-up latency of each established session
  std::map<long, unsigned> per_second;       ///< sessions established in each second since the start
  std::map<std::string, unsigned> failures;  ///< by cause
  bool traffic = false;                      ///< --traffic was given
  double traffic_pps = 0;
  unsigned traffic_size = 0;
  traffic_report tr;
  /// Mode-specific lines (after the common ones) and JSON members (`"name": value`, comma-free).
  std::vector<std::string> extra_lines;
  std::vector<std::string> extra_json;
};

/// Prints the report to stdout; writes it as JSON to `json_path` unless empty.
void print_report(run_report r, const std::string& json_path);

}  // namespace bras::loadgen

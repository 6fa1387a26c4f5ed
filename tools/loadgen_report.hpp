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
  /// ICMPv6 Echo (--ipv6 --traffic-dest6); the counts above are IPv4.
  bool ipv6 = false;
  std::uint64_t sent_v6 = 0, received_v6 = 0, sent_v6_bytes = 0, received_v6_bytes = 0, received_v6_from_pd = 0;
  [[nodiscard]] double loss_percent() const {
    return sent == 0 ? 0 : 100.0 * static_cast<double>(sent - std::min(sent, received)) / static_cast<double>(sent);
  }
};

/// --ipv6: RS/RA, SLAAC and DHCPv6-PD after IPv6CP.
struct ipv6_report {
  bool enabled = false;
  bool prefix_delegation = true;
  unsigned ready = 0;                        ///< sessions with their SLAAC address (and delegated prefix)
  double seconds = 0;                        ///< from the first start to the last v6 outcome (dual-stack rate's span)
  std::map<std::string, unsigned> failures;  ///< by stage: "no RA", "no DHCPv6 reply", "NoPrefixAvail", ...
  std::vector<double> ra_latency_ms;         ///< IPv6CP up to the RA
  std::vector<double> dhcpv6_latency_ms;     ///< first Solicit to the binding Reply
  std::vector<std::string> prefixes;         ///< each ready session's /64
  std::vector<std::string> delegated_prefixes;
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
  ipv6_report v6;
  /// Mode-specific lines (after the common ones) and JSON members (`"name": value`, comma-free).
  std::vector<std::string> extra_lines;
  std::vector<std::string> extra_json;
};

/// Prints the report to stdout; writes it as JSON to `json_path` unless empty.
void print_report(run_report r, const std::string& json_path);

}  // namespace bras::loadgen

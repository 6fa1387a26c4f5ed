#include "tools/loadgen_report.hpp"

#include <cstdio>
#include <fstream>

namespace bras::loadgen {

namespace {

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

void print_report(run_report r, const std::string& json_path) {
  double min_rate = 0, max_rate = 0, sum_rate = 0;
  if (!r.per_second.empty()) {
    min_rate = 1e18;
    const long last = r.per_second.rbegin()->first;
    for (long s = 0; s <= last; ++s) {
      const double rate = r.per_second.count(s) ? r.per_second[s] : 0;
      min_rate = std::min(min_rate, rate);
      max_rate = std::max(max_rate, rate);
      sum_rate += rate;
    }
  }
  const double avg_rate = r.per_second.empty() ? 0 : sum_rate / static_cast<double>(r.per_second.rbegin()->first + 1);
  const double overall = r.seconds > 0 ? r.up / r.seconds : 0;
  auto& lat = r.latency_ms;
  const double p50 = percentile(lat, 0.50), p90 = percentile(lat, 0.90), p99 = percentile(lat, 0.99),
               max = lat.empty() ? 0 : lat.back();
  const auto& tr = r.tr;
  std::printf("sessions: %u established, %u failed of %u in %.2f s\n", r.up, r.failed, r.sessions, r.seconds);
  std::printf("setup rate: %.1f/s overall; per second min %.0f avg %.1f max %.0f\n", overall, min_rate, avg_rate,
              max_rate);
  std::printf("setup latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f\n", p50, p90, p99, max);
  for (const auto& [why, n] : r.failures) std::printf("failed: %u %s\n", n, why.c_str());
  if (r.traffic) {
    std::printf("traffic: %llu sent, %llu received (%.2f %% lost); while held %.0f pps sent, %.0f pps received\n",
                static_cast<unsigned long long>(tr.sent), static_cast<unsigned long long>(tr.received),
                tr.loss_percent(), tr.held_sent_pps, tr.held_received_pps);
  }
  for (const auto& line : r.extra_lines) std::printf("%s\n", line.c_str());
  if (json_path.empty()) return;
  std::ofstream out{json_path};
  out << "{\"sessions\": " << r.sessions << ", \"established\": " << r.up << ", \"failed\": " << r.failed
      << ", \"seconds\": " << r.seconds << ",\n \"setup_rate_cps\": {\"overall\": " << overall
      << ", \"min\": " << min_rate << ", \"avg\": " << avg_rate << ", \"max\": " << max_rate
      << "},\n \"setup_latency_ms\": {\"p50\": " << p50 << ", \"p90\": " << p90 << ", \"p99\": " << p99
      << ", \"max\": " << max << "},\n";
  if (r.traffic) {
    out << " \"traffic\": {\"pps_per_session\": " << r.traffic_pps << ", \"packet_size\": " << r.traffic_size
        << ", \"sent\": " << tr.sent << ", \"received\": " << tr.received << ", \"sent_bytes\": " << tr.sent_bytes
        << ", \"received_bytes\": " << tr.received_bytes << ", \"loss_percent\": " << tr.loss_percent()
        << ", \"held_seconds\": " << tr.held_seconds << ", \"held_sent_pps\": " << tr.held_sent_pps
        << ", \"held_received_pps\": " << tr.held_received_pps << "},\n";
  }
  for (const auto& member : r.extra_json) out << " " << member << ",\n";
  out << " \"failures\": {";
  bool first = true;
  for (const auto& [why, n] : r.failures) {
    std::string escaped;
    for (char c : why) {
      if (c == '"' || c == '\\') escaped += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
    }
    out << (first ? "" : ", ") << "\"" << escaped << "\": " << n;
    first = false;
  }
  out << "}}\n";
}

}  // namespace bras::loadgen

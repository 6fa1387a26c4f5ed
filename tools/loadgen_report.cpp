#include "tools/loadgen_report.hpp"

#include <cstdio>
#include <fstream>
#include <ostream>

namespace bras::loadgen {

namespace {

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

struct latency_summary {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
};

latency_summary summarize(std::vector<double>& v) {
  latency_summary s{percentile(v, 0.50), percentile(v, 0.90), percentile(v, 0.99), 0};
  s.max = v.empty() ? 0 : v.back();
  return s;
}

std::ostream& operator<<(std::ostream& out, const latency_summary& s) {
  return out << "{\"p50\": " << s.p50 << ", \"p90\": " << s.p90 << ", \"p99\": " << s.p99 << ", \"max\": " << s.max
             << "}";
}

std::size_t distinct(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return static_cast<std::size_t>(std::unique(v.begin(), v.end()) - v.begin());
}

std::string json_string(const std::string& s) {
  std::string escaped = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') escaped += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) escaped += c;
  }
  return escaped + "\"";
}

void write_strings(std::ostream& out, const std::vector<std::string>& v) {
  out << "[";
  for (std::size_t i = 0; i < v.size(); ++i) out << (i ? ", " : "") << json_string(v[i]);
  out << "]";
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
  auto& v6 = r.v6;
  const auto ra = summarize(v6.ra_latency_ms), dhcp = summarize(v6.dhcpv6_latency_ms);
  const auto prefixes_distinct = distinct(v6.prefixes), delegated_distinct = distinct(v6.delegated_prefixes);
  if (v6.enabled) {
    std::printf(
        "ipv6: %u ready of %u established in %.2f s (dual stack: %.0f/s); %zu distinct /64s, %zu distinct "
        "delegated prefixes\n",
        v6.ready, r.up, v6.seconds, v6.seconds > 0 ? v6.ready / v6.seconds : 0.0, prefixes_distinct,
        delegated_distinct);
    std::printf("ipv6 RA latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f\n", ra.p50, ra.p90, ra.p99, ra.max);
    if (v6.prefix_delegation) {
      std::printf("ipv6 DHCPv6-PD latency ms: p50 %.1f p90 %.1f p99 %.1f max %.1f\n", dhcp.p50, dhcp.p90, dhcp.p99,
                  dhcp.max);
    }
    for (const auto& [why, n] : v6.failures) std::printf("ipv6 failed: %u %s\n", n, why.c_str());
  }
  if (r.traffic && tr.ipv6) {
    std::printf("traffic v6: %llu sent, %llu received (%llu to the delegated prefix)\n",
                static_cast<unsigned long long>(tr.sent_v6), static_cast<unsigned long long>(tr.received_v6),
                static_cast<unsigned long long>(tr.received_v6_from_pd));
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
        << ", \"held_received_pps\": " << tr.held_received_pps;
    if (tr.ipv6) {
      out << ", \"sent_v6\": " << tr.sent_v6 << ", \"received_v6\": " << tr.received_v6
          << ", \"sent_v6_bytes\": " << tr.sent_v6_bytes << ", \"received_v6_bytes\": " << tr.received_v6_bytes
          << ", \"received_v6_from_pd\": " << tr.received_v6_from_pd;
    }
    out << "},\n";
  }
  if (v6.enabled) {
    out << " \"ipv6\": {\"ready\": " << v6.ready << ", \"seconds\": " << v6.seconds
        << ", \"ready_rate_cps\": " << (v6.seconds > 0 ? v6.ready / v6.seconds : 0.0)
        << ", \"prefix_delegation\": " << (v6.prefix_delegation ? "true" : "false") << ", \"ra_latency_ms\": " << ra
        << ", \"dhcpv6_latency_ms\": " << dhcp << ",\n  \"failures\": {";
    bool first_failure = true;
    for (const auto& [why, n] : v6.failures) {
      out << (first_failure ? "" : ", ") << json_string(why) << ": " << n;
      first_failure = false;
    }
    out << "},\n  \"v6_prefixes\": ";
    write_strings(out, v6.prefixes);
    out << ",\n  \"delegated_prefixes\": ";
    write_strings(out, v6.delegated_prefixes);
    // Also at the top level: what the tests check.
    out << "},\n \"v6_ready\": " << v6.ready << ", \"v6_prefixes_distinct\": " << prefixes_distinct
        << ", \"delegated_prefixes_distinct\": " << delegated_distinct << ",\n";
  }
  for (const auto& member : r.extra_json) out << " " << member << ",\n";
  out << " \"failures\": {";
  bool first = true;
  for (const auto& [why, n] : r.failures) {
    out << (first ? "" : ", ") << json_string(why) << ": " << n;
    first = false;
  }
  out << "}}\n";
}

}  // namespace bras::loadgen

#include "metrics/families.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace bras::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

/// RFC 3145 PPP Disconnect Cause codes as label values (the code itself is the label `cause`, this the `reason`).
constexpr std::array<std::string_view, 21> cause_names{
    "none",
    "admin",
    "lcp-renegotiation-disabled",
    "normal",
    "compulsory-encryption-refused",
    "lcp-fsm-timeout",
    "lcp-no-packets",
    "lcp-loopback",
    "echo-timeout",
    "unexpected-endpoint-discriminator",
    "unexpected-mrru",
    "unexpected-short-sequence",
    "callback-refused",
    "auth-fsm-timeout",
    "unexpected-authenticated-name",
    "auth-protocol-unacceptable",
    "auth-failed",
    "ncp-fsm-timeout",
    "no-ncp",
    "no-acceptable-address",
    "no-address-permitted",
};

class builder {
 public:
  /// Starts a family; the following add() calls fill it.
  builder& family(std::string name, std::string help, MetricType type) {
    out_.push_back(MetricFamily{std::move(name), std::move(help), type, {}});
    return *this;
  }
  builder& add(double value, std::vector<ClientMetric::Label> labels = {}) {
    ClientMetric m;
    m.label = std::move(labels);
    if (out_.back().type == MetricType::Counter) {
      m.counter.value = value;
    } else {
      m.gauge.value = value;
    }
    out_.back().metric.push_back(std::move(m));
    return *this;
  }
  std::vector<MetricFamily> take() { return std::move(out_); }

 private:
  std::vector<MetricFamily> out_;
};

double v(const std::atomic<std::uint64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}
double v(const std::atomic<std::int64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

}  // namespace

process_figures read_process_figures() {
  process_figures p;
  std::ifstream stat{"/proc/self/stat"};
  std::string line;
  if (!std::getline(stat, line)) return p;
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return p;
  std::istringstream rest{line.substr(close + 2)};
  std::vector<std::string> f{std::istream_iterator<std::string>{rest}, std::istream_iterator<std::string>{}};
  // f[0] is field 3 (state): utime 14, stime 15, num_threads 20, starttime 22, vsize 23, rss 24.
  if (f.size() < 22) return p;
  const double tick = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  p.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / tick;
  p.threads = std::stod(f[17]);
  p.virtual_bytes = std::stod(f[20]);
  p.resident_bytes = std::stod(f[21]) * page;
  std::ifstream up{"/proc/uptime"};
  double uptime = 0;
  up >> uptime;
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  p.start_time_seconds = now - uptime + std::stod(f[19]) / tick;
  std::error_code ec;
  double fds = 0;
  for (auto it = std::filesystem::directory_iterator{"/proc/self/fd", ec};
       !ec && it != std::filesystem::directory_iterator{}; it.increment(ec)) {
    ++fds;
  }
  p.open_fds = fds;
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) p.max_fds = static_cast<double>(rl.rlim_cur);
  p.valid = true;
  return p;
}

std::vector<MetricFamily> render(const model::counters& c, const scrape_inputs& in) {
  builder b;
  const auto C = MetricType::Counter;
  const auto G = MetricType::Gauge;
  b.family("brasd_build_info", "brasd version (the value is always 1)", G)
      .add(1, {{"version", std::string{in.version}}});

  // L2TP control plane (RFC 3371 vocabulary: control connections are tunnels, calls are sessions).
  b.family("brasd_l2tp_tunnels", "L2TP tunnels that exist now (being set up, established or closing)", G)
      .add(v(c.tunnels_active));
  b.family("brasd_l2tp_tunnel_setups_total", "L2TP tunnel set-ups by result", C)
      .add(v(c.tunnels_established), {{"result", "established"}})
      .add(v(c.tunnels_refused), {{"result", "refused"}})
      .add(v(c.tunnel_auth_failures), {{"result", "auth-failed"}});
  b.family("brasd_l2tp_tunnels_created_total", "L2TP tunnel actors created (either direction)", C)
      .add(v(c.tunnels_created));
  b.family("brasd_l2tp_tunnels_destroyed_total", "L2TP tunnels ended, for any reason", C).add(v(c.tunnels_destroyed));
  b.family("brasd_l2tp_tunnel_failures_total",
           "L2TP tunnels lost to the transport (retransmissions exhausted, HELLO unanswered)", C)
      .add(v(c.tunnels_failed));
  b.family("brasd_l2tp_sessions", "L2TP sessions that exist now", G).add(v(c.sessions_active));
  b.family("brasd_l2tp_session_setups_total", "L2TP session set-ups by result", C)
      .add(v(c.sessions_established), {{"result", "established"}})
      .add(v(c.sessions_refused), {{"result", "refused"}});
  b.family("brasd_l2tp_sessions_created_total", "L2TP session actors created", C).add(v(c.sessions_created));
  b.family("brasd_l2tp_sessions_destroyed_total", "L2TP sessions ended, for any reason", C)
      .add(v(c.sessions_destroyed));
  b.family("brasd_l2tp_received_datagrams_total", "UDP datagrams received on the local gateways", C)
      .add(v(c.rx_datagrams));
  b.family("brasd_l2tp_dropped_datagrams_total", "received datagrams dropped, by reason", C)
      .add(v(c.rx_malformed), {{"reason", "malformed"}})
      .add(v(c.rx_unknown_tunnel), {{"reason", "unknown-tunnel"}})
      .add(v(c.rx_unknown_session), {{"reason", "unknown-session"}})
      .add(v(c.rx_wrong_peer), {{"reason", "wrong-peer"}});
  b.family("brasd_l2tp_send_failures_total", "datagrams the kernel did not take", C).add(v(c.tx_failures));
  b.family("brasd_l2tp_fsm_errors_total", "events the RFC 2661 state tables do not allow in the current state", C)
      .add(v(c.fsm_protocol_errors));

  // PPP and AAA.
  b.family("brasd_ppp_sessions", "sessions with a network protocol (IPCP or IPv6CP) open now", G).add(v(c.ppp_active));
  b.family("brasd_ppp_sessions_up_total", "sessions whose first network protocol opened", C).add(v(c.ppp_up));
  b.family("brasd_ppp_disconnects_total", "PPP sessions ended, by RFC 3145 disconnect cause", C);
  for (std::size_t i = 0; i < c.disconnect_causes.size(); ++i) {
    const std::string code = i + 1 == c.disconnect_causes.size() ? "other" : std::to_string(i);
    const std::string reason = i < cause_names.size() ? std::string{cause_names[i]} : "other";
    b.add(v(c.disconnect_causes[i]), {{"cause", code}, {"reason", reason}});
  }
  b.family("brasd_ppp_malformed_frames_total", "undecodable PPP control frames (dropped)", C).add(v(c.ppp_malformed));
  b.family("brasd_aaa_authentications_total", "authentication verdicts", C)
      .add(v(c.auth_accepts), {{"result", "accept"}})
      .add(v(c.auth_rejects), {{"result", "reject"}})
      .add(v(c.aaa_timeouts), {{"result", "timeout"}});
  b.family("brasd_address_pool_addresses", "addresses a pool can hand out", G);
  for (const auto& p : in.pools) b.add(static_cast<double>(p.size), {{"pool", p.name}});
  b.family("brasd_address_pool_used_addresses", "addresses of a pool in use", G);
  for (const auto& p : in.pools) b.add(static_cast<double>(p.in_use), {{"pool", p.name}});
  b.family("brasd_address_pool_exhausted_total", "address requests a pool could not serve", C).add(v(c.pool_exhausted));

  // Data plane.
  b.family("brasd_data_packets_total", "subscriber IP packets forwarded, by direction", C)
      .add(v(c.data_rx_packets), {{"direction", "from-subscriber"}})
      .add(v(c.data_tx_packets), {{"direction", "to-subscriber"}});
  b.family("brasd_data_bytes_total", "subscriber IP bytes forwarded, by direction", C)
      .add(v(c.data_rx_bytes), {{"direction", "from-subscriber"}})
      .add(v(c.data_tx_bytes), {{"direction", "to-subscriber"}});
  b.family("brasd_data_dropped_packets_total", "data packets dropped, by reason", C)
      .add(v(c.data_rx_unknown_session), {{"reason", "unknown-session"}})
      .add(v(c.data_rx_spoofed), {{"reason", "spoofed-source"}})
      .add(v(c.data_rx_not_up), {{"reason", "ncp-not-open"}})
      .add(v(c.data_rx_malformed), {{"reason", "malformed"}})
      .add(v(c.data_tun_no_route), {{"reason", "no-session-for-destination"}})
      .add(v(c.data_tun_write_errors), {{"reason", "tun-write"}})
      .add(v(c.data_tx_errors), {{"reason", "send"}});
  b.family("brasd_data_mss_clamped_total", "TCP SYNs whose MSS was lowered", C).add(v(c.data_mss_clamped));
  b.family("brasd_data_fragmented_total", "IPv4 packets fragmented to the subscriber's MTU", C)
      .add(v(c.data_fragmented));
  b.family("brasd_data_icmp_too_big_total", "ICMP fragmentation-needed / ICMPv6 packet-too-big sent", C)
      .add(v(c.data_icmp_sent));

  // Per-session families (behind metrics.per-session, capped): one series per session
  // and family, built from the session table's in-place counters at scrape time.
  if (in.sessions != nullptr) {
    struct row {
      std::vector<ClientMetric::Label> labels;
      double rx_packets, rx_bytes, tx_packets, tx_bytes, dropped;
    };
    std::vector<row> rows;
    const auto shown = in.sessions->visit_bound(in.per_session_limit, [&](const dataplane::data_session& s) {
      rows.push_back({{{"tunnel_id", std::to_string(s.local_tunnel_id)},
                       {"session_id", std::to_string(s.local_session_id)},
                       {"user", s.user}},
                      v(s.rx_packets),
                      v(s.rx_bytes),
                      v(s.tx_packets),
                      v(s.tx_bytes),
                      v(s.rx_errors)});
    });
    const auto per = [&](const char* name, const char* help, double row::*field) {
      b.family(name, help, C);
      for (const auto& r : rows) b.add(r.*field, r.labels);
    };
    per("brasd_session_received_packets_total", "IP packets from this subscriber", &row::rx_packets);
    per("brasd_session_received_bytes_total", "IP bytes from this subscriber", &row::rx_bytes);
    per("brasd_session_sent_packets_total", "IP packets to this subscriber", &row::tx_packets);
    per("brasd_session_sent_bytes_total", "IP bytes to this subscriber", &row::tx_bytes);
    per("brasd_session_dropped_packets_total", "packets from this subscriber dropped (spoofed, NCP down)",
        &row::dropped);
    b.family("brasd_session_series_truncated", "1 when metrics.per-session-limit cut the per-session families", G)
        .add(in.sessions->ipv4_bindings() > shown ? 1 : 0);
  }

  // Shard load.
  b.family("brasd_shard_tunnels", "tunnels routed by each shard", G);
  for (std::size_t i = 0; i < in.shards.size(); ++i) {
    b.add(static_cast<double>(in.shards[i].tunnels), {{"shard", std::to_string(i)}});
  }
  b.family("brasd_shard_mailbox_messages", "messages queued for each shard actor at scrape time", G);
  for (std::size_t i = 0; i < in.shards.size(); ++i) {
    b.add(static_cast<double>(in.shards[i].mailbox), {{"shard", std::to_string(i)}});
  }

  // Process (the standard names of Prometheus client libraries).
  const auto& p = in.process;
  if (p.valid) {
    b.family("process_cpu_seconds_total", "user and system CPU time of the process", C).add(p.cpu_seconds);
    b.family("process_resident_memory_bytes", "resident memory", G).add(p.resident_bytes);
    b.family("process_virtual_memory_bytes", "virtual memory", G).add(p.virtual_bytes);
    b.family("process_open_fds", "open file descriptors", G).add(p.open_fds);
    b.family("process_max_fds", "the file descriptor limit", G).add(p.max_fds);
    b.family("process_start_time_seconds", "start time, seconds since the epoch", G).add(p.start_time_seconds);
    b.family("process_threads", "threads of the process", G).add(p.threads);
  }
  return b.take();
}

}  // namespace bras::metrics

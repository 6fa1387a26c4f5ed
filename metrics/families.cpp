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

#include "metrics/aaa_families.hpp"
#include "metrics/family_builder.hpp"

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

double v(const std::atomic<std::uint64_t>& a) {
  return static_cast<double>(a.load(std::memory_order_relaxed));
}

/// The per-session, shard and process families, after the counters.
void render_sessions_shards_process(family_builder& b, const scrape_inputs& in) {
  const auto C = MetricType::Counter;
  const auto G = MetricType::Gauge;
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
  b.family("brasd_shard_tunnel_ids_in_use",
           "tunnel IDs each shard has handed out and not taken back (closing tunnels too)", G);
  for (std::size_t i = 0; i < in.shards.size(); ++i) {
    b.add(static_cast<double>(in.shards[i].tunnel_ids_in_use), {{"shard", std::to_string(i)}});
  }
  b.family("brasd_shard_mailbox_messages",
           "datagrams queued for each shard actor (from the I/O thread and the acceptor) at scrape time", G);
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
  const auto& m = in.memory;
  b.family("brasd_heap_bytes", "the heap (glibc's arenas, mallinfo2): in use, and freed but kept", G)
      .add(static_cast<double>(m.heap_in_use), {{"state", "in-use"}})
      .add(static_cast<double>(m.heap_free), {{"state", "free"}});
  b.family("brasd_memory_trims_total", "heap trims after sessions or tunnels ended in bulk (malloc_trim)", C)
      .add(static_cast<double>(m.trims));
  b.family("brasd_memory_trimmed_bytes_total", "resident memory the heap trims gave back to the kernel", C)
      .add(static_cast<double>(m.trimmed_bytes));
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

namespace {

/// IPv4 pools in the address-pool families; IPv6 pools (a /64 per session, or delegated
/// prefixes) in the prefix-pool families, labelled by kind as brasd_prefix_pool_exhausted_total.
void render_pools(family_builder& b, const std::vector<model::pool_usage>& pools) {
  const auto G = MetricType::Gauge;
  const auto ipv4 = [](const model::pool_usage& p) { return p.family == "ipv4"; };
  b.family("brasd_address_pool_addresses", "addresses a pool can hand out", G);
  for (const auto& p : pools) {
    if (ipv4(p)) b.add(static_cast<double>(p.size), {{"pool", p.name}});
  }
  b.family("brasd_address_pool_used_addresses", "addresses of a pool in use", G);
  for (const auto& p : pools) {
    if (ipv4(p)) b.add(static_cast<double>(p.in_use), {{"pool", p.name}});
  }
  b.family("brasd_prefix_pool_prefixes", "IPv6 prefixes a pool can hand out, by kind", G);
  for (const auto& p : pools) {
    if (!ipv4(p)) b.add(static_cast<double>(p.size), {{"pool", p.name}, {"kind", p.family}});
  }
  b.family("brasd_prefix_pool_used_prefixes", "IPv6 prefixes of a pool in use, by kind", G);
  for (const auto& p : pools) {
    if (!ipv4(p)) b.add(static_cast<double>(p.in_use), {{"pool", p.name}, {"kind", p.family}});
  }
}

/// Families from the other inputs, at their FAMILIES(...) lines of BRAS_MODEL_COUNTERS.
void render_slot(family_builder& b, model::counter_slot slot, const model::counters& c, const scrape_inputs& in) {
  const auto C = MetricType::Counter;
  const auto G = MetricType::Gauge;
  switch (slot) {
    case model::counter_slot::none: return;
    case model::counter_slot::build_info:
      b.family("brasd_build_info", "brasd version (the value is always 1)", G)
          .add(1, {{"version", std::string{in.version}}});
      return;
    case model::counter_slot::disconnect_causes:
      b.family("brasd_ppp_disconnects_total", "PPP sessions ended, by RFC 3145 disconnect cause", C);
      for (std::size_t i = 0; i < c.disconnect_causes.size(); ++i) {
        const std::string code = i + 1 == c.disconnect_causes.size() ? "other" : std::to_string(i);
        const std::string reason = i < cause_names.size() ? std::string{cause_names[i]} : "other";
        b.add(v(c.disconnect_causes[i]), {{"cause", code}, {"reason", reason}});
      }
      return;
    case model::counter_slot::address_pools: render_pools(b, in.pools); return;
    case model::counter_slot::sessions_shards_process: render_sessions_shards_process(b, in); return;
  }
}

/// The configuration reloads (SIGHUP).
void render_config(family_builder& b, const config_figures& f) {
  b.family("brasd_config_reloads_total", "configuration reloads (SIGHUP), by result", MetricType::Counter)
      .add(static_cast<double>(f.applied), {{"result", "applied"}})
      .add(static_cast<double>(f.refused), {{"result", "refused"}})
      .add(static_cast<double>(f.skipped), {{"result", "skipped"}});
  b.family("brasd_config_last_reload_successful", "1 unless the last reload's file did not load", MetricType::Gauge)
      .add(f.last_successful ? 1 : 0);
  b.family("brasd_config_restart_pending_settings",
           "settings changed in the configuration file since the start, in force after a restart", MetricType::Gauge)
      .add(static_cast<double>(f.pending));
}

}  // namespace

std::vector<MetricFamily> render(const model::counters& c, const scrape_inputs& in) {
  std::vector<MetricFamily> out;
  family_builder b{out};
  std::string_view open_family;
  for (const auto& row : model::counter_rows) {
    if (row.row_kind == model::counter_row::kind::families) {
      render_slot(b, row.slot, c, in);
      open_family = {};
      continue;
    }
    if (row.family != open_family) {
      const auto type = row.row_kind == model::counter_row::kind::counter ? MetricType::Counter : MetricType::Gauge;
      b.family(std::string{row.family}, std::string{row.help}, type);
      open_family = row.family;
    }
    std::vector<ClientMetric::Label> labels;
    if (!row.label.empty()) labels.push_back({std::string{row.label}, std::string{row.label_value}});
    b.add(row.read(c), std::move(labels));
  }
  render_config(b, in.config);
  b.family("brasd_io_log_lines_lost_total",
           "log lines stderr did not take (the log's disk full, a closed pipe): dropped, not retried",
           MetricType::Counter)
      .add(static_cast<double>(in.log_lines_lost));
  b.family("brasd_io_accept_failures_total",
           "connections a listener could not accept (out of file descriptors, say; retried every 100 ms), by listener",
           MetricType::Counter)
      .add(static_cast<double>(in.accept_failures_cli), {{"listener", "cli"}})
      .add(static_cast<double>(in.accept_failures_metrics), {{"listener", "metrics"}});
  b.family("brasd_pppoe_socket_dropped_frames_total",
           "frames the kernel dropped on a full PPPoE access socket receive buffer (PACKET_STATISTICS), by interface",
           MetricType::Counter);
  for (const auto& [name, drops] : in.access_kernel_drops) b.add(static_cast<double>(drops), {{"interface", name}});
  append_aaa_families(out, in.aaa);
  return out;
}

}  // namespace bras::metrics

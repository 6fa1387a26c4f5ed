// Every metric family brasd exports, declared in one place (docs/metrics.md
// lists them). The families are built at scrape time from counters the hot
// paths increment in place (model/counters.hpp) and from a few gauges asked
// of the actors, so a scrape costs the same at 10 or 100,000 sessions and
// nothing builds label maps per packet.
#pragma once

#include <prometheus/metric_family.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/session_table.hpp"
#include "model/aaa.hpp"
#include "model/counters.hpp"
#include "model/query.hpp"

namespace bras::metrics {

/// The process figures (Linux /proc), read at scrape time by process_figures().
struct process_figures {
  bool valid = false;
  double cpu_seconds = 0;
  double resident_bytes = 0;
  double virtual_bytes = 0;
  double open_fds = 0;
  double max_fds = 0;
  double start_time_seconds = 0;
  double threads = 0;
};

/// Reads /proc/self: CPU time, memory, descriptors, threads, start time.
[[nodiscard]] process_figures read_process_figures();

/// The heap (mallinfo2) and what the trims after mass teardowns gave back (daemon/memory_trim.hpp).
struct memory_figures {
  std::uint64_t heap_in_use = 0;
  std::uint64_t heap_free = 0;
  std::uint64_t trims = 0;
  std::uint64_t trimmed_bytes = 0;
};

/// The configuration file's reloads (SIGHUP: daemon/reload.hpp).
struct config_figures {
  std::uint64_t applied = 0;    ///< reloads that loaded (their log levels applied)
  std::uint64_t refused = 0;    ///< reloads of a file that did not load: nothing changed
  std::uint64_t skipped = 0;    ///< reloads with no file (the embedded default)
  bool last_successful = true;  ///< the last reload loaded (true before any)
  std::size_t pending = 0;      ///< settings changed in the file since the start, in force after a restart
};

/// What a scrape reports besides the instance counters.
struct scrape_inputs {
  process_figures process;
  std::vector<model::pool_usage> pools;
  std::vector<model::shard_counts> shards;  ///< index = shard number
  std::string_view version;
  const dataplane::session_table* sessions = nullptr;  ///< set to export the per-session families
  std::size_t per_session_limit = 0;
  config_figures config;
  memory_figures memory;
  std::uint64_t log_lines_lost = 0;           ///< log lines stderr did not take (io/log_sink.hpp)
  std::uint64_t accept_failures_cli = 0;      ///< connections the CLI socket could not accept
  std::uint64_t accept_failures_metrics = 0;  ///< connections the /metrics listener could not accept
  /// PPPoE access interfaces (LAC): name and frames the kernel dropped on its socket.
  std::vector<std::pair<std::string, std::uint64_t>> access_kernel_drops;
  model::aaa_snapshot aaa;  ///< RADIUS servers, the accounting spool, CoA (the query actor's aaa_stats_atom)
};

/// The aggregate families for one scrape: a pure function of its inputs.
[[nodiscard]] std::vector<prometheus::MetricFamily> render(const model::counters& c, const scrape_inputs& in);

}  // namespace bras::metrics

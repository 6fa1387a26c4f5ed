// Every metric family brasd exports, declared in one place (docs/metrics.md
// lists them). The families are built at scrape time from counters the hot
// paths increment in place (model/counters.hpp) and from a few gauges asked
// of the actors, so a scrape costs the same at 10 or 100,000 sessions and
// nothing builds label maps per packet.
#pragma once

#include <prometheus/metric_family.h>

#include <string_view>
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

/// What a scrape reports besides the instance counters.
struct scrape_inputs {
  process_figures process;
  std::vector<model::pool_usage> pools;
  std::vector<model::shard_counts> shards;  ///< index = shard number
  std::string_view version;
  const dataplane::session_table* sessions = nullptr;  ///< set to export the per-session families
  std::size_t per_session_limit = 0;
  model::aaa_snapshot aaa;  ///< RADIUS servers, the accounting spool, CoA (the query actor's aaa_stats_atom)
};

/// The aggregate families for one scrape: a pure function of its inputs.
[[nodiscard]] std::vector<prometheus::MetricFamily> render(const model::counters& c, const scrape_inputs& in);

}  // namespace bras::metrics

// The RADIUS, accounting spool and CoA families (docs/metrics.md), from the
// aaa_snapshot the query actor gathers at scrape time. The spool and CoA
// families are exported by every brasd (at 0 without RADIUS), like the PPPoE
// ones, so dashboards and alerts need no special case; the per-server and
// per-service families have one series per configured server or group.
#include "metrics/aaa_families.hpp"

#include "metrics/family_builder.hpp"

#include <limits>
#include <string>
#include <utility>

namespace bras::metrics {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;
using labels = std::vector<ClientMetric::Label>;

double d(std::uint64_t v) {
  return static_cast<double>(v);
}

/// The groups that have servers, with their `service` label value.
std::vector<std::pair<std::string, const model::radius_client_snapshot*>> groups(const model::aaa_snapshot& s) {
  std::vector<std::pair<std::string, const model::radius_client_snapshot*>> out;
  if (!s.authentication.servers.empty()) out.emplace_back("authentication", &s.authentication);
  if (!s.accounting.servers.empty()) out.emplace_back("accounting", &s.accounting);
  return out;
}

/// Prometheus buckets are cumulative; the snapshot counts per bucket (the last one +Inf).
ClientMetric::Histogram latency(const model::radius_server_snapshot& r) {
  ClientMetric::Histogram h;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < model::radius_latency_bounds.size(); ++i) {
    running += r.latency_buckets[i];
    h.bucket.push_back({running, model::radius_latency_bounds[i]});
  }
  running += r.latency_buckets.back();
  h.bucket.push_back({running, std::numeric_limits<double>::infinity()});
  h.sample_count = running;
  h.sample_sum = r.latency_sum_seconds;
  return h;
}

void render_servers(family_builder& b, const model::aaa_snapshot& s) {
  const auto C = MetricType::Counter;
  const auto G = MetricType::Gauge;
  const auto all = groups(s);
  /// One series per server of every group, `value` read from its snapshot.
  const auto per_server = [&](const char* name, const char* help, MetricType type, auto value) {
    b.family(name, help, type);
    for (const auto& [service, group] : all) {
      for (const auto& r : group->servers) b.add(value(r), {{"service", service}, {"server", r.name}});
    }
  };
  using server = model::radius_server_snapshot;
  per_server("brasd_radius_requests_total", "RADIUS requests sent to the server (first transmissions)", C,
             [](const server& r) { return d(r.requests); });
  per_server("brasd_radius_retransmissions_total", "RADIUS requests sent again to the same server", C,
             [](const server& r) { return d(r.retransmissions); });
  per_server("brasd_radius_timeouts_total", "RADIUS requests whose every attempt on the server timed out", C,
             [](const server& r) { return d(r.timeouts); });

  b.family("brasd_radius_replies_total", "RADIUS replies accepted from the server, by code", C);
  for (const auto& [service, group] : all) {
    for (const auto& r : group->servers) {
      const auto add = [&](const char* code, std::uint64_t v) {
        b.add(d(v), {{"service", service}, {"server", r.name}, {"code", code}});
      };
      if (service == "authentication") {
        add("accept", r.accepts);
        add("reject", r.rejects);
        add("challenge", r.challenges);
      } else {
        add("response", r.responses);
      }
    }
  }
  b.family("brasd_radius_dropped_replies_total", "RADIUS replies from the server refused, by reason", C);
  for (const auto& [service, group] : all) {
    for (const auto& r : group->servers) {
      const auto add = [&](const char* reason, std::uint64_t v) {
        b.add(d(v), {{"service", service}, {"server", r.name}, {"reason", reason}});
      };
      add("bad-authenticator", r.bad_authenticators);
      add("missing-message-authenticator", r.missing_message_authenticator);
      add("malformed", r.malformed);
    }
  }
  b.family("brasd_radius_request_duration_seconds", "time from a request's first send to its answer",
           MetricType::Histogram);
  for (const auto& [service, group] : all) {
    for (const auto& r : group->servers) b.add_histogram(latency(r), {{"service", service}, {"server", r.name}});
  }
  per_server("brasd_radius_server_up", "1 while the server is alive, 0 while it is dead or being probed", G,
             [](const server& r) { return r.state == "alive" ? 1.0 : 0.0; });
  b.family("brasd_radius_server_state", "the server's state (1 for its current state)", G);
  for (const auto& [service, group] : all) {
    for (const auto& r : group->servers) {
      for (const char* state : {"alive", "dead", "probing"}) {
        b.add(r.state == state ? 1 : 0, {{"service", service}, {"server", r.name}, {"state", state}});
      }
    }
  }
  per_server("brasd_radius_outstanding", "requests sent to the server and not yet answered", G,
             [](const server& r) { return d(r.outstanding); });
  per_server("brasd_radius_max_outstanding", "the server's max-outstanding setting", G,
             [](const server& r) { return d(r.max_outstanding); });
  per_server("brasd_radius_status_server_sent_total", "Status-Server probes sent to the server while dead", C,
             [](const server& r) { return d(r.status_server_sent); });
  per_server("brasd_radius_status_server_answered_total", "Status-Server probes the server answered", C,
             [](const server& r) { return d(r.status_server_answered); });

  /// One series per group, `value` read from its snapshot.
  const auto per_group = [&](const char* name, const char* help, MetricType type, auto value) {
    b.family(name, help, type);
    for (const auto& [service, group] : all) b.add(value(*group), {{"service", service}});
  };
  using group = model::radius_client_snapshot;
  per_group("brasd_radius_queue_depth", "requests waiting for a server with room", G,
            [](const group& g) { return d(g.queued); });
  per_group("brasd_radius_queue_limit", "the bound of that queue", G, [](const group& g) { return d(g.queue_limit); });
  per_group("brasd_radius_queue_full_total", "requests refused because the queue was full", C,
            [](const group& g) { return d(g.queue_full); });
  per_group("brasd_radius_no_server_total", "requests that failed on every server of the group", C,
            [](const group& g) { return d(g.no_server); });
  per_group("brasd_radius_source_ports", "UDP source ports open (256 identifiers each)", G,
            [](const group& g) { return d(g.source_ports); });
}

void render_spool_coa(family_builder& b, const model::aaa_snapshot& s) {
  const auto C = MetricType::Counter;
  const auto G = MetricType::Gauge;
  const auto& p = s.spool;
  b.family("brasd_radius_sessions_refused_total", "new sessions refused because the RADIUS queue was full", C)
      .add(d(s.sessions_refused_queue_full));
  b.family("brasd_accounting_spool_records", "accounting records on disk and not yet acknowledged", G)
      .add(d(p.records));
  b.family("brasd_accounting_spool_bytes", "bytes of the accounting spool on disk", G).add(d(p.bytes));
  b.family("brasd_accounting_spool_max_bytes", "the spool's bound (accounting spool max-bytes)", G).add(d(p.max_bytes));
  b.family("brasd_accounting_spool_oldest_age_seconds", "age of the oldest unacknowledged record (0: none)", G)
      .add(p.oldest_age ? static_cast<double>(p.oldest_age->count()) : 0);
  b.family("brasd_accounting_spool_full", "1 while the spool is full", G).add(p.full ? 1 : 0);
  b.family("brasd_accounting_spool_memory_bytes", "memory the accounting actor holds for the spool", G)
      .add(d(p.memory_bytes));
  b.family("brasd_accounting_records_total", "accounting records written to the spool, by kind", C)
      .add(d(p.starts), {{"kind", "start"}})
      .add(d(p.interims), {{"kind", "interim"}})
      .add(d(p.stops), {{"kind", "stop"}});
  b.family("brasd_accounting_acknowledged_total", "accounting records a server acknowledged", C).add(d(p.acknowledged));
  b.family("brasd_accounting_resent_total", "accounting record sends after the first", C).add(d(p.resent));
  b.family("brasd_accounting_replayed_total", "records found unacknowledged in the spool at start", C)
      .add(d(p.replayed));
  b.family("brasd_accounting_dropped_interims_total", "Interim-Updates dropped from a full spool (never a Stop)", C)
      .add(d(p.dropped_interims));
  b.family("brasd_accounting_refused_sessions_total", "new sessions refused because the spool was full", C)
      .add(d(p.refused_sessions));
  b.family("brasd_accounting_spool_fsyncs_total", "fsync calls on the spool", C).add(d(p.fsyncs));

  const auto& c = s.coa;
  b.family("brasd_coa_requests_total", "CoA and Disconnect requests accepted for processing, by kind", C)
      .add(d(c.disconnect_requests), {{"kind", "disconnect"}})
      .add(d(c.coa_requests), {{"kind", "coa"}});
  b.family("brasd_coa_replies_total", "CoA and Disconnect replies sent, by result", C)
      .add(d(c.acks), {{"result", "ack"}})
      .add(d(c.naks), {{"result", "nak"}});
  b.family("brasd_coa_dropped_total", "CoA and Disconnect requests dropped, by reason", C)
      .add(d(c.unknown_client), {{"reason", "unknown-client"}})
      .add(d(c.bad_authenticator), {{"reason", "bad-authenticator"}})
      .add(d(c.replayed), {{"reason", "replayed"}})
      .add(d(c.malformed), {{"reason", "malformed"}});
}

}  // namespace

void append_aaa_families(std::vector<prometheus::MetricFamily>& out, const model::aaa_snapshot& s) {
  family_builder b{out};
  render_servers(b, s);
  render_spool_coa(b, s);
}

}  // namespace bras::metrics

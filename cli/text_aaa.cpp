// The text of `show network-access aaa statistics | radius-servers |
// accounting-spool`, from the aaa_snapshot. The statistics follow the
// "<module> module statistics" blocks and "Label: value" lines of Junos'
// `show network-access aaa statistics`; the per-server table and the spool,
// which Junos has no equivalent for, follow the house table and summary
// habits (docs/cli.md).
#include <cmath>
#include <string>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli {
namespace {

using model::aaa_snapshot;
using model::radius_client_snapshot;
using model::radius_server_snapshot;
using namespace text_detail;

/// "  Label: value\n", `indent` spaces in.
std::string line(std::string_view label, std::uint64_t value, std::size_t indent = 2) {
  return std::string(indent, ' ') + std::string(label) + ": " + std::to_string(value) + '\n';
}

std::uint64_t answered(const radius_server_snapshot& r) {
  std::uint64_t n = 0;
  for (const auto b : r.latency_buckets) n += b;
  return n;
}

/// The mean latency of answered requests, "12 ms" (one decimal under 10 ms), or "-" when none.
std::string average_latency(const radius_server_snapshot& r) {
  const auto n = answered(r);
  if (n == 0) return "-";
  const double ms = r.latency_sum_seconds * 1000 / static_cast<double>(n);
  if (ms < 10) {
    const auto tenths = std::llround(ms * 10);
    return std::to_string(tenths / 10) + '.' + std::to_string(tenths % 10) + " ms";
  }
  return std::to_string(std::llround(ms)) + " ms";
}

/// Sums `field` over the servers of a group.
template <class Field>
std::uint64_t total(const radius_client_snapshot& g, Field field) {
  std::uint64_t n = 0;
  for (const auto& r : g.servers) n += r.*field;
  return n;
}

std::string queue_line(const radius_client_snapshot& g) {
  return "  Queued: " + std::to_string(g.queued) + " (limit " + std::to_string(g.queue_limit) +
         "), Queue full: " + std::to_string(g.queue_full) + ", No server: " + std::to_string(g.no_server) + '\n';
}

std::string authentication_block(const aaa_snapshot& s) {
  const auto& g = s.authentication;
  using r = radius_server_snapshot;
  return "Authentication module statistics\n" + line("Requests sent", total(g, &r::requests)) +
         line("Accepts", total(g, &r::accepts)) + line("Rejects", total(g, &r::rejects)) +
         line("Challenges", total(g, &r::challenges)) + line("Timed out", total(g, &r::timeouts)) +
         line("Retransmissions", total(g, &r::retransmissions)) + queue_line(g) +
         line("Sessions refused (queue full)", s.sessions_refused_queue_full);
}

std::string accounting_block(const aaa_snapshot& s) {
  const auto& g = s.accounting;
  const auto& p = s.spool;
  using r = radius_server_snapshot;
  std::string out = "Accounting module statistics\n" + line("Requests sent", total(g, &r::requests)) +
                    line("Accounting Response Success", total(g, &r::responses)) +
                    line("Timed out", total(g, &r::timeouts)) + line("Retransmissions", total(g, &r::retransmissions)) +
                    queue_line(g);
  out += "  Records written: Start " + std::to_string(p.starts) + ", Interim " + std::to_string(p.interims) +
         ", Stop " + std::to_string(p.stops) + '\n';
  out += "  Records in spool: " + std::to_string(p.records) +
         (p.oldest_age ? ", oldest " + duration_hms(*p.oldest_age) : std::string()) + '\n';
  return out;
}

std::string dynamic_requests_block(const aaa_snapshot& s) {
  const auto& c = s.coa;
  const std::uint64_t dropped = c.unknown_client + c.bad_authenticator + c.replayed + c.malformed;
  std::string out = "Dynamic-requests module statistics\n";
  if (!c.enabled) return out + "  Dynamic authorization is not configured\n";
  return out + "  Listening on: " + endpoint(c.listen) + '\n' +
         line("Requests received", c.disconnect_requests + c.coa_requests) +
         line("Disconnect-Request", c.disconnect_requests, 4) + line("CoA-Request", c.coa_requests, 4) +
         line("Processed successfully", c.acks) + line("Errors during processing", c.naks) +
         line("Silently dropped", dropped) + line("Unknown client", c.unknown_client, 4) +
         line("Bad authenticator", c.bad_authenticator, 4) + line("Replayed", c.replayed, 4) +
         line("Malformed", c.malformed, 4);
}

std::string server_block(const radius_server_snapshot& r) {
  std::string out = "Server: " + r.name + ", " + endpoint(r.address) + ", " + r.service + '\n';
  out += line("Requests", r.requests) + line("Retransmissions", r.retransmissions);
  if (r.service == "accounting") {
    out += line("Responses", r.responses);
  } else {
    out += line("Accepts", r.accepts) + line("Rejects", r.rejects) + line("Challenges", r.challenges);
  }
  return out + line("Malformed responses", r.malformed) + line("Bad authenticators", r.bad_authenticators) +
         line("Missing Message-Authenticator", r.missing_message_authenticator) +
         line("Requests pending", r.outstanding) + line("Request timeouts", r.timeouts) +
         "  Status-Server: " + std::to_string(r.status_server_sent) + " sent, " +
         std::to_string(r.status_server_answered) + " answered\n" + "  Average latency: " + average_latency(r) + '\n';
}

std::string render_statistics(const aaa_snapshot& s) {
  if (!s.radius) return "RADIUS is not configured\n";
  std::string out;
  append_block(out, authentication_block(s));
  append_block(out, accounting_block(s));
  append_block(out, dynamic_requests_block(s));
  std::string servers = "RADIUS server statistics\n";
  for (const auto* g : {&s.authentication, &s.accounting}) {
    for (const auto& r : g->servers) servers += server_block(r);
  }
  append_block(out, servers);
  return out;
}

std::string render_radius_servers(const aaa_snapshot& s) {
  if (s.authentication.servers.empty() && s.accounting.servers.empty()) return "No RADIUS servers configured\n";
  // MA: the Message-Authenticator setting (auto, yes, no), "+seen" once the server has sent one.
  std::string out =
      "Server          Address               Service         State    Dead for  Outstanding  MA          Latency\n";
  for (const auto* g : {&s.authentication, &s.accounting}) {
    for (const auto& r : g->servers) {
      const std::string dead =
          r.dead_until && *r.dead_until > s.taken_at
              ? duration_hms(std::chrono::duration_cast<std::chrono::seconds>(*r.dead_until - s.taken_at))
              : "-";
      const std::string outstanding = std::to_string(r.outstanding) + "/" + std::to_string(r.max_outstanding);
      const std::string ma = r.message_authenticator + (r.message_authenticator_seen ? "+seen" : "");
      out += col(r.name, 16) + col(endpoint(r.address), 22) + col(r.service, 16) + col(r.state, 9) + col(dead, 10) +
             col(outstanding, 13) + col(ma, 12) + average_latency(r) + '\n';
    }
  }
  return out;
}

std::string render_spool(const aaa_snapshot& s) {
  const auto& p = s.spool;
  if (!p.enabled) return "Accounting spool is not configured\n";
  const std::uint64_t percent = p.max_bytes == 0 ? 0 : p.bytes * 100 / p.max_bytes;
  return "Accounting spool: " + p.directory + '\n' + "  When full: " + p.when_full +
         ", Full: " + (p.full ? "yes" : "no") + '\n' + "  Records: " + std::to_string(p.records) +
         ", Oldest: " + (p.oldest_age ? duration_hms(*p.oldest_age) : "-") + '\n' +
         "  Size: " + std::to_string(p.bytes) + " of " + std::to_string(p.max_bytes) + " bytes (" +
         std::to_string(percent) + "%), Memory: " + std::to_string(p.memory_bytes) + " bytes\n" +
         "  Written: " + std::to_string(p.written) + " (Start " + std::to_string(p.starts) + ", Interim " +
         std::to_string(p.interims) + ", Stop " + std::to_string(p.stops) + ")\n" +
         line("Acknowledged", p.acknowledged) + line("Resent", p.resent) + line("Replayed at start", p.replayed) +
         line("Dropped Interims", p.dropped_interims) + line("Refused sessions", p.refused_sessions) +
         line("Fsyncs", p.fsyncs);
}

}  // namespace

std::string render_text(const command& c, const aaa_snapshot& s) {
  switch (c.target) {
    case object::aaa_statistics: return render_statistics(s);
    case object::aaa_radius_servers: return render_radius_servers(s);
    case object::aaa_accounting_spool: return render_spool(s);
    default: return {};  // not an aaa command: nothing in this snapshot to show
  }
}

}  // namespace bras::cli

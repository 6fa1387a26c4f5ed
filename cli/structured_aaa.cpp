// `| display xml` and `| display json` of `show network-access aaa ...`: the
// element tree of the aaa_snapshot, one element per field of the text view
// (docs/cli-structured.md lists them; brasd names, Junos publishes none for
// RADIUS servers or the spool), serialised like the other views.
#include <string>
#include <utility>
#include <vector>

#include "cli/structured.hpp"
#include "cli/structured_tree.hpp"

namespace bras::cli {

namespace structured_detail {

std::string aaa_root_name(object target) {
  switch (target) {
    case object::aaa_radius_servers: return "aaa-radius-servers-information";
    case object::aaa_accounting_spool: return "aaa-accounting-spool-information";
    default: return "aaa-statistics-information";
  }
}

}  // namespace structured_detail

namespace {

using model::aaa_snapshot;
using model::radius_client_snapshot;
using model::radius_server_snapshot;
using namespace structured_detail;

std::string endpoint(const model::udp_peer& p) {
  return ipv4(p.address) + ":" + std::to_string(p.port);
}

std::uint64_t answered(const radius_server_snapshot& r) {
  std::uint64_t n = 0;
  for (const auto b : r.latency_buckets) n += b;
  return n;
}

/// One <radius-server>: its settings, state and counters.
void add_server(xml_node& parent, const radius_server_snapshot& r, model::wall_time now) {
  xml_node& x = parent.add("radius-server");
  x.add("server-name", r.name);
  x.add("server-address", endpoint(r.address));
  x.add("service", r.service);
  x.add("server-state", r.state);
  if (r.dead_until && *r.dead_until > now) add_duration(x, "dead-time-remaining", since(*r.dead_until, now));
  x.add("weight", num(r.weight));
  x.add("outstanding-requests", num(r.outstanding));
  x.add("max-outstanding-requests", num(r.max_outstanding));
  x.add("message-authenticator", r.message_authenticator);
  x.add("message-authenticator-seen", r.message_authenticator_seen ? "yes" : "no");
  x.add("requests", num(r.requests));
  x.add("retransmissions", num(r.retransmissions));
  x.add("timeouts", num(r.timeouts));
  if (r.service == "accounting") {
    x.add("responses", num(r.responses));
  } else {
    x.add("accepts", num(r.accepts));
    x.add("rejects", num(r.rejects));
    x.add("challenges", num(r.challenges));
  }
  x.add("bad-authenticators", num(r.bad_authenticators));
  x.add("missing-message-authenticator", num(r.missing_message_authenticator));
  x.add("malformed-responses", num(r.malformed));
  x.add("status-server-sent", num(r.status_server_sent));
  x.add("status-server-answered", num(r.status_server_answered));
  const auto n = answered(r);
  x.add("answered-requests", num(n));
  // Milliseconds with three decimals: exact enough, and free of locale and exponent forms.
  const auto micro = n == 0 ? 0 : static_cast<std::uint64_t>(r.latency_sum_seconds * 1e6 / static_cast<double>(n));
  std::string ms = std::to_string(micro % 1000);
  ms.insert(0, 3 - ms.size(), '0');
  x.add("average-latency-milliseconds", std::to_string(micro / 1000) + "." + ms);
}

void add_group(xml_node& root, const char* name, const radius_client_snapshot& g) {
  xml_node& x = root.add(name);
  x.add("queued-requests", num(g.queued));
  x.add("queue-limit", num(g.queue_limit));
  x.add("queue-full", num(g.queue_full));
  x.add("no-server", num(g.no_server));
  x.add("source-ports", num(g.source_ports));
}

void add_spool(xml_node& root, const model::spool_snapshot& p) {
  xml_node& x = root.add("accounting-spool");
  x.add("spool-enabled", p.enabled ? "yes" : "no");
  if (!p.enabled) return;
  x.add("directory", p.directory);
  x.add("when-full", p.when_full);
  x.add("spool-full", p.full ? "yes" : "no");
  x.add("records", num(p.records));
  if (p.oldest_age) add_duration(x, "oldest-record-age", p.oldest_age->count());
  x.add("bytes", num(p.bytes));
  x.add("max-bytes", num(p.max_bytes));
  x.add("memory-bytes", num(p.memory_bytes));
  x.add("written", num(p.written));
  x.add("start-records", num(p.starts));
  x.add("interim-records", num(p.interims));
  x.add("stop-records", num(p.stops));
  x.add("acknowledged", num(p.acknowledged));
  x.add("resent", num(p.resent));
  x.add("replayed", num(p.replayed));
  x.add("dropped-interims", num(p.dropped_interims));
  x.add("refused-sessions", num(p.refused_sessions));
  x.add("fsyncs", num(p.fsyncs));
}

void add_coa(xml_node& root, const model::coa_snapshot& c) {
  xml_node& x = root.add("dynamic-requests");
  x.add("dynamic-authorization-enabled", c.enabled ? "yes" : "no");
  if (!c.enabled) return;
  x.add("listen-address", endpoint(c.listen));
  x.add("disconnect-requests", num(c.disconnect_requests));
  x.add("coa-requests", num(c.coa_requests));
  x.add("acks", num(c.acks));
  x.add("naks", num(c.naks));
  x.add("unknown-client", num(c.unknown_client));
  x.add("bad-authenticator", num(c.bad_authenticator));
  x.add("replayed", num(c.replayed));
  x.add("malformed", num(c.malformed));
}

xml_node build_aaa_root(const command& c, const aaa_snapshot& s, const render_options& o) {
  xml_node root{aaa_root_name(c.target), {}, {}, {}};
  root.attributes.emplace_back("xmlns", "http://xml.juniper.net/junos/" + o.junos_release + "/junos-aaa");
  const auto servers = [&](xml_node& into) {
    for (const auto* g : {&s.authentication, &s.accounting}) {
      for (const auto& r : g->servers) add_server(into, r, s.taken_at);
    }
  };
  switch (c.target) {
    case object::aaa_radius_servers: servers(root); break;
    case object::aaa_accounting_spool: add_spool(root, s.spool); break;
    default:
      root.add("radius-configured", s.radius ? "yes" : "no");
      if (!s.radius) break;
      add_group(root, "authentication-statistics", s.authentication);
      add_group(root, "accounting-statistics", s.accounting);
      root.add("sessions-refused-queue-full", num(s.sessions_refused_queue_full));
      add_spool(root, s.spool);
      add_coa(root, s.coa);
      servers(root);
      break;
  }
  return root;
}

xml_node build_aaa_reply(const command& c, const aaa_snapshot& s, const render_options& o) {
  xml_node reply{"rpc-reply", {}, {{"xmlns:junos", "http://xml.juniper.net/junos/" + o.junos_release + "/junos"}}, {}};
  reply.children.push_back(build_aaa_root(c, s, o));
  reply.add("cli").add("banner");
  return reply;
}

}  // namespace

std::string render_xml(const command& c, const aaa_snapshot& s, const render_options& o) {
  return to_xml(build_aaa_reply(c, s, o));
}

std::string render_json(const command& c, const aaa_snapshot& s, const render_options& o) {
  // As for the other views: the content without the envelope or the CLI banner.
  xml_node reply = build_aaa_reply(c, s, o);
  std::vector<xml_node> content;
  for (xml_node& child : reply.children) {
    if (child.name != "cli") content.push_back(std::move(child));
  }
  return to_json(content);
}

}  // namespace bras::cli

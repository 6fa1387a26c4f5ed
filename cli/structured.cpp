// `| display xml` and `| display json`: the element tree of each show view
// (docs/cli-structured.md lists every element), assembled here from the
// objects' elements (structured_objects.cpp); structured_serialize.cpp writes
// it out.
#include "cli/structured.hpp"

#include <string>
#include <string_view>

#include "cli/structured_tree.hpp"

namespace bras::cli {
namespace {

using model::destination_snapshot;
using model::query_snapshot;
using model::tunnel_report;
using namespace structured_detail;

std::string root_name(object target) {
  switch (target) {
    case object::session: return "service-l2tp-session-information";
    case object::tunnel: return "service-l2tp-tunnel-information";
    case object::summary: return "service-l2tp-summary-information";
    case object::destination: return "service-l2tp-destination-information";
    case object::subscribers_summary: return "subscribers-summary-information";
    case object::log_level: return "log-level-information";  // answered by brasd itself, not from a snapshot
    case object::aaa_statistics:
    case object::aaa_radius_servers:
    case object::aaa_accounting_spool: return aaa_root_name(target);  // from the aaa_snapshot (structured_aaa.cpp)
  }
  return "service-l2tp-session-information";
}

xml_node build_root(const command& c, const query_snapshot& s, const render_options& o) {
  xml_node root{root_name(c.target), {}, {}, {}};
  const std::string module = c.target == object::subscribers_summary ? "junos-subscribers" : "junos-l2tp";
  root.attributes.emplace_back("xmlns", "http://xml.juniper.net/junos/" + o.junos_release + "/" + module);
  const view v = view_of(c);
  switch (c.target) {
    case object::session:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const tunnel_report& r : s.tunnels) {
        // A tunnel whose sessions all failed the filter has nothing to show here.
        if (!r.sessions.empty()) add_session_group(root, r, v, s.taken_at);
      }
      break;
    case object::tunnel:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const tunnel_report& r : s.tunnels) add_tunnel(root, r.tunnel, v, s.taken_at);
      break;
    case object::destination:
      root.attributes.emplace_back("junos:style", style_of(c));
      for (const destination_snapshot& d : s.destinations) add_destination(root, d, v);
      break;
    case object::summary:
      if (c.statistics) root.attributes.emplace_back("junos:style", "statistics");
      add_summary(root, s.summary, c.statistics);
      break;
    case object::subscribers_summary: add_subscribers(root, s.subscribers); break;
    case object::log_level:  // not a snapshot view (render_log_levels)
    case object::aaa_statistics:
    case object::aaa_radius_servers:
    case object::aaa_accounting_spool: break;  // not a query snapshot view (build_aaa_reply)
  }
  return root;
}

}  // namespace

std::string junos_session_state(bool lac, std::string_view rfc_state) {
  if (rfc_state == "established") return "Established";
  if (rfc_state == "destroyed") return "destroyed";
  // The incoming-call states: Junos names the LNS side "lns-ic-*"; the LAC
  // side (never shown by Junos, which lists only Established there) follows
  // the same pattern as "lac-ic-*".
  if (rfc_state == "idle" || rfc_state.starts_with("wait-")) {
    return std::string(lac ? "lac-ic-" : "lns-ic-") + std::string(rfc_state);
  }
  return std::string(rfc_state);  // unknown to us: show what the FSM said
}

std::string junos_tunnel_state(bool lac, std::string_view rfc_state) {
  if (rfc_state == "established") return "Established";
  if (rfc_state == "destroyed") return "destroyed";
  // StopCCN sent or received, state held for a retransmission cycle: "closed",
  // the spelling the text views use too.
  if (rfc_state == "closing") return "closed";
  // The LAC initiates the control connection, the LNS responds (JNX-L2TP-MIB
  // names the responder states; the initiator ones mirror them).
  if (rfc_state == "idle" || rfc_state.starts_with("wait-")) {
    return std::string(lac ? "cc-initiator-" : "cc-responder-") + std::string(rfc_state);
  }
  return std::string(rfc_state);
}

xml_node build_reply(const command& c, const query_snapshot& s, const render_options& o) {
  xml_node reply{"rpc-reply", {}, {{"xmlns:junos", "http://xml.juniper.net/junos/" + o.junos_release + "/junos"}}, {}};
  if (s.shards_missing != 0 || s.tunnels_missing != 0) {
    // Junos reports a partial answer as an xnm:warning beside the data.
    constexpr std::string_view xnm = "http://xml.juniper.net/xnm/1.1/xnm";
    xml_node& warning = reply.add("xnm:warning");
    warning.attributes = {{"xmlns", std::string(xnm)}, {"xmlns:xnm", std::string(xnm)}};
    warning.add("message", std::to_string(s.shards_missing) + " shard(s) and " + std::to_string(s.tunnels_missing) +
                               " tunnel(s) did not answer in time; the output is incomplete");
  }
  reply.children.push_back(build_root(c, s, o));
  reply.add("cli").add("banner");
  return reply;
}

std::string render_xml(const command& c, const query_snapshot& s, const render_options& o) {
  return to_xml(build_reply(c, s, o));
}

std::string render_json(const command& c, const query_snapshot& s, const render_options& o) {
  // Junos' JSON carries the reply's content, not the <rpc-reply> envelope or
  // the CLI banner.
  xml_node reply = build_reply(c, s, o);
  std::vector<xml_node> content;
  for (xml_node& child : reply.children) {
    if (child.name != "cli") content.push_back(std::move(child));
  }
  return to_json(content);
}

}  // namespace bras::cli

// `| display xml`, `| display json` and the text pipes. The XML and JSON are
// checked by independent parsers (python3's minidom and json) rather than by
// string comparison alone, so escaping mistakes cannot hide.
#include "cli/structured.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "cli/render.hpp"

namespace bras::cli {
namespace {

using namespace std::chrono_literals;
using model::query_snapshot;
using model::session_snapshot;
using model::tunnel_report;

const model::wall_time now = model::wall_time{std::chrono::seconds{1'700'000'000}};
constexpr std::string_view hostile_user = "<script>&\"'\x01\x1b\t\n\xff\xc3\xa9";

// ---- python3 as an independent parser ----

struct python_result {
  int status = -1;
  std::string out;
};

/// Runs `script` with `input` on stdin; stdout and stderr come back together.
python_result python(std::string_view script, std::string_view input) {
  static int counter = 0;
  const std::string base =
      testing::TempDir() + "cli_structured_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  std::ofstream(base + ".py") << script;
  std::ofstream(base + ".in", std::ios::binary) << input;
  const std::string cmd = "python3 '" + base + ".py' < '" + base + ".in' 2>&1";
  python_result r;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) r.out.append(buffer, n);
  r.status = pclose(p);
  std::remove((base + ".py").c_str());
  std::remove((base + ".in").c_str());
  return r;
}

constexpr std::string_view parse_xml =
    "import sys, xml.dom.minidom\nxml.dom.minidom.parseString(sys.stdin.buffer.read())\n";
constexpr std::string_view parse_json = "import sys, json\njson.load(sys.stdin)\n";

// ---- snapshots: two LNS tunnels and one LAC tunnel ----

session_snapshot make_session(bool lac, std::uint16_t tunnel, std::uint16_t id, std::string user) {
  session_snapshot s;
  s.lac = lac;
  s.local_tunnel_id = tunnel;
  s.local_session_id = id;
  s.peer_tunnel_id = static_cast<std::uint16_t>(tunnel + 1000);
  s.peer_session_id = static_cast<std::uint16_t>(id + 100);
  s.peer = {0xc0000202, 1701};   // 192.0.2.2
  s.local = {0xc0000201, 1701};  // 192.0.2.1
  s.local_gateway_name = "gw0";
  s.tunnel_group = lac ? "lns-pool" : "group1";
  s.local_name = lac ? "ce-lac" : "lns-1";
  s.remote_name = lac ? "ce-lns" : "testlac";
  s.interface_name = lac ? "pp0" : "bras0";
  s.interface_unit = 1073741824u + id;
  s.state = "established";
  s.ppp_phase = lac ? "" : "network";
  s.user = std::move(user);
  s.address = lac ? 0 : 0x64400a00u + id;  // 100.64.10.x
  s.local_address = lac ? 0 : 0x64400001u;
  s.mru = 1500;
  s.peer_mru = 1492;
  s.auth_protocol = 0xc223;
  if (!lac) s.lcp_renegotiation = false;
  s.tx_speed = s.rx_speed = 64000;
  s.bearer_type = 2;
  s.framing_type = 1;
  s.created = now - 3600s;
  s.up_since = now - 3000s;
  s.statistics_since = now - 3600s;
  if (!lac) s.idle = 42s;
  s.control_tx_packets = 4;
  s.control_tx_bytes = 219;
  s.data_rx_packets = 10;
  s.data_rx_bytes = 228;
  return s;
}

tunnel_report make_tunnel(bool lac, std::uint16_t id, std::vector<session_snapshot> sessions) {
  tunnel_report r;
  r.tunnel.lac = lac;
  r.tunnel.local_tunnel_id = id;
  r.tunnel.peer_tunnel_id = static_cast<std::uint16_t>(id + 1000);
  r.tunnel.peer = {0xc0000202, 1701};
  r.tunnel.local = {0xc0000201, 1701};
  r.tunnel.local_gateway_name = "gw0";
  r.tunnel.tunnel_group = lac ? "lns-pool" : "group1";
  r.tunnel.local_name = lac ? "ce-lac" : "lns-1";
  r.tunnel.remote_name = lac ? "ce-lns" : "testlac";
  r.tunnel.state = "established";
  r.tunnel.sessions = sessions.size();
  r.tunnel.receive_window = 8;
  r.tunnel.peer_receive_window = 4;
  r.tunnel.hello_interval = 60s;
  r.tunnel.created = now - 7200s;
  r.tunnel.up_since = now - 7199s;
  r.tunnel.statistics_since = now - 7200s;
  r.tunnel.tunnel_control_tx_packets = 12;
  for (const auto& s : sessions) r.tunnel.add(s);
  r.sessions = std::move(sessions);
  return r;
}

query_snapshot make_snapshot() {
  query_snapshot q;
  q.taken_at = now;
  q.tunnels.push_back(make_tunnel(false, 40553,
                                  {make_session(false, 40553, 17967, "alice@isp.example"),
                                   make_session(false, 40553, 17968, std::string(hostile_user))}));
  q.tunnels.push_back(make_tunnel(false, 40554, {make_session(false, 40554, 20001, "bob")}));
  auto lac = make_session(true, 31889, 31694, "carol");
  lac.state = "wait-reply";
  q.tunnels.push_back(make_tunnel(true, 31889, {lac}));
  q.tunnels.back().tunnel.state = "wait-ctl-reply";
  model::destination_snapshot d;
  d.index = 1;
  d.lac = true;
  d.name = "lns-pool";
  d.peer = {0xc0000202, 1701};
  d.state = "Locked out";
  d.lockout_remaining = 120s;
  q.destinations.push_back(d);
  d.index = 2;
  d.lac = false;
  d.name = "testlac";
  d.state = "Enabled";
  d.lockout_remaining.reset();
  q.destinations.push_back(d);
  q.summary.tunnels = 3;
  q.summary.sessions = 4;
  q.summary.destinations = 1;
  q.subscribers.active = 4;
  q.subscribers.l2tp_lns = 3;
  q.subscribers.l2tp_lac = 1;
  return q;
}

command make_command(object target, level l = level::standard, bool statistics = false) {
  command c;
  c.target = target;
  c.detail = l;
  c.statistics = statistics;
  return c;
}

const xml_node& root_of(const xml_node& reply) {
  for (const xml_node& child : reply.children) {
    if (child.name != "cli" && child.name != "xnm:warning") return child;
  }
  return reply;
}

std::string text_of(const xml_node& n, std::string_view child) {
  const xml_node* c = n.find(child);
  return c != nullptr ? c->text : "<missing>";
}

// ---- XML ----

TEST(CliStructured, XmlAndJsonParseForEveryViewAndLevel) {
  // All documents go to one python3 run (NUL-separated): starting it per
  // document would cost seconds.
  const auto q = make_snapshot();
  std::string batch;
  std::size_t documents = 0;
  for (object target :
       {object::session, object::tunnel, object::summary, object::destination, object::subscribers_summary}) {
    for (level l : {level::standard, level::brief, level::detail, level::extensive}) {
      for (bool statistics : {false, true}) {
        batch += "x" + render_xml(make_command(target, l, statistics), q, {}) + '\0';
        batch += "j" + render_json(make_command(target, l, statistics), q, {}) + '\0';
        documents += 2;
      }
    }
  }
  const auto r = python(
      "import sys, json, xml.dom.minidom\n"
      "docs = sys.stdin.buffer.read().split(b'\\0')[:-1]\n"
      "for i, d in enumerate(docs):\n"
      "    try:\n"
      "        xml.dom.minidom.parseString(d[1:]) if d[:1] == b'x' else json.loads(d[1:].decode('utf-8'))\n"
      "    except Exception as e:\n"
      "        print(i, e, d[1:].decode('utf-8', 'replace'))\n"
      "print(len(docs), 'parsed')\n",
      batch);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, std::to_string(documents) + " parsed\n");
}

TEST(CliStructured, XmlEnvelopeNamespacesAndIndentation) {
  render_options o;
  o.junos_release = "17.4R1";
  const std::string xml = render_xml(make_command(object::session), make_snapshot(), o);
  EXPECT_TRUE(
      xml.starts_with("<rpc-reply xmlns:junos=\"http://xml.juniper.net/junos/17.4R1/junos\">\n"
                      "  <service-l2tp-session-information "
                      "xmlns=\"http://xml.juniper.net/junos/17.4R1/junos-l2tp\" junos:style=\"normal\">\n"
                      "    <l2tp-session-tunnel-information>\n"
                      "      <tunnel-local-id>40553</tunnel-local-id>\n"))
      << xml;
  EXPECT_TRUE(
      xml.ends_with("  </service-l2tp-session-information>\n  <cli>\n    <banner></banner>\n  </cli>\n"
                    "</rpc-reply>\n"))
      << xml;
  // One element per line, two spaces per level.
  std::size_t start = 0;
  int depth = 0;
  while (start < xml.size()) {
    const std::size_t end = xml.find('\n', start);
    const std::string line = xml.substr(start, end - start);
    start = end + 1;
    const bool closing = line.find("</") == line.find_first_not_of(' ');
    const bool opening_only = !closing && line.find("</") == std::string::npos;
    if (closing) --depth;
    EXPECT_EQ(line.find_first_not_of(' '), static_cast<std::size_t>(2 * depth)) << line;
    if (opening_only) ++depth;
  }
  EXPECT_EQ(depth, 0);
}

TEST(CliStructured, SessionLevelsControlTheElements) {
  const auto q = make_snapshot();
  auto row = [&](level l, bool statistics) {
    const xml_node reply = build_reply(make_command(object::session, l, statistics), q, {});
    const xml_node* first = root_of(reply).children.at(0).find("l2tp-session-information");
    return first != nullptr ? *first : xml_node{};
  };
  const xml_node brief = row(level::brief, false);
  EXPECT_EQ(brief.name, "l2tp-session-information");
  EXPECT_EQ(text_of(brief, "session-local-id"), "17967");
  EXPECT_EQ(text_of(brief, "session-remote-id"), "18067");
  EXPECT_EQ(text_of(brief, "session-state"), "Established");
  EXPECT_EQ(text_of(brief, "session-interface-unit"), "1073759791");
  EXPECT_EQ(text_of(brief, "session-interface-name"), "bras0");
  EXPECT_EQ(text_of(brief, "session-user-name"), "alice@isp.example");
  EXPECT_EQ(brief.find("session-local-name"), nullptr);
  EXPECT_EQ(brief.find("statistics-since"), nullptr);
  EXPECT_EQ(row(level::standard, false).children.size(), brief.children.size());

  const xml_node detail = row(level::detail, false);
  EXPECT_EQ(text_of(detail, "session-local-name"), "lns-1");
  EXPECT_EQ(text_of(detail, "session-remote-name"), "testlac");
  EXPECT_EQ(text_of(detail, "session-assigned-ip-address"), "100.64.80.47");
  EXPECT_EQ(text_of(detail, "peer-gateway"), "192.0.2.2");
  EXPECT_EQ(text_of(detail, "local-gateway-port"), "1701");
  EXPECT_EQ(detail.find("session-create-time"), nullptr);
  EXPECT_EQ(detail.find("control-tx-packets"), nullptr);

  const xml_node extensive = row(level::extensive, false);
  EXPECT_EQ(text_of(extensive, "session-authentication"), "CHAP");
  EXPECT_EQ(text_of(extensive, "session-lcp-renegotiation"), "Off");
  EXPECT_EQ(text_of(extensive, "control-tx-bytes"), "219");
  EXPECT_EQ(text_of(extensive, "data-rx-packets"), "10");
  ASSERT_NE(extensive.find("session-up-time"), nullptr);
  const xml_node& up = *extensive.find("session-up-time");
  EXPECT_EQ(up.text, "00:50:00");
  ASSERT_EQ(up.attributes.size(), 1u);
  EXPECT_EQ(up.attributes[0], (std::pair<std::string, std::string>{"junos:seconds", "3000"}));
  const xml_node& created = *extensive.find("session-create-time");
  EXPECT_EQ(created.text, "2023-11-14 21:13:20 UTC");
  EXPECT_EQ(created.attributes.at(0).second, "1699996400");
  EXPECT_EQ(extensive.find("session-idle-time")->attributes.at(0).second, "42");

  const xml_node stats = row(level::standard, true);
  EXPECT_EQ(text_of(stats, "session-local-id"), "17967");
  EXPECT_EQ(text_of(stats, "data-rx-bytes"), "228");
  EXPECT_EQ(stats.find("session-user-name"), nullptr);
  EXPECT_EQ(stats.find("session-local-name"), nullptr);
}

TEST(CliStructured, LacAndLnsDiffer) {
  const auto q = make_snapshot();
  const xml_node reply = build_reply(make_command(object::session, level::extensive), q, {});
  const xml_node& root = root_of(reply);
  ASSERT_EQ(root.children.size(), 3u);
  const xml_node& lns_group = root.children[0];
  const xml_node& lac_group = root.children[2];
  EXPECT_EQ(text_of(lns_group, "tunnel-group-name"), "group1");
  EXPECT_EQ(lns_group.find("tunnel-destination-name"), nullptr);
  EXPECT_EQ(text_of(lac_group, "tunnel-destination-name"), "lns-pool");
  const xml_node& lac = *lac_group.find("l2tp-session-information");
  EXPECT_EQ(text_of(lac, "session-state"), "lac-ic-wait-reply");
  EXPECT_EQ(lac.find("session-assigned-ip-address"), nullptr);
  EXPECT_EQ(lac.find("session-local-ip"), nullptr) << "blank on a LAC";
  EXPECT_EQ(lac.find("session-lcp-renegotiation"), nullptr) << "N/A on a LAC";
  EXPECT_EQ(lac.find("session-idle-time"), nullptr) << "N/A on a LAC";
  EXPECT_EQ(text_of(lac, "session-interface-name"), "pp0");

  const xml_node tunnels = build_reply(make_command(object::tunnel, level::detail), q, {});
  const xml_node& troot = root_of(tunnels);
  ASSERT_EQ(troot.children.size(), 3u);
  EXPECT_EQ(text_of(troot.children[0], "tunnel-state"), "Established");
  EXPECT_EQ(text_of(troot.children[0], "tunnel-sessions"), "2");
  EXPECT_EQ(text_of(troot.children[0], "tunnel-remote-ip"), "192.0.2.2");
  EXPECT_EQ(text_of(troot.children[2], "tunnel-state"), "cc-initiator-wait-ctl-reply");
  EXPECT_EQ(text_of(troot.children[2], "tunnel-destination-name"), "lns-pool");
  EXPECT_EQ(text_of(troot.children[0], "tunnel-local-name"), "lns-1");
  EXPECT_EQ(troot.children[0].find("tunnel-create-time"), nullptr) << "timers are extensive";
  EXPECT_EQ(troot.children[0].find("tunnel-window-size"), nullptr) << "settings are extensive";
  const xml_node ext = build_reply(make_command(object::tunnel, level::extensive), q, {});
  const xml_node& t0 = root_of(ext).children[0];
  EXPECT_EQ(text_of(t0, "control-tx-packets"), "12") << "the tunnel's own control channel, as in the text";
  EXPECT_EQ(text_of(t0, "ppp-control-tx-packets"), "8") << "sum of its sessions";
  EXPECT_EQ(text_of(t0, "data-rx-bytes"), "456") << "sum of its sessions";
  EXPECT_EQ(text_of(t0, "tunnel-max-sessions"), "unlimited");
  EXPECT_EQ(text_of(t0, "tunnel-send-window-size"), "4");
  EXPECT_EQ(t0.find("tunnel-up-time")->attributes.at(0).second, "7199");
  const xml_node tstats = build_reply(make_command(object::tunnel, level::standard, true), q, {});
  EXPECT_EQ(text_of(root_of(tstats).children[0], "control-tx-packets"), "12");
  EXPECT_EQ(root_of(tstats).children[0].find("tunnel-remote-ip"), nullptr);
}

TEST(CliStructured, StateNames) {
  EXPECT_EQ(junos_session_state(false, "established"), "Established");
  EXPECT_EQ(junos_session_state(true, "established"), "Established");
  EXPECT_EQ(junos_session_state(false, "idle"), "lns-ic-idle");
  EXPECT_EQ(junos_session_state(false, "wait-connect"), "lns-ic-wait-connect");
  EXPECT_EQ(junos_session_state(true, "wait-tunnel"), "lac-ic-wait-tunnel");
  EXPECT_EQ(junos_session_state(false, "destroyed"), "destroyed");
  EXPECT_EQ(junos_session_state(false, "something-new"), "something-new");
  EXPECT_EQ(junos_tunnel_state(false, "established"), "Established");
  EXPECT_EQ(junos_tunnel_state(false, "idle"), "cc-responder-idle");
  EXPECT_EQ(junos_tunnel_state(false, "wait-ctl-conn"), "cc-responder-wait-ctl-conn");
  EXPECT_EQ(junos_tunnel_state(true, "wait-ctl-reply"), "cc-initiator-wait-ctl-reply");
  EXPECT_EQ(junos_tunnel_state(true, "closing"), "closed");
  EXPECT_EQ(junos_tunnel_state(true, "destroyed"), "destroyed");
}

TEST(CliStructured, SummaryDestinationAndSubscribers) {
  const auto q = make_snapshot();
  const xml_node summary = build_reply(make_command(object::summary), q, {});
  const xml_node& sroot = root_of(summary);
  EXPECT_EQ(sroot.name, "service-l2tp-summary-information");
  ASSERT_NE(sroot.find("l2tp-summary-table"), nullptr);
  const xml_node& table = *sroot.find("l2tp-summary-table");
  EXPECT_EQ(text_of(table, "l2tp-destinations"), "1");
  EXPECT_EQ(text_of(table, "l2tp-tunnels"), "3");
  EXPECT_EQ(text_of(table, "l2tp-sessions"), "4");
  EXPECT_EQ(text_of(table, "l2tp-switched-sessions"), "0");
  EXPECT_EQ(sroot.find("control-tx-packets"), nullptr);
  EXPECT_NE(root_of(build_reply(make_command(object::summary, level::standard, true), q, {})).find("data-rx-bytes"),
            nullptr);

  const xml_node subs = build_reply(make_command(object::subscribers_summary), q, {});
  const xml_node& counters = *root_of(subs).find("counters");
  EXPECT_EQ(text_of(counters, "session-state-active"), "4");
  EXPECT_EQ(text_of(counters, "session-state-total"), "4");
  EXPECT_EQ(text_of(counters, "session-type-l2tp"), "3");
  EXPECT_EQ(text_of(counters, "session-type-pppoe"), "1");

  const xml_node dest = build_reply(make_command(object::destination, level::detail), q, {});
  const xml_node& drow = root_of(dest).children.at(0);
  EXPECT_EQ(drow.name, "l2tp-destination-information");
  EXPECT_EQ(text_of(drow, "destination-state"), "Locked out");
  EXPECT_EQ(text_of(drow, "destination-peer-role"), "LNS");
  EXPECT_EQ(text_of(drow, "destination-weight"), "0");
  const xml_node& lns_side = root_of(dest).children.at(1);
  EXPECT_EQ(text_of(lns_side, "destination-peer-role"), "LAC");
  EXPECT_EQ(lns_side.find("destination-weight"), nullptr) << "preference and weight: LAC side only";
  EXPECT_EQ(lns_side.find("destination-lockout-remaining"), nullptr);
  EXPECT_EQ(drow.find("destination-lockout-remaining")->attributes.at(0).second, "120");
}

TEST(CliStructured, Ipv6PrefixFieldsOnlyForASessionWithAPrefix) {
  auto q = make_snapshot();
  auto& s = q.tunnels.front().sessions.front();
  s.ipv6_interface_id = 0x021122fffe334455;
  s.ipv6_prefix = "2001:db8:100:1::/64";
  s.delegated_prefix = "2001:db8:8000:100::/56";
  s.delegated_bound = true;
  s.ra_sent = 12;
  s.rs_received = 1;
  s.dhcpv6_received = 4;
  s.dhcpv6_sent = 5;
  s.data_tx_v6_packets = 3;
  s.data_tx_v6_bytes = 300;
  s.data_rx_v6_packets = 6;
  s.data_rx_v6_bytes = 120;
  q.subscribers.dual_stack = 1;
  q.subscribers.ipv6_only = 2;
  const auto rows = [&](level l) {
    const xml_node reply = build_reply(make_command(object::session, l), q, {});
    const auto& group = root_of(reply).children.at(0).children;
    std::vector<xml_node> out;
    for (const auto& child : group) {
      if (child.name == "l2tp-session-information") out.push_back(child);
    }
    return out;
  };
  const auto detail = rows(level::detail);
  ASSERT_EQ(detail.size(), 2u);
  EXPECT_EQ(text_of(detail[0], "session-ipv6-prefix"), "2001:db8:100:1::/64");
  EXPECT_EQ(text_of(detail[0], "session-delegated-prefix"), "2001:db8:8000:100::/56");
  EXPECT_EQ(text_of(detail[0], "session-delegated-prefix-bound"), "yes");
  EXPECT_EQ(detail[0].find("ipv6-ra-sent"), nullptr);  // counters: extensive only
  for (const char* name : {"session-ipv6-prefix", "session-delegated-prefix", "session-delegated-prefix-bound"}) {
    EXPECT_EQ(detail[1].find(name), nullptr) << name;  // no prefix: no element
  }
  EXPECT_EQ(rows(level::brief)[0].find("session-ipv6-prefix"), nullptr);

  const auto extensive = rows(level::extensive);
  EXPECT_EQ(text_of(extensive[0], "session-ipv6-prefix"), "2001:db8:100:1::/64");
  EXPECT_EQ(text_of(extensive[0], "ipv6-ra-sent"), "12");
  EXPECT_EQ(text_of(extensive[0], "ipv6-rs-received"), "1");
  EXPECT_EQ(text_of(extensive[0], "dhcpv6-received"), "4");
  EXPECT_EQ(text_of(extensive[0], "dhcpv6-sent"), "5");
  EXPECT_EQ(text_of(extensive[0], "data-ipv6-tx-packets"), "3");
  EXPECT_EQ(text_of(extensive[0], "data-ipv6-tx-bytes"), "300");
  EXPECT_EQ(text_of(extensive[0], "data-ipv6-rx-packets"), "6");
  EXPECT_EQ(text_of(extensive[0], "data-ipv6-rx-bytes"), "120");
  for (const char* name : {"ipv6-ra-sent", "dhcpv6-sent", "data-ipv6-rx-bytes"}) {
    EXPECT_EQ(extensive[1].find(name), nullptr) << name;
  }
  s.delegated_bound = false;
  EXPECT_EQ(text_of(rows(level::detail)[0], "session-delegated-prefix-bound"), "no");
  s.delegated_prefix.clear();
  EXPECT_EQ(rows(level::detail)[0].find("session-delegated-prefix"), nullptr);

  const xml_node subs = build_reply(make_command(object::subscribers_summary), q, {});
  const xml_node& counters = *root_of(subs).find("counters");
  EXPECT_EQ(text_of(counters, "session-family-dual-stack"), "1");
  EXPECT_EQ(text_of(counters, "session-family-ipv6-only"), "2");
  // Always present, zeros included, like the other counters.
  const xml_node none = build_reply(make_command(object::subscribers_summary), make_snapshot(), {});
  EXPECT_EQ(text_of(*root_of(none).find("counters"), "session-family-dual-stack"), "0");

  // The JSON carries the same, read by an independent parser.
  const auto r = python(
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "g = d['service-l2tp-session-information'][0]['l2tp-session-tunnel-information'][0]\n"
      "s = g['l2tp-session-information'][0]\n"
      "print(s['session-ipv6-prefix'][0]['data'], s['ipv6-ra-sent'][0]['data'], s['data-ipv6-rx-bytes'][0]['data'])\n",
      render_json(make_command(object::session, level::extensive), q, {}));
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "2001:db8:100:1::/64 12 120\n");
}

TEST(CliStructured, EscapesHostileText) {
  EXPECT_EQ(xml_escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&apos;");
  EXPECT_EQ(xml_escape("a\tb\nc\rd"), "a&#9;b&#10;c&#13;d");
  EXPECT_EQ(xml_escape("\x01\xff"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(xml_escape("\xc3\xa9\xe2\x82\xac"), "\xc3\xa9\xe2\x82\xac") << "valid UTF-8 passes";
  EXPECT_EQ(xml_escape("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD") << "overlong '/'";
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD") << "surrogate";
  EXPECT_EQ(xml_escape("\xef\xbf\xbf"), "\xEF\xBF\xBD") << "U+FFFF";
  EXPECT_EQ(json_escape("\"\\/\b\f\n\r\t\x01\x1f\x7f"), "\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f");
  EXPECT_EQ(json_escape("ok \xe2\x82\xac \xff"), "ok \xe2\x82\xac \xEF\xBF\xBD");

  // Read back by real parsers: the second session's user name is the hostile one.
  const auto q = make_snapshot();
  const std::string xml = render_xml(make_command(object::session), q, {});
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  const auto rx = python(
      "import sys, xml.dom.minidom\n"
      "d = xml.dom.minidom.parseString(sys.stdin.buffer.read())\n"
      "u = d.getElementsByTagName('session-user-name')[1].firstChild.data\n"
      "sys.stdout.write(ascii(u))\n",
      xml);
  EXPECT_EQ(rx.status, 0) << rx.out;
  EXPECT_EQ(rx.out, "'<script>&\"\\'\\ufffd\\ufffd\\t\\n\\ufffd\\xe9'");

  const auto rj = python(
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "g = d['service-l2tp-session-information'][0]['l2tp-session-tunnel-information'][0]\n"
      "u = g['l2tp-session-information'][1]['session-user-name'][0]['data']\n"
      "sys.stdout.write(ascii(u))\n",
      render_json(make_command(object::session), q, {}));
  EXPECT_EQ(rj.status, 0) << rj.out;
  EXPECT_EQ(rj.out, "'<script>&\"\\'\\x01\\x1b\\t\\n\\ufffd\\xe9'") << "JSON keeps control characters";
}

TEST(CliStructured, JsonFollowsTheJunosMapping) {
  render_options o;
  o.junos_release = "17.4R1";
  const auto q = make_snapshot();
  const std::string json = render_json(make_command(object::session, level::extensive), q, o);
  EXPECT_TRUE(
      json.starts_with("{\n    \"service-l2tp-session-information\" : [\n    {\n        \"attributes\" : "
                       "{\"xmlns\" : \"http://xml.juniper.net/junos/17.4R1/junos-l2tp\", "
                       "\"junos:style\" : \"extensive\"},\n"))
      << json;
  const auto r = python(
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "assert list(d) == ['service-l2tp-session-information'], list(d)\n"
      "root = d['service-l2tp-session-information']\n"
      "assert isinstance(root, list) and len(root) == 1\n"
      "groups = root[0]['l2tp-session-tunnel-information']\n"
      "rows = [s for g in groups for s in g['l2tp-session-information']]\n"
      "up = rows[0]['session-up-time'][0]\n"
      "print(rows[1]['session-local-id'][0]['data'], len(groups), len(rows),\n"
      "      groups[2]['tunnel-local-id'][0]['data'], up['data'], up['attributes']['junos:seconds'])\n",
      json);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out, "17968 3 4 31889 00:50:00 3000\n");

  const auto summary = python(
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "print(d['service-l2tp-summary-information'][0]['l2tp-summary-table'][0]['l2tp-tunnels'][0]['data'])\n",
      render_json(make_command(object::summary), q, o));
  EXPECT_EQ(summary.out, "3\n");
}

TEST(CliStructured, EmptyAnswersAndMissingShards) {
  query_snapshot empty;
  empty.taken_at = now;
  const std::string xml = render_xml(make_command(object::session), empty, {});
  EXPECT_NE(xml.find("junos:style=\"normal\"></service-l2tp-session-information>\n"), std::string::npos) << xml;
  EXPECT_EQ(python(parse_xml, xml).status, 0);
  const auto j =
      python("import sys, json\nd = json.load(sys.stdin)\nprint(sorted(d['service-l2tp-session-information'][0]))\n",
             render_json(make_command(object::session), empty, {}));
  EXPECT_EQ(j.out, "['attributes']\n");

  auto partial = make_snapshot();
  partial.shards_missing = 2;
  const std::string pxml = render_xml(make_command(object::tunnel), partial, {});
  EXPECT_NE(pxml.find("<xnm:warning"), std::string::npos);
  EXPECT_EQ(python(parse_xml, pxml).status, 0) << pxml;
  const auto pj =
      python("import sys, json\nd = json.load(sys.stdin)\nprint(d['xnm:warning'][0]['message'][0]['data'])\n",
             render_json(make_command(object::tunnel), partial, {}));
  EXPECT_EQ(pj.out, "2 shard(s) and 0 tunnel(s) did not answer in time; the output is incomplete\n");
}

TEST(CliStructured, JsonEmptyElementIsNull) {
  xml_node root{"root", {}, {}, {}};
  root.add("flag");
  root.add("leaf", "x").attributes.emplace_back("junos:format", "y");
  root.add("leaf", "z");
  EXPECT_EQ(to_json({root}),
            "{\n    \"root\" : [\n    {\n        \"flag\" : [\n        null\n        ],\n"
            "        \"leaf\" : [\n        {\n            \"attributes\" : {\"junos:format\" : \"y\"},\n"
            "            \"data\" : \"x\"\n        },\n        {\n            \"data\" : \"z\"\n        }\n"
            "        ]\n    }\n    ]\n}\n");
}

// ---- pipes ----

const std::string sample = "Tunnel local ID: 40553\n  17967  1  Established\n  17968  2  lns-ic-idle\nTotal: 2\n";

std::vector<pipe> pipes(std::initializer_list<pipe> list) {
  return list;
}

TEST(CliPipes, MatchKeepsMatchingLines) {
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "Established"}})), "  17967  1  Established\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "^  1796[78]"}})),
            "  17967  1  Established\n  17968  2  lns-ic-idle\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "Established|Total"}})),
            "  17967  1  Established\nTotal: 2\n")
      << "extended grammar: alternation";
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "[0-9]{5} +2"}})), "  17968  2  lns-ic-idle\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "nothing"}})), "");
  EXPECT_EQ(apply_pipes("a\nb", pipes({{pipe_kind::match, "b"}})), "b") << "an unterminated last line stays so";
}

TEST(CliPipes, ExceptDropsMatchingLines) {
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::except, "^  "}})), "Tunnel local ID: 40553\nTotal: 2\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::except, "zzz"}})), sample);
}

TEST(CliPipes, CountCounts) {
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::count, ""}})), "Count: 4 lines\n");
  EXPECT_EQ(apply_pipes("", pipes({{pipe_kind::count, ""}})), "Count: 0 lines\n");
  EXPECT_EQ(apply_pipes("one", pipes({{pipe_kind::count, ""}})), "Count: 1 lines\n");
  EXPECT_EQ(apply_pipes("a\n\nb\n", pipes({{pipe_kind::count, ""}})), "Count: 3 lines\n") << "blank lines count";
}

TEST(CliPipes, PipesChainLeftToRight) {
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "^  "}, {pipe_kind::count, ""}})), "Count: 2 lines\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::match, "^  "}, {pipe_kind::except, "idle"}})),
            "  17967  1  Established\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::count, ""}, {pipe_kind::match, "Count"}})), "Count: 4 lines\n");
  EXPECT_EQ(apply_pipes(sample, pipes({{pipe_kind::display_xml, ""}, {pipe_kind::no_more, ""}})), sample)
      << "display and no-more do not touch the text";
}

TEST(CliPipes, InvalidRegexIsAnErrorLineNotAnException) {
  std::string out;
  EXPECT_NO_THROW(out = apply_pipes(sample, pipes({{pipe_kind::match, "("}, {pipe_kind::count, ""}})));
  EXPECT_TRUE(out.starts_with("error: invalid regular expression: (")) << out;
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(out.find('\n'), out.size() - 1) << "one line";
  EXPECT_NO_THROW(out = apply_pipes(sample, pipes({{pipe_kind::except, "a{2,1}"}})));
  EXPECT_TRUE(out.starts_with("error: invalid regular expression: ")) << out;
}

TEST(CliPipes, RenderUsesTheLastDisplayPipeThenTheTextPipes) {
  const auto q = make_snapshot();
  command c = make_command(object::session);
  c.pipes = {{pipe_kind::display_json, ""}, {pipe_kind::display_xml, ""}};
  EXPECT_EQ(render(c, q, {}), render_xml(c, q, {}));
  c.pipes = {{pipe_kind::display_xml, ""}, {pipe_kind::display_json, ""}, {pipe_kind::no_more, ""}};
  EXPECT_EQ(render(c, q, {}), render_json(c, q, {}));
  c.pipes = {{pipe_kind::display_xml, ""}, {pipe_kind::match, "<session-local-id>"}, {pipe_kind::count, ""}};
  EXPECT_EQ(render(c, q, {}), "Count: 4 lines\n");
  c.pipes = {{pipe_kind::match, "session-user-name"}, {pipe_kind::display_xml, ""}};
  EXPECT_EQ(render(c, q, {}), apply_pipes(render_xml(c, q, {}), c.pipes)) << "display position does not matter";
  c.pipes = {{pipe_kind::match, "17967"}};
  EXPECT_EQ(render(c, q, {}), apply_pipes(render_text(c, q, {}), c.pipes)) << "text by default";
}

}  // namespace
}  // namespace bras::cli

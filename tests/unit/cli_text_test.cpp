// The Junos-style text renderers against golden files (tests/cli/golden/).
// Every sample output of Juniper's "show services l2tp session" page is kept
// verbatim in golden/junos/; the golden brasd must print is that sample with
// the documented deviations applied (docs/cli.md), and the first test checks
// exactly that, so a golden can never drift from its sample unnoticed.
// Views Junos published no sample for have their own goldens.
// BRAS_UPDATE_GOLDEN=1 rewrites the goldens from the renderers' output (review the diff).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/render.hpp"
#include "cli/text_util.hpp"

namespace bras::cli {
namespace {

using model::query_snapshot;
using model::session_snapshot;
using model::tunnel_report;
using model::tunnel_snapshot;
using model::wall_time;
using namespace std::chrono_literals;

const std::string golden_dir = std::string(BRAS_SOURCE_DIR) + "/tests/cli/golden/";

/// Wall-clock time from a UTC calendar date (the tests run with TZ=UTC).
wall_time utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{mo} / std::chrono::day{d}} +
         std::chrono::hours{h} + std::chrono::minutes{mi} + std::chrono::seconds{s};
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Compares with golden/<name>.txt, or rewrites it when BRAS_UPDATE_GOLDEN is set.
void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_dir + name + ".txt";
  if (std::getenv("BRAS_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
  EXPECT_EQ(read_file(path), actual) << "golden " << path;
}

/// Junos prints local time; the goldens are in UTC. The previous TZ comes back afterwards.
class utc_test : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz == nullptr ? std::nullopt : std::optional<std::string>(tz);
    set_tz("UTC");
  }
  void TearDown() override {
    if (saved_tz_) {
      set_tz(saved_tz_->c_str());
    } else {
      unsetenv("TZ");
      tzset();
    }
  }
  static void set_tz(const char* tz) {
    setenv("TZ", tz, 1);
    tzset();
  }

 private:
  std::optional<std::string> saved_tz_;
};

command show(object target, level l = level::standard, bool statistics = false) {
  command c;
  c.target = target;
  c.detail = l;
  c.statistics = statistics;
  return c;
}

/// A snapshot of one tunnel holding `sessions` (the tunnel takes its ID and role from the first).
query_snapshot one_tunnel(std::vector<session_snapshot> sessions, wall_time taken_at) {
  query_snapshot q;
  q.taken_at = taken_at;
  tunnel_report r;
  r.tunnel.lac = sessions.front().lac;
  r.tunnel.local_tunnel_id = sessions.front().local_tunnel_id;
  r.tunnel.sessions = sessions.size();
  r.sessions = std::move(sessions);
  q.tunnels.push_back(std::move(r));
  return q;
}

// ---- the Junos samples ----

struct deviation {
  std::string from, to;
};

/// What brasd cannot or does not print like the sample (docs/cli.md, "Differences from the Junos samples").
const std::vector<std::pair<std::string, std::vector<deviation>>> samples{
    {"session_m_lns_standard", {}},
    {"session_mx_lns_standard", {}},
    {"session_lac_standard", {}},
    {"session_lac_detail", {}},
    {"session_lac_extensive", {}},
    {"session_lac_mx_extensive",
     {{"    Tx speed: 256000, source service-profile\n    Rx speed: 128000, source ancp\n",
       "    Tx speed: 256000, Rx speed: 128000\n"}}},
    {"session_m_lns_extensive",
     {{"\xc2\xa0", " "},  // the page's non-breaking spaces are HTML, not Junos
      {"Bundle ID: 5", "Bundle ID:"},
      {"Interface ID: unit_20", "Interface ID: N/A"},
      {"Interface ID: unit_31", "Interface ID: N/A"},
      {"Policer bandwidth: 64000, Policer burst size: 51200", "Policer bandwidth: 0, Policer burst size: 0"},
      {"Firewall filter: f1", "Firewall filter:"},
      {"    Session encapsulation overhead: 16, Session cell overhead: On\n", ""}}},
    {"session_mx_lns_extensive", {{", Update 256000", ""}}},
    {"session_mx_statistics", {}},
};

std::string replace_all(std::string text, const deviation& d) {
  for (std::size_t at = text.find(d.from); at != std::string::npos; at = text.find(d.from, at + d.to.size())) {
    text.replace(at, d.from.size(), d.to);
  }
  return text;
}

using CliTextGolden = utc_test;

TEST_F(CliTextGolden, GoldensAreTheJunosSamplesWithOnlyTheDocumentedDeviations) {
  for (const auto& [name, deviations] : samples) {
    std::string text = read_file(golden_dir + "junos/" + name + ".txt");
    ASSERT_FALSE(text.empty()) << name;
    for (const auto& d : deviations) {
      EXPECT_NE(text.find(d.from), std::string::npos) << name << ": stale deviation " << d.from;
      text = replace_all(std::move(text), d);
    }
    EXPECT_EQ(read_file(golden_dir + name + ".txt"), text) << name;
  }
}

/// The LAC session of the LAC samples: tunnel 31889, created Tue Aug 24 14:38:23 2010, up 01:06:25.
session_snapshot lac_sample() {
  session_snapshot s;
  s.lac = true;
  s.local_tunnel_id = 31889;
  s.local_session_id = 31694;
  s.peer_session_id = 1;
  s.interface_name = "pp0";
  s.interface_unit = 311;
  s.state = "established";
  s.local_name = "ce-lac";
  s.remote_name = "ce-lns";
  s.bearer_type = 1;
  s.framing_type = 1;
  s.created = utc(2010, 8, 24, 14, 38, 23);
  s.up_since = s.created;
  s.statistics_since = s.created;
  return s;
}
const wall_time lac_taken_at = utc(2010, 8, 24, 14, 38, 23) + 1h + 6min + 25s;

/// The MX LNS session of the MX samples: tunnel 40553, session 17967 on si-5/2/0.
session_snapshot mx_lns_sample() {
  session_snapshot s;
  s.local_tunnel_id = 40553;
  s.local_session_id = 17967;
  s.peer_session_id = 1;
  s.interface_name = "si-5/2/0";
  s.interface_unit = 1073749824;
  s.state = "established";
  s.local_name = "lns-mx960";
  s.remote_name = "testlac";
  s.tx_speed = 64000;
  s.rx_speed = 64000;
  s.bearer_type = 2;
  s.framing_type = 1;
  s.lcp_renegotiation = false;
  s.call_serial_number = 1;
  s.created = utc(2011, 4, 25, 20, 27, 50);
  s.up_since = s.created;
  s.statistics_since = s.created;
  s.control_tx_packets = 4;
  s.control_tx_bytes = 219;
  s.control_rx_packets = 4;
  s.control_rx_bytes = 221;
  s.data_rx_packets = 10;
  s.data_rx_bytes = 228;
  return s;
}
const wall_time mx_taken_at = utc(2011, 4, 25, 20, 27, 50) + 1min + 48s;

TEST_F(CliTextGolden, SessionLnsMSeriesStandardAndBrief) {
  session_snapshot s;
  s.local_tunnel_id = 8802;
  s.local_session_id = 37966;
  s.peer_session_id = 5;
  s.interface_name = "sp-1/2/0";
  s.tunnel_group = "group1";
  s.interface_unit = 2;
  s.state = "established";
  const auto q = one_tunnel({s}, utc(2004, 3, 23, 15, 0, 0));
  const render_options m{.session_layout = layout::m_series};
  expect_golden("session_m_lns_standard", render_text(show(object::session), q, m));
  EXPECT_EQ(render_text(show(object::session, level::brief), q, m), render_text(show(object::session), q, m));
}

TEST_F(CliTextGolden, SessionLnsMxStandardAndBrief) {
  const auto q = one_tunnel({mx_lns_sample()}, mx_taken_at);
  expect_golden("session_mx_lns_standard", render_text(show(object::session), q));
  EXPECT_EQ(render_text(show(object::session, level::brief), q), render_text(show(object::session), q));
}

TEST_F(CliTextGolden, SessionLacStandardAndBrief) {
  const auto q = one_tunnel({lac_sample()}, lac_taken_at);
  expect_golden("session_lac_standard", render_text(show(object::session), q));
  EXPECT_EQ(render_text(show(object::session, level::brief), q), render_text(show(object::session), q));
  // The LAC layout is the LAC's whatever the LNS layout option says (Junos has the LAC on MX only).
  const render_options m{.session_layout = layout::m_series};
  EXPECT_EQ(render_text(show(object::session), q, m), render_text(show(object::session), q));
}

TEST_F(CliTextGolden, SessionLacDetail) {
  expect_golden("session_lac_detail",
                render_text(show(object::session, level::detail), one_tunnel({lac_sample()}, lac_taken_at)));
}

TEST_F(CliTextGolden, SessionLacExtensive) {
  expect_golden("session_lac_extensive",
                render_text(show(object::session, level::extensive), one_tunnel({lac_sample()}, lac_taken_at)));
}

TEST_F(CliTextGolden, SessionLacMxExtensiveWithSpeeds) {
  auto s = lac_sample();
  s.tx_speed = 256000;
  s.rx_speed = 128000;
  expect_golden("session_lac_mx_extensive",
                render_text(show(object::session, level::extensive), one_tunnel({s}, lac_taken_at)));
}

TEST_F(CliTextGolden, SessionLnsMSeriesExtensive) {
  session_snapshot a;
  a.local_tunnel_id = 62746;
  a.local_session_id = 56793;
  a.peer_session_id = 53304;
  a.interface_name = "sp-1/2/0";
  a.tunnel_group = "group1";
  a.interface_unit = 20;
  a.state = "established";
  a.mru = 4000;
  a.peer_mru = 1500;
  a.tx_speed = a.rx_speed = 64000;
  a.bearer_type = 2;
  a.framing_type = 1;
  a.lcp_renegotiation = false;
  a.auth_protocol = 0xc223;
  a.call_serial_number = 4137941434;
  a.created = utc(2004, 3, 23, 14, 13, 15);
  a.up_since = a.created;
  a.idle = 0s;
  a.statistics_since = utc(2004, 3, 23, 14, 13, 13);
  a.control_tx_packets = 4;
  a.control_tx_bytes = 88;
  a.control_rx_packets = 2;
  a.control_rx_bytes = 28;
  a.data_rx_packets = 461;
  a.data_rx_bytes = 29012;
  session_snapshot b = a;
  b.local_tunnel_id = 37266;
  b.local_session_id = 39962;
  b.peer_session_id = 53303;
  b.tunnel_group = "group_company_dns";
  b.local_name = "router-1";
  b.remote_name = "router-2";
  b.mru = b.peer_mru = 4470;
  b.tx_speed = b.rx_speed = 155000000;
  b.interface_unit = 31;
  b.call_serial_number = 4137941433;
  b.created = utc(2004, 3, 23, 14, 13, 17);
  b.up_since = b.created;
  b.idle = 1h + 16min + 36s;
  b.statistics_since = utc(2004, 3, 23, 14, 13, 15);
  b.control_tx_packets = 6;
  b.control_tx_bytes = 196;
  b.control_rx_packets = 4;
  b.control_rx_bytes = 150;
  b.data_rx_packets = 1;
  b.data_rx_bytes = 80;
  // Both taken at 15:29:56 (up 01:16:41 and 01:16:39). Listed as on the page: the renderer keeps
  // the snapshot's order, which the daemon sorts by tunnel ID.
  auto q = one_tunnel({a}, utc(2004, 3, 23, 15, 29, 56));
  q.tunnels.push_back(one_tunnel({b}, q.taken_at).tunnels.front());
  expect_golden("session_m_lns_extensive",
                render_text(show(object::session, level::extensive), q, {.session_layout = layout::m_series}));
}

TEST_F(CliTextGolden, SessionLnsMxExtensive) {
  expect_golden("session_mx_lns_extensive",
                render_text(show(object::session, level::extensive), one_tunnel({mx_lns_sample()}, mx_taken_at)));
}

TEST_F(CliTextGolden, SessionMxStatistics) {
  session_snapshot s;
  s.local_tunnel_id = 17185;
  s.local_session_id = 1;
  s.peer_session_id = 14444;
  s.interface_unit = 1073788352;
  s.state = "established";
  s.statistics_since = utc(2011, 8, 1, 13, 27, 47);
  s.data_tx_packets = 4;
  s.data_tx_bytes = 51;
  s.data_rx_packets = 3;
  s.data_rx_bytes = 36;
  expect_golden("session_mx_statistics",
                render_text(show(object::session, level::standard, true), one_tunnel({s}, s.statistics_since)));
}

// ---- brasd's own scenarios: several tunnels, both roles, an idle tunnel, large counters ----

constexpr std::uint32_t ip(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

const wall_time now = utc(2024, 5, 7, 9, 30, 0);

tunnel_snapshot tunnel(bool lac, std::uint16_t id, std::uint16_t peer_id, std::uint32_t peer_ip) {
  tunnel_snapshot t;
  t.lac = lac;
  t.local_tunnel_id = id;
  t.peer_tunnel_id = peer_id;
  t.peer = {peer_ip, 1701};
  t.local = {lac ? ip(198, 51, 100, 1) : ip(192, 0, 2, 1), 1701};
  t.local_gateway_name = lac ? "lac-gw" : "lns-gw";
  t.tunnel_group = lac ? "lns-a" : "isp";
  t.local_name = lac ? "bras-lac" : "bras-lns";
  t.remote_name = lac ? "lns-a.example" : "dslam-7";
  t.state = "established";
  t.max_sessions = lac ? 0 : 2000;
  t.receive_window = 16;
  t.peer_receive_window = 4;
  t.hello_interval = 60s;
  t.tunnel_authentication = !lac;
  t.created = now - 26h;
  t.up_since = t.created + 1s;
  t.statistics_since = t.created;
  t.tunnel_control_tx_packets = 1530;
  t.tunnel_control_tx_bytes = 24480;
  t.tunnel_control_rx_packets = 1528;
  t.tunnel_control_rx_bytes = 30560;
  t.retransmissions = 2;
  return t;
}

session_snapshot session(const tunnel_snapshot& t, std::uint16_t id, std::uint16_t peer_id, std::string state) {
  session_snapshot s;
  s.lac = t.lac;
  s.local_tunnel_id = t.local_tunnel_id;
  s.local_session_id = id;
  s.peer_tunnel_id = t.peer_tunnel_id;
  s.peer_session_id = peer_id;
  s.peer = t.peer;
  s.local = t.local;
  s.local_gateway_name = t.local_gateway_name;
  s.tunnel_group = t.tunnel_group;
  s.local_name = t.local_name;
  s.remote_name = t.remote_name;
  s.interface_name = t.lac ? "pp0" : "bras0";
  s.interface_unit = 1073741824u + id;
  s.state = std::move(state);
  s.ppp_phase = t.lac ? "" : "network";
  s.mru = 1492;
  s.peer_mru = 1492;
  s.auth_protocol = t.lac ? 0 : 0xc223;
  if (!t.lac) s.lcp_renegotiation = false;
  s.call_serial_number = 1000u + id;
  s.bearer_type = 1;
  s.framing_type = 1;
  s.tx_speed = s.rx_speed = 100000000;
  s.created = now - 2h;
  s.up_since = s.created + 1s;
  s.statistics_since = s.created;
  if (!t.lac) s.idle = 42s;
  s.control_tx_packets = 12;
  s.control_tx_bytes = 240;
  s.control_rx_packets = 11;
  s.control_rx_bytes = 230;
  s.data_tx_packets = 9000;
  s.data_tx_bytes = 9999;
  s.data_rx_packets = 10000;
  s.data_rx_bytes = 123456;
  return s;
}

/// LNS tunnel 101 (two sessions, one still waiting for ICCN, one with huge counters), LAC tunnel
/// 205 (an established call and one waiting for ICRP), idle LNS tunnel 300 and LNS tunnel 400 still
/// being set up, both without sessions; sorted as the daemon sorts.
query_snapshot mixed() {
  query_snapshot q;
  q.taken_at = now;
  auto t101 = tunnel(false, 101, 7001, ip(192, 0, 2, 10));
  auto s7 = session(t101, 7, 31, "established");
  s7.user = "alice@isp.example";
  s7.address = ip(100, 64, 0, 7);
  s7.local_address = ip(100, 64, 0, 1);
  s7.data_tx_packets = 98765432;
  s7.data_tx_bytes = std::numeric_limits<std::uint64_t>::max() - 10000;  // the tunnel sum stays in range
  s7.data_rx_packets = 123456789012;
  s7.data_rx_bytes = 1234567890123;
  s7.rx_errors = 17;
  auto s12 = session(t101, 12, 32, "wait-connect");
  s12.up_since.reset();
  s12.idle.reset();
  s12.user = "bob";
  t101.sessions = 2;
  t101.add(s7);
  t101.add(s12);
  q.tunnels.push_back({t101, {s7, s12}});
  auto t205 = tunnel(true, 205, 9, ip(198, 51, 100, 7));
  auto s3 = session(t205, 3, 4003, "established");
  auto s9 = session(t205, 9, 0, "wait-reply");
  s9.up_since.reset();
  t205.sessions = 2;
  t205.add(s3);
  t205.add(s9);
  q.tunnels.push_back({t205, {s3, s9}});
  auto t300 = tunnel(false, 300, 12, ip(203, 0, 113, 5));
  t300.idle = 5min;
  q.tunnels.push_back({t300, {}});
  auto t400 = tunnel(false, 400, 13, ip(203, 0, 113, 6));
  t400.state = "wait-ctl-conn";
  t400.up_since.reset();
  t400.remote_name.clear();
  q.tunnels.push_back({t400, {}});
  return q;
}

using CliTextSession = utc_test;

TEST_F(CliTextSession, SeveralTunnelsEachSessionInItsRolesLayout) {
  const auto q = mixed();
  expect_golden("session_mixed_standard", render_text(show(object::session), q));
  EXPECT_EQ(render_text(show(object::session, level::brief), q), render_text(show(object::session), q));
  expect_golden("session_mixed_detail", render_text(show(object::session, level::detail), q));
  expect_golden("session_mixed_extensive", render_text(show(object::session, level::extensive), q));
  expect_golden("session_mixed_statistics", render_text(show(object::session, level::standard, true), q));
}

TEST_F(CliTextSession, MSeriesLayoutGroupsByInterfaceAndShowsTheUser) {
  auto q = mixed();
  q.tunnels.front().sessions.back().interface_name = "bras1";  // a second header within tunnel 101
  const render_options m{.session_layout = layout::m_series};
  expect_golden("session_mixed_m_standard", render_text(show(object::session), q, m));
  expect_golden("session_mixed_m_detail", render_text(show(object::session, level::detail), q, m));
  expect_golden("session_mixed_m_extensive", render_text(show(object::session, level::extensive), q, m));
}

/// Tunnel 101 with a dual-stack session (a /64 and a bound delegated prefix), an IPv6-only one
/// whose delegated prefix is not bound yet, and a v4-only one (which must print as before).
query_snapshot dual_stack() {
  query_snapshot q;
  q.taken_at = now;
  auto t101 = tunnel(false, 101, 7001, ip(192, 0, 2, 10));
  auto s7 = session(t101, 7, 31, "established");
  s7.user = "alice@isp.example";
  s7.address = ip(100, 64, 0, 7);
  s7.local_address = ip(100, 64, 0, 1);
  s7.ipv6_interface_id = 0x021122fffe334455;
  s7.ipv6_prefix = "2001:db8:100:1::/64";
  s7.delegated_prefix = "2001:db8:8000:100::/56";
  s7.delegated_bound = true;
  s7.ra_sent = 12;
  s7.rs_received = 1;
  s7.dhcpv6_received = 4;
  s7.dhcpv6_sent = 4;
  s7.data_tx_v6_packets = 4000;
  s7.data_tx_v6_bytes = 5000;
  s7.data_rx_v6_packets = 6000;
  s7.data_rx_v6_bytes = 70000;
  auto s8 = session(t101, 8, 33, "established");
  s8.user = "v6only";
  s8.ipv6_prefix = "2001:db8:100:2::/64";
  s8.delegated_prefix = "2001:db8:8000:200::/56";
  s8.ra_sent = 3;
  s8.data_tx_packets = s8.data_tx_v6_packets = 9000;
  s8.data_tx_bytes = s8.data_tx_v6_bytes = 9999;
  s8.data_rx_packets = s8.data_rx_v6_packets = 10000;
  s8.data_rx_bytes = s8.data_rx_v6_bytes = 123456;
  auto s9 = session(t101, 9, 34, "established");
  s9.user = "v4only";
  s9.address = ip(100, 64, 0, 9);
  t101.sessions = 3;
  q.tunnels.push_back({t101, {s7, s8, s9}});
  return q;
}

TEST_F(CliTextSession, Ipv6PrefixLinesOnlyForSessionsWithAPrefix) {
  const auto q = dual_stack();
  expect_golden("session_ipv6_detail", render_text(show(object::session, level::detail), q));
  expect_golden("session_ipv6_extensive", render_text(show(object::session, level::extensive), q));
  const render_options m{.session_layout = layout::m_series};
  expect_golden("session_ipv6_m_detail", render_text(show(object::session, level::detail), q, m));
  expect_golden("session_ipv6_m_extensive", render_text(show(object::session, level::extensive), q, m));
  // The rows and the statistics view (Junos samples with no room for them) are unchanged.
  expect_golden("session_ipv6_standard", render_text(show(object::session), q));
  const std::string statistics = render_text(show(object::session, level::standard, true), q);
  EXPECT_EQ(statistics.find("IPv6"), std::string::npos);
  EXPECT_EQ(statistics.find("prefix"), std::string::npos);

  // The v4-only session prints exactly what it printed before IPv6 prefixes existed.
  auto v4_only = q;
  v4_only.tunnels.front().sessions = {q.tunnels.front().sessions.back()};
  for (const level l : {level::detail, level::extensive}) {
    const std::string text = render_text(show(object::session, l), v4_only);
    EXPECT_EQ(text.find("IPv6"), std::string::npos);
    EXPECT_EQ(text.find("Delegated"), std::string::npos);
  }
}

TEST_F(CliTextSession, DelegatedPrefixBoundOrNotAndAbsent) {
  auto q = dual_stack();
  auto& s = q.tunnels.front().sessions.front();
  const auto extensive = [&] { return render_text(show(object::session, level::extensive), q); };
  EXPECT_NE(extensive().find("    IPv6 prefix: 2001:db8:100:1::/64\n"
                             "    Delegated prefix: 2001:db8:8000:100::/56 (bound)\n"
                             "    Router advertisements sent: 12, Router solicitations received: 1\n"
                             "    DHCPv6 received: 4, DHCPv6 sent: 4\n"),
            std::string::npos);
  s.delegated_bound = false;
  EXPECT_NE(extensive().find("    Delegated prefix: 2001:db8:8000:100::/56 (not bound)\n"), std::string::npos);
  s.delegated_prefix.clear();
  EXPECT_NE(extensive().find("    IPv6 prefix: 2001:db8:100:1::/64\n    Delegated prefix:\n"), std::string::npos);
  // The IPv6 rows follow the Data and Errors rows, aligned with them.
  EXPECT_NE(extensive().find("      Errors Rx               0\n"
                             "      IPv6 Tx              4000         5000\n"
                             "      IPv6 Rx              6000        70.0k\n"),
            std::string::npos);
}

TEST_F(CliTextSession, HeaderOnlyForTunnelsWithSessions) {
  // As the daemon answers `... session user bob`: every tunnel listed, one session matched.
  auto q = mixed();
  q.tunnels.front().sessions.erase(q.tunnels.front().sessions.begin());
  q.tunnels.at(1).sessions.clear();
  EXPECT_EQ(render_text(show(object::session), q),
            "Tunnel local ID:   101\n"
            "  Local  Remote   State                Interface         Interface\n"
            "  ID     ID                            unit              Name\n"
            "  12     32       lns-ic-wait-connect  1073741836        bras0\n");
  EXPECT_EQ(render_text(show(object::session), q, {.session_layout = layout::m_series}),
            "Interface: bras0, Tunnel group: isp, Tunnel local ID:   101\n"
            "  Local Remote Interface State               Bundle Username\n"
            "  ID    ID     unit\n"
            "     12     32 1073741836 lns-ic-wait-connect        bob\n");
}

TEST_F(CliTextSession, NothingMatchedPrintsNothing) {
  query_snapshot empty;
  for (const level l : {level::standard, level::brief, level::detail, level::extensive}) {
    EXPECT_EQ(render_text(show(object::session, l), empty), "");
    EXPECT_EQ(render_text(show(object::tunnel, l), empty), "");
    EXPECT_EQ(render_text(show(object::destination, l), empty), "");
  }
  EXPECT_EQ(render_text(show(object::session, level::standard, true), empty), "");
  auto only_idle = mixed();
  for (auto& r : only_idle.tunnels) r.sessions.clear();
  EXPECT_EQ(render_text(show(object::session, level::extensive), only_idle), "");
}

TEST_F(CliTextSession, MissingShardsAreAnnounced) {
  query_snapshot q;
  q.shards_missing = 1;
  EXPECT_EQ(render_text(show(object::session), q),
            "warning: 1 shard did not answer in time; the output may be incomplete\n");
  q = mixed();
  q.shards_missing = 3;
  const std::string text = render_text(show(object::tunnel), q);
  EXPECT_TRUE(text.ends_with("\nwarning: 3 shards did not answer in time; the output may be incomplete\n")) << text;
  q.shards_missing = 0;
  q.tunnels_missing = 2;
  EXPECT_TRUE(render_text(show(object::session), q)
                  .ends_with("\nwarning: 2 tunnels did not answer in time; the output may be incomplete\n"));
}

// ---- tunnel, summary, destination, subscribers ----

using CliTextTunnel = utc_test;

TEST_F(CliTextTunnel, AllLevelsWithAnIdleTunnelAndOneBeingSetUp) {
  auto q = mixed();
  q.tunnels.front().tunnel.sessions_missing = 1;
  expect_golden("tunnel_standard", render_text(show(object::tunnel), q));
  EXPECT_EQ(render_text(show(object::tunnel, level::brief), q), render_text(show(object::tunnel), q));
  expect_golden("tunnel_detail", render_text(show(object::tunnel, level::detail), q));
  expect_golden("tunnel_extensive", render_text(show(object::tunnel, level::extensive), q));
  expect_golden("tunnel_statistics", render_text(show(object::tunnel, level::standard, true), q));
}

using CliTextSummary = utc_test;

model::summary_snapshot summary() {
  model::summary_snapshot m;
  m.weighted_load_balancing = false;
  m.tunnel_authentication_challenge = true;
  m.destinations = 2;
  m.tunnels = 4;
  m.sessions = 4;
  m.retransmit_count = 12;
  m.retransmit_initial = 1000ms;
  m.retransmit_max = 8000ms;
  m.destination_lockout = 300s;
  m.receive_window = 16;
  m.control_tx_packets = 6120;
  m.control_tx_bytes = 97920;
  m.control_rx_packets = 6112;
  m.control_rx_bytes = 122240;
  m.data_tx_packets = 98783432;
  m.data_tx_bytes = 18446744073709551615u;
  m.data_rx_packets = 123456829012;
  m.data_rx_bytes = 1234568259033;
  m.rx_errors = 17;
  return m;
}

TEST_F(CliTextSummary, SettingsCountsAndStatistics) {
  query_snapshot q;
  q.summary = summary();
  expect_golden("summary", render_text(show(object::summary), q));
  expect_golden("summary_statistics", render_text(show(object::summary, level::standard, true), q));
  q.summary.admin_enabled = false;
  EXPECT_TRUE(render_text(show(object::summary), q).starts_with("Administrative state is drain\n"));
}

using CliTextDestination = utc_test;

query_snapshot destinations() {
  query_snapshot q;
  q.taken_at = now;
  model::destination_snapshot lns;
  lns.index = 1;
  lns.lac = true;
  lns.name = "lns-a";
  lns.local = {ip(198, 51, 100, 1), 1701};
  lns.peer = {ip(198, 51, 100, 7), 1701};
  lns.local_gateway_name = "lac-gw";
  lns.state = "Enabled";
  lns.preference = 0;
  lns.weight = 1000;
  lns.tunnels_total = lns.tunnels_active = 1;
  lns.sessions_total = 2;
  lns.sessions_active = 1;
  lns.control_tx_packets = 1554;
  lns.control_tx_bytes = 24960;
  lns.control_rx_packets = 1550;
  lns.control_rx_bytes = 31000;
  lns.data_tx_packets = 18000;
  lns.data_tx_bytes = 19998;
  lns.data_rx_packets = 20000;
  lns.data_rx_bytes = 246912;
  model::destination_snapshot down = lns;
  down.index = 2;
  down.name = "lns-b-with-a-rather-long-name";
  down.peer = {ip(198, 51, 100, 8), 1701};
  down.state = "Locked out";
  down.lockout_remaining = 4min + 10s;
  down.preference = 1;
  down.tunnels_total = down.tunnels_active = down.sessions_total = down.sessions_active = 0;
  model::destination_snapshot lac;
  lac.index = 3;
  lac.name = "dslam-7";
  lac.local = {ip(192, 0, 2, 1), 1701};
  lac.peer = {ip(192, 0, 2, 10), 1701};
  lac.local_gateway_name = "lns-gw";
  lac.state = "Enabled";
  lac.tunnels_total = lac.tunnels_active = 1;
  lac.sessions_total = 2;
  lac.sessions_active = 1;
  q.destinations = {lns, down, lac};
  return q;
}

TEST_F(CliTextDestination, AllLevels) {
  const auto q = destinations();
  expect_golden("destination_standard", render_text(show(object::destination), q));
  EXPECT_EQ(render_text(show(object::destination, level::brief), q), render_text(show(object::destination), q));
  expect_golden("destination_detail", render_text(show(object::destination, level::detail), q));
  expect_golden("destination_extensive", render_text(show(object::destination, level::extensive), q));
  expect_golden("destination_statistics", render_text(show(object::destination, level::standard, true), q));
}

using CliTextSubscribers = utc_test;

TEST_F(CliTextSubscribers, ByStateAndClientType) {
  query_snapshot q;
  q.subscribers = {.init = 1, .configured = 0, .active = 18, .terminating = 1, .l2tp_lns = 12, .l2tp_lac = 8};
  expect_golden("subscribers_summary", render_text(show(object::subscribers_summary), q));
  EXPECT_EQ(render_text(show(object::subscribers_summary), query_snapshot{}),
            "Subscribers by State\n   Total: 0\n\nSubscribers by Client Type\n   Total: 0\n");
}

TEST_F(CliTextSubscribers, ByAddressFamilyOnlyWithIpv6Subscribers) {
  query_snapshot q;
  q.subscribers = {.init = 1, .configured = 0, .active = 18, .terminating = 1, .l2tp_lns = 12, .l2tp_lac = 8};
  q.subscribers.dual_stack = 9;
  q.subscribers.ipv6_only = 2;
  expect_golden("subscribers_summary_ipv6", render_text(show(object::subscribers_summary), q));
  q.subscribers.dual_stack = 0;
  EXPECT_NE(render_text(show(object::subscribers_summary), q)
                .find("\n\nSubscribers by Address Family\n   IPv6 only: 2\n   Total: 2\n"),
            std::string::npos);
}

using CliTextClear = utc_test;

TEST_F(CliTextClear, OneLinePerObject) {
  command c;
  c.what = verb::clear;
  model::clear_report r;
  r.sessions = {{101, 7}, {101, 12}};
  EXPECT_EQ(render_clear(c, r), "  Session 7 closed\n  Session 12 closed\n");
  r.statistics = true;
  EXPECT_EQ(render_clear(c, r), "Session 7 statistics cleared\nSession 12 statistics cleared\n");
  r = {};
  r.tunnels = {101, 40553};
  EXPECT_EQ(render_clear(c, r), "  Tunnel 101 closed\n  Tunnel 40553 closed\n");
  r.statistics = true;
  EXPECT_EQ(render_clear(c, r), "Tunnel 101 statistics cleared\nTunnel 40553 statistics cleared\n");
}

TEST_F(CliTextClear, NothingMatchedPrintsNothingButMissingShardsWarn) {
  model::clear_report r;
  EXPECT_EQ(render_clear(command{}, r), "");
  r.shards_missing = 2;
  EXPECT_EQ(render_clear(command{}, r),
            "warning: 2 shards did not answer in time; some objects may not have been cleared\n");
}

// ---- the formatting rules ----

using CliTextFormat = utc_test;

TEST_F(CliTextFormat, CountsAreExactBelowTenThousandThenScaled) {
  using text_detail::junos_count;
  EXPECT_EQ(junos_count(0), "0");
  EXPECT_EQ(junos_count(9999), "9999");
  EXPECT_EQ(junos_count(10000), "10.0k");
  EXPECT_EQ(junos_count(29012), "29.0k");  // the M Series sample's Data Rx bytes
  EXPECT_EQ(junos_count(29049), "29.0k");
  EXPECT_EQ(junos_count(29050), "29.1k");
  EXPECT_EQ(junos_count(999949), "999.9k");
  EXPECT_EQ(junos_count(999950), "1.0m");
  EXPECT_EQ(junos_count(1234567890123), "1.2t");
  EXPECT_EQ(junos_count(999'950'000'000'000'000u), "1.0e");
  EXPECT_EQ(junos_count(std::numeric_limits<std::uint64_t>::max()), "18.4e");
}

TEST_F(CliTextFormat, DatesDurationsAndAddresses) {
  using namespace text_detail;
  EXPECT_EQ(junos_date(utc(2011, 8, 1, 13, 27, 47)), "Mon Aug 1 13:27:47 2011");
  EXPECT_EQ(junos_date(utc(2010, 8, 24, 14, 38, 23)), "Tue Aug 24 14:38:23 2010");
  EXPECT_EQ(junos_date(utc(2024, 12, 31, 0, 0, 5)), "Tue Dec 31 00:00:05 2024");
  set_tz("XST-2");  // local time, as Junos: a POSIX zone two hours east of UTC (needs no tzdata)
  EXPECT_EQ(junos_date(utc(2011, 8, 1, 13, 27, 47)), "Mon Aug 1 15:27:47 2011");
  set_tz("UTC");
  EXPECT_EQ(duration_hms(0s), "00:00:00");
  EXPECT_EQ(duration_hms(1h + 6min + 25s), "01:06:25");
  EXPECT_EQ(duration_hms(123h + 4min + 5s), "123:04:05");
  EXPECT_EQ(duration_hms(-5s), "00:00:00");
  EXPECT_EQ(ipv4(0), "");
  EXPECT_EQ(ipv4(ip(192, 0, 2, 255)), "192.0.2.255");
  EXPECT_EQ(endpoint({ip(192, 0, 2, 1), 1701}), "192.0.2.1:1701");
  EXPECT_EQ(endpoint({}), "");
  EXPECT_EQ(field("Local IP", ""), "Local IP:");
  EXPECT_EQ(field("Local IP", "10.0.0.1"), "Local IP: 10.0.0.1");
}

TEST_F(CliTextFormat, JunosStateAndAuthenticationNames) {
  using namespace text_detail;
  EXPECT_EQ(session_state_name("established", false), "Established");
  EXPECT_EQ(session_state_name("established", true), "Established");
  EXPECT_EQ(session_state_name("idle", false), "lns-ic-idle");
  EXPECT_EQ(session_state_name("wait-connect", false), "lns-ic-wait-connect");
  EXPECT_EQ(session_state_name("idle", true), "lac-ic-idle");
  EXPECT_EQ(session_state_name("wait-tunnel", true), "lac-ic-wait-tunnel");
  EXPECT_EQ(session_state_name("wait-reply", true), "lac-ic-wait-reply");
  EXPECT_EQ(session_state_name("destroyed", true), "destroyed");
  EXPECT_EQ(session_state_name("something-new", false), "something-new");
  EXPECT_EQ(tunnel_state_name("established", false), "Established");
  EXPECT_EQ(tunnel_state_name("idle", false), "cc-responder-idle");
  EXPECT_EQ(tunnel_state_name("wait-ctl-conn", false), "cc-responder-wait-ctl-conn");
  EXPECT_EQ(tunnel_state_name("idle", true), "cc-initiator-idle");
  EXPECT_EQ(tunnel_state_name("wait-ctl-reply", true), "cc-initiator-wait-ctl-reply");
  EXPECT_EQ(tunnel_state_name("closing", true), "closed");
  EXPECT_EQ(tunnel_state_name("destroyed", false), "destroyed");
  EXPECT_EQ(auth_name(0), "None");
  EXPECT_EQ(auth_name(0xc023), "PAP");
  EXPECT_EQ(auth_name(0xc223), "CHAP");
  EXPECT_EQ(auth_name(0x1234), "0x1234");
  EXPECT_EQ(on_off(std::nullopt), "N/A");
  EXPECT_EQ(on_off(true), "On");
  EXPECT_EQ(on_off(false), "Off");
}

}  // namespace
}  // namespace bras::cli

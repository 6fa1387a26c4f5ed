// render_stream (cli/stream.cpp), the reply brasd writes part by part: over a
// large synthetic snapshot (every session layout, IPv6 and LAC sessions,
// several groups per tunnel, missing shards), the parts joined equal render()
// for every view and pipe, whatever the part size; the session listing really
// comes in bounded parts; a failing pipe ends the reply with render()'s line.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "cli/grammar.hpp"
#include "cli/render.hpp"

namespace bras::cli {
namespace {

using model::query_snapshot;
using model::session_snapshot;
using model::tunnel_report;
using namespace std::chrono_literals;

/// The goldens' time zone, so the dates do not depend on the machine's; the previous TZ comes back.
class CliStream : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_ = tz == nullptr ? std::nullopt : std::optional<std::string>(tz);
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (saved_) {
      setenv("TZ", saved_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  std::optional<std::string> saved_;
};

command parsed(const std::string& line) {
  auto p = parse(line);
  const auto* c = std::get_if<command>(&p);
  EXPECT_NE(c, nullptr) << line;
  return c != nullptr ? *c : command{};
}

/// 60 tunnels of 1 to 59 sessions: LNS tunnels whose sessions alternate between two
/// interfaces (a new M Series group at each change), with and without IPv6 prefixes, in
/// every state; every fifth tunnel a LAC's; counters in every Junos unit; two shards missing.
query_snapshot large_snapshot() {
  query_snapshot q;
  const model::wall_time start = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + 8h;
  q.taken_at = start + 50h + 7min + 3s;
  const std::vector<std::string> states{"established", "wait-connect", "idle", "destroyed", "wait-reply"};
  std::uint32_t unit = 1073741824;
  for (std::uint16_t t = 1; t <= 60; ++t) {
    tunnel_report r;
    r.tunnel.lac = t % 5 == 0;
    r.tunnel.local_tunnel_id = static_cast<std::uint16_t>(t * 1000 + 7);
    for (std::uint16_t n = 1; n < t; ++n) {
      session_snapshot s;
      s.lac = r.tunnel.lac;
      s.local_tunnel_id = r.tunnel.local_tunnel_id;
      s.local_session_id = static_cast<std::uint16_t>(n * 613 % 65535 + 1);
      s.peer_session_id = static_cast<std::uint16_t>(65535 - n);
      s.interface_name = s.lac ? "pp0" : (n % 7 < 4 ? "bras0" : "a-much-longer-interface-name0");
      s.interface_unit = unit++;
      s.tunnel_group = "group" + std::to_string(t % 3);
      s.state = states[n % states.size()];
      s.user = n % 11 == 0 ? "" : "user" + std::to_string(t) + "-" + std::to_string(n) + "@isp.example";
      s.local_name = n % 4 == 0 ? "" : "lns";
      s.remote_name = n % 6 == 0 ? "" : "lac" + std::to_string(t);
      s.address = n % 9 == 0 ? 0 : 0x64400000u + n;
      s.local_address = n % 9 == 0 ? 0 : 0x64400001u;
      if (!s.lac && n % 3 == 0) s.ipv6_prefix = "2001:db8:" + std::to_string(n) + "::/64";
      if (!s.lac && n % 5 == 0) s.delegated_prefix = "2001:db8:8000:" + std::to_string(n) + "00::/56";
      s.delegated_bound = n % 10 == 0;
      s.auth_protocol = n % 4 == 0 ? 0xc023 : (n % 4 == 1 ? 0xc223 : (n % 4 == 2 ? 0 : 0xc2ff));
      if (!s.lac) s.lcp_renegotiation = n % 2 == 0;
      s.tx_speed = 1000000u * n;
      s.rx_speed = 999999u * n;
      s.bearer_type = n % 3;
      s.framing_type = n % 2 + 1;
      s.call_serial_number = 100000u + n;
      s.mru = 1492;
      s.peer_mru = 1480;
      s.created = start + std::chrono::seconds{n * 3637};
      if (n % 8 != 0) s.up_since = s.created + 2s;
      s.statistics_since = s.created + std::chrono::seconds{n % 2};
      if (n % 5 != 0) s.idle = std::chrono::seconds{n * 61};
      const std::uint64_t scale = std::uint64_t{1} << (n % 60);
      s.control_tx_packets = 9999 + n;
      s.control_tx_bytes = 999949 + n;
      s.control_rx_packets = scale;
      s.control_rx_bytes = scale * 3;
      s.data_tx_packets = scale + 12345;
      s.data_tx_bytes = ~std::uint64_t{0} / (n + 1);
      s.data_rx_packets = n;
      s.data_rx_bytes = n * 1500u;
      s.data_tx_v6_packets = n;
      s.data_rx_v6_bytes = scale;
      s.tx_errors = n % 3;
      s.rx_errors = n % 4;
      s.ra_sent = n;
      s.rs_received = n / 2;
      s.dhcpv6_received = n / 3;
      s.dhcpv6_sent = n / 4;
      r.sessions.push_back(std::move(s));
    }
    r.tunnel.sessions = r.sessions.size();
    q.tunnels.push_back(std::move(r));
  }
  q.shards_missing = 2;
  q.tunnels_missing = 1;
  return q;
}

/// The whole reply, taken `want` bytes at a time.
std::string drain(reply_stream& stream, std::size_t want, std::size_t* parts = nullptr) {
  std::string out;
  std::size_t n = 0;
  while (stream.next(out, want)) ++n;
  if (parts != nullptr) *parts = n;
  EXPECT_FALSE(stream.next(out, want)) << "a finished reply gave more";
  return out;
}

TEST_F(CliStream, PartsJoinedAreRenderForEveryViewPipeAndPartSize) {
  const query_snapshot q = large_snapshot();
  const std::vector<std::string> views{
      "show services l2tp session",
      "show services l2tp session brief",
      "show services l2tp session detail",
      "show services l2tp session extensive",
      "show services l2tp session statistics",
      "show services l2tp session extensive | count",
      "show services l2tp session | match Established",
      "show services l2tp session extensive | except \"Session|Tx|^$\"",
      "show services l2tp session extensive | match \"Tunnel local ID|IPv6\" | count",
      "show services l2tp session detail | match lns-ic | except wait-reply",
      "show services l2tp session | match nothing-at-all",
      "show services l2tp session | count | match Count",
      "show services l2tp session extensive | display xml | match session-user-name",
      "show services l2tp session | display json | count",
      "show services l2tp tunnel",
      "show services l2tp summary | except Enabled",
      "show services l2tp destination extensive",
      "show subscribers summary | count",
  };
  for (const layout l : {layout::mx, layout::m_series}) {
    render_options o;
    o.session_layout = l;
    for (const auto& line : views) {
      const command c = parsed(line);
      const std::string whole = render(c, q, o);
      EXPECT_EQ(whole.empty(), line.ends_with("nothing-at-all")) << line;
      for (const std::size_t want : {std::size_t{1}, std::size_t{333}, std::size_t{4096}, std::size_t{128} << 10}) {
        auto stream = render_stream(c, q, o);
        EXPECT_EQ(drain(*stream, want), whole) << line << " in parts of " << want;
      }
    }
  }
}

TEST_F(CliStream, TheSessionListingComesInBoundedParts) {
  const query_snapshot q = large_snapshot();
  const command c = parsed("show services l2tp session extensive");
  const std::size_t want = 16384;
  auto stream = render_stream(c, q);
  std::string part;
  std::size_t parts = 0, total = 0;
  while (stream->next(part, want)) {
    ++parts;
    // Whole sessions are added until `want` is reached: a part overshoots by less than one session.
    EXPECT_LT(part.size(), want + 2048) << "part " << parts;
    total += part.size();
    part.clear();
  }
  EXPECT_EQ(total, render(c, q).size());
  EXPECT_GT(parts, total / want / 2) << "the listing was not rendered in parts";
  // With a missing shard the warning still comes last, after the listing.
  const std::string whole = render(c, q);
  EXPECT_TRUE(whole.ends_with("warning: 1 tunnel did not answer in time; the output may be incomplete\n")) << whole;
}

TEST_F(CliStream, AnInvalidRegularExpressionIsTheWholeReplyAsWithRender) {
  // bras-cli and brasd's grammar refuse it first; the renderers do not count on that.
  const query_snapshot q = large_snapshot();
  command c = parsed("show services l2tp session | count");
  c.pipes.push_back({pipe_kind::match, "a("});
  const std::string whole = render(c, q);
  EXPECT_TRUE(whole.starts_with("error: invalid regular expression: a(: ")) << whole;
  EXPECT_EQ(std::count(whole.begin(), whole.end(), '\n'), 1);
  auto stream = render_stream(c, q);
  EXPECT_EQ(drain(*stream, 100), whole);
}

TEST_F(CliStream, AnEmptySnapshotAndAnEmptyReply) {
  query_snapshot q;
  for (const std::string line : {"show services l2tp session", "show services l2tp session | count",
                                 "show services l2tp session extensive | match x"}) {
    const command c = parsed(line);
    auto stream = render_stream(c, q);
    EXPECT_EQ(drain(*stream, 10), render(c, q)) << line;
  }
  auto empty = text_stream("");
  std::string out;
  EXPECT_FALSE(empty->next(out, 10));
  EXPECT_TRUE(out.empty());
}

TEST_F(CliStream, TextIsHandedOutInSlices) {
  std::string text(100000, 'x');
  for (std::size_t i = 0; i < text.size(); i += 77) text[i] = '\n';
  auto stream = text_stream(text);
  std::size_t parts = 0;
  EXPECT_EQ(drain(*stream, 1000, &parts), text);
  EXPECT_EQ(parts, 100u);
}

}  // namespace
}  // namespace bras::cli

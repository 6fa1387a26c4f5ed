// `show network-access aaa statistics | radius-servers | accounting-spool`:
// the grammar, the text views against golden files (tests/cli/golden/aaa_*),
// and `| display xml` / `| display json` read back by independent parsers
// (python3's minidom and json). BRAS_UPDATE_GOLDEN=1 rewrites the goldens.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <variant>

#include "cli/grammar.hpp"
#include "cli/render.hpp"

namespace bras::cli {
namespace {

using namespace std::chrono_literals;

const std::string golden_dir = std::string(BRAS_SOURCE_DIR) + "/tests/cli/golden/";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::string path = golden_dir + name + ".txt";
  if (std::getenv("BRAS_UPDATE_GOLDEN") != nullptr) std::ofstream(path, std::ios::binary) << actual;
  EXPECT_EQ(read_file(path), actual) << "golden " << path;
}

command parsed(const std::string& line) {
  auto r = parse(line);
  if (auto* e = std::get_if<parse_error>(&r)) {
    ADD_FAILURE() << line << ": " << e->message;
    return {};
  }
  return std::get<command>(r);
}

/// Runs `script` with `input` on stdin; returns its exit status and output.
std::pair<int, std::string> python(const std::string& script, const std::string& input) {
  const std::string base = testing::TempDir() + "cli_aaa_" + std::to_string(::getpid());
  std::ofstream(base + ".py") << script;
  std::ofstream(base + ".in", std::ios::binary) << input;
  const std::string cmd = "python3 '" + base + ".py' < '" + base + ".in' 2>&1";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, out};
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, p)) > 0) out.append(buffer, n);
  const int status = pclose(p);
  std::remove((base + ".py").c_str());
  std::remove((base + ".in").c_str());
  return {status, out};
}

const model::wall_time now = model::wall_time{std::chrono::seconds{1'700'000'000}};

model::aaa_snapshot make_snapshot() {
  model::aaa_snapshot a;
  a.taken_at = now;
  a.radius = true;
  model::radius_server_snapshot r1;
  r1.name = "rad1";
  r1.service = "authentication";
  r1.address = {0x7f000001, 1812};
  r1.state = "alive";
  r1.message_authenticator = "auto";
  r1.message_authenticator_seen = true;
  r1.requests = 1200;
  r1.retransmissions = 14;
  r1.timeouts = 2;
  r1.accepts = 1100;
  r1.rejects = 97;
  r1.challenges = 1;
  r1.bad_authenticators = 3;
  r1.missing_message_authenticator = 1;
  r1.malformed = 0;
  r1.outstanding = 8;
  r1.max_outstanding = 256;
  r1.latency_buckets[1] = 1000;
  r1.latency_buckets[4] = 198;
  r1.latency_sum_seconds = 24.6;  // 20.534 ms on average
  model::radius_server_snapshot r2;
  r2.name = "rad2-backup-server";  // wider than its column: shifts the row, never touches the next column
  r2.service = "authentication";
  r2.address = {0x0a000002, 11812};
  r2.state = "dead";
  r2.dead_until = now + 25s;
  r2.message_authenticator = "yes";
  r2.max_outstanding = 64;
  r2.timeouts = 5;
  r2.status_server_sent = 4;
  a.authentication.servers = {r1, r2};
  a.authentication.queued = 2;
  a.authentication.queue_limit = 1000;
  a.authentication.queue_full = 7;
  a.authentication.source_ports = 1;
  a.sessions_refused_queue_full = 7;
  model::radius_server_snapshot acct;
  acct.name = "acct1";
  acct.service = "accounting";
  acct.address = {0x7f000001, 1813};
  acct.state = "probing";
  acct.message_authenticator = "no";
  acct.requests = 3000;
  acct.responses = 2990;
  acct.max_outstanding = 256;
  acct.latency_buckets[0] = 2990;
  acct.latency_sum_seconds = 5.98;  // 2.0 ms
  a.accounting.servers = {acct};
  a.accounting.queue_limit = 5000;
  auto& p = a.spool;
  p.enabled = true;
  p.directory = "/var/spool/brasd/accounting";
  p.when_full = "refuse-new-sessions";
  p.records = 10;
  p.bytes = 4096;
  p.max_bytes = 1048576;
  p.oldest_age = 400s;
  p.written = 3010;
  p.starts = 1100;
  p.interims = 1000;
  p.stops = 910;
  p.acknowledged = 3000;
  p.resent = 12;
  p.replayed = 4;
  p.dropped_interims = 0;
  p.fsyncs = 321;
  p.memory_bytes = 2048;
  auto& c = a.coa;
  c.enabled = true;
  c.listen = {0x7f000001, 3799};
  c.disconnect_requests = 5;
  c.coa_requests = 2;
  c.acks = 6;
  c.naks = 1;
  c.unknown_client = 3;
  c.bad_authenticator = 2;
  return a;
}

TEST(CliAaa, GrammarParsesTheAaaCommands) {
  EXPECT_EQ(parsed("show network-access aaa statistics").target, object::aaa_statistics);
  EXPECT_EQ(parsed("show network-access aaa radius-servers").target, object::aaa_radius_servers);
  EXPECT_EQ(parsed("show network-access aaa accounting-spool").target, object::aaa_accounting_spool);
  // Unique-prefix abbreviations, as for every other command.
  EXPECT_EQ(parsed("sh net aaa st").target, object::aaa_statistics);
  EXPECT_EQ(parsed("sh n a r | display json").pipes.front().kind, pipe_kind::display_json);
  EXPECT_TRUE(is_aaa(parsed("sh n a acc").target));
  EXPECT_FALSE(is_aaa(parsed("show services l2tp summary").target));
  // Nothing may follow but pipes; the incomplete command says what is missing.
  EXPECT_TRUE(std::holds_alternative<parse_error>(parse("show network-access aaa statistics detail")));
  EXPECT_TRUE(std::holds_alternative<parse_error>(parse("show network-access aaa")));
  const auto r = complete("show network-access aaa ");
  std::vector<std::string> words;
  for (const auto& c : r.candidates) words.push_back(c.word);
  EXPECT_EQ(words, (std::vector<std::string>{"accounting-spool", "radius-servers", "statistics"}));
  EXPECT_EQ(complete("sh netw").line, "show network-access ");
}

TEST(CliAaa, TextGoldens) {
  const auto s = make_snapshot();
  expect_golden("aaa_statistics", render_text(parsed("show network-access aaa statistics"), s));
  expect_golden("aaa_radius_servers", render_text(parsed("show network-access aaa radius-servers"), s));
  expect_golden("aaa_accounting_spool", render_text(parsed("show network-access aaa accounting-spool"), s));
}

TEST(CliAaa, WithoutRadiusEachViewSaysSo) {
  const model::aaa_snapshot none;
  EXPECT_EQ(render_text(parsed("show network-access aaa statistics"), none), "RADIUS is not configured\n");
  EXPECT_EQ(render_text(parsed("show network-access aaa radius-servers"), none), "No RADIUS servers configured\n");
  EXPECT_EQ(render_text(parsed("show network-access aaa accounting-spool"), none),
            "Accounting spool is not configured\n");
}

TEST(CliAaa, TextPipesWork) {
  const auto s = make_snapshot();
  EXPECT_EQ(render(parsed("show network-access aaa radius-servers | match dead"), s),
            "rad2-backup-server 10.0.0.2:11812        authentication  dead     00:00:25  0/64         yes         -\n");
  EXPECT_EQ(render(parsed("show network-access aaa radius-servers | count"), s), "Count: 4 lines\n");
}

TEST(CliAaa, XmlAndJsonParseAndCarryTheFigures) {
  const auto s = make_snapshot();
  std::string batch;
  std::size_t documents = 0;
  for (const char* line : {"show network-access aaa statistics", "show network-access aaa radius-servers",
                           "show network-access aaa accounting-spool"}) {
    for (const auto& snapshot : {s, model::aaa_snapshot{}}) {
      batch += "x" + render(parsed(std::string(line) + " | display xml"), snapshot) + '\0';
      batch += "j" + render(parsed(std::string(line) + " | display json"), snapshot) + '\0';
      documents += 2;
    }
  }
  const auto [status, out] = python(
      "import sys, json, xml.dom.minidom\n"
      "docs = sys.stdin.buffer.read().split(b'\\0')[:-1]\n"
      "for i, d in enumerate(docs):\n"
      "    try:\n"
      "        xml.dom.minidom.parseString(d[1:]) if d[:1] == b'x' else json.loads(d[1:].decode('utf-8'))\n"
      "    except Exception as e:\n"
      "        print(i, e, d[1:].decode('utf-8', 'replace'))\n"
      "print(len(docs), 'parsed')\n",
      batch);
  EXPECT_EQ(status, 0) << out;
  EXPECT_EQ(out, std::to_string(documents) + " parsed\n");

  // The figures, read back by python's json: the servers in order, with state and counters.
  const auto json = render(parsed("show network-access aaa radius-servers | display json"), s);
  const auto [status2, figures] = python(
      "import sys, json\n"
      "d = json.load(sys.stdin)\n"
      "servers = d['aaa-radius-servers-information'][0]['radius-server']\n"
      "for x in servers:\n"
      "    print(x['server-name'][0]['data'], x['server-address'][0]['data'], x['server-state'][0]['data'],\n"
      "          x['requests'][0]['data'], x['average-latency-milliseconds'][0]['data'],\n"
      "          x.get('dead-time-remaining', [{'attributes': {'junos:seconds': '-'}}])[0]['attributes']"
      "['junos:seconds'])\n",
      json);
  EXPECT_EQ(status2, 0) << figures;
  EXPECT_EQ(figures,
            "rad1 127.0.0.1:1812 alive 1200 20.534 -\n"
            "rad2-backup-server 10.0.0.2:11812 dead 0 0.000 25\n"
            "acct1 127.0.0.1:1813 probing 3000 2.000 -\n");
  const auto xml = render(parsed("show network-access aaa accounting-spool | display xml"), s);
  EXPECT_NE(xml.find("<directory>/var/spool/brasd/accounting</directory>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<stop-records>910</stop-records>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<oldest-record-age junos:seconds=\"400\">00:06:40</oldest-record-age>"), std::string::npos)
      << xml;
  const auto stats = render(parsed("show network-access aaa statistics | display xml"), s);
  EXPECT_NE(stats.find("<bad-authenticator>2</bad-authenticator>"), std::string::npos) << stats;
  EXPECT_NE(stats.find("<queue-full>7</queue-full>"), std::string::npos) << stats;
}

TEST(CliAaa, HostileNamesAreEscaped) {
  auto s = make_snapshot();
  s.authentication.servers[0].name = "<x>&\"'\x01\xff";
  s.spool.directory = "/tmp/<spool>&";
  const auto [status, out] = python(
      "import sys, json, xml.dom.minidom\n"
      "a, b = sys.stdin.buffer.read().split(b'\\0')\n"
      "xml.dom.minidom.parseString(a); json.loads(b.decode('utf-8')); print('ok')\n",
      render(parsed("show network-access aaa statistics | display xml"), s) + '\0' +
          render(parsed("show network-access aaa statistics | display json"), s));
  EXPECT_EQ(out, "ok\n");
  EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace bras::cli

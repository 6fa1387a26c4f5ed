// metrics/aaa_families.cpp through metrics::render: the RADIUS, spool and CoA
// families as Prometheus text (prometheus-cpp's own serializer), checked
// sample by sample; the latency histogram is cumulative.
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "metrics/families.hpp"
#include "tests/unit/metrics_test_util.hpp"

namespace bras::metrics {
namespace {

using test::has_family;
using test::sample;

std::string text_of(const model::aaa_snapshot& a) {
  model::counters c;
  scrape_inputs in;
  in.version = "test";
  in.aaa = a;
  return prometheus::TextSerializer{}.Serialize(render(c, in));
}

model::aaa_snapshot two_groups() {
  model::aaa_snapshot a;
  a.radius = true;
  model::radius_server_snapshot r1;
  r1.name = "rad1";
  r1.service = "authentication";
  r1.state = "alive";
  r1.requests = 100;
  r1.retransmissions = 4;
  r1.timeouts = 2;
  r1.accepts = 90;
  r1.rejects = 7;
  r1.challenges = 1;
  r1.bad_authenticators = 3;
  r1.missing_message_authenticator = 5;
  r1.malformed = 6;
  r1.outstanding = 8;
  r1.max_outstanding = 256;
  r1.latency_buckets[0] = 10;     // <= 5 ms
  r1.latency_buckets[3] = 20;     // <= 50 ms
  r1.latency_buckets.back() = 1;  // above 10 s
  r1.latency_sum_seconds = 12.5;
  model::radius_server_snapshot r2 = r1;
  r2.name = "rad2";
  r2.state = "dead";
  a.authentication.servers = {r1, r2};
  a.authentication.queued = 12;
  a.authentication.queue_limit = 1000;
  a.authentication.queue_full = 4;
  model::radius_server_snapshot acct;
  acct.name = "acct1";
  acct.service = "accounting";
  acct.state = "probing";
  acct.responses = 55;
  a.accounting.servers = {acct};
  a.spool.enabled = true;
  a.spool.records = 42;
  a.spool.bytes = 4096;
  a.spool.max_bytes = 1 << 20;
  a.spool.oldest_age = std::chrono::seconds{400};
  a.spool.full = true;
  a.spool.starts = 10;
  a.spool.interims = 20;
  a.spool.stops = 9;
  a.spool.dropped_interims = 3;
  a.coa.disconnect_requests = 2;
  a.coa.coa_requests = 1;
  a.coa.acks = 2;
  a.coa.naks = 1;
  a.coa.bad_authenticator = 7;
  a.coa.unknown_client = 4;
  return a;
}

TEST(MetricsAaa, PerServerCountersAndState) {
  const auto t = text_of(two_groups());
  EXPECT_EQ(sample(t, R"(brasd_radius_requests_total{service="authentication",server="rad1"})"), 100);
  EXPECT_EQ(sample(t, R"(brasd_radius_retransmissions_total{service="authentication",server="rad2"})"), 4);
  EXPECT_EQ(sample(t, R"(brasd_radius_timeouts_total{service="authentication",server="rad1"})"), 2);
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="authentication",server="rad1",code="accept"})"), 90);
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="authentication",server="rad1",code="reject"})"), 7);
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="authentication",server="rad1",code="challenge"})"), 1);
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="accounting",server="acct1",code="response"})"), 55);
  // No accept/reject series for an accounting server, no response series for an authentication one.
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="accounting",server="acct1",code="accept"})"), -1);
  EXPECT_EQ(sample(t, R"(brasd_radius_replies_total{service="authentication",server="rad1",code="response"})"), -1);
  EXPECT_EQ(
      sample(
          t,
          R"(brasd_radius_dropped_replies_total{service="authentication",server="rad1",reason="bad-authenticator"})"),
      3);
  EXPECT_EQ(sample(t, R"(brasd_radius_dropped_replies_total{service="authentication",server="rad1",)"
                      R"(reason="missing-message-authenticator"})"),
            5);
  EXPECT_EQ(
      sample(t, R"(brasd_radius_dropped_replies_total{service="authentication",server="rad1",reason="malformed"})"), 6);
  EXPECT_EQ(sample(t, R"(brasd_radius_server_up{service="authentication",server="rad1"})"), 1);
  EXPECT_EQ(sample(t, R"(brasd_radius_server_up{service="authentication",server="rad2"})"), 0);
  EXPECT_EQ(sample(t, R"(brasd_radius_server_up{service="accounting",server="acct1"})"), 0);  // probing is not up
  EXPECT_EQ(sample(t, R"(brasd_radius_server_state{service="accounting",server="acct1",state="probing"})"), 1);
  EXPECT_EQ(sample(t, R"(brasd_radius_server_state{service="accounting",server="acct1",state="alive"})"), 0);
  EXPECT_EQ(sample(t, R"(brasd_radius_outstanding{service="authentication",server="rad1"})"), 8);
  EXPECT_EQ(sample(t, R"(brasd_radius_queue_depth{service="authentication"})"), 12);
  EXPECT_EQ(sample(t, R"(brasd_radius_queue_full_total{service="authentication"})"), 4);
  EXPECT_EQ(sample(t, R"(brasd_radius_queue_depth{service="accounting"})"), 0);
  EXPECT_TRUE(has_family(t, "brasd_radius_requests_total", "counter"));
  EXPECT_TRUE(has_family(t, "brasd_radius_server_up", "gauge"));
}

TEST(MetricsAaa, LatencyHistogramIsCumulative) {
  const auto t = text_of(two_groups());
  EXPECT_TRUE(has_family(t, "brasd_radius_request_duration_seconds", "histogram"));
  const std::string base = R"(brasd_radius_request_duration_seconds_bucket{service="authentication",server="rad1",le=)";
  EXPECT_EQ(sample(t, base + R"("0.005"})"), 10);
  EXPECT_EQ(sample(t, base + R"("0.01"})"), 10);
  EXPECT_EQ(sample(t, base + R"("0.05"})"), 30);
  EXPECT_EQ(sample(t, base + R"("10"})"), 30);
  EXPECT_EQ(sample(t, base + R"("+Inf"})"), 31);
  EXPECT_EQ(sample(t, R"(brasd_radius_request_duration_seconds_count{service="authentication",server="rad1"})"), 31);
  EXPECT_EQ(sample(t, R"(brasd_radius_request_duration_seconds_sum{service="authentication",server="rad1"})"), 12.5);
}

TEST(MetricsAaa, SpoolAndCoa) {
  const auto t = text_of(two_groups());
  EXPECT_EQ(sample(t, "brasd_accounting_spool_records"), 42);
  EXPECT_EQ(sample(t, "brasd_accounting_spool_bytes"), 4096);
  EXPECT_EQ(sample(t, "brasd_accounting_spool_max_bytes"), 1 << 20);
  EXPECT_EQ(sample(t, "brasd_accounting_spool_oldest_age_seconds"), 400);
  EXPECT_EQ(sample(t, "brasd_accounting_spool_full"), 1);
  EXPECT_EQ(sample(t, R"(brasd_accounting_records_total{kind="start"})"), 10);
  EXPECT_EQ(sample(t, R"(brasd_accounting_records_total{kind="interim"})"), 20);
  EXPECT_EQ(sample(t, R"(brasd_accounting_records_total{kind="stop"})"), 9);
  EXPECT_EQ(sample(t, "brasd_accounting_dropped_interims_total"), 3);
  EXPECT_EQ(sample(t, R"(brasd_coa_requests_total{kind="disconnect"})"), 2);
  EXPECT_EQ(sample(t, R"(brasd_coa_requests_total{kind="coa"})"), 1);
  EXPECT_EQ(sample(t, R"(brasd_coa_replies_total{result="ack"})"), 2);
  EXPECT_EQ(sample(t, R"(brasd_coa_replies_total{result="nak"})"), 1);
  EXPECT_EQ(sample(t, R"(brasd_coa_dropped_total{reason="bad-authenticator"})"), 7);
  EXPECT_EQ(sample(t, R"(brasd_coa_dropped_total{reason="unknown-client"})"), 4);
  EXPECT_EQ(sample(t, R"(brasd_coa_dropped_total{reason="replayed"})"), 0);
}

TEST(MetricsAaa, WithoutRadiusTheFamiliesAreThereWithoutServerSeries) {
  const auto t = text_of({});
  // Declared, so dashboards and alerts resolve; no series without servers.
  EXPECT_TRUE(has_family(t, "brasd_radius_server_up", "gauge"));
  EXPECT_EQ(t.find("brasd_radius_server_up{"), std::string::npos);
  EXPECT_EQ(t.find("brasd_radius_queue_depth{"), std::string::npos);
  // The spool and CoA families are there at 0, like the PPPoE ones on an LNS.
  EXPECT_EQ(sample(t, "brasd_accounting_spool_records"), 0);
  EXPECT_EQ(sample(t, "brasd_accounting_spool_oldest_age_seconds"), 0);
  EXPECT_EQ(sample(t, R"(brasd_coa_replies_total{result="nak"})"), 0);
}

TEST(MetricsAaa, PromtoolAcceptsTheFamilies) {
  // promtool (Debian package prometheus), an independent linter: with servers and without.
  ASSERT_EQ(std::system("command -v promtool > /dev/null"), 0) << "promtool not installed";
  for (const auto& a : {two_groups(), model::aaa_snapshot{}}) {
    const std::string file = "/tmp/brasd-aaa-metrics-" + std::to_string(::getpid()) + ".txt";
    std::ofstream{file} << text_of(a);
    EXPECT_EQ(std::system(("promtool check metrics < " + file).c_str()), 0) << text_of(a);
    std::remove(file.c_str());
  }
}

}  // namespace
}  // namespace bras::metrics

#include <gtest/gtest.h>

#include "actors/radius_client.hpp"
#include "actors/radius_client_parts.hpp"

namespace bras::actors {
namespace {

using namespace std::chrono_literals;

TEST(RadiusClientConfig, GroupSettingsMapOntoTheServerGroup) {
  config::radius_group_settings g;
  g.dead_after = 5;
  g.dead_time = 45s;
  g.probe_interval = 7s;
  config::radius_server_settings a;
  a.address = 0x0a000001;
  a.port = 1812;
  a.secret = "s1";
  a.weight = 3;
  a.max_outstanding = 100;
  a.timeout = 1500ms;
  a.retries = 4;
  a.message_authenticator = config::message_authenticator_mode::yes;
  config::radius_server_settings b = a;
  b.name = "backup";
  b.message_authenticator = config::message_authenticator_mode::no;
  config::radius_server_settings c = a;
  c.port = 11812;
  c.message_authenticator = config::message_authenticator_mode::automatic;
  g.servers = {a, b, c};

  auto out = group_config_of(g);
  EXPECT_EQ(out.dead_after, 5u);
  EXPECT_EQ(out.dead_time, 45s);
  EXPECT_EQ(out.probe_interval, 7s);
  ASSERT_EQ(out.servers.size(), 3u);
  EXPECT_EQ(out.servers[0].name, "10.0.0.1:1812");  // unnamed: address:port
  EXPECT_EQ(out.servers[1].name, "backup");
  EXPECT_EQ(out.servers[2].name, "10.0.0.1:11812");
  EXPECT_EQ(out.servers[0].address, 0x0a000001u);
  EXPECT_EQ(out.servers[0].port, 1812);
  EXPECT_EQ(out.servers[0].secret, "s1");
  EXPECT_EQ(out.servers[0].weight, 3u);
  EXPECT_EQ(out.servers[0].max_outstanding, 100u);
  EXPECT_EQ(out.servers[0].timeout, 1500ms);
  EXPECT_EQ(out.servers[0].retries, 4u);
  EXPECT_EQ(out.servers[0].message_authenticator, radius::message_authenticator_setting::yes);
  EXPECT_EQ(out.servers[1].message_authenticator, radius::message_authenticator_setting::no);
  EXPECT_EQ(out.servers[2].message_authenticator, radius::message_authenticator_setting::automatic);
}

TEST(RadiusClientConfig, RepliesAnswerTheirOwnKindOfRequest) {
  using radius::code;
  const auto auth = radius_service::authentication;
  const auto acct = radius_service::accounting;
  EXPECT_TRUE(answers(code::access_request, code::access_accept, auth));
  EXPECT_TRUE(answers(code::access_request, code::access_reject, auth));
  EXPECT_TRUE(answers(code::access_request, code::access_challenge, auth));
  EXPECT_FALSE(answers(code::access_request, code::accounting_response, auth));
  EXPECT_TRUE(answers(code::accounting_request, code::accounting_response, acct));
  EXPECT_FALSE(answers(code::accounting_request, code::access_accept, acct));
  // RFC 5997 §3: Status-Server is answered by the port's own service.
  EXPECT_TRUE(answers(code::status_server, code::access_accept, auth));
  EXPECT_FALSE(answers(code::status_server, code::accounting_response, auth));
  EXPECT_TRUE(answers(code::status_server, code::accounting_response, acct));
  EXPECT_FALSE(answers(code::status_server, code::access_accept, acct));
}

TEST(RadiusClientConfig, LatencyGoesIntoTheBucketOfItsUpperBound) {
  model::radius_server_snapshot s;
  record_answer(s, radius::code::access_accept, 3ms);        // <= 0.005
  record_answer(s, radius::code::access_reject, 10ms);       // <= 0.01 (bounds are inclusive)
  record_answer(s, radius::code::accounting_response, 20s);  // +Inf
  EXPECT_EQ(s.latency_buckets[0], 1u);
  EXPECT_EQ(s.latency_buckets[1], 1u);
  EXPECT_EQ(s.latency_buckets.back(), 1u);
  EXPECT_EQ(s.accepts, 1u);
  EXPECT_EQ(s.rejects, 1u);
  EXPECT_EQ(s.responses, 1u);
  EXPECT_NEAR(s.latency_sum_seconds, 20.013, 1e-9);
  record_refusal(s, radius::reply_refusal::bad_message_authenticator);
  record_refusal(s, radius::reply_refusal::bad_response_authenticator);
  record_refusal(s, radius::reply_refusal::missing_message_authenticator);
  record_refusal(s, radius::reply_refusal::malformed);
  EXPECT_EQ(s.bad_authenticators, 2u);
  EXPECT_EQ(s.missing_message_authenticator, 1u);
  EXPECT_EQ(s.malformed, 1u);
}

}  // namespace
}  // namespace bras::actors

// What a RADIUS outcome decides in the AAA actor (actors/aaa_radius.hpp,
// decide_radius): the reasons and messages of every refusal, the Accept's
// attributes in the verdict, and the LAC's tunnels (merged into a tunnel
// profile the Accept names with ERX-Tunnel-Group).
#include "actors/aaa_radius.hpp"

#include <gtest/gtest.h>

namespace bras::actors {
namespace {

radius_outcome unanswered(std::string error) {
  radius_outcome o;
  o.error = std::move(error);
  return o;
}

radius_outcome answered(radius::code code) {
  radius_outcome o;
  o.answered = true;
  o.server = "127.0.0.1:1812";
  o.reply.code = code;
  return o;
}

wire::bytes tagged(std::uint8_t tag, std::string_view value) {
  wire::bytes b{std::byte{tag}};
  auto v = wire::to_bytes(value);
  b.insert(b.end(), v.begin(), v.end());
  return b;
}

wire::bytes tagged_int(std::uint8_t tag, std::uint32_t value) {
  return {std::byte{tag}, static_cast<std::byte>(value >> 16), static_cast<std::byte>(value >> 8),
          static_cast<std::byte>(value)};
}

config::l2tp_settings profiles() {
  config::l2tp_settings l;
  config::lns_destination a;
  a.name = "lns-a";
  a.address = "192.0.2.1";
  a.secret = "local-a";
  config::lns_destination b;
  b.name = "lns-b";
  b.address = "192.0.2.2";
  l.destinations = {a, b};
  l.tunnel_profiles = {{"isp", {"lns-a", "lns-b"}, "weighted"}};
  return l;
}

TEST(AaaRadiusDecide, UnansweredIsUnavailableWithItsCause) {
  const auto l = profiles();
  auto t = decide_radius(unanswered("timeout"), false, l);
  EXPECT_FALSE(t.verdict.accepted);
  EXPECT_FALSE(t.granted.has_value());
  EXPECT_EQ(t.verdict.reason, "radius-timeout");
  EXPECT_EQ(t.verdict.message, "authentication unavailable");
  EXPECT_EQ(decide_radius(unanswered("queue-full"), false, l).verdict.reason, "radius-queue-full");
  EXPECT_EQ(decide_radius(unanswered("no-server"), true, l).verdict.reason, "radius-no-server");
}

TEST(AaaRadiusDecide, RejectCarriesItsReplyMessageAndChallengeIsRefused) {
  const auto l = profiles();
  auto with = answered(radius::code::access_reject);
  with.reply.add_string(radius::attr::reply_message, "account suspended");
  auto r = decide_radius(with, false, l);
  EXPECT_FALSE(r.verdict.accepted);
  EXPECT_EQ(r.verdict.reason, "radius-reject");
  EXPECT_EQ(r.verdict.message, "account suspended");
  EXPECT_EQ(decide_radius(answered(radius::code::access_reject), false, l).verdict.message, "authentication failed");
  EXPECT_EQ(decide_radius(answered(radius::code::access_challenge), false, l).verdict.reason,
            "radius-challenge-unsupported");
}

TEST(AaaRadiusDecide, MalformedAcceptIsRefused) {
  auto o = answered(radius::code::access_accept);
  o.reply.add(radius::attr::framed_ip_address, wire::bytes{std::byte{10}, std::byte{0}, std::byte{0}});
  auto d = decide_radius(o, false, profiles());
  EXPECT_FALSE(d.verdict.accepted);
  EXPECT_EQ(d.verdict.reason, "radius-malformed-accept");
}

TEST(AaaRadiusDecide, AcceptAttributesGoIntoTheVerdict) {
  auto o = answered(radius::code::access_accept);
  o.reply.add_ipv4(radius::attr::framed_ip_address, 0x0a000005);
  o.reply.add_u32(radius::attr::session_timeout, 3600);
  o.reply.add_u32(radius::attr::idle_timeout, 600);
  o.reply.add_u32(radius::attr::acct_interim_interval, 300);
  o.reply.add_string(radius::attr::class_, "gold");
  o.reply.add_u32(radius::attr::framed_mtu, 1400);
  auto d = decide_radius(o, false, profiles());
  ASSERT_TRUE(d.verdict.accepted) << d.verdict.reason;
  ASSERT_TRUE(d.granted.has_value());
  EXPECT_EQ(d.granted->framed_ip, 0x0a000005U) << "the AAA actor reserves it";
  EXPECT_EQ(d.verdict.address, 0U) << "no address before the AAA actor assigns it";
  EXPECT_TRUE(d.verdict.radius);
  EXPECT_EQ(d.verdict.session_timeout, std::chrono::seconds{3600});
  EXPECT_EQ(d.verdict.idle_timeout, std::chrono::seconds{600});
  EXPECT_EQ(d.verdict.interim_interval, std::chrono::seconds{300});
  ASSERT_EQ(d.verdict.classes.size(), 1U);
  EXPECT_EQ(wire::to_string(d.verdict.classes[0]), "gold");
  EXPECT_EQ(d.verdict.framed_mtu, 1400);
  EXPECT_TRUE(d.verdict.tunnels.empty()) << "tunnels only for the LAC";
}

TEST(AaaRadiusDecide, LacTunnelsMergeIntoTheProfileTheAcceptNames) {
  auto o = answered(radius::code::access_accept);
  o.reply.add(radius::attr::tunnel_type, tagged_int(1, 3));  // L2TP
  o.reply.add(radius::attr::tunnel_medium_type, tagged_int(1, 1));
  o.reply.add(radius::attr::tunnel_server_endpoint, tagged(1, "192.0.2.1"));
  o.reply.add(radius::attr::tunnel_server_auth_id, tagged(1, "lns-from-radius"));
  auto plain = decide_radius(o, true, profiles());
  ASSERT_TRUE(plain.verdict.accepted) << plain.verdict.reason;
  ASSERT_EQ(plain.verdict.tunnels.size(), 1U);
  EXPECT_EQ(plain.verdict.tunnels[0].address, 0xc0000201U);
  EXPECT_TRUE(plain.verdict.tunnels[0].secret.empty());

  o.reply.add_vendor(radius::vendor::unisphere, radius::vendor::erx_tunnel_group,
                     wire::to_bytes(std::string_view{"isp"}));
  auto merged = decide_radius(o, true, profiles());
  ASSERT_TRUE(merged.verdict.accepted) << merged.verdict.reason;
  ASSERT_EQ(merged.verdict.tunnels.size(), 2U);
  EXPECT_EQ(merged.verdict.tunnels[0].name, "lns-a");
  EXPECT_EQ(merged.verdict.tunnels[0].server_auth_id, "lns-from-radius") << "RADIUS overrides";
  EXPECT_EQ(merged.verdict.tunnels[0].secret, "local-a") << "filled from the local destination";
  EXPECT_EQ(merged.verdict.tunnels[1].name, "lns-b");
}

}  // namespace
}  // namespace bras::actors

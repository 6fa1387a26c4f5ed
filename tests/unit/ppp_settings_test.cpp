// actors/ppp_settings.cpp: the LNS's PPP settings converted once per instance
// from the configuration, and the random parts each session draws.
#include "actors/ppp_settings.hpp"

#include <gtest/gtest.h>

#include <variant>

#include "actors/context.hpp"

namespace bras::actors {
namespace {

config::settings load(const std::string& yaml) {
  auto r = config::load(yaml, "test");
  if (auto* e = std::get_if<config::load_error>(&r)) ADD_FAILURE() << e->to_string();
  return std::get<config::settings>(r);
}

TEST(PppSettings, BaseIsTheConfigurationConverted) {
  const auto cfg = load(
      "l2tp:\n  host-name: lns1\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n"
      "ppp:\n  authentication: [pap, chap]\n  mru: 1492\n  min-mru: 1000\n  restart-timer-ms: 500\n"
      "  max-configure: 3\n  lcp-renegotiation: false\n  ipv6: false\n  dns: [192.0.2.53, 192.0.2.54]\n");
  const auto c = ppp_base_config(cfg);
  ASSERT_EQ(c.lcp.auth.size(), 2u);
  EXPECT_EQ(c.lcp.auth[0], ppp::lcp::auth_method::pap);
  EXPECT_EQ(c.lcp.auth[1], ppp::lcp::auth_method::chap_md5);
  EXPECT_EQ(c.lcp.mru, 1492);
  EXPECT_EQ(c.lcp.min_mru, 1000);
  EXPECT_EQ(c.lcp.max_mru, 1500);  // never below what a peer may always send
  EXPECT_EQ(c.negotiation.restart_timer, std::chrono::milliseconds{500});
  EXPECT_EQ(c.negotiation.max_configure, 3u);
  EXPECT_EQ(c.name, "lns1");
  EXPECT_FALSE(c.lcp_renegotiation);
  EXPECT_FALSE(c.ipv6);
  EXPECT_EQ(c.primary_dns, 0xc0000235u);
  EXPECT_EQ(c.secondary_dns, 0xc0000236u);
  EXPECT_FALSE(c.interface_id_in_use);  // per session
}

TEST(PppSettings, EachSessionDrawsItsOwnSecrets) {
  context ctx;
  ctx.cfg = load("l2tp:\n  local-gateways: [{name: lo, address: 127.0.0.1}]\n");
  const auto& base = ctx.ppp_base();
  EXPECT_EQ(&base, &ctx.ppp_base());  // converted once
  const auto a = draw_session_secrets();
  const auto b = draw_session_secrets();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->magic, 0u);
  EXPECT_NE(a->seed, 0u);
  EXPECT_NE(a->local_interface_id, 0u);
  EXPECT_NE(a->challenge, b->challenge);
  EXPECT_NE(a->magic, b->magic);
  auto c = base;
  ppp::apply(c, *a);
  EXPECT_EQ(c.lcp.magic, a->magic);
  EXPECT_EQ(c.challenge, a->challenge);
  EXPECT_EQ(c.local_interface_id, a->local_interface_id);
  EXPECT_EQ(c.lcp.auth, base.lcp.auth);
}

}  // namespace
}  // namespace bras::actors

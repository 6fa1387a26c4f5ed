// The AAA actor's IPv6 prefixes for local subscribers: a static /64 and
// delegated prefix (reserved in their pool, or held outside every pool), the
// subscriber's named pools, the ipv6.prefix-pool / delegated-prefix-pool
// defaults, exhaustion (the session keeps IPv4), the pool report, and every
// prefix back in its pool on release and when the holder ends without one.
#include <gtest/gtest.h>

#include <spdlog/sinks/stdout_color_sinks.h>

#include "actors/aaa.hpp"
#include "tests/integration/harness.hpp"

namespace bras {
namespace {

ip::ipv6_prefix v6(std::string_view text) {
  auto p = ip::parse_ipv6_prefix(text);
  EXPECT_TRUE(p) << text;
  return p.value_or(ip::ipv6_prefix{});
}

std::string text(const std::optional<ip::ipv6_prefix>& p) {
  return p ? ip::to_string(*p) : "<none>";
}

config::subscriber user(std::string name) {
  config::subscriber s;
  s.user = std::move(name);
  s.password = "pw";
  return s;
}

config::settings prefix_settings() {
  config::settings s;
  s.address_pools = {{"v4", {*config::parse_prefix("10.70.0.0/24")}, {}}};
  s.ppp.address_pool = "v4";
  // Two /64s by default, one /56 to delegate by default; two more of each by name.
  s.prefix_pools = {{"link", {v6("2001:db8:100::/63")}, 64, {}},
                    {"pd", {v6("2001:db8:8000::/56")}, 56, {}},
                    {"gold-link", {v6("2001:db8:200::/62")}, 64, {v6("2001:db8:200::/64")}},
                    {"gold-pd", {v6("2001:db8:9000::/55")}, 56, {}}};
  s.ipv6.prefix_pool = "link";
  s.ipv6.delegated_prefix_pool = "pd";
  auto fixed = user("fixed");
  fixed.ipv6_prefix = v6("2001:db8:100:1::/64");           // in "link": reserved there
  fixed.delegated_prefix = v6("2001:db8:7777:ab00::/56");  // in no pool: held like a static address
  auto gold = user("gold");
  gold.ipv6_pool = "gold-link";
  gold.delegated_pool = "gold-pd";
  auto lost = user("lost");
  lost.ipv6_pool = "no-such-pool";
  s.aaa.subscribers = {user("plain"), user("other"), fixed, gold, lost};
  return s;
}

class aaa_prefix_test : public ::testing::Test {
 protected:
  void SetUp() override {
    system_cfg_.set("scheduler.max-threads", 2);
    system_cfg_.set("logger.verbosity", caf::atom("quiet"));
    system_.emplace(system_cfg_);
    log_ = spdlog::get("aaa-prefix-test");
    if (!log_) log_ = spdlog::stderr_color_mt("aaa-prefix-test");
    log_->set_level(spdlog::level::err);
  }
  void TearDown() override {
    for (auto& a : actors_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    actors_.clear();
    system_->await_all_actors_done();
  }

  std::variant<actors::aaa_actor, std::string> try_spawn() {
    actors::aaa_config ac;
    ac.settings = &settings_;
    ac.stats = &stats_;
    ac.log = log_;
    auto db = actors::load_subscriber_db(settings_.aaa);
    auto aaa = actors::spawn_aaa(*system_, ac, std::move(std::get<actors::subscriber_db>(db)));
    if (auto* a = std::get_if<actors::aaa_actor>(&aaa)) actors_.push_back(*a);
    return aaa;
  }
  actors::aaa_actor spawn() {
    auto aaa = try_spawn();
    if (auto* e = std::get_if<std::string>(&aaa)) ADD_FAILURE() << *e;
    return std::get<actors::aaa_actor>(aaa);
  }

  actors::aaa_verdict ask(const actors::aaa_actor& aaa, const std::string& name, caf::scoped_actor& session) {
    actors::aaa_request r;
    r.user = name;
    r.password = "pw";
    actors::aaa_verdict out;
    out.reason = "no-answer";
    session->request(aaa, 10s, std::move(r))
        .receive([&](actors::aaa_verdict& v) { out = std::move(v); },
                 [&](caf::error& e) { out.reason = "error: " + caf::to_string(e); });
    return out;
  }

  /// The pool report's row for `name` (in_use 99 when it is missing).
  model::pool_usage pool(const actors::aaa_actor& aaa, const std::string& name) {
    caf::scoped_actor asker{*system_};
    model::pool_usage out{name, 0, 99};
    asker->request(aaa, 5s, actors::pool_atom::value)
        .receive(
            [&](std::vector<model::pool_usage>& u) {
              for (auto& p : u) {
                if (p.name == name) out = p;
              }
            },
            [](caf::error&) {});
    return out;
  }

  config::settings settings_ = prefix_settings();
  model::counters stats_;
  caf::actor_system_config system_cfg_;
  std::optional<caf::actor_system> system_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<actors::aaa_actor> actors_;
};

TEST_F(aaa_prefix_test, DefaultPoolsThenExhaustionKeepsIpv4) {
  auto aaa = spawn();
  caf::scoped_actor a{*system_}, b{*system_}, c{*system_};
  auto first = ask(aaa, "plain", a);
  ASSERT_TRUE(first.accepted) << first.reason;
  EXPECT_EQ(text(first.framed_ipv6_prefix), "2001:db8:100::/64");
  EXPECT_EQ(text(first.delegated_ipv6_prefix), "2001:db8:8000::/56");
  auto second = ask(aaa, "other", b);
  ASSERT_TRUE(second.accepted);
  EXPECT_EQ(text(second.framed_ipv6_prefix), "2001:db8:100:1::/64");
  EXPECT_EQ(text(second.delegated_ipv6_prefix), "<none>") << "the /56 pool holds one";
  EXPECT_EQ(stats_.delegated_pool_exhausted.load(), 1U);
  auto third = ask(aaa, "plain", c);
  ASSERT_TRUE(third.accepted) << "IPv6 is optional: the session stays up";
  EXPECT_NE(third.address, 0U);
  EXPECT_EQ(text(third.framed_ipv6_prefix), "<none>");
  EXPECT_EQ(stats_.prefix_pool_exhausted.load(), 1U);
  EXPECT_EQ(stats_.delegated_pool_exhausted.load(), 2U);
  const auto link = pool(aaa, "link");
  EXPECT_EQ(link.family, "ipv6-prefix");
  EXPECT_EQ(link.prefix_length, 64);
  EXPECT_EQ(link.size, 2U);
  EXPECT_EQ(link.in_use, 2U);
  const auto pd = pool(aaa, "pd");
  EXPECT_EQ(pd.family, "delegated-prefix");
  EXPECT_EQ(pd.prefix_length, 56);
  EXPECT_EQ(pd.in_use, 1U);
  EXPECT_EQ(pool(aaa, "v4").family, "ipv4");
  // The release gives the address and both prefixes back.
  a->send(aaa, actors::aaa_release{"plain", first.address, first.framed_ipv6_prefix, first.delegated_ipv6_prefix});
  EXPECT_TRUE(eventually([&] { return pool(aaa, "link").in_use == 1 && pool(aaa, "pd").in_use == 0; }));
  EXPECT_EQ(pool(aaa, "v4").in_use, 2U);
}

TEST_F(aaa_prefix_test, StaticPrefixesAreHeldOnceAndReclaimedWhenTheHolderEnds) {
  auto aaa = spawn();
  auto holder = std::make_optional<caf::scoped_actor>(*system_);
  auto v = ask(aaa, "fixed", *holder);
  ASSERT_TRUE(v.accepted);
  EXPECT_EQ(text(v.framed_ipv6_prefix), "2001:db8:100:1::/64");
  EXPECT_EQ(text(v.delegated_ipv6_prefix), "2001:db8:7777:ab00::/56");
  EXPECT_EQ(pool(aaa, "link").in_use, 1U) << "reserved in its pool";
  caf::scoped_actor second{*system_};
  auto again = ask(aaa, "fixed", second);
  ASSERT_TRUE(again.accepted);
  EXPECT_EQ(text(again.framed_ipv6_prefix), "<none>") << "in use";
  EXPECT_EQ(text(again.delegated_ipv6_prefix), "<none>") << "held outside every pool";
  // A plain user's pool /64 skips the reserved one.
  caf::scoped_actor plain{*system_};
  EXPECT_EQ(text(ask(aaa, "plain", plain).framed_ipv6_prefix), "2001:db8:100::/64");
  // The holder ends without a release: the monitor takes both back.
  holder.reset();
  EXPECT_TRUE(eventually([&] { return pool(aaa, "link").in_use == 1; }));
  caf::scoped_actor third{*system_};
  auto back = ask(aaa, "fixed", third);
  EXPECT_EQ(text(back.framed_ipv6_prefix), "2001:db8:100:1::/64");
  EXPECT_EQ(text(back.delegated_ipv6_prefix), "2001:db8:7777:ab00::/56") << "the static one is free again";
}

TEST_F(aaa_prefix_test, SubscriberPoolsByNameAndAnUnknownOneGivesNoPrefix) {
  auto aaa = spawn();
  caf::scoped_actor a{*system_}, b{*system_};
  auto gold = ask(aaa, "gold", a);
  ASSERT_TRUE(gold.accepted);
  EXPECT_EQ(text(gold.framed_ipv6_prefix), "2001:db8:200:1::/64") << "its first /64 is excluded";
  EXPECT_EQ(text(gold.delegated_ipv6_prefix), "2001:db8:9000::/56");
  EXPECT_EQ(pool(aaa, "gold-pd").family, "delegated-prefix") << "named by a subscriber's delegated-pool";
  EXPECT_EQ(pool(aaa, "gold-link").family, "ipv6-prefix");
  auto lost = ask(aaa, "lost", b);
  ASSERT_TRUE(lost.accepted) << "IPv4 still works";
  EXPECT_NE(lost.address, 0U);
  EXPECT_EQ(text(lost.framed_ipv6_prefix), "<none>");
  EXPECT_EQ(text(lost.delegated_ipv6_prefix), "2001:db8:8000::/56") << "the default delegated pool";
  EXPECT_EQ(stats_.prefix_pool_exhausted.load(), 0U) << "an unknown pool is not an exhausted one";
}

TEST_F(aaa_prefix_test, WithoutPppIpv6NoPrefixIsAssigned) {
  settings_.ppp.ipv6 = false;
  auto aaa = spawn();
  caf::scoped_actor a{*system_};
  auto v = ask(aaa, "fixed", a);
  ASSERT_TRUE(v.accepted);
  EXPECT_EQ(v.framed_ipv6_prefix, std::nullopt);
  EXPECT_EQ(v.delegated_ipv6_prefix, std::nullopt);
  EXPECT_EQ(pool(aaa, "link").in_use, 0U);
}

TEST_F(aaa_prefix_test, AnInvalidPrefixPoolFailsSpawnWithItsName) {
  settings_.prefix_pools.push_back({"broken", {v6("2001:db8:a::/48")}, 40, {}});
  auto r = try_spawn();
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_EQ(std::get<std::string>(r), "prefix pool broken: 2001:db8:a::/48 is longer than the prefix length /40");
}

}  // namespace
}  // namespace bras

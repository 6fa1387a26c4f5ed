// The AAA actor's authentication-failure back-off for local users
// (aaa.auth-failure-limit, actors/auth_backoff.hpp), on a clock the test moves:
// after the limit even the right password is refused (auth-backoff, counted),
// until the back-off ends; a success resets; other users are unaffected; CHAP
// failures count like PAP ones; the tracked users stay bounded; 0 turns it off.
#include <gtest/gtest.h>

#include <spdlog/sinks/stdout_color_sinks.h>

#include <atomic>

#include "actors/aaa.hpp"
#include "tests/integration/harness.hpp"

namespace bras {
namespace {

using namespace std::chrono_literals;

config::subscriber user(std::string name) {
  config::subscriber s;
  s.user = std::move(name);
  s.password = "pw";
  return s;
}

class aaa_backoff_test : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_.address_pools = {{"v4", {*config::parse_prefix("10.71.0.0/24")}, {}}};
    settings_.ppp.address_pool = "v4";
    settings_.ppp.ipv6 = false;
    settings_.aaa.subscribers = {user("alice"), user("bob")};
    settings_.aaa.auth_failure_limit = 3;
    settings_.aaa.auth_failure_window = 60s;
    settings_.aaa.auth_backoff = 30s;
    settings_.aaa.auth_backoff_max = 600s;
    system_cfg_.set("scheduler.max-threads", 2);
    system_cfg_.set("logger.verbosity", caf::atom("quiet"));
    system_.emplace(system_cfg_);
    log_ = spdlog::get("aaa-backoff-test");
    if (!log_) log_ = spdlog::stderr_color_mt("aaa-backoff-test");
    log_->set_level(spdlog::level::err);
  }
  void TearDown() override {
    for (auto& a : actors_) caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    actors_.clear();
    system_->await_all_actors_done();
  }

  actors::aaa_actor spawn() {
    actors::aaa_config ac;
    ac.settings = &settings_;
    ac.stats = &stats_;
    ac.log = log_;
    // The actor reads the test's clock (a request's reply orders the reads after the test's writes).
    ac.now = [this] { return std::chrono::steady_clock::time_point{std::chrono::seconds{clock_.load()}}; };
    auto db = actors::load_subscriber_db(settings_.aaa);
    auto aaa = actors::spawn_aaa(*system_, ac, std::move(std::get<actors::subscriber_db>(db)));
    if (auto* e = std::get_if<std::string>(&aaa)) ADD_FAILURE() << *e;
    actors_.push_back(std::get<actors::aaa_actor>(aaa));
    return actors_.back();
  }

  actors::aaa_verdict ask(const actors::aaa_actor& aaa, actors::aaa_request r) {
    // A session of its own per request: its end gives an accepted request's grant back.
    caf::scoped_actor session{*system_};
    actors::aaa_verdict out;
    out.reason = "no-answer";
    session->request(aaa, 10s, std::move(r))
        .receive([&](actors::aaa_verdict& v) { out = std::move(v); },
                 [&](caf::error& e) { out.reason = "error: " + caf::to_string(e); });
    return out;
  }
  actors::aaa_verdict pap(const actors::aaa_actor& aaa, const std::string& name, const std::string& password) {
    actors::aaa_request r;
    r.user = name;
    r.password = password;
    return ask(aaa, std::move(r));
  }
  actors::aaa_verdict bad_chap(const actors::aaa_actor& aaa, const std::string& name) {
    actors::aaa_request r;
    r.chap = true;
    r.user = name;
    r.chap_id = 7;
    r.challenge = wire::bytes(16, std::byte{0x11});
    r.response = wire::bytes(16, std::byte{0x22});  // not MD5(7 || "pw" || challenge)
    return ask(aaa, std::move(r));
  }

  config::settings settings_;
  model::counters stats_;
  std::atomic<long long> clock_{1000};  ///< seconds
  caf::actor_system_config system_cfg_;
  std::optional<caf::actor_system> system_;
  std::shared_ptr<spdlog::logger> log_;
  std::vector<actors::aaa_actor> actors_;
};

TEST_F(aaa_backoff_test, AfterTheLimitEvenTheRightPasswordIsRefusedUntilTheBackoffEnds) {
  auto aaa = spawn();
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password") << i;
    clock_ += 1;
  }
  auto refused = pap(aaa, "alice", "pw");
  EXPECT_FALSE(refused.accepted);
  EXPECT_EQ(refused.reason, "auth-backoff");
  EXPECT_EQ(refused.address, 0U);
  EXPECT_EQ(stats_.auth_rejects.load(), 3U);
  EXPECT_EQ(stats_.auth_backoff_refusals.load(), 1U);
  EXPECT_EQ(stats_.auth_accepts.load(), 0U);

  // Meanwhile bob is unaffected, his failures his own.
  auto bob = pap(aaa, "bob", "pw");
  EXPECT_TRUE(bob.accepted) << bob.reason;
  EXPECT_EQ(pap(aaa, "bob", "guess").reason, "bad-password");

  clock_ += 28;  // the back-off started 1 s before (at the third failure) and lasts 30 s: 1 s left
  EXPECT_EQ(pap(aaa, "alice", "pw").reason, "auth-backoff");
  EXPECT_EQ(stats_.auth_backoff_refusals.load(), 2U);
  clock_ += 1;
  auto after = pap(aaa, "alice", "pw");
  EXPECT_TRUE(after.accepted) << after.reason;
  EXPECT_NE(after.address, 0U);

  // The success reset alice: two more failures are below the limit again.
  EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password");
  EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password");
  EXPECT_TRUE(pap(aaa, "alice", "pw").accepted);
  EXPECT_EQ(stats_.auth_backoff_refusals.load(), 2U);
  EXPECT_EQ(stats_.auth_accepts.load(), 3U);
}

TEST_F(aaa_backoff_test, ChapFailuresCountAndAFailureAfterTheBackoffDoublesIt) {
  auto aaa = spawn();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(bad_chap(aaa, "alice").reason, "bad-password") << i;
  EXPECT_EQ(pap(aaa, "alice", "pw").reason, "auth-backoff");
  clock_ += 30;
  EXPECT_EQ(bad_chap(aaa, "alice").reason, "bad-password") << "checked again once the back-off is over";
  clock_ += 59;
  EXPECT_EQ(pap(aaa, "alice", "pw").reason, "auth-backoff") << "60 s this time";
  clock_ += 1;
  EXPECT_TRUE(pap(aaa, "alice", "pw").accepted);
}

TEST_F(aaa_backoff_test, UnknownUsersCountAndTheTrackedUsersStayBounded) {
  settings_.aaa.auth_failure_users = 10;
  auto aaa = spawn();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(pap(aaa, "mallory", "x").reason, "unknown-user");
  EXPECT_EQ(pap(aaa, "mallory", "x").reason, "auth-backoff") << "unknown names back off like known ones";

  EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password");
  EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password");
  // Twenty other names push alice's record (and mallory's) out: at most ten are kept.
  for (int i = 0; i < 20; ++i) pap(aaa, "random-" + std::to_string(i), "x");
  EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password") << "alice's count started again";
  EXPECT_TRUE(pap(aaa, "alice", "pw").accepted) << "not backing off";
  EXPECT_EQ(pap(aaa, "mallory", "x").reason, "unknown-user") << "mallory forgotten: checked again";
}

TEST_F(aaa_backoff_test, LimitZeroTurnsItOff) {
  settings_.aaa.auth_failure_limit = 0;
  auto aaa = spawn();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(pap(aaa, "alice", "guess").reason, "bad-password") << i;
  EXPECT_TRUE(pap(aaa, "alice", "pw").accepted);
  EXPECT_EQ(stats_.auth_backoff_refusals.load(), 0U);
}

}  // namespace
}  // namespace bras

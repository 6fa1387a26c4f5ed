// actors/fan_out: the query path's gatherer, with real actors in a CAF
// actor system (no sockets): every target answers, some never do (counted
// missing at the deadline, the reply still comes), an error answer counts
// missing at once, no targets answers at once, and two levels nest like
// shard -> tunnel -> session.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/fan_out.hpp"

namespace bras::actors {
namespace {

using namespace std::chrono_literals;
using answer = std::vector<std::int64_t>;

caf::actor_system_config& two_threads(caf::actor_system_config& cfg) {
  cfg.set("scheduler.max-threads", 2);
  return cfg;
}

/// Answers (query_atom) with {value}.
caf::behavior answering(caf::event_based_actor*, std::int64_t value) {
  return {[value](query_atom) { return answer{value}; }};
}

// CAF 0.17 binds a reference to a null argument tuple when a function actor
// is spawned with no arguments, which UBSan stops on: the targets below take
// an unused tag, as brasd's own function actors take their request.
struct no_args {};

/// Takes (query_atom) and never answers: a busy or ending target.
caf::behavior silent(caf::event_based_actor* self, no_args) {
  return {[self](query_atom) { return self->make_response_promise<answer>(); }};
}

/// Fails (query_atom) through a response promise, as a delegated reply can.
caf::behavior failing(caf::event_based_actor* self, no_args) {
  return {[self](query_atom) {
    auto rp = self->make_response_promise<answer>();
    rp.deliver(caf::make_error(caf::sec::runtime_error, "no"));
    return rp;
  }};
}

/// Returns an error for (query_atom): CAF 0.17 sends it back to the sender
/// of a plain message too.
caf::behavior returning_error(caf::event_based_actor*, no_args) {
  return {[](query_atom) -> caf::result<answer> { return caf::make_error(caf::sec::runtime_error, "no"); }};
}

/// A job that sums the targets' answers and replies {sum, missing}.
fan_out_job<answer> sum_job(std::vector<caf::actor> targets, caf::timespan deadline) {
  fan_out_job<answer> job;
  job.request = caf::make_message(query_atom::value);
  job.targets = std::move(targets);
  job.deadline = deadline;
  auto sum = std::make_shared<std::int64_t>(0);
  job.merge = [sum](caf::event_based_actor*, answer& a) { *sum += a.at(0); };
  job.finish = [sum](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
    reply.deliver(answer{*sum, static_cast<std::int64_t>(missing)});
  };
  return job;
}

/// The asker at the top (the query actor over its shards): answers
/// (query_atom) with `job`'s fan-out.
caf::behavior asking(caf::event_based_actor* self, fan_out_job<answer> job) {
  return {[self, job](query_atom) { return fan_out_to<answer>(self, job); }};
}

class FanOut : public ::testing::Test {
 protected:
  // A failed expectation must not leave the destructor waiting for targets.
  FanOut() { sys.await_actors_before_shutdown(false); }

  /// Starts `job` and waits for its reply ({sum, missing}).
  answer run(fan_out_job<answer> job) {
    caf::scoped_actor self{sys};
    answer got;
    const auto start = std::chrono::steady_clock::now();
    self->request(sys.spawn(asking, std::move(job)), 30s, query_atom::value)
        .receive([&](answer& a) { got = std::move(a); }, [&](const caf::error& e) { ADD_FAILURE() << sys.render(e); });
    elapsed = std::chrono::steady_clock::now() - start;
    return got;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{two_threads(cfg)};
  std::chrono::steady_clock::duration elapsed{};
};

TEST_F(FanOut, AllAnswerBeforeTheDeadline) {
  std::vector<caf::actor> targets;
  for (std::int64_t i = 1; i <= 100; ++i) targets.push_back(sys.spawn(answering, i));
  EXPECT_EQ(run(sum_job(targets, 30s)), (answer{5050, 0}));
  EXPECT_LT(elapsed, 10s);  // did not wait for the deadline
  for (const auto& t : targets) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
}

TEST_F(FanOut, TargetsThatNeverAnswerAreCountedMissingAtTheDeadline) {
  std::vector<caf::actor> targets{sys.spawn(answering, 1), sys.spawn(silent, no_args{}), sys.spawn(answering, 2),
                                  sys.spawn(silent, no_args{})};
  EXPECT_EQ(run(sum_job(targets, 300ms)), (answer{3, 2}));
  EXPECT_GE(elapsed, 300ms);
  for (const auto& t : targets) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
}

TEST_F(FanOut, AnErrorAnswerCountsMissingWithoutWaiting) {
  std::vector<caf::actor> targets{sys.spawn(answering, 5), sys.spawn(failing, no_args{})};
  EXPECT_EQ(run(sum_job(targets, 30s)), (answer{5, 1}));
  EXPECT_LT(elapsed, 10s);
  for (const auto& t : targets) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
}

TEST_F(FanOut, AnErrorResultCountsMissingWithoutWaiting) {
  std::vector<caf::actor> targets{sys.spawn(answering, 5), sys.spawn(returning_error, no_args{})};
  EXPECT_EQ(run(sum_job(targets, 30s)), (answer{5, 1}));
  EXPECT_LT(elapsed, 10s);
  for (const auto& t : targets) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
}

TEST_F(FanOut, NoTargetsRepliesAtOnce) {
  EXPECT_EQ(run(sum_job({}, 30s)), (answer{0, 0}));
  EXPECT_LT(elapsed, 10s);
}

/// A middle level (a shard, a tunnel): answers (query_atom) through its own
/// fan-out over `leaves`, like the tunnel over its sessions.
caf::behavior middle(caf::event_based_actor* self, std::vector<caf::actor> leaves) {
  return {[self, leaves](query_atom) { return fan_out_to<answer>(self, sum_job(leaves, 300ms)); }};
}

TEST_F(FanOut, LevelsNestThroughDelegation) {
  std::vector<caf::actor> first{sys.spawn(answering, 1), sys.spawn(answering, 2)};
  std::vector<caf::actor> second{sys.spawn(answering, 3), sys.spawn(silent, no_args{})};
  std::vector<caf::actor> middles{sys.spawn(middle, first), sys.spawn(middle, second),
                                  sys.spawn(middle, std::vector<caf::actor>{}), sys.spawn(silent, no_args{})};
  // Each middle replies {its sum, its missing}; the top sums both columns.
  fan_out_job<answer> job;
  job.request = caf::make_message(query_atom::value);
  job.targets = middles;
  job.deadline = 1s;
  auto sums = std::make_shared<answer>(answer{0, 0});
  job.merge = [sums](caf::event_based_actor*, answer& a) {
    (*sums)[0] += a.at(0);
    (*sums)[1] += a.at(1);
  };
  job.finish = [sums](caf::event_based_actor*, std::size_t missing, caf::response_promise& reply) {
    sums->push_back(static_cast<std::int64_t>(missing));
    reply.deliver(*sums);
  };
  // 1+2+3 answered; one leaf missing below; one middle missing at the top.
  EXPECT_EQ(run(std::move(job)), (answer{6, 1, 1}));
  for (const auto& t : first) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
  for (const auto& t : second) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
  for (const auto& t : middles) caf::anon_send_exit(t, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace bras::actors
